"""A change counter per table (table `table_version`), so that a cached read is done again only
when a table it reads has changed: a note on an item leaves the referral figures cached, an
answer to an item does not.

Writes are counted by the engine, not by each command, so no write can forget it: every INSERT,
UPDATE or DELETE the engine runs names its table, and just before its transaction commits each
named table's counter goes up by one, in that same transaction. The counters and the data they
count so become visible together, to every app process on the database. A data-changing statement
SQLAlchemy did not compile itself (raw SQL text) counts as a change to every table (the name `*`,
which every key includes).

Each table has a counter per scope: TOTAL counts every write to it; a district's id, the writes
made in that district (db/districts.py) to a table its rows are in; SHARED, the other writes
(across districts, or to a table no district owns, such as `district`). A district's read is
keyed on its own, the city layer's and the shared counters (`scopes_for`), so a write in one
district leaves the other districts' pages cached; a read across districts on the totals.

Reads: `tables_read()` collects the tables of every statement that a block of code runs in this
thread; ui.session keys each cached read on the counters of exactly those tables."""
from __future__ import annotations

import functools
import re
import threading
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.util import find_tables

from db.districts import OPTION

TABLE = "table_version"
ANY = "*"  # a change to every table
TOTAL = "all"  # scope: every write to the table
SHARED = "shared"  # scope: writes made outside any one district's rows
AUDIT = "audit_log"  # every write adds a row here; a sign-in attempt writes nothing else
_WRITTEN = "fjld_written"  # tables written in the connection's open transaction (conn.info)
_DML = re.compile(r"\s*(insert|update|delete|replace|merge)\b", re.IGNORECASE)
_reading = threading.local()


def install(engine: Engine) -> None:
    """Count the engine's writes and let `tables_read` see its reads (once per engine)."""
    if getattr(engine, "_fjld_table_versions", False):
        return
    engine._fjld_table_versions = True
    event.listen(engine, "before_cursor_execute", _seen)
    event.listen(engine, "commit", _count_before_commit)
    event.listen(engine, "rollback", _forget)


def _tables_of(context) -> set[str]:
    """The tables a statement names; `*` for raw SQL, whose tables SQLAlchemy does not know."""
    statement = getattr(getattr(context, "compiled", None), "statement", None)
    if statement is None or isinstance(statement, TextClause):
        return {ANY}
    return {t.name for t in find_tables(statement, include_crud=True)}


@functools.cache
def _owned() -> frozenset[str]:
    """The tables whose rows belong to a district (they have `district_id`)."""
    from db.models import Base
    return frozenset(t.name for t in Base.metadata.tables.values() if "district_id" in t.c)


def _scope(conn, context, table: str) -> str:
    """Where a write to `table` counts: the district the statement works in, when the table's rows
    are a district's; else SHARED."""
    options = context.execution_options if context is not None else conn.get_execution_options()
    district = options.get(OPTION)
    return str(district) if isinstance(district, int) and table in _owned() else SHARED


def _seen(conn, cursor, statement, parameters, context, executemany) -> None:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        conn.info.setdefault(_WRITTEN, set()).update((t, _scope(conn, context, t)) for t in _tables_of(context))
    elif _DML.match(statement) and ANY in _tables_of(context):
        conn.info.setdefault(_WRITTEN, set()).add((ANY, SHARED))
    tables = getattr(_reading, "tables", None)
    if tables is not None:
        tables.update(_tables_of(context))


def _count_before_commit(conn) -> None:
    written = conn.info.pop(_WRITTEN, None)
    if not written:
        return
    counted = {(name, scope) for name, scope in written if name != TABLE}
    counted |= {(name, TOTAL) for name, _ in counted}
    cursor = conn.connection.dbapi_connection.cursor()  # below the engine: this write is not counted again
    try:
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        for name, scope in sorted(counted):  # one order for every writer: no deadlock between two of them
            cursor.execute(f"INSERT INTO {TABLE} (name, scope, version) VALUES ({marker}, {marker}, 1) "
                           f"ON CONFLICT (name, scope) DO UPDATE SET version = {TABLE}.version + 1", (name, scope))
    finally:
        cursor.close()


def _forget(conn) -> None:
    conn.info.pop(_WRITTEN, None)


@contextmanager
def uncounted(conn) -> Iterator[None]:
    """The writes made on `conn` inside the block are not counted (a schema migration: the
    counters' own table may not exist yet, and an app process restarts after an upgrade, so no
    cached read outlives it)."""
    try:
        yield
    finally:
        _forget(conn)


@contextmanager
def tables_read() -> Iterator[set[str]]:
    """The names of the tables the statements run inside the block read or write (in this thread;
    `*` for raw SQL text)."""
    outer = getattr(_reading, "tables", None)
    _reading.tables = tables = set()
    try:
        yield tables
    finally:
        _reading.tables = outer
        if outer is not None:
            outer.update(tables)


def counters(engine: Engine) -> dict[tuple[str, str], int]:
    """Every counter, by (table name, scope), `*` included."""
    with engine.connect() as conn:
        return {(name, scope): version for name, scope, version in
                conn.execute(text(f"SELECT name, scope, version FROM {TABLE}")).all()}


def totals(counted: dict[tuple[str, str], int]) -> dict[str, int]:
    """Each table's TOTAL counter."""
    return {name: version for (name, scope), version in counted.items() if scope == TOTAL}


def versions(engine: Engine) -> dict[str, int]:
    """Every table's change counter (TOTAL), `*` included."""
    return totals(counters(engine))


def scopes_for(district: int | str | None, city: int | None) -> tuple[str, ...]:
    """The scopes a read in `district` depends on: a district's (or the city layer's) own, the city
    layer's and the shared ones; across districts, or with none chosen, the totals."""
    if not isinstance(district, int):
        return (TOTAL,)
    return tuple(dict.fromkeys((str(district), str(city), SHARED)))


def key(counted: dict[tuple[str, str], int], tables: frozenset[str] | None,
        scopes: tuple[str, ...] = (TOTAL,)) -> tuple:
    """What a cached read of `tables` in `scopes` is keyed on: their counters and those of `*`
    (with None, the tables not yet known: every counter of those scopes)."""
    if tables is None or ANY in tables:
        return tuple(sorted((k, v) for k, v in counted.items() if k[1] in scopes))
    return tuple((name, scope, counted.get((name, scope), 0))
                 for name in sorted({ANY, *tables}) for scope in scopes)


def data_version(counted: dict[str, int]) -> int:
    """One number that moves with every change of data a page shows (the audit log's own rows, such
    as a sign-in attempt, aside); from the TOTAL counters."""
    return sum(v for name, v in counted.items() if name != AUDIT)
