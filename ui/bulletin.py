"""The 通报 as labelled tables — the same sections on screen, in Excel and in Word — and the two
Word documents drawn from them: the 通报 of the period and the yearly 工作情况报告 to the 联席会议
(one builder, core.documents_bulletin.build_report, in two sets of words)."""
from __future__ import annotations

from datetime import date

import pandas as pd

from core.documents_bulletin import DocSection, DocTable, Report, build_report
from core.i18n import fmt_date, fmt_due, group_label, long_date, t
from db.queries.bulletin import FIGURES, Bulletin, period_kind

RATE_THRESHOLD = 80  # per cent: a unit answering on time less often is named under 存在问题
BULLETIN, ANNUAL = "bulletin", "annual"

FIGURE_KEYS = {  # Bulletin.figures -> its label
    "received": "bulletin.figure.received", "answered": "bulletin.figure.answered",
    "on_time": "bulletin.figure.on_time", "late": "bulletin.figure.late", "overdue": "bulletin.figure.overdue",
    "overdue_at_end": "bulletin.figure.overdue_at_end", "overdue_units": "bulletin.figure.overdue_units",
    "meetings": "bulletin.figure.meetings", "fu_due": "bulletin.figure.fu_due", "fu_done": "bulletin.figure.fu_done",
    "fu_done_on_time": "bulletin.figure.fu_done_on_time", "fu_overdue": "bulletin.figure.fu_overdue",
    "fu_overdue_at_end": "bulletin.figure.fu_overdue_at_end", "sup_issued": "bulletin.figure.sup_issued",
    "sup_resolved": "bulletin.figure.sup_resolved", "sup_resolved_on_time": "bulletin.figure.sup_resolved_on_time",
    "sup_responded": "bulletin.figure.sup_responded", "sup_no_response": "bulletin.figure.sup_no_response",
    "sup_escalated": "bulletin.figure.sup_escalated", "referred": "bulletin.figure.referred",
    "referred_with_result": "bulletin.figure.referred_with_result", "task_updates": "bulletin.figure.task_updates",
    "tasks_late": "bulletin.figure.tasks_late", "tasks_done": "bulletin.figure.tasks_done",
    "late_milestones": "bulletin.figure.late_milestones",
}
assert tuple(FIGURE_KEYS) == FIGURES

# the page's and the workbook's sections, in order (each a table of section_tables)
SECTION_KEYS = {
    "summary": "bulletin.section.summary", "mechanisms": "bulletin.section.mechanisms",
    "units": "bulletin.section.units", "overdue_units": "bulletin.section.overdue_units",
    "supervision": "bulletin.section.supervision", "follow_ups": "bulletin.section.follow_ups",
    "tasks": "bulletin.section.tasks", "late_milestones": "bulletin.section.late_milestones",
}

# the numbered sections of each document: catalog key of the heading
DOC_SECTIONS = {
    BULLETIN: {"mechanisms": "bulletin.section.mechanisms", "units": "bulletin.section.units",
               "supervision": "bulletin.section.supervision", "follow_ups": "bulletin.section.follow_ups",
               "tasks": "bulletin.section.tasks", "outlook": "bulletin.section.outlook"},
    ANNUAL: {"basic": "bulletin.annual.section.basic", "mechanisms": "bulletin.annual.section.mechanisms",
             "units": "bulletin.annual.section.units", "supervision": "bulletin.annual.section.supervision",
             "follow_ups": "bulletin.annual.section.follow_ups", "tasks": "bulletin.annual.section.tasks",
             "outlook": "bulletin.annual.section.outlook"},
}


# -- words -----------------------------------------------------------------------------------------

def period_name(start: date, end: date) -> str:
    """2026年11月, 2026年第三季度, 2026年, or 2026年1月5日至2026年2月10日."""
    kind = period_kind(start, end)
    if kind == "month":
        return t("bulletin.period.month", y=start.year, m=start.month)
    if kind == "quarter":
        return t("bulletin.period.quarter", y=start.year, q=t("bulletin.quarters")[(start.month - 1) // 3])
    if kind == "year":
        return t("bulletin.period.year", y=start.year)
    return t("bulletin.period.range", start=long_date(start), end=long_date(end))


def rate_text(rate: float | None) -> str:
    return t("bulletin.rate_none") if rate is None else t("bulletin.percent", value=rate * 100)


def _dates(series: pd.Series) -> list[str]:
    return [fmt_date(None if d is None or pd.isna(d) else d) for d in series]


def problems(b: Bulletin, span: str) -> str:
    """存在问题, generated from the figures: units answering on time less than RATE_THRESHOLD per
    cent of the time, items and follow-ups overdue, escalated 督办, late milestones."""
    f = b.figures
    low = [u for u, r in zip(b.by_unit["unit"], b.by_unit["on_time_rate"])
           if r is not None and r * 100 < RATE_THRESHOLD]
    found = []
    if low:
        found.append(t("bulletin.doc.problem_rate", units="、".join(low), threshold=RATE_THRESHOLD))
    for key, figure in (("bulletin.doc.problem_overdue", "overdue_at_end"),
                        ("bulletin.doc.problem_follow_ups", "fu_overdue_at_end"),
                        ("bulletin.doc.problem_supervision", "sup_escalated"),
                        ("bulletin.doc.problem_milestones", "late_milestones")):
        if f[figure]:
            found.append(t(key, n=f[figure]))
    return t("bulletin.doc.problems", problems=";".join(found)) if found else t("bulletin.doc.no_problems", span=span)


# -- tables ----------------------------------------------------------------------------------------

def section_tables(b: Bulletin) -> dict[str, pd.DataFrame]:
    """Every table of the 通报, with its column headings (keys as SECTION_KEYS)."""
    f = b.figures
    summary_keys = list(FIGURES)
    summary_keys.insert(summary_keys.index("overdue") + 1, "on_time_rate")
    summary = pd.DataFrame({
        t("bulletin.col.figure"): [t(FIGURE_KEYS[k]) if k in FIGURE_KEYS else t("bulletin.figure.on_time_rate")
                                   for k in summary_keys],
        t("bulletin.col.value"): pd.Series([rate_text(b.on_time_rate) if k == "on_time_rate" else f[k]
                                            for k in summary_keys], dtype=object),
    })
    m, u, o, s = b.by_mechanism, b.by_unit, b.overdue_units, b.supervision
    fu, g, lm = b.follow_ups_overdue, b.task_groups, b.late_milestones
    return {
        "summary": summary,
        "mechanisms": pd.DataFrame({t("bulletin.col.mechanism"): m["mechanism"],
                                    t("bulletin.col.mechanism_title"): m["title"],
                                    t("bulletin.col.items"): m["items"], t("bulletin.col.meetings"): m["meetings"],
                                    t("bulletin.col.answered"): m["answered"],
                                    t("bulletin.col.overdue_at_end"): m["overdue_at_end"]}),
        "units": pd.DataFrame({t("bulletin.col.unit"): u["unit"], t("bulletin.col.received"): u["received"],
                               t("bulletin.col.on_time"): u["on_time"], t("bulletin.col.late"): u["late"],
                               t("bulletin.col.overdue"): u["overdue"],
                               t("bulletin.col.rate"): [rate_text(r) for r in u["on_time_rate"]],
                               t("bulletin.col.referred"): u["referred"]}),
        "overdue_units": pd.DataFrame({t("bulletin.col.unit"): o["unit"],
                                       t("bulletin.col.overdue_count"): o["overdue"],
                                       t("bulletin.col.oldest_due"): [fmt_due(d, a) for d, a in
                                                                      zip(o["oldest_due_on"],
                                                                          o["oldest_due_approximate"])]}),
        "supervision": pd.DataFrame({t("bulletin.col.level"): s["level"], t("bulletin.col.issued"): s["issued"],
                                     t("bulletin.col.resolved"): s["resolved"],
                                     t("bulletin.col.resolved_on_time"): s["resolved_on_time"],
                                     t("bulletin.col.responded"): s["responded"],
                                     t("bulletin.col.no_response"): s["no_response"],
                                     t("bulletin.col.escalated"): s["escalated"]}),
        "follow_ups": pd.DataFrame({t("bulletin.col.follow_up"): fu["text"], t("bulletin.col.lead_unit"): fu["lead_unit"],
                                    t("bulletin.col.meeting"): fu["meeting"], t("bulletin.col.due_on"): _dates(fu["due_on"]),
                                    t("bulletin.col.status"): [t("fu_status.overdue")] * len(fu)}),
        "tasks": pd.DataFrame({t("bulletin.col.group"): [group_label(n, x) for n, x in
                                                         zip(g["group_number"], g["group_title"])],
                               t("bulletin.col.tasks"): g["tasks"],
                               t("bulletin.col.percent"): [t("bulletin.percent", value=p) for p in g["percent"]],
                               t("bulletin.col.tasks_done"): g["done"], t("bulletin.col.tasks_late"): g["late"],
                               t("bulletin.col.updates"): g["updates"],
                               t("bulletin.col.late_milestones"): g["late_milestones"]}),
        "late_milestones": pd.DataFrame({t("bulletin.col.task"): [f"{n}. {x}" for n, x in zip(lm["number"], lm["task"])],
                                         t("bulletin.col.milestone"): lm["milestone"],
                                         t("bulletin.col.planned_on"): _dates(lm["planned_on"])}),
    }


def bulletin_xlsx(b: Bulletin) -> bytes:
    tables = section_tables(b)
    from core.documents import workbook  # python-docx is loaded when a file is made, not with the page
    return workbook([(t(SECTION_KEYS[k]), tables[k]) for k in SECTION_KEYS])


# -- the Word documents ----------------------------------------------------------------------------

def _doc_table(df: pd.DataFrame, left: tuple[int, ...] = (0,)) -> DocTable:
    return DocTable(list(df.columns), [["" if v is None else str(v) for v in row] for row in df.itertuples(index=False)],
                    left)


def _words(b: Bulletin, form: str = BULLETIN) -> dict:
    """The figures as the documents' sentences use them."""
    return {**b.figures, "rate": rate_text(b.on_time_rate), "as_of": long_date(b.through),
            "period": period_name(b.start, b.end), "year": b.start.year,
            "span": t("bulletin.span") if form == BULLETIN else t("bulletin.annual.span")}


def _sections(b: Bulletin, form: str) -> list[DocSection]:
    tables = section_tables(b)
    words = _words(b, form)
    none = t("bulletin.none")
    named = (t("bulletin.doc.overdue_named", as_of=words["as_of"], units="、".join(b.overdue_units["unit"]))
             if len(b.overdue_units) else t("bulletin.doc.overdue_none", as_of=words["as_of"]))
    blocks = {
        "basic": (_doc_table(tables["summary"]),),
        "mechanisms": (_doc_table(tables["mechanisms"], left=(1,)),),
        "units": (t("bulletin.units_caption", span=words["span"]), _doc_table(tables["units"]), named,
                  _doc_table(tables["overdue_units"])),
        "supervision": (t("bulletin.doc.supervision", **words), _doc_table(tables["supervision"])),
        "follow_ups": (t("bulletin.doc.follow_ups", **words), _doc_table(tables["follow_ups"], left=(0, 1, 2))),
        "tasks": (t("bulletin.doc.tasks", **words), _doc_table(tables["tasks"]),
                  _doc_table(tables["late_milestones"], left=(0, 1))),
        "outlook": (problems(b, words["span"]), t("bulletin.doc.requirements") if form == BULLETIN else t("bulletin.annual.plans")),
    }
    return [DocSection(t(heading), blocks[key], none) for key, heading in DOC_SECTIONS[form].items()]


SERIAL_DIGITS = 6  # the 文号's serial: digits only, at most this many (the page's field)


def number_line(serial: str | None, issued_on: date, mark: str) -> str:
    """硚府检联通〔2026〕3号 (`mark`: the district's, db.queries.common.district_words), or the line
    with blanks to fill in by hand."""
    return t("bulletin.doc.number", year=issued_on.year, serial=serial, mark=mark) if serial else \
        t("bulletin.doc.number_blank", mark=mark)


def bulletin_docx(b: Bulletin, issued_on: date, district: dict[str, str], serial: str | None = None) -> bytes:
    """The 通报 of the period (`district`: db.queries.common.district_words)."""
    words = _words(b)
    return build_report(Report(
        title=t("bulletin.doc.title", period=words["period"]), number=number_line(serial, issued_on, district["mark"]),
        addressee=t("bulletin.doc.addressee"), intro=t("bulletin.doc.intro", **words),
        sections=_sections(b, BULLETIN), signature=t("notice.signature"), issued_on=issued_on))


def annual_docx(b: Bulletin, issued_on: date, district: dict[str, str]) -> bytes:
    """The yearly 府检联动工作情况报告 to the 联席会议 (`b`: the figures of one calendar year)."""
    words = _words(b, ANNUAL)
    return build_report(Report(
        title=t("bulletin.annual.title", year=b.start.year, district=district["district"]), addressee=t("bulletin.annual.addressee"),
        intro=t("bulletin.annual.intro", **words), sections=_sections(b, ANNUAL),
        signature=t("notice.signature"), issued_on=issued_on))
