"""The shared SQL conditions (db/queries/predicates.py) at their date boundaries, on SQLite and
PostgreSQL, and each against its one-row twin in core.lifecycles. "Today" is 2026-11-26.

Items (procuratorate → 区市场监管局; sent 400 days ago unless said):
  due_today             sent         due today                       sent 30 days ago
  due_yesterday         received     due yesterday                   sent 31 days ago
  due_in_7              in_progress  due in 7 days
  due_in_8              sent         due in 8 days
  answered_on_due_date  responded    due 10 days ago, answered that day
  answered_a_day_late   closed       due 10 days ago, answered the day after
  answered_a_year_ago   closed       due and answered 365 days ago
  answered_earlier      closed       due and answered 366 days ago
  no_feedback_needed    sent         no due date, information only
  withdrawn_past_due    withdrawn    due yesterday
Follow-ups (区市场监管局 leads, except the one it assists): due today / yesterday (open, in
progress), done yesterday on its due date, done a week late, cancelled past due, due in 7 days.
Supervision: issued with the deadline today / yesterday, responded and resolved past the
deadline, a draft past the deadline."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, or_, select

from core import lifecycles as lc
from core.kinds import KINDS
from db.engine import read_session, session_factory
from db.models import FollowUp, FollowUpAssist, Item, Meeting, Supervision, Unit
from db.queries import predicates as p
from tests.conftest import TODAY

YESTERDAY = TODAY - timedelta(days=1)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


ITEMS = {  # name: (status, due_on, feedback_on, sent_on)
    "due_today": ("sent", TODAY, None, days(-30)),
    "due_yesterday": ("received", YESTERDAY, None, days(-31)),
    "due_in_7": ("in_progress", days(7), None, days(-400)),
    "due_in_8": ("sent", days(8), None, days(-400)),
    "answered_on_due_date": ("responded", days(-10), days(-10), days(-400)),
    "answered_a_day_late": ("closed", days(-10), days(-9), days(-400)),
    "answered_a_year_ago": ("closed", days(-365), days(-365), days(-400)),
    "answered_earlier": ("closed", days(-366), days(-366), days(-400)),
    "no_feedback_needed": ("sent", None, None, days(-400)),
    "withdrawn_past_due": ("withdrawn", YESTERDAY, None, days(-400)),
}
FOLLOW_UPS = {  # name: (status, due_on, done_on)
    "fu_due_today": ("open", TODAY, None),
    "fu_due_yesterday": ("in_progress", YESTERDAY, None),
    "fu_done_on_due_date": ("done", YESTERDAY, YESTERDAY),
    "fu_done_late": ("done", days(-8), YESTERDAY),
    "fu_cancelled_past_due": ("cancelled", YESTERDAY, None),
    "fu_assisting_due_in_7": ("open", days(7), None),
}
SUPERVISION = {  # name: (status, deadline)
    "sup_deadline_today": ("issued", TODAY),
    "sup_deadline_yesterday": ("issued", YESTERDAY),
    "sup_responded_past": ("responded", YESTERDAY),
    "sup_resolved_past": ("resolved", YESTERDAY),
    "sup_draft_past": ("draft", YESTERDAY),
}


@pytest.fixture
def world(engine):
    with read_session(engine) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
    market, procuratorate, justice = units["market_regulation"], units["procuratorate"], units["justice"]
    kind = "procuratorial_suggestion"
    with session_factory(engine)() as s, s.begin():
        for name, (status, due_on, feedback_on, sent_on) in ITEMS.items():
            s.add(Item(kind=kind, mechanism=KINDS[kind].mechanism, from_unit_id=procuratorate, to_unit_id=market, title=name,
                       status=status, sent_on=sent_on, received_on=sent_on, needs_feedback=due_on is not None,
                       due_on=due_on, feedback_on=feedback_on, details={}, version=1))
        meeting = Meeting(kind="joint_meeting", title="联席会议", held_on=days(-60), version=1)
        s.add(meeting)
        s.flush()
        for name, (status, due_on, done_on) in FOLLOW_UPS.items():
            assisting = name.startswith("fu_assisting")
            fu = FollowUp(meeting_id=meeting.id, text=name, lead_unit_id=justice if assisting else market,
                          status=status, due_on=due_on, done_on=done_on, version=1)
            s.add(fu)
            s.flush()
            if assisting:
                s.add(FollowUpAssist(follow_up_id=fu.id, unit_id=market))
        for name, (status, deadline) in SUPERVISION.items():
            s.add(Supervision(target_type="key_task", target_id=1, unit_id=market, level="一般", deadline=deadline,
                              instruction=name, status=status, version=1,
                              issued_on=None if status == "draft" else days(-20)))
    return {"engine": engine, "market": market, "procuratorate": procuratorate, "justice": justice}


def items(world, *conditions) -> set[str]:
    with read_session(world["engine"]) as s:
        return set(s.scalars(select(Item.title).where(*conditions)))


def follow_ups(world, *conditions) -> set[str]:
    with read_session(world["engine"]) as s:
        return set(s.scalars(select(FollowUp.text).where(*conditions)))


def supervision(world, *conditions) -> set[str]:
    with read_session(world["engine"]) as s:
        return set(s.scalars(select(Supervision.instruction).where(*conditions)))


# -- items -----------------------------------------------------------------------------------------

def test_open_items_are_those_not_answered_nor_ended(world):
    assert items(world, p.item_open()) == {"due_today", "due_yesterday", "due_in_7", "due_in_8", "no_feedback_needed"}


def test_an_item_due_yesterday_is_overdue_one_due_today_is_not(world):
    assert items(world, p.item_overdue(TODAY)) == {"due_yesterday"}
    # A day later the item due today is overdue too.
    assert items(world, p.item_overdue(TODAY + timedelta(days=1))) == {"due_today", "due_yesterday"}


def test_overdue_agrees_with_the_item_detail_page(world):
    """The SQL predicate and lc.is_overdue (what one item's page says) pick the same items."""
    with read_session(world["engine"]) as s:
        rows = s.execute(select(Item.title, Item.needs_feedback, Item.status, Item.due_on)).all()
    for day in (YESTERDAY, TODAY, days(1), days(9)):
        assert items(world, p.item_overdue(day)) == {
            title for title, needs, status, due_on in rows if lc.is_overdue(needs, status, due_on, day)}


def test_due_within_counts_today_and_the_last_day(world):
    assert items(world, p.item_due_within(TODAY, 7)) == {"due_today", "due_in_7"}
    assert items(world, p.item_due_within(TODAY, 6)) == {"due_today"}
    assert items(world, p.item_due_within(TODAY, 0)) == {"due_today"}


def test_answered_on_the_due_date_is_on_time_a_day_later_is_late(world):
    assert items(world, p.item_answered_late()) == {"answered_a_day_late"}
    assert items(world, p.item_answered_on_time()) == {"answered_on_due_date", "answered_a_year_ago",
                                                       "answered_earlier"}
    with read_session(world["engine"]) as s:
        rows = s.execute(select(Item.title, Item.due_on, Item.feedback_on)).all()
    assert items(world, p.item_answered_late()) == {t for t, due, fb in rows if lc.answered_late(due, fb)}


def test_what_may_be_referred_for_accountability_is_overdue_now_or_answered_late(world):
    """移送追责 takes an item still overdue or one answered after its due date; not one answered on
    time, one due today, nor a withdrawn one."""
    assert items(world, p.item_left_overdue(TODAY)) == {"due_yesterday", "answered_a_day_late"}
    assert items(world, p.item_left_overdue(days(1))) == {"due_today", "due_yesterday", "answered_a_day_late"}
    with read_session(world["engine"]) as s:
        rows = s.execute(select(Item.title, Item.needs_feedback, Item.status, Item.due_on, Item.feedback_on)).all()
    for day in (TODAY, days(1)):  # the item's page asks the one-row twin
        assert items(world, p.item_left_overdue(day)) == {
            title for title, *row in rows if lc.left_overdue(*row, day)}


def test_the_feedback_record_holds_the_last_365_days_of_answers(world):
    assert items(world, p.item_feedback_record(TODAY)) == {"answered_on_due_date", "answered_a_day_late",
                                                           "answered_a_year_ago"}
    assert items(world, p.item_answered_since(days(-9))) == {"answered_a_day_late"}


@pytest.mark.parametrize("form", ["", "sqlite"])
def test_overdue_on_a_past_day_reads_the_stored_dates(world, form):
    """Nine days ago the item answered a day late was overdue; the one answered on its due date
    never was; a withdrawn item never counts. Both forms of the condition (the one SQLite's planner
    reads fast, and the plain one) pick the same items, on either database."""
    assert items(world, p.item_overdue_on(days(-9), form)) == {"answered_a_day_late"}
    assert items(world, p.item_overdue_on(days(-10), form)) == set()
    assert items(world, p.item_overdue_on(TODAY, form)) == {"due_yesterday"}
    assert items(world, p.item_owes_feedback()) == set(ITEMS) - {"no_feedback_needed", "withdrawn_past_due"}


@pytest.mark.parametrize("form", ["", "sqlite"])
def test_items_meeting_any_of_several_conditions_are_the_same_in_either_form(world, form):
    """The ids each index yields, united (the form SQLite's planner reads fast), are the items the
    plain OR picks: none twice, none lost, on either database."""
    sent_recently = p.dated_between(Item.sent_on, days(-31), days(-30))
    assert items(world, p.item_rows(form, sent_recently)) == {"due_today", "due_yesterday"}
    conditions = (sent_recently, Item.feedback_on.is_(None), Item.feedback_on >= days(-9))
    expected = {"due_today", "due_yesterday", "due_in_7", "due_in_8", "no_feedback_needed", "withdrawn_past_due",
                "answered_a_day_late"}
    assert items(world, p.item_rows(form, *conditions)) == items(world, or_(*conditions)) == expected
    with read_session(world["engine"]) as s:  # each row once, as a count over them reads it
        assert s.scalar(select(func.count()).select_from(Item).where(p.item_rows(form, *conditions))) == len(expected)


def test_period_start_includes_its_first_day(world):
    assert p.period_start("30d", TODAY) == days(-30)
    assert p.period_start("12m", TODAY) == days(-365)
    assert p.period_start("year", TODAY) == date(2026, 1, 1)
    assert p.period_start("all", TODAY) is None
    assert items(world, p.in_period(Item.sent_on, "30d", TODAY)) == {"due_today"}
    assert items(world, p.in_period(Item.sent_on, "all", TODAY)) == set(ITEMS)


def test_an_item_involves_the_units_that_sent_and_received_it(world):
    assert items(world, p.item_involves(world["procuratorate"])) == set(ITEMS)
    assert items(world, p.item_involves(world["market"])) == set(ITEMS)
    assert items(world, p.item_involves(world["justice"])) == set()


# -- follow-ups ------------------------------------------------------------------------------------

def test_a_follow_up_due_yesterday_is_overdue_unless_done_or_cancelled(world):
    assert follow_ups(world, p.follow_up_open()) == {"fu_due_today", "fu_due_yesterday", "fu_assisting_due_in_7"}
    assert follow_ups(world, p.follow_up_overdue(TODAY)) == {"fu_due_yesterday"}
    with read_session(world["engine"]) as s:
        rows = s.execute(select(FollowUp.text, FollowUp.status, FollowUp.due_on)).all()
    for day in (TODAY, days(1), days(8)):
        assert follow_ups(world, p.follow_up_overdue(day)) == {
            text for text, status, due_on in rows if lc.follow_up_overdue(status, due_on, day)}


def test_follow_ups_due_within_and_done_on_time(world):
    assert follow_ups(world, p.follow_up_due_within(TODAY, 7)) == {"fu_due_today", "fu_assisting_due_in_7"}
    assert follow_ups(world, p.follow_up_due_within(TODAY, 6)) == {"fu_due_today"}
    assert follow_ups(world, p.follow_up_done()) == {"fu_done_on_due_date", "fu_done_late"}
    assert follow_ups(world, p.follow_up_done_on_time()) == {"fu_done_on_due_date"}


def test_a_unit_is_involved_in_the_follow_ups_it_leads_or_assists(world):
    assert follow_ups(world, p.follow_up_involves(world["market"])) == set(FOLLOW_UPS)
    assert follow_ups(world, p.follow_up_involves(world["justice"])) == {"fu_assisting_due_in_7"}
    assert follow_ups(world, p.follow_up_involves(world["procuratorate"])) == set()


# -- supervision -------------------------------------------------------------------------------------

def test_supervision_past_its_deadline_is_escalated_unless_resolved_or_a_draft(world):
    assert supervision(world, p.supervision_open()) == {"sup_deadline_today", "sup_deadline_yesterday",
                                                        "sup_responded_past"}
    assert supervision(world, p.supervision_escalated(TODAY)) == {"sup_deadline_yesterday", "sup_responded_past"}
    with read_session(world["engine"]) as s:
        rows = s.execute(select(Supervision.instruction, Supervision.status, Supervision.deadline)).all()
    for day in (TODAY, days(1)):
        assert supervision(world, p.supervision_escalated(day)) == {
            name for name, status, deadline in rows if lc.supervision_escalated(status, deadline, day)}
