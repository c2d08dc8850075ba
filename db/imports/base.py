"""Shared pieces of the importers: the file format of one import type (its columns), the parsed
file, per-row errors as the user sees them in Excel, the plan of what an import would change, and
a read-through cache for the reference reads that validation repeats on every row."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from sqlalchemy.sql.util import find_tables

from core.i18n import t
from db.stored_values import column_limits

# progress(phase, done, total): phase is "read", "check" or "write"; the page draws a bar from it.
Progress = Callable[[str, int, int], None]


class FileRefused(ValueError):
    """The file as a whole cannot be used. `reason`: "type" (not .xlsx or .csv), "unreadable", or
    the import limit it is over: "upload" (file size), "unpacked" (an .xlsx's unpacked size),
    "rows" (data rows); the reader turns it into the user's message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Reading a file allocates hundreds of thousands of small lists and dicts, none of them in a
    reference cycle; the cyclic garbage collector would scan them (and the whole heap of the
    server) again and again, which took a third of the reading time. Paused meanwhile, if it ran."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def report(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    key: name of the value in a parsed row; header: catalog key of the column's Chinese header
    (the header text is part of the file format); type: text | date | bool | int | list;
    required: a blank cell is an error (shown as 必填 in the template's instructions);
    stored: the model attribute a text column fills (e.g. Item.title), whose column gives the
    length limit and whether line breaks are allowed — every text cell is read with the stored-text
    rule (core/text.py), a text column without `stored` as one line of any length (it names
    something: a unit, a kind, a stage); hint: catalog key of the explanation in the template."""
    key: str
    header: str
    type: str = "text"
    required: bool = False
    stored: Any = None
    hint: str | None = None

    @property
    def label(self) -> str:
        return t(self.header)

    @property
    def text_limits(self) -> tuple[bool, int | None]:
        """(multiline, max_len) of a text cell."""
        return column_limits(self.stored) if self.stored is not None else (False, None)


@dataclass(frozen=True)
class FileSpec:
    """The file format of one import type. `key` is the column that identifies a row across
    imports (the idempotency key); `extra_headers` are read-only columns that exports add (ids,
    computed due dates) and that an import accepts and ignores, so an exported sheet can be
    edited and imported again."""
    kind: str
    columns: tuple[Column, ...]
    key: str
    label: str  # column shown in the preview next to the key
    extra_headers: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return t(f"import.kind.{self.kind}")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def headers(self) -> list[str]:
        return [c.label for c in self.columns]


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the row number as Excel shows it (the header is row 1; None for the
    file as a whole), `column` the header text ("" when no single column is at fault)."""
    row: int | None
    column: str
    message: str


@dataclass
class ParsedRow:
    number: int  # as Excel shows it
    values: dict[str, Any]


@dataclass
class ParsedFile:
    kind: str
    file_name: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # True when the file as a whole cannot be used (unreadable, wrong headers, no rows); cell
    # problems are not fatal: the rows are still checked against the database, so that one
    # upload reports every problem of the file.
    fatal: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Planned:
    """What importing one row does: "create", "update" or "unchanged"."""
    row: int
    ref: str
    label: str
    action: str
    obj: Any = None
    before: dict | None = None
    changed: tuple[str, ...] = ()  # headers of the columns whose values change
    extra: dict = field(default_factory=dict)


class RowErrors:
    """Errors collected per row and column; the first message for a cell wins, so a value that
    could not be read is not reported a second time as missing."""

    def __init__(self, spec: FileSpec):
        self.spec = spec
        self._errors: dict[tuple[int | None, str], str] = {}
        self._rows: set[int | None] = set()  # rows with an error: has(row) is asked for every row

    def add(self, row: int | None, column: str, message: str) -> None:
        self._errors.setdefault((row, column), message)
        self._rows.add(row)

    def add_for(self, row: int, key: str, message: str) -> None:
        self.add(row, self.spec.column(key).label, message)

    def extend(self, errors: list[RowError]) -> None:
        for e in errors:
            self.add(e.row, e.column, e.message)

    def has(self, row: int, key: str | None = None) -> bool:
        if key is None:
            return row in self._rows
        return (row, self.spec.column(key).label) in self._errors

    def __bool__(self) -> bool:
        return bool(self._errors)

    def as_list(self) -> list[RowError]:
        order = {c.label: i for i, c in enumerate(self.spec.columns)}
        items = sorted(self._errors.items(), key=lambda kv: (kv[0][0] or 0, order.get(kv[0][1], -1)))
        return [RowError(row, column, message) for (row, column), message in items]


REFERENCE_TABLES = frozenset({"unit", "key_task", "deadline_rule", "holiday_entry"})


class CachedReads:
    """A session for validation and assignment code written for one record at a time (the
    commands' shared field logic), run over thousands of rows: `get` and reads of reference
    tables (units, key tasks, deadline rules, holidays) are answered once and then from memory.
    An import does not write those tables while it validates items, so the answers stay true.
    Everything else goes to the session."""

    def __init__(self, session, tables: frozenset[str] = REFERENCE_TABLES):
        self._session = session
        self._tables = tables
        self._gets: dict[tuple, Any] = {}
        self._reads: dict[tuple, Any] = {}
        self._shapes: dict[Any, bool] = {}  # statement shape -> reads only reference tables

    def get(self, model, ident, **kw):
        if kw or model.__tablename__ not in self._tables:
            return self._session.get(model, ident, **kw)
        key = (model, ident)
        if key not in self._gets:
            self._gets[key] = self._session.get(model, ident)
        return self._gets[key]

    def _cacheable(self, statement) -> tuple | None:
        """The statement's key (its shape and parameter values) when it reads reference tables only.
        Which tables a shape reads is worked out once per shape: the same reads come on every row."""
        try:
            cache_key = statement._generate_cache_key()
        except Exception:  # noqa: BLE001 - anything unusual simply is not cached
            return None
        if cache_key is None:
            return None
        shape = cache_key.key
        cacheable = self._shapes.get(shape)
        if cacheable is None:
            try:
                tables = {tbl.name for tbl in find_tables(statement, include_joins=True)}
            except Exception:  # noqa: BLE001
                tables = set()
            cacheable = self._shapes[shape] = bool(tables) and tables <= self._tables
        if not cacheable:
            return None
        return shape, tuple(repr(b.effective_value) for b in cache_key.bindparams)

    def _cached(self, statement, key: tuple):
        if key not in self._reads:
            self._reads[key] = self._session.execute(statement).freeze()
        return self._reads[key]()

    def execute(self, statement, *args, **kw):
        key = None if (args or kw) else self._cacheable(statement)
        if key is None:
            return self._session.execute(statement, *args, **kw)
        return self._cached(statement, key)

    def scalars(self, statement, *args, **kw):
        key = None if (args or kw) else self._cacheable(statement)
        if key is None:
            return self._session.scalars(statement, *args, **kw)
        return self._cached(statement, key).scalars()

    def scalar(self, statement, *args, **kw):
        key = None if (args or kw) else self._cacheable(statement)
        if key is None:
            return self._session.scalar(statement, *args, **kw)
        return self._cached(statement, key).scalar()

    def __getattr__(self, name):
        return getattr(self._session, name)
