"""The weekly review as labelled tables: the same sections on screen, in Word and in Excel."""
from __future__ import annotations

import pandas as pd

from core.i18n import fmt_date, fmt_due, long_date, t
from core.kinds import KINDS
from db.queries.weekly import SECTIONS

FIGURES = ("new_items", "feedback_received", "newly_overdue", "closed", "overdue_at_end", "follow_ups_next_week",
           "task_updates", "late_milestones", "open_supervision")


def _dates(series: pd.Series) -> pd.Series:
    return series.map(lambda d: fmt_date(d) if d is not None and not pd.isna(d) else t("common.none"))


def section_tables(review: dict) -> dict[str, pd.DataFrame]:
    f, p = review["figures"], review["previous"]
    summary = pd.DataFrame({
        t("weekly.col.figure"): [t(f"weekly.figure.{k}") for k in FIGURES],
        t("weekly.col.this_week"): [f[k] for k in FIGURES],
        t("weekly.col.previous_week"): [p[k] for k in FIGURES],
        t("weekly.col.change"): [f"{f[k] - p[k]:+d}" for k in FIGURES],
    })
    ou = review["overdue_by_unit"]
    fu = review["follow_ups_next_week"]
    tu = review["task_updates"]
    lm = review["late_milestones"]
    sv = review["open_supervision"]
    return {
        "summary": summary,
        "overdue_by_unit": pd.DataFrame({t("overview.col.unit"): ou["unit"], t("weekly.col.overdue"): ou["overdue"],
                                         t("weekly.col.change"): ou["change"].map(lambda d: f"{d:+d}"),
                                         t("weekly.col.oldest"): _dates(ou["oldest_due_on"])}),
        "follow_ups_next_week": pd.DataFrame({t("follow_up.text"): fu["text"], t("follow_up.lead_unit"): fu["lead_unit"],
                                              t("follow_up.due_on"): _dates(fu["due_on"]),
                                              t("item.status"): fu["status"].map(lambda s: t(f"fu_status.{s}")),
                                              t("follow_up.meeting"): fu["meeting"]}),
        "task_updates": pd.DataFrame({t("tasks.col.title"): [f"{n}. {x}" for n, x in zip(tu["number"], tu["task"])],
                                      t("task.reported_on"): _dates(tu["reported_on"]), t("task.unit"): tu["unit"],
                                      t("task.percent"): tu["percent"], t("task.progress_text"): tu["text"]}),
        "late_milestones": pd.DataFrame({t("tasks.col.title"): [f"{n}. {x}" for n, x in zip(lm["number"], lm["task"])],
                                         t("task.milestone_title"): lm["milestone"],
                                         t("task.planned_on"): _dates(lm["planned_on"]),
                                         t("task.done_on"): _dates(lm["done_on"])}),
        "open_supervision": pd.DataFrame({t("supervision.unit"): sv["unit"], t("supervision.level"): sv["level"],
                                          t("supervision.deadline"): _dates(sv["deadline"]),
                                          t("item.status"): [t("sup_status.escalated") if e else t(f"sup_status.{s}")
                                                             for s, e in zip(sv["status"], sv["escalated"])],
                                          t("supervision.instruction"): sv["instruction"]}),
        "new_items": pd.DataFrame({t("item.title"): review["new_items"]["title"],
                                   t("item.kind"): review["new_items"]["kind"].map(lambda k: KINDS[k].label),
                                   t("item.from_unit"): review["new_items"]["from_unit"],
                                   t("item.to_unit"): review["new_items"]["to_unit"],
                                   t("item.due_on"): [fmt_due(d if d is not None and not pd.isna(d) else None, a)
                                                      for d, a in zip(review["new_items"]["due_on"],
                                                                      review["new_items"]["due_approximate"])]}),
    }


ORDER = SECTIONS + ("new_items",)


def weekly_report_docx(review: dict, issued_on) -> bytes:
    from core.documents import weekly_docx  # python-docx is loaded when a file is made, not with the page
    tables = section_tables(review)
    intro = t("weekly.doc_intro", as_of=long_date(review["as_of"]), **review["figures"])
    return weekly_docx((review["monday"], review["sunday"]), intro,
                       [(t(f"weekly.section.{k}"), tables[k]) for k in ORDER], issued_on)


def weekly_report_xlsx(review: dict) -> bytes:
    from core.documents import workbook
    tables = section_tables(review)
    return workbook([(t(f"weekly.section.{k}"), tables[k]) for k in ORDER])
