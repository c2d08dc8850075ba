"""Deadline inputs that live in the database: the admin's holiday entries and rule overrides."""
from __future__ import annotations

import functools
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.deadlines import DEFAULT_CALENDAR, WorkCalendar, compute_due
from core.kinds import DeadlineRule, describe_rule, rule_for, with_override
from db import districts
from db.models import AuditLog, DeadlineRuleSetting, HolidayEntry


def holiday_entries_in_force(session: Session) -> dict[date, HolidayEntry]:
    """The holiday entries that hold in the session's district, by day: the district's own, else
    the city layer's (KeyedInDistrict.in_force)."""
    return HolidayEntry.in_force(session)


def work_calendar(session: Session) -> WorkCalendar:
    entries = holiday_entries_in_force(session).values()
    return WorkCalendar(holidays=[e.day for e in entries if not e.is_workday],
                        workdays=[e.day for e in entries if e.is_workday])


def rule_overrides(session: Session) -> dict[str, tuple[DeadlineRuleSetting | None, DeadlineRuleSetting | None]]:
    """Per kind, (the override of the session's own layer, the city layer's beneath it), each None
    when there is none (KeyedInDistrict.in_layers)."""
    return DeadlineRuleSetting.in_layers(session)


def override_in_force(own: DeadlineRuleSetting | None, city: DeadlineRuleSetting | None) -> DeadlineRuleSetting | None:
    """The override that holds: the district's own when it sets a period, else the city layer's."""
    return next((o for o in (own, city) if o is not None and o.amount is not None and o.unit is not None), None)


def effective_rule(session: Session, kind: str, urgent: bool = False, overrides: dict | None = None) -> DeadlineRule:
    """A kind's rule as the session's district applies it; `overrides`: rule_overrides(session),
    when the caller has read them already."""
    base = rule_for(kind, urgent)
    if urgent and base is not rule_for(kind, False):
        return base  # the urgent rule comes from the law, not from settings
    overrides = rule_overrides(session) if overrides is None else overrides
    override = override_in_force(*overrides.get(kind, (None, None)))
    return with_override(base, override.amount, override.unit) if override else base


class DueDates:
    """Due dates by the rules and the calendar as they are in `session` now, each read once (a
    recount of many items must not read the holiday entries once per item)."""

    def __init__(self, session: Session):
        self.session = session
        self.calendar = work_calendar(session)
        self.overrides = rule_overrides(session)
        self._rules: dict[tuple[str, bool], DeadlineRule] = {}

    def rule(self, kind: str, urgent: bool) -> DeadlineRule:
        if (kind, urgent) not in self._rules:
            self._rules[kind, urgent] = effective_rule(self.session, kind, urgent, self.overrides)
        return self._rules[kind, urgent]

    def due(self, kind: str, urgent: bool, sent_on: date, received_on: date | None):
        """(due_on, rule text, basis, approximate) for an item by its kind's rule; due_on None when
        the kind sets no period. The period runs from receipt, or from sending until receipt is known."""
        rule = self.rule(kind, urgent)
        if rule.amount is None:
            return None, describe_rule(rule), rule.basis, False
        start = received_on if rule.anchor == "received_on" and received_on else sent_on
        due = compute_due(start, rule.amount, rule.unit, calendar=self.calendar)
        return due.due_on, describe_rule(rule, urgent), rule.basis, due.approximate


def due_for(session: Session, kind: str, urgent: bool, sent_on: date, received_on: date | None):
    """One item's (due_on, rule text, basis, approximate): see DueDates.due."""
    return DueDates(session).due(kind, urgent, sent_on, received_on)


def due_preview(engine, kind: str, urgent: bool, sent_on: date, received_on: date | None) -> dict:
    """What the due date of a new item would be, for the form to show while the user types."""
    from db.engine import read_session
    with read_session(engine) as session:
        due_on, rule_text, basis, approximate = due_for(session, kind, urgent, sent_on, received_on)
    return {"due_on": due_on, "rule": rule_text, "basis": basis, "approximate": approximate}


def _recomputed(session: Session, changed_day: date | None):
    """(item, new values) of each item still owing feedback whose rule-based due date a change of
    the calendar on `changed_day` moves (its period may span that day, or it was an estimate);
    with no day, the estimates only. Dates set by hand (override) stay."""
    from sqlalchemy import or_

    from core.lifecycles import OPEN_ITEM_STATUSES
    from db.models import Item
    touched = Item.due_approximate.is_(True) if changed_day is None else \
        or_(Item.due_approximate.is_(True), Item.due_on >= changed_day)
    items = session.scalars(select(Item).where(
        Item.status.in_(OPEN_ITEM_STATUSES), Item.needs_feedback.is_(True), Item.due_override_reason.is_(None),
        Item.due_on.is_not(None), touched))
    dates = DueDates(session)
    for item in items:
        due_on, rule, basis, approximate = dates.due(item.kind, item.urgent, item.sent_on, item.received_on)
        if (due_on, approximate) != (item.due_on, item.due_approximate):
            yield item, (due_on, rule, basis, approximate)


def recompute_open_due_dates(session: Session, changed_day: date | None, audit_as=None) -> int:
    """After the calendar changes on `changed_day` (a holiday entry; None: the estimates only, e.g.
    the holiday package now covers their year): recompute the rule-based due dates it moves, in
    every district when the city layer changed (each district whose dates moved gets a row in its
    own audit log, by `audit_as`). Returns how many due dates moved."""
    if districts.in_city_layer(session):
        moved = 0
        for district in districts.district_ids(session):
            with districts.working_in(session, district):
                here = recompute_open_due_dates(session, changed_day)
                if here and audit_as is not None:
                    session.add(AuditLog(user_id=audit_as.user_id, username=audit_as.username,
                                         action="settings.city_recompute", entity="item",
                                         after={"due_dates_moved": here}))
            moved += here
        return moved
    moved = 0
    for item, (due_on, rule, basis, approximate) in list(_recomputed(session, changed_day)):
        item.due_on, item.due_rule, item.due_basis, item.due_approximate = due_on, rule, basis, approximate
        moved += 1
    return moved


# Setting (per district): the calendar its estimated due dates were last checked against. Holiday
# entries and notices recompute the dates themselves; what else moves an estimate is another
# release of the holiday packages (chinese-calendar's years and days, the statutory days of
# `holidays` that the fallback counts) or a change in how estimates are counted (ESTIMATE_METHOD).
ESTIMATES_KEY = "estimates_checked"
ESTIMATE_METHOD = 2  # raise when core.deadlines changes how an estimate is counted (2: the statutory fallback)


@functools.cache
def _package_releases() -> tuple[tuple[str, str], ...]:
    from importlib.metadata import version
    return tuple((name, version(name)) for name in ("chinesecalendar", "holidays"))


def calendar_signature() -> dict:
    """What the district's estimates depend on beyond its own entries: the holiday packages (their
    releases, and the years chinese-calendar covers) and the method."""
    years = DEFAULT_CALENDAR.packaged_years
    return {"packaged": [years.start, years.stop - 1], "method": ESTIMATE_METHOD,
            "packages": dict(_package_releases())}


def calendar_noted(session: Session):
    """The district's note of the calendar its estimates were last checked against, or None."""
    from db.models import Setting
    return Setting.row(session, ESTIMATES_KEY)


def estimates_checked(session: Session, noted=None) -> bool:
    """Whether the district's estimates were checked against the calendar as it is now (`noted`:
    calendar_noted(session), when the caller has read it)."""
    noted = calendar_noted(session) if noted is None else noted
    return noted is not None and noted.value == calendar_signature()


def stale_estimates(engine) -> int:
    """How many estimated due dates the calendar as it is now would move (read only): the holiday
    package was upgraded to cover their year, or they were counted before the statutory fallback."""
    from db.engine import read_session
    with read_session(engine) as session:
        return sum(1 for _ in _recomputed(session, None))
