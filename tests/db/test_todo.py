"""待办 reads, on SQLite and PostgreSQL: a liaison's list holds only their unit's work, overdue
first, with working days left and a red / amber / green mark; the office sees feedback to
review, items not signed for after two working days and overdue items to chase; the convener
sees items overdue past the escalation threshold."""
from __future__ import annotations

from datetime import date

import pytest

from core.permissions import Actor
from db.commands.items import CreateItem, ReceiveItem, RecordFeedback
from core.todo_settings import TodoSettings
from db.queries.todo import LIMIT, convener_todo, liaison_todo, office_todo, role_todo_count
from tests.conftest import TODAY

OFFICE = Actor(None, "office1", "office")


def item(engine, units, to: str, title: str, due_on: date, sent_on: date = date(2026, 10, 9),
         received: bool = True) -> int:
    return CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                      to_unit_id=units[to], doc_number=f"硚检建〔2026〕{title}号", title=title, sent_on=sent_on,
                      received_on=sent_on if received else None, details={}, due_on_override=due_on,
                      override_reason="建议书载明期限").run(engine)


@pytest.fixture
def work(engine, units):
    ids = {
        # Thu 11-26: overdue by 4 working days (11-20 Fri → 23, 24, 25, 26)
        "late": item(engine, units, "market_regulation", "超期事项", date(2026, 11, 20)),
        "soon": item(engine, units, "market_regulation", "三个工作日内到期", date(2026, 12, 1)),
        "later": item(engine, units, "market_regulation", "下月到期", date(2026, 12, 28)),
        "unsigned": item(engine, units, "market_regulation", "未签收事项", date(2026, 12, 28),
                         sent_on=date(2026, 11, 20), received=False),
        "fresh": item(engine, units, "market_regulation", "昨日发出", date(2026, 12, 28),
                      sent_on=date(2026, 11, 25), received=False),
        "other": item(engine, units, "education", "教育局事项", date(2026, 11, 2)),
        "answered": item(engine, units, "education", "已反馈事项", date(2026, 12, 20)),
    }
    RecordFeedback(OFFICE, item_id=ids["answered"], version=1, on=date(2026, 11, 24),
                   feedback_text="已整改", outcome="采纳").run(engine)
    return ids


def test_a_liaison_sees_only_their_units_work_overdue_first_with_marks(engine, units, work):
    rows = liaison_todo(engine, units["market_regulation"], TODAY)
    assert [(r["id"], r["work"]) for r in rows if r["entity"] == "item"] == [
        (work["late"], "feedback"), (work["soon"], "feedback"), (work["later"], "feedback"),
        (work["unsigned"], "sign"), (work["fresh"], "sign")]
    assert {r["unit_id"] for r in rows} == {units["market_regulation"]}
    by_id = {r["id"]: r for r in rows if r["entity"] == "item"}
    assert work["other"] not in by_id and work["answered"] not in by_id
    assert (by_id[work["late"]]["days"], by_id[work["late"]]["mark"]) == (-4, "red")
    assert (by_id[work["soon"]]["days"], by_id[work["soon"]]["mark"]) == (3, "amber")
    assert by_id[work["later"]]["mark"] == "green"
    assert by_id[work["unsigned"]]["work"] == "sign"
    assert rows[0]["id"] == work["late"]


def test_the_office_sees_feedback_to_review_unsigned_items_and_overdue_to_chase(engine, work):
    rows = office_todo(engine, TODAY)
    kinds = {(r["work"], r["id"]) for r in rows}
    assert ("review", work["answered"]) in kinds
    assert ("unsigned", work["unsigned"]) in kinds and ("unsigned", work["fresh"]) not in kinds
    assert {("chase", work["late"]), ("chase", work["other"])} <= kinds
    assert ("chase", work["soon"]) not in kinds
    review = next(r for r in rows if r["work"] == "review")
    assert (review["due_on"], review["days"]) == (date(2026, 11, 24), None)


def test_the_convener_sees_items_overdue_past_the_threshold(engine, work):
    rows = convener_todo(engine, TODAY, TodoSettings(escalate_after=5))
    assert [(r["work"], r["id"]) for r in rows if r["entity"] == "item"] == [("escalate", work["other"])]
    rows = convener_todo(engine, TODAY, TodoSettings(escalate_after=3))
    assert {r["id"] for r in rows if r["entity"] == "item"} == {work["other"], work["late"]}


@pytest.mark.parametrize("role", ["office", "convener"])
def test_the_navigation_count_is_the_number_of_rows_listed(engine, work, role):
    """The number beside 待办 is counted in SQL on every page; it is what the 待办 page lists, each
    list capped at LIMIT rows as there."""
    listed = {"office": office_todo, "convener": convener_todo}[role](engine, TODAY)
    assert role_todo_count(engine, role, TODAY) == len(listed) > 0


def test_the_navigation_count_caps_each_list_as_the_page_does(engine, work, monkeypatch):
    import db.queries.todo as todo
    monkeypatch.setattr(todo, "LIMIT", 1)
    assert role_todo_count(engine, "office", TODAY) == len(office_todo(engine, TODAY)) < LIMIT


def test_an_item_unsigned_and_overdue_is_listed_once_to_chase(engine, units, work):
    """Found by the benchmark at scale 10: listed as unsigned and as overdue, it drew two 催办
    buttons of one key and the office's 待办 failed."""
    both = item(engine, units, "market_regulation", "未签收且逾期", date(2026, 11, 20), sent_on=date(2026, 11, 2),
                received=False)
    no_due = CreateItem(OFFICE, kind="major_case_notice", from_unit_id=units["market_regulation"],
                        to_unit_id=units["procuratorate"], doc_number="硚市监通〔2026〕9号", title="无需反馈的通报",
                        sent_on=date(2026, 11, 2), received_on=None, details={}).run(engine)
    rows = office_todo(engine, TODAY)
    assert [r["work"] for r in rows if r["id"] == both] == ["chase"]
    assert [r["work"] for r in rows if r["id"] == no_due] == ["unsigned"]  # no due date: still unsigned
    assert role_todo_count(engine, "office", TODAY) == len(rows)
