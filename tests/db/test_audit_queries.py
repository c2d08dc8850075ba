"""Audit log reads, on SQLite and PostgreSQL: filters (user, entity, entity id, action, period in
Asia/Shanghai days), server-side pagination newest first, the capped export, the filter options
and the changed-fields view of before/after."""
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.users import CreateUser, UpdateUser
from db.engine import read_session, session_factory
from db.models import AuditLog
from db.queries.audit import (AuditFilter, audit_entry, audit_export, audit_options, audit_page,
                              changed_fields, period_bounds, to_shanghai)

TODAY = date(2026, 11, 26)
ADMIN = Actor(None, "chief", "admin")


def add_rows(engine, rows):
    """Insert audit rows as given (at: naive UTC)."""
    with session_factory(engine)() as s, s.begin():
        for r in rows:
            s.add(AuditLog(**r))


def row(at, username="alice", action="item.update", entity="item", entity_id=1, before=None, after=None):
    return dict(at=at, user_id=None, username=username, action=action, entity=entity, entity_id=entity_id,
                before=before, after=after)


@pytest.fixture
def log(engine):
    """A small known log beside the reference-load row."""
    base = datetime(2026, 11, 20, 2, 0)  # 10:00 in Shanghai
    add_rows(engine, [
        row(base, "alice", "item.create", "item", 1, None, {"title": "甲", "status": "sent"}),
        row(base + timedelta(hours=1), "alice", "item.update", "item", 1,
            {"title": "甲", "status": "sent", "version": 1}, {"title": "甲改", "status": "sent", "version": 2}),
        row(base + timedelta(days=1), "bob", "meeting.create", "meeting", 5, None, {"title": "联席会议"}),
        row(datetime(2026, 10, 1, 3, 0), "bob", "item.update", "item", 2, {"status": "sent"}, {"status": "received"}),
        row(datetime(2025, 6, 1, 3, 0), "carol", "user.create", "user", 9, None, {"username": "zhang"}),
        # the Shanghai day boundary: 2026-11-25 15:30 UTC is 23:30 on the 25th in Shanghai,
        # 16:30 UTC is 00:30 on the 26th
        row(datetime(2026, 11, 25, 15, 30), "dave", "item.note", "item", 3),
        row(datetime(2026, 11, 25, 16, 30), "dave", "item.note", "item", 4),
    ])
    return engine


def page(engine, **f):
    rows, total = audit_page(engine, AuditFilter(**f), TODAY, 1, 50)
    return rows, total


def test_filters_by_user_entity_action_and_id(log):
    rows, total = page(log, username="alice")
    assert total == 2 and set(rows["action"]) == {"item.create", "item.update"}
    rows, total = page(log, entity="meeting")
    assert total == 1 and rows.iloc[0]["entity_id"] == 5
    rows, total = page(log, action="item.update")
    assert total == 2 and set(rows["username"]) == {"alice", "bob"}
    rows, total = page(log, action="item.update", username="bob")
    assert total == 1 and rows.iloc[0]["entity_id"] == 2
    rows, total = page(log, entity="item", entity_id=1)
    assert total == 2
    rows, total = page(log, username="nobody")
    assert total == 0 and rows.empty


def test_filters_by_period(log):
    _, total_all = page(log)
    assert total_all == 8  # with the reference-load row (stamped now)
    rows, total = page(log, period="7d", entity="item")  # from 2026-11-19
    assert total == 4 and set(rows["entity_id"]) == {1, 3, 4}
    rows, total = page(log, period="90d", username="bob")  # from 2026-08-28
    assert total == 2
    rows, total = page(log, period="year", username="carol")
    assert total == 0
    rows, total = page(log, period="custom", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    assert total == 1 and rows.iloc[0]["username"] == "carol"


def test_custom_period_counts_shanghai_days(log):
    rows, total = page(log, period="custom", date_from=date(2026, 11, 26), date_to=date(2026, 11, 26),
                       username="dave")
    assert total == 1 and rows.iloc[0]["entity_id"] == 4  # 00:30 on the 26th in Shanghai
    rows, total = page(log, period="custom", date_from=date(2026, 11, 25), date_to=date(2026, 11, 25),
                       username="dave")
    assert total == 1 and rows.iloc[0]["entity_id"] == 3
    rows, total = page(log, period="custom", date_from=None, date_to=date(2026, 10, 31))
    assert set(rows["username"]) == {"bob", "carol"}
    start, end = period_bounds(AuditFilter(period="custom", date_from=date(2026, 11, 26),
                                           date_to=date(2026, 11, 26)), TODAY)
    assert start == datetime(2026, 11, 25, 16, 0) and end == datetime(2026, 11, 26, 16, 0)
    assert to_shanghai(datetime(2026, 11, 25, 16, 30)) == datetime(2026, 11, 26, 0, 30)


def test_pagination_is_server_side_newest_first(engine):
    start = datetime(2026, 11, 1)
    add_rows(engine, [row(start + timedelta(minutes=i), "eve", "item.note", "item", i) for i in range(120)])
    f = AuditFilter(username="eve")
    first, total = audit_page(engine, f, TODAY, 1, 50)
    assert total == 120 and len(first) == 50
    assert first["entity_id"].tolist() == list(range(119, 69, -1))  # newest first
    assert first["id"].is_monotonic_decreasing
    third, total = audit_page(engine, f, TODAY, 3, 50)
    assert total == 120 and third["entity_id"].tolist() == list(range(19, -1, -1))
    beyond, total = audit_page(engine, f, TODAY, 9, 50)
    assert beyond.empty and total == 120
    assert audit_export(engine, f, TODAY, limit=30)["entity_id"].tolist() == list(range(119, 89, -1))


def test_export_carries_before_after_and_follows_filters(log):
    out = audit_export(log, AuditFilter(username="alice"), TODAY)
    assert out["action"].tolist() == ["item.update", "item.create"]
    assert '"甲改"' in out.iloc[0]["after"] and out.iloc[1]["before"] == ""
    assert out.iloc[0]["changed"] == "title"


def test_real_commands_show_their_changes(engine):
    user_id = CreateUser(ADMIN, username="clerk", display_name="文员", password="Clerk-pass-1", role="office",
                         unit_id=None).run(engine)
    UpdateUser(ADMIN, user_id=user_id, version=1, display_name="新姓名", role="viewer", unit_id=None,
               active=True).run(engine)
    rows, total = audit_page(engine, AuditFilter(username="chief", entity="user"), TODAY)
    assert total == 2 and rows["action"].tolist() == ["user.update", "user.create"]
    assert set(rows.iloc[0]["changed"]) == {"display_name", "role"}  # not the version bump
    entry = audit_entry(engine, int(rows.iloc[0]["id"]))
    changes = {c["field"]: (c["before"], c["after"]) for c in changed_fields(entry["before"], entry["after"])}
    assert changes == {"display_name": ("文员", "新姓名"), "role": ("office", "viewer")}
    created = changed_fields(*(lambda e: (e["before"], e["after"]))(audit_entry(engine, int(rows.iloc[1]["id"]))))
    assert {"field": "username", "before": None, "after": "clerk"} in created
    assert not any(c["field"] == "password_hash" for c in created)
    assert audit_entry(engine, 10 ** 9) is None


def test_options_list_what_the_log_holds(log):
    opts = audit_options(log)
    assert opts["usernames"] == ["alice", "bob", "carol", "dave", "system"]
    assert {"item", "meeting", "user", "reference"} <= set(opts["entities"])
    assert {"item.create", "item.update", "meeting.create", "user.create", "item.note"} <= set(opts["actions"])


def test_changed_fields_cases():
    assert changed_fields(None, None) == []
    assert changed_fields({"a": 1, "version": 1}, {"a": 2, "version": 2}) == [{"field": "a", "before": 1, "after": 2}]
    assert changed_fields({"a": 1, "b": None}, None) == [{"field": "a", "before": 1, "after": None}]
    assert changed_fields(None, {"x": [1, 2]}) == [{"field": "x", "before": None, "after": [1, 2]}]
    assert changed_fields({"a": 1}, {"a": 1}) == []


def test_system_rows_are_listed_under_system(engine):
    with read_session(engine) as s:
        ref = s.scalars(select(AuditLog).where(AuditLog.action == "seed.load_reference")).one()
    rows, total = audit_page(engine, AuditFilter(username="system"), TODAY)
    assert total == 1 and rows.iloc[0]["id"] == ref.id and pd.isna(rows.iloc[0]["user_id"])
