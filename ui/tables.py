"""Tables shown to users: Chinese column labels, formatted dates and statuses, and downloads as
CSV and XLSX with spreadsheet formulas neutralised."""
from __future__ import annotations

import io
from datetime import date
from typing import Callable

import pandas as pd
import streamlit as st

from core.i18n import fmt_date, t
from core.kinds import KINDS

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def present(value) -> bool:
    """True for a real value: not None, not a pandas blank (NaN/NaT), not an empty string."""
    return value is not None and value != "" and not pd.isna(value)


def kind_label(code: str | None) -> str:
    return KINDS[code].label if isinstance(code, str) and code in KINDS else t("common.none")


def status_label(code: str | None) -> str:
    """Chinese name of a lifecycle stage; blank cells (None, NaN) show as a dash."""
    return t(f"status.{code}") if isinstance(code, str) and code else t("common.none")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Spreadsheet apps run cells that start with = + - @; prefix such text with a quote."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def for_display(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Keep `columns` (name -> catalog key), format dates one way and map codes to labels."""
    out = df[list(columns)].copy()
    for col in out.columns:
        if col in ("kind",):
            out[col] = out[col].map(kind_label)
        elif col in ("status",):
            out[col] = out[col].map(status_label)
        elif out[col].map(lambda v: isinstance(v, date)).any():
            out[col] = out[col].map(lambda v: fmt_date(v) if isinstance(v, date) else t("common.none"))
    return out.rename(columns={c: t(k) for c, k in columns.items()})


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    neutralise_formulas(df).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with BOM correctly


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xl:
        neutralise_formulas(df).to_excel(xl, index=False, sheet_name=sheet[:31])
        xl.sheets[sheet[:31]].freeze_panes(1, 0)
    return buf.getvalue()


def download_buttons(make_df: Callable[[], pd.DataFrame], file_stem: str, *, key: str) -> None:
    """CSV and XLSX downloads, built only when clicked."""
    c1, c2 = st.columns(2)
    c1.download_button(t("common.download_csv"), lambda: to_csv_bytes(make_df()), file_name=f"{file_stem}.csv",
                       mime="text/csv", key=f"{key}.csv", on_click="ignore", icon=":material/download:")
    c2.download_button(t("common.download_xlsx"), lambda: to_xlsx_bytes(make_df()), file_name=f"{file_stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}.xlsx", on_click="ignore", icon=":material/download:")
