"""Page furniture shared by every page: title, demo banner, dates, downloads."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from core.i18n import t
from db.queries.common import has_demo_data
from ui.session import read

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def demo_banner() -> None:
    if read(has_demo_data):
        st.warning(t("app.demo_banner"), icon=":material/science:")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Spreadsheet apps run cells that start with = + - @; prefix such text with a quote."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def csv_download(df: pd.DataFrame, file_name: str, *, key: str) -> None:
    buf = io.StringIO()
    neutralise_formulas(df).to_csv(buf, index=False)
    st.download_button(t("overview.download"), buf.getvalue().encode("utf-8-sig"), file_name=file_name,
                       mime="text/csv", key=key)
