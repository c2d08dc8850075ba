"""The city 通报: the districts side by side over a period, as a table on 全市总览 and as Word and
Excel. Each district's figures are its own 通报's (db.queries.city.district_bulletins), so the
city document and a district's never disagree."""
from __future__ import annotations

from datetime import date

import pandas as pd

from core.documents_bulletin import DocSection, DocTable, Report, build_report
from core.i18n import t
from db.queries.bulletin import Bulletin
from ui.bulletin import FIGURE_KEYS, period_name, rate_text

# the columns of each comparison, by the sections of the document and the sheets of the workbook
SECTIONS = {
    "city.bulletin.section.items": ("received", "answered", "on_time", "late", "on_time_rate", "overdue_at_end",
                                    "overdue_units"),
    "city.bulletin.section.supervision": ("sup_issued", "sup_resolved", "sup_escalated", "referred"),
    "city.bulletin.section.follow_ups": ("meetings", "fu_due", "fu_done", "fu_overdue", "tasks_late",
                                         "late_milestones"),
}


def _value(b: Bulletin, key: str):
    return rate_text(b.on_time_rate) if key == "on_time_rate" else b.figures[key]


def _label(key: str) -> str:
    return t("bulletin.figure.on_time_rate") if key == "on_time_rate" else t(FIGURE_KEYS[key])


def comparison(rows: list[tuple[str, Bulletin]], keys) -> pd.DataFrame:
    """One row per district, one column per figure (its 通报 label)."""
    return pd.DataFrame([{t("city.col.district"): name, **{_label(k): _value(b, k) for k in keys}}
                         for name, b in rows], columns=[t("city.col.district"), *(_label(k) for k in keys)])


def city_xlsx(rows: list[tuple[str, Bulletin]]) -> bytes:
    from core.documents import workbook  # python-docx is loaded when a file is made, not with the page
    return workbook([(t(section), comparison(rows, keys)) for section, keys in SECTIONS.items()])


def _table(df: pd.DataFrame) -> DocTable:
    return DocTable(list(df.columns), [[str(v) for v in r] for r in df.itertuples(index=False)])


def _attention(rows: list[tuple[str, Bulletin]]) -> str:
    """The districts to name: overdue items at the period's end, the most first."""
    named = sorted(((b.figures["overdue_at_end"], name) for name, b in rows if b.figures["overdue_at_end"]),
                   reverse=True)
    if not named:
        return t("city.bulletin.doc.no_overdue")
    return t("city.bulletin.doc.overdue", districts="、".join(t("city.bulletin.doc.district_overdue", district=n, n=c)
                                                             for c, n in named))


def city_docx(rows: list[tuple[str, Bulletin]], start: date, end: date, issued_on: date) -> bytes:
    total = {k: sum(b.figures[k] for _, b in rows) for k in ("received", "answered", "overdue_at_end", "sup_issued")}
    period = period_name(start, end)
    sections = [DocSection(t(section), (_table(comparison(rows, keys)),), t("bulletin.none"))
                for section, keys in SECTIONS.items()]
    sections.append(DocSection(t("city.bulletin.section.outlook"),
                               (_attention(rows), t("city.bulletin.doc.requirements"))))
    return build_report(Report(
        title=t("city.bulletin.doc.title", period=period), addressee=t("city.bulletin.doc.addressee"),
        intro=t("city.bulletin.doc.intro", period=period, districts=len(rows), **total),
        sections=sections, signature=t("city.bulletin.doc.signature"), issued_on=issued_on))
