"""The weekly review on SQLite and PostgreSQL: figures against hand-built data for a pinned week,
and the Word and Excel 周报 read back with python-docx and openpyxl."""
import io
from datetime import date

import openpyxl
import pytest
from docx import Document

from core.permissions import Actor
from db.commands.items import CloseItem, CreateItem, RecordFeedback, StartItem
from db.engine import read_session
from db.models import Unit
from db.queries.weekly import week_of, weekly_review
from ui.weekly import weekly_report_docx, weekly_report_xlsx
from sqlalchemy import select

OFFICE = Actor(None, "system", "admin")
MONDAY = date(2026, 11, 16)  # the week of 2026-11-16 .. 2026-11-22; today is 2026-11-26
TODAY = date(2026, 11, 26)


def unit(engine, code):
    with read_session(engine) as s:
        return s.scalar(select(Unit.id).where(Unit.code == code))


def make(engine, title, sent_on, received_on, **extra):
    return CreateItem(OFFICE, kind="investigation_assistance", from_unit_id=unit(engine, "procuratorate"),
                      to_unit_id=unit(engine, extra.pop("to", "market_regulation")), title=title, sent_on=sent_on,
                      received_on=received_on, **extra).run(engine)


@pytest.fixture
def week_data(engine):
    """Four items whose dates fall around the pinned week (15-day rule, calendar days)."""
    ids = {}
    # sent in the week; due 2026-12-03 (not overdue yet)
    ids["new"] = make(engine, "本周新发", date(2026, 11, 17), date(2026, 11, 18))
    # received 2026-10-27 → due 2026-11-11... → overdue before the week (still overdue at its end)
    ids["old_overdue"] = make(engine, "早已逾期", date(2026, 10, 27), date(2026, 10, 27), to="justice")
    # received 2026-11-02 → due 2026-11-17: became overdue during the week
    ids["newly"] = make(engine, "本周新增逾期", date(2026, 11, 2), date(2026, 11, 2))
    # answered and closed in the week
    ids["answered"] = make(engine, "本周反馈并办结", date(2026, 11, 3), date(2026, 11, 3))
    StartItem(OFFICE, item_id=ids["answered"], on=date(2026, 11, 4)).run(engine)
    RecordFeedback(OFFICE, item_id=ids["answered"], on=date(2026, 11, 18), feedback_text="已协助",
                   outcome="已协助").run(engine)
    CloseItem(OFFICE, item_id=ids["answered"], on=date(2026, 11, 19)).run(engine)
    return ids


def test_week_starts_on_monday():
    assert week_of(date(2026, 11, 22)) == MONDAY  # Sunday
    assert week_of(MONDAY) == MONDAY
    assert week_of(date(2026, 11, 23)) == date(2026, 11, 23)


def test_figures_of_the_week_and_the_week_before(engine, week_data):
    review = weekly_review(engine, MONDAY, TODAY)
    f, p = review["figures"], review["previous"]
    assert (review["monday"], review["sunday"]) == (MONDAY, date(2026, 11, 22))
    assert f["new_items"] == 1 and set(review["new_items"]["title"]) == {"本周新发"}
    assert f["feedback_received"] == 1 and f["closed"] == 1
    assert f["newly_overdue"] == 1  # due 11-17, no answer by then
    assert f["overdue_at_end"] == 2  # 早已逾期 + 本周新增逾期, read on Monday 11-23
    assert p["new_items"] == 0 and p["overdue_at_end"] == 1  # a week earlier only 早已逾期 was overdue
    units = review["overdue_by_unit"].set_index("unit")
    assert units.at["区市场监管局", "overdue"] == 1 and units.at["区市场监管局", "change"] == 1
    assert units.at["区司法局", "overdue"] == 1 and units.at["区司法局", "change"] == 0
    assert list(review["overdue_by_unit"]["overdue"]) == sorted(review["overdue_by_unit"]["overdue"], reverse=True)


def test_docx_report_matches_the_database(engine, week_data):
    review = weekly_review(engine, MONDAY, TODAY)
    doc = Document(io.BytesIO(weekly_report_docx(review, TODAY)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "府检联动工作周报" in text and "(2026年11月16日—2026年11月22日)" in text
    assert "本周共新增事项 1 件,收到反馈 1 件,办结 1 件,新增逾期 1 件" in text
    assert "2026年11月26日" in text
    summary = doc.tables[0]
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in summary.rows[1:]}
    assert rows["周末仍逾期"] == ["2", "1", "+1"]
    overdue = doc.tables[1]
    assert [c.text for c in overdue.rows[0].cells] == ["成员单位", "逾期件数", "增减", "最早到期"]
    assert {r.cells[0].text for r in overdue.rows[1:]} == {"区市场监管局", "区司法局"}


def test_xlsx_report_has_one_sheet_per_section(engine, week_data):
    review = weekly_review(engine, MONDAY, TODAY)
    book = openpyxl.load_workbook(io.BytesIO(weekly_report_xlsx(review)))
    assert book.sheetnames[:2] == ["本周概况", "仍逾期未反馈(按单位)"] and "本周新增事项" in book.sheetnames
    summary = {row[0]: row[1:] for row in book["本周概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["新增事项"][:2] == (1, 0)
    new_items = list(book["本周新增事项"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in new_items] == ["本周新发"]


def test_formulas_in_user_text_are_neutralised(engine):
    make(engine, "=HYPERLINK(\"http://x\")", date(2026, 11, 17), date(2026, 11, 17))
    review = weekly_review(engine, MONDAY, TODAY)
    book = openpyxl.load_workbook(io.BytesIO(weekly_report_xlsx(review)))
    titles = [r[0] for r in book["本周新增事项"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["'=HYPERLINK(\"http://x\")"]


def test_this_week_counts_nothing_ahead_of_today_as_late(engine):
    """Today is Thursday 2026-11-26: an item due on Friday is not overdue yet."""
    make(engine, "周五才到期", date(2026, 11, 12), date(2026, 11, 12))  # 15 days from 11-12 → due 11-27
    review = weekly_review(engine, date(2026, 11, 23), TODAY)
    assert review["figures"]["newly_overdue"] == 0
    assert review["figures"]["overdue_at_end"] == 0
