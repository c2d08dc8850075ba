"""Stored values obey their columns at every write, on SQLite and PostgreSQL: a field a command
forgot to check is still refused in Chinese with nothing written, and text stored before the rule
is cleaned by migration 0004."""
from dataclasses import dataclass
from datetime import date

import pytest
from alembic import command
from sqlalchemy import select

from core.permissions import Actor
from db.commands.base import Command, ValidationFailed, ValueRefused
from db import table_versions
from db.engine import alembic_config, read_session, sqlite_foreign_keys_off
from db.models import AuditLog, HolidayEntry, Item, Meeting, Unit
from tests.conftest import before_districts, count, empty_database

ADMIN = Actor(None, "admin1", "admin")


@dataclass(frozen=True, kw_only=True)
class _StoreUnchecked(Command):
    """A command that validates nothing: only the flush rule stands between its input and the table."""
    permission, action, entity = "manage_settings", "test.unchecked", "holiday_entry"
    day: date | None = None
    note: str | None = None

    def apply(self, session):
        session.add(HolidayEntry(day=self.day, is_workday=False, note=self.note))
        return None, None, {"note": self.note}


@pytest.mark.parametrize("note, message", [
    ("国庆\x07", "控制字符"), ("国庆\x00节", "控制字符"), ("国庆\n节", "只能填写一行"), ("节" * 101, "100"),
], ids=["BEL", "NUL", "newline", "101 chars"])
def test_an_unchecked_field_is_still_refused_with_nothing_written(engine, note, message):
    audit_rows = count(engine, AuditLog)
    with pytest.raises(ValueRefused) as refused:
        _StoreUnchecked(ADMIN, day=date(2027, 1, 1), note=note).run(engine)
    assert message in refused.value.message
    assert message in refused.value.field_errors["note"]
    assert count(engine, HolidayEntry) == 0
    assert count(engine, AuditLog) == audit_rows


@pytest.mark.parametrize("day", [date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_dates_outside_the_supported_years_are_refused_before_any_computation(engine, day):
    with pytest.raises(ValidationFailed) as refused:
        _StoreUnchecked(ADMIN, day=day, note="元旦").run(engine)
    assert "2000 年至 2100 年" in refused.value.field_errors["day"]
    assert count(engine, HolidayEntry) == 0


def test_a_row_stored_before_the_rule_can_still_take_other_changes(engine):
    """Only changed values are checked: an old over-long or odd value does not block other edits."""
    from db.engine import session_factory
    with engine.begin() as conn:  # as an older version stored it, past the ORM's checks
        conn.execute(HolidayEntry.__table__.insert(), {"day": date(2027, 1, 1), "is_workday": False,
                                                      "note": "元旦\t假期"})
    with session_factory(engine)() as session, session.begin():
        entry = HolidayEntry.row(session, date(2027, 1, 1))
        entry.is_workday = True
    assert _holiday(engine).is_workday is True


def _holiday(engine):
    with read_session(engine) as s:
        return HolidayEntry.row(s, date(2027, 1, 1))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0003(request, tmp_path):
    """A database migrated only up to revision 0003 (before the text rule)."""
    with empty_database(request.param, tmp_path) as eng:
        cfg = alembic_config(eng.url.render_as_string(hide_password=False))
        with eng.begin() as conn, table_versions.uncounted(conn):  # no change counters before 0009
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
        yield eng, cfg


def test_migration_0004_cleans_control_characters_already_stored(engine_at_0003):
    eng, cfg = engine_at_0003
    with eng.begin() as conn, table_versions.uncounted(conn):
        conn.execute(before_districts(Unit).insert(), [
            {"id": 1, "code": "a", "name": "区检察院", "category": "procuratorate", "sort_order": 1, "active": True,
             "version": 1},
            {"id": 2, "code": "b", "name": "区市场\x07监管局", "category": "government_department", "sort_order": 2,
             "active": True, "version": 1},
            # cleaned, its name would repeat unit 1's: left for a clerk to sort out
            {"id": 3, "code": "c", "name": "区检察院\x07", "category": "procuratorate", "sort_order": 3,
             "active": True, "version": 1}])
        if eng.dialect.name == "sqlite":  # PostgreSQL cannot store NUL at all
            conn.execute(before_districts(Unit).insert(), {"id": 4, "code": "d", "name": "区\x00教育局\ufffe",
                                                   "category": "government_department", "sort_order": 4,
                                                   "active": True, "version": 1})
        conn.execute(before_districts(Item).insert(), {
            "id": 1, "kind": "procuratorial_suggestion", "mechanism": "四(五)", "from_unit_id": 1, "to_unit_id": 2,
            "title": "关于\x07食品\n安全的检察建议", "summary": "第一段\x0b\n第二段\t完", "details": {"case_name": "案\x1b件"},
            "sent_on": date(2026, 9, 18), "needs_feedback": True, "due_approximate": False, "urgent": False,
            "status": "sent", "due_override_reason": "另定\x7f期限", "version": 1})
        conn.execute(before_districts(Meeting).insert(), {"id": 1, "kind": "joint_meeting", "title": "联席\x0c会议",
                                                  "held_on": date(2026, 3, 1), "version": 1})
        conn.execute(before_districts(HolidayEntry).insert(), {"day": date(2027, 1, 1), "is_workday": False,
                                                      "note": "元旦\x07"})
        conn.execute(before_districts(AuditLog).insert(), {"username": "old", "action": "item.create", "entity": "item",
                                                   "after": {"title": "关于\x07食品"}})
    with eng.connect() as conn, sqlite_foreign_keys_off(conn), conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with read_session(eng) as s:
        item = s.get(Item, 1)
        assert item.title == "关于食品 安全的检察建议"
        assert item.summary == "第一段\n第二段\t完"
        assert item.details == {"case_name": "案件"}
        assert item.due_override_reason == "另定期限"
        assert s.get(Unit, 2).name == "区市场监管局"
        assert s.get(Unit, 3).name == "区检察院\x07"
        if eng.dialect.name == "sqlite":
            assert s.get(Unit, 4).name == "区教育局"
        assert s.get(Meeting, 1).title == "联席会议"
        assert HolidayEntry.row(s, date(2027, 1, 1)).note == "元旦"
        # the audit log is history, kept as recorded
        assert s.scalar(select(AuditLog.after)) == {"title": "关于\x07食品"}


def test_evidence_of_the_full_length_completes_a_follow_up(engine, units):
    """The timeline note quotes the evidence; at the evidence's own limit the note is shortened,
    not the user's input refused."""
    from db.commands.meetings import CompleteFollowUp, CreateMeeting
    from db.models import FollowUp, FollowUpNote
    office = Actor(None, "office1", "office")
    meeting_id = CreateMeeting(office, kind="joint_meeting", title="2026年第三次联席会议", held_on=date(2026, 9, 23),
                               attending_unit_ids=[], follow_ups=[dict(text="报送整改进展", lead_unit_id=units["market_regulation"],
                                                                       due_on=date(2026, 10, 30))]).run(engine)
    with read_session(engine) as s:
        follow_up_id = s.scalar(select(FollowUp.id).where(FollowUp.meeting_id == meeting_id))
    CompleteFollowUp(office, follow_up_id=follow_up_id, done_on=date(2026, 11, 20), evidence="证" * 2000).run(engine)
    with read_session(engine) as s:
        assert len(s.get(FollowUp, follow_up_id).evidence) == 2000
        note = s.scalar(select(FollowUpNote.note).where(FollowUpNote.follow_up_id == follow_up_id))
    assert len(note) == 2000 and note.endswith("…")


def test_a_datetime_given_for_a_date_is_checked_like_a_date(engine):
    from datetime import datetime
    with pytest.raises(ValidationFailed) as refused:
        _StoreUnchecked(ADMIN, day=datetime(9999, 12, 31, 8, 0), note="元旦").run(engine)
    assert "2000 年至 2100 年" in refused.value.field_errors["day"]
