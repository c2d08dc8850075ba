"""CSV and XLSX bytes from data frames, with spreadsheet formulas neutralised (DESIGN §8): a
cell that starts with = + - @ (or a tab / carriage return) gets a leading quote."""
from __future__ import annotations

import io

import pandas as pd

from core.text import xml_safe

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value):
    if not isinstance(value, str):
        return value
    value = xml_safe(value)  # what a spreadsheet cannot hold (text stored before the rule)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells as a spreadsheet should get them: never a formula, no invalid characters."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_cell_text)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to open Chinese text correctly."""
    buf = io.StringIO()
    neutralise(df).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One XLSX, a sheet per frame (title → frame), header row frozen, text never a formula."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", date_format="yyyy-mm-dd",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xl:
        for title, df in sheets.items():
            name = title[:31]
            neutralise(df).to_excel(xl, index=False, sheet_name=name)
            sheet = xl.sheets[name]
            sheet.freeze_panes(1, 0)
            for i, col in enumerate(df.columns):
                sheet.set_column(i, i, 24 if df[col].dtype == object else 12)
    return buf.getvalue()
