"""Unit-category choices shared by the dashboards, and the links from the overview's figures
to the pages that list them, with the matching filters applied."""
from __future__ import annotations

import streamlit as st

from core.i18n import t
from ui.charts import show
from ui.navigation import PAGES

CATEGORIES = ("", "government_department", "procuratorate", "police_fire_traffic", "development_zone", "subdistrict")


def category_label(code: str) -> str:
    return t(f"category.{code}") if code else t("overview.filter.all_categories")


def kpi_link(container, page: str, params: dict) -> None:
    container.page_link(PAGES[page].script, label=t("overview.view_list"), icon=":material/arrow_forward:",
                        query_params=params)


def chart_to_list(key: str, params: dict, builder, *args, **kwargs) -> None:
    """Draw a per-unit chart (`builder(*args, **kwargs)`, ui.charts.show); clicking a unit's bar
    opens 移送与反馈 filtered to that unit."""
    event = show(builder, *args, pick="unit_id", key=key, **kwargs)
    chosen = (event or {}).get("selection", {}).get("pick") or []
    if chosen and chosen[0].get("unit_id"):
        st.switch_page(PAGES["referrals"].script, query_params={**params, "to": str(int(chosen[0]["unit_id"]))})
