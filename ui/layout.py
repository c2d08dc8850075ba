"""Page furniture shared by every page."""
from __future__ import annotations

import streamlit as st

from core.i18n import t
from db.queries.common import has_demo_data
from ui.session import read


def demo_banner() -> None:
    if read(has_demo_data):
        st.warning(t("app.demo_banner"), icon=":material/science:")
