"""Unit-category choices shared by the dashboards."""
from __future__ import annotations

from core.i18n import t

CATEGORIES = ("", "government_department", "procuratorate", "police_fire_traffic", "development_zone", "subdistrict")


def category_label(code: str) -> str:
    return t(f"category.{code}") if code else t("overview.filter.all_categories")
