"""The per-table change counters the read cache keys on (db/table_versions.py), on SQLite and
PostgreSQL: a write counts exactly the tables it changed, once committed; a refused write counts
nothing; raw SQL counts as every table; a read is keyed on the tables it touched, so a note leaves
the referral figures cached while an answer to an item does not."""
from datetime import date

import pytest
from sqlalchemy import select, text

from core.permissions import Actor
from db import table_versions as tv
from db.commands.base import ValidationFailed
from db.commands.items import AddItemNote, RecordFeedback
from db.engine import read_session
from db.models import Base
from db.queries.referrals import ItemFilter, unit_status_matrix
from tests.conftest import TODAY
from tests.db.test_item_commands import create

OFFICE = Actor(None, "office1", "office")


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in after if after[name] != before.get(name)}


def new_item(engine, units) -> int:
    return create(engine, units, received_on=date(2026, 9, 22))


def test_every_table_has_a_counter_after_migration(engine):
    """A table without one would count as a change to every table: a later migration that adds a
    table adds its counter too."""
    counters = tv.versions(engine)
    assert set(Base.metadata.tables) - {tv.TABLE} <= set(counters)
    assert tv.ANY in counters


def test_a_write_counts_exactly_the_tables_it_changed(engine, units):
    before = tv.versions(engine)
    item_id = new_item(engine, units)
    created = tv.versions(engine)
    assert changed(before, created) == {"item", "item_event", "audit_log"}
    AddItemNote(OFFICE, item_id=item_id, note="电话催问").run(engine)
    noted = tv.versions(engine)
    assert changed(created, noted) == {"item_event", "audit_log"}
    RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 10, 9), feedback_text="已采纳", outcome="采纳").run(engine)
    assert "item" in changed(noted, tv.versions(engine))


def test_a_refused_write_counts_nothing(engine, units):
    item_id = new_item(engine, units)
    before = tv.versions(engine)
    with pytest.raises(ValidationFailed):
        AddItemNote(OFFICE, item_id=item_id, note="   ").run(engine)
    assert tv.versions(engine) == before


def test_raw_sql_counts_as_a_change_to_every_table(engine):
    before = tv.versions(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE unit SET name = name"))
    assert changed(before, tv.versions(engine)) == {tv.ANY}


def test_a_read_learns_its_tables_and_its_key_moves_only_with_them(engine, units):
    item_id = new_item(engine, units)
    with tv.tables_read() as tables:
        unit_status_matrix(engine, ItemFilter(), TODAY)
    assert {"item", "unit"} <= tables and "item_event" not in tables
    key = tv.key(tv.counters(engine), frozenset(tables))
    AddItemNote(OFFICE, item_id=item_id, note="电话催问").run(engine)
    assert tv.key(tv.counters(engine), frozenset(tables)) == key  # the figures stay cached
    RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 10, 9), feedback_text="已采纳", outcome="采纳").run(engine)
    assert tv.key(tv.counters(engine), frozenset(tables)) != key  # they are read afresh
    with engine.begin() as conn:
        conn.execute(text("UPDATE unit SET name = name"))
    raw = tv.counters(engine)
    assert tv.key(raw, frozenset(tables)) != key  # raw SQL may have changed anything


def test_tables_read_sees_joined_aliased_and_nested_tables(engine):
    from sqlalchemy.orm import aliased

    from db import districts
    from db.models import Item, Unit
    from db.queries.predicates import in_category
    sender = aliased(Unit)
    engine = districts.scoped(engine, 1)  # as the app's pages read: in a chosen district
    with tv.tables_read() as outer:
        with read_session(engine) as s:
            s.execute(select(Item.id).join(sender, sender.id == Item.from_unit_id))
        with tv.tables_read() as inner:
            with read_session(engine) as s:
                s.execute(select(Item.id).where(in_category(Item.to_unit_id, "procuratorate")))
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
    assert inner == {"item", "unit", tv.ANY}
    assert outer == {"item", "unit", tv.ANY}  # what an inner block read, its outer block read too


def test_two_engines_on_one_database_see_each_others_counts(engine, units):
    """As two app processes do: the counters live in the database, committed with the data."""
    from db.engine import make_engine
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        before = tv.versions(other)
        new_item(engine, units)
        assert changed(before, tv.versions(other)) == {"item", "item_event", "audit_log"}
    finally:
        other.dispose()
