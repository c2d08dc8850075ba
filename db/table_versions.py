"""A change counter per table (table `table_version`), so that a cached read is done again only
when a table it reads has changed: a note on an item leaves the referral figures cached, an
answer to an item does not.

Writes are counted by the engine, not by each command, so no write can forget it: every INSERT,
UPDATE or DELETE the engine runs names its table, and just before its transaction commits each
named table's counter goes up by one, in that same transaction. The counters and the data they
count so become visible together, to every app process on the database. A data-changing statement
SQLAlchemy did not compile itself (raw SQL text) counts as a change to every table (the row `*`,
which every key includes), as does a write to a table that has no counter yet.

Reads: `tables_read()` collects the tables of every statement that a block of code runs in this
thread; ui.session keys each cached read on the counters of exactly those tables."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.util import find_tables

TABLE = "table_version"
ANY = "*"  # a change to every table
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


def _seen(conn, cursor, statement, parameters, context, executemany) -> None:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        conn.info.setdefault(_WRITTEN, set()).update(_tables_of(context))
    elif _DML.match(statement) and ANY in _tables_of(context):
        conn.info.setdefault(_WRITTEN, set()).add(ANY)
    tables = getattr(_reading, "tables", None)
    if tables is not None:
        tables.update(_tables_of(context))


def _count_before_commit(conn) -> None:
    written = conn.info.pop(_WRITTEN, None)
    if not written:
        return
    written.discard(TABLE)
    cursor = conn.connection.dbapi_connection.cursor()  # below the engine: this write is not counted again
    try:
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        for name in sorted(written):  # one order for every writer: no deadlock between two of them
            cursor.execute(f"UPDATE {TABLE} SET version = version + 1 WHERE name = {marker}", (name,))
            if cursor.rowcount == 0 and name != ANY:  # a table with no counter yet: count it as every table
                cursor.execute(f"UPDATE {TABLE} SET version = version + 1 WHERE name = {marker}", (ANY,))
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


def versions(engine: Engine) -> dict[str, int]:
    """Every table's change counter, `*` included."""
    with engine.connect() as conn:
        return dict(conn.execute(text(f"SELECT name, version FROM {TABLE}")).all())


def key(counters: dict[str, int], tables: frozenset[str] | None) -> tuple:
    """What a cached read of `tables` is keyed on: their counters and that of `*` (with None, the
    tables not yet known: every counter)."""
    if tables is None or ANY in tables:
        return tuple(sorted(counters.items()))
    return (counters.get(ANY, 0), *((name, counters.get(name, -1)) for name in sorted(tables)))


def data_version(counters: dict[str, int]) -> int:
    """One number that moves with every change of data a page shows (the audit log's own rows, such
    as a sign-in attempt, aside)."""
    return sum(v for name, v in counters.items() if name != AUDIT)
