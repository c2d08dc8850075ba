"""The SQL conditions the reads share, each written once (portable: SQLite and PostgreSQL).

The same rules for one row in hand (an item on its detail page, a follow-up row) are in
core.lifecycles; tests/db/test_predicates.py checks each predicate against its twin at the date
boundaries. Dates compare as calendar days: due today is not overdue, due yesterday is."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, or_, select, true, union

from core import lifecycles as lc
from db.models import FollowUp, FollowUpAssist, Item, Supervision, Unit

# -- periods and dates -----------------------------------------------------------------------------

PERIODS = ("12m", "30d", "90d", "year", "all")


def period_start(period: str, today: date) -> date | None:
    """First day of a period filter ("12m", "30d", "90d", "year"); None for "all"."""
    return {"30d": today - timedelta(days=30), "90d": today - timedelta(days=90),
            "year": date(today.year, 1, 1), "12m": today - timedelta(days=365)}.get(period)


def in_period(column, period: str, today: date):
    """The date column falls in the period (always true for "all")."""
    start = period_start(period, today)
    return column >= start if start else true()


def dated_between(column, first: date, last: date):
    """The date column lies between two days, both included."""
    return and_(column >= first, column <= last)


def text_matches(text: str, *columns):
    """Any of the columns contains the text (case-insensitive; % and _ are taken out, not wildcards)."""
    pattern = f"%{text.strip().replace('%', '').replace('_', '')}%"
    return or_(*(column.ilike(pattern) for column in columns))


def in_category(unit_column, category: str):
    """The unit the column names is of the category."""
    return unit_column.in_(select(Unit.id).where(Unit.category == category))


# -- items -----------------------------------------------------------------------------------------

def item_open():
    """Not yet answered, nor ended otherwise (sent, received or in progress)."""
    return Item.status.in_(lc.OPEN_ITEM_STATUSES)


def item_overdue(today: date):
    """Needs feedback, still open, and today is past the due date (lc.is_overdue)."""
    return and_(Item.needs_feedback.is_(True), item_open(), Item.due_on < today)


def item_not_overdue(today: date):
    """Not item_overdue, also where it is unknown (no due date): SQL's NOT of an unknown is unknown."""
    return or_(Item.needs_feedback.is_not(True), Item.status.not_in(lc.OPEN_ITEM_STATUSES), Item.due_on.is_(None),
               Item.due_on >= today)


def item_due_within(today: date, days: int):
    """Needs feedback, still open, and due between today and `days` days on (both included)."""
    return and_(Item.needs_feedback.is_(True), item_open(),
                dated_between(Item.due_on, today, today + timedelta(days=days)))


def item_answered_late():
    """Feedback came after the due date (lc.answered_late)."""
    return and_(Item.feedback_on.is_not(None), Item.due_on.is_not(None), Item.feedback_on > Item.due_on)


def item_answered_on_time():
    """Feedback came on or before the due date."""
    return Item.feedback_on <= Item.due_on


def item_answered_since(since: date):
    """Answered on or after `since`, with a due date to judge the answer against."""
    return and_(Item.feedback_on.is_not(None), Item.feedback_on >= since, Item.due_on.is_not(None))


def item_feedback_record(today: date):
    """The answers a unit's feedback record counts (逾期反馈, 成员单位): the last 12 months'."""
    return item_answered_since(period_start("12m", today))


def item_owes_feedback():
    """Needs feedback and was not returned or withdrawn (whatever its answer)."""
    return and_(Item.needs_feedback.is_(True), Item.status.not_in((lc.RETURNED, lc.WITHDRAWN)))


def item_overdue_on(day: date, dialect: str = ""):
    """Owing feedback on `day` by the stored dates: past due, and no feedback before that day (a
    past week's overdue count; today's is item_overdue).

    The same rows on every database; `dialect` (the engine's) picks the form its planner reads
    fast (item_rows): given "no feedback, or feedback since", SQLite's planner walks every item
    of the district (five times slower at a city's volume)."""
    return and_(item_owes_feedback(), Item.due_on < day, item_rows(dialect, *item_unanswered_since(day)))


def item_unanswered_since(day: date):
    """No feedback yet, or feedback on or after `day`, as two conditions item_rows can take one by
    one (each answered by the feedback date's index)."""
    return Item.feedback_on.is_(None), Item.feedback_on >= day


def item_rows(dialect: str, *conditions):
    """The items meeting any of `conditions`, each a condition an index of the district's items
    can answer alone (a range of one date, no feedback yet), in the form each database's planner
    reads fast. On SQLite, given the conditions joined by OR, the planner walks every item of the
    district; given the ids each index yields, united, it fetches just those rows by id (a week's
    review at a city's volume: the few thousand unanswered items, not all 26,000). PostgreSQL
    combines the indexes itself from the plain OR."""
    if dialect != "sqlite":
        return or_(*conditions)
    # correlate(None): each list is read from the items on its own, not from the outer query's row
    return Item.id.in_(union(*(select(Item.id).where(c).correlate(None) for c in conditions)))


def item_left_overdue(today: date):
    """Overdue now, or answered after its due date: what may be referred for accountability
    (移送追责, plan 五(二))."""
    return and_(item_owes_feedback(), or_(item_overdue(today), item_answered_late()))


def item_involves(unit_id: int):
    """The unit sent or received the item."""
    return or_(Item.from_unit_id == unit_id, Item.to_unit_id == unit_id)


# -- meeting follow-up items -------------------------------------------------------------------------

def follow_up_open():
    """Open or in progress."""
    return FollowUp.status.in_(lc.OPEN_FOLLOW_UP_STATUSES)


def follow_up_overdue(today: date):
    """Still open and today is past the due date (lc.follow_up_overdue)."""
    return and_(follow_up_open(), FollowUp.due_on < today)


def follow_up_due_within(today: date, days: int):
    """Still open and due between today and `days` days on (both included)."""
    return and_(follow_up_open(), dated_between(FollowUp.due_on, today, today + timedelta(days=days)))


def follow_up_done():
    return FollowUp.status == lc.FU_DONE


def follow_up_done_on_time():
    return and_(follow_up_done(), FollowUp.done_on <= FollowUp.due_on)


def follow_up_involves(unit_id: int):
    """The unit leads the follow-up or assists with it."""
    return or_(FollowUp.lead_unit_id == unit_id,
               FollowUp.id.in_(select(FollowUpAssist.follow_up_id).where(FollowUpAssist.unit_id == unit_id)))


# -- supervision -------------------------------------------------------------------------------------

def supervision_open():
    """Issued and not resolved (issued or responded)."""
    return Supervision.status.in_(lc.OPEN_SUPERVISION_STATUSES)


def supervision_escalated(today: date):
    """Still open and today is past its deadline (lc.supervision_escalated)."""
    return and_(supervision_open(), Supervision.deadline < today)
