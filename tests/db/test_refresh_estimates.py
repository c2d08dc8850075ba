"""Estimated due dates (估) that the calendar as it is now would move — the holiday package was
upgraded to cover their year, or they were counted on weekends only before the statutory fallback
— are recomputed when a district's pages are first opened in a process (unless they were checked
against this calendar already), and by `manage.py migrate` and the daily run, once, with an audit
row; nothing is written when nothing moves and the calendar is the one noted. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.kinds import KINDS
from core.permissions import Actor
from db.calendar import due_for, stale_estimates
from db.commands.settings import RefreshEstimates, refresh_estimates
from db.engine import read_session, session_factory
from db.models import Item
from tests.conftest import audits

ADMIN = Actor(None, "system", "admin")


def test_an_estimate_counted_before_is_recomputed_once(engine, units):
    kind = "procuratorial_suggestion"
    with session_factory(engine)() as s, s.begin():
        due_on, rule, basis, approximate = due_for(s, kind, False, date(2026, 11, 20), date(2026, 11, 20))
        assert approximate and due_on.year == 2027  # 2027 is not covered by the package: an estimate
        for title, due, estimate in (("old estimate", date(2027, 1, 25), True), ("by hand", date(2027, 1, 25), False)):
            s.add(Item(kind=kind, mechanism=KINDS[kind].mechanism, from_unit_id=units["procuratorate"],
                       to_unit_id=units["market_regulation"], title=title, status="received", sent_on=date(2026, 11, 20),
                       received_on=date(2026, 11, 20), needs_feedback=True, due_on=due, due_approximate=estimate,
                       due_override_reason=None if estimate else "双方议定", details={}, version=1))
    assert stale_estimates(engine) == 1
    assert refresh_estimates(engine, ADMIN) == 1
    with read_session(engine) as s:
        dates = dict(s.execute(select(Item.title, Item.due_on)).all())
    assert dates == {"old estimate": due_on, "by hand": date(2027, 1, 25)}
    assert [a.after for a in audits(engine, "settings.refresh_estimates")] == [{"moved": 1}]
    assert refresh_estimates(engine, ADMIN) == 0  # nothing moves now: no second audit row
    assert len(audits(engine, "settings.refresh_estimates")) == 1


def test_a_refresh_that_finds_nothing_to_move_leaves_no_trace(engine):
    """Two app processes starting at the same moment both find stale estimates; the one that
    refreshes second finds none left, and writes neither a change nor an audit row."""
    from db import table_versions
    RefreshEstimates(ADMIN).run(engine)  # the first notes the calendar it checked against
    before, counters = len(audits(engine)), table_versions.versions(engine)
    command = RefreshEstimates(ADMIN)
    assert command.run(engine) is None and command.moved == 0
    assert len(audits(engine)) == before and table_versions.versions(engine) == counters


def test_a_start_reads_one_row_unless_the_holiday_package_has_changed(engine, units):
    """An app process starting on a district whose estimates were checked against this calendar
    looks no further (the stale estimate written behind its back stays); after an upgrade of the
    holiday package (the calendar noted is an older one) it checks them and moves it; the daily
    run always checks."""
    from db.calendar import ESTIMATES_KEY
    from db.models import Setting
    assert refresh_estimates(engine, ADMIN) == 0  # nothing to move; the calendar is noted
    assert [a.after for a in audits(engine, "settings.refresh_estimates")] == [{"moved": 0}]
    item_id = _old_estimate(engine, units)
    assert refresh_estimates(engine, ADMIN) == 0
    with session_factory(engine)() as s, s.begin():
        noted = Setting.row(s, ESTIMATES_KEY)
        noted.value = {**noted.value, "packaged": [2004, noted.value["packaged"][1] - 1]}  # an older package's
    assert refresh_estimates(engine, ADMIN) == 1
    with read_session(engine) as s:
        assert s.get(Item, item_id).due_on != date(2027, 1, 25)
    _old_estimate(engine, units)
    assert refresh_estimates(engine, ADMIN) == 0 and refresh_estimates(engine, ADMIN, always=True) == 1


def _old_estimate(engine, units) -> int:
    kind = "procuratorial_suggestion"
    with session_factory(engine)() as s, s.begin():
        item = Item(kind=kind, mechanism=KINDS[kind].mechanism, from_unit_id=units["procuratorate"],
                    to_unit_id=units["market_regulation"], title="old estimate", status="received",
                    sent_on=date(2026, 11, 20), received_on=date(2026, 11, 20), needs_feedback=True,
                    due_on=date(2027, 1, 25), due_approximate=True, details={}, version=1)
        s.add(item)
        s.flush()
        return item.id


def test_the_daily_run_moves_estimates_before_it_plans(engine, units):
    """`manage.py remind` (jobs.remind.run) first moves the estimates the calendar now moves, so
    that "due soon" is counted from the dates in force."""
    from jobs.remind import run
    kind = "procuratorial_suggestion"
    with session_factory(engine)() as s, s.begin():
        due_on = due_for(s, kind, False, date(2026, 11, 20), date(2026, 11, 20))[0]
        s.add(Item(kind=kind, mechanism=KINDS[kind].mechanism, from_unit_id=units["procuratorate"],
                   to_unit_id=units["market_regulation"], title="old estimate", status="received",
                   sent_on=date(2026, 11, 20), received_on=date(2026, 11, 20), needs_feedback=True,
                   due_on=date(2027, 1, 25), due_approximate=True, details={}, version=1))
    run(engine, date(2026, 11, 26))
    with read_session(engine) as s:
        assert s.scalar(select(Item.due_on).where(Item.title == "old estimate")) == due_on
    assert [a.username for a in audits(engine, "settings.refresh_estimates")] == ["system"]
