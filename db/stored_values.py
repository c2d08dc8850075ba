"""What may be stored, read off the model's columns and checked at every flush of a write.

Every command validates its own fields first (so the message sits under the field the user
filled); this check is the one place that holds for all of them, whatever a command forgot, on
SQLite as on PostgreSQL:

- text (String, Text, and the strings inside JSON detail columns): the rule of core.text. String
  columns are single-line with their declared length; Text columns are multi-line, with the limit
  in the column's `info["max_length"]` (TEXT_MAX when not given). JSON columns are checked only
  when they declare `info["max_length"]` (item details; not settings or audit snapshots);
- integers fit PostgreSQL's `integer`;
- dates lie within SUPPORTED_YEARS, so no period arithmetic overflows and no typo such as 0202 or
  9999 becomes a deadline.

Only new rows and changed attributes are checked: a row stored before a rule existed can still
take an unrelated action (the migration that introduced the rule cleaned what it could)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text, inspect
from sqlalchemy.orm import Session

from core.text import clean_text, text_problem

TEXT_MAX = 2000
INT_MIN, INT_MAX = -2**31, 2**31 - 1
SUPPORTED_YEARS = (2000, 2100)
FIRST_DAY, LAST_DAY = date(SUPPORTED_YEARS[0], 1, 1), date(SUPPORTED_YEARS[1], 12, 31)


class StoredValueRefused(Exception):
    """A value the database must not hold: which table and attribute, and the catalog message."""

    def __init__(self, table: str, attr: str, key: str, fmt: dict):
        super().__init__(f"{table}.{attr}: {key}")
        self.table, self.attr, self.key, self.fmt = table, attr, key, fmt


def column_limits(column) -> tuple[bool, int | None]:
    """(multiline, max_len) of a text column, or of a model attribute (Item.title): String(n) is
    one line of n characters, Text is multi-line up to info["max_length"] or TEXT_MAX, and the
    strings of a JSON column are one line of info["max_length"]."""
    if hasattr(column, "property"):  # a model attribute
        column = column.property.columns[0]
    multiline = isinstance(column.type, Text)
    if "max_length" in column.info or isinstance(column.type, JSON):
        return multiline, column.info.get("max_length")
    return multiline, column.type.length or (TEXT_MAX if multiline else None)


def max_length(attribute) -> int:
    """The limit of a model attribute (e.g. Item.title → 200), for forms and messages."""
    return column_limits(attribute)[1]


def fitted(text: str, attribute) -> str:
    """Text the app composes from stored text (a timeline note quoting the evidence, the name of
    an imported file), made to fit `attribute`'s column: cleaned, and shortened with an ellipsis."""
    multiline, max_len = column_limits(attribute)
    text = clean_text(text, multiline=multiline)
    return text if max_len is None or len(text) <= max_len else text[:max_len - 1] + "…"


def date_problem(value: date) -> tuple[str, dict] | None:
    if isinstance(value, datetime):
        value = value.date()
    if not FIRST_DAY <= value <= LAST_DAY:
        return "error.date_out_of_range", {"first": SUPPORTED_YEARS[0], "last": SUPPORTED_YEARS[1]}
    return None


def int_problem(value: int) -> tuple[str, dict] | None:
    if not INT_MIN <= value <= INT_MAX:
        return "error.number_out_of_range", {}
    return None


def value_problem(column, value: Any) -> tuple[str, dict] | None:
    """Why `value` cannot be stored in `column`, or None."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, String) and isinstance(value, str):
        multiline, max_len = column_limits(column)
        return text_problem(value, multiline=multiline, max_len=max_len)
    if isinstance(kind, JSON) and "max_length" in column.info:
        return _json_problem(value, column.info["max_length"])
    if isinstance(kind, Date) and isinstance(value, date):
        return date_problem(value)
    if isinstance(kind, Integer) and isinstance(value, int) and not isinstance(value, bool):
        return int_problem(value)
    return None


def _json_problem(value: Any, max_len: int) -> tuple[str, dict] | None:
    if isinstance(value, str):
        return text_problem(value, multiline=False, max_len=max_len)
    parts = ([*value.keys(), *value.values()] if isinstance(value, dict)
             else value if isinstance(value, (list, tuple)) else ())
    for part in parts:
        problem = _json_problem(part, max_len)
        if problem:
            return problem
    return None


_CHECKED_TYPES = (String, JSON, Date, Integer)
_checked_columns: dict[Any, list[tuple[str, Any]]] = {}


def _columns(mapper) -> list[tuple[str, Any]]:
    """(attribute, column) pairs of a mapper that a rule applies to (computed once per mapper)."""
    found = _checked_columns.get(mapper)
    if found is None:
        found = _checked_columns[mapper] = [
            (attr.key, attr.columns[0]) for attr in mapper.column_attrs
            if isinstance(attr.columns[0].type, _CHECKED_TYPES)
            and not (isinstance(attr.columns[0].type, JSON) and "max_length" not in attr.columns[0].info)]
    return found


def check_row(obj) -> None:
    """Raise StoredValueRefused for the first value of `obj` (new, or its changed attributes)
    that its column cannot hold."""
    state = inspect(obj)
    persistent = state.persistent
    for key, column in _columns(state.mapper):
        if persistent and not state.attrs[key].history.has_changes():
            continue
        problem = value_problem(column, state.dict.get(key))
        if problem:
            raise StoredValueRefused(state.mapper.local_table.name, key, *problem)


def check_flush(session: Session, _flush_context, _instances) -> None:
    """before_flush listener: every row about to be written obeys its columns."""
    for obj in list(session.new) + list(session.dirty):
        check_row(obj)


def input_problems(data: Any, path: str = "") -> dict[str, tuple[str, dict]]:
    """Dates and integers in a command's input (nested dicts and lists included) that no column
    could hold, by field path (e.g. follow_ups.0.due_on): refused before any computation runs on
    them (a period added to 9999-12-31 would overflow)."""
    found: dict[str, tuple[str, dict]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(input_problems(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            found.update(input_problems(value, f"{path}.{index}"))
    elif isinstance(data, date):
        problem = date_problem(data)
        if problem:
            found[path] = problem
    elif isinstance(data, int) and not isinstance(data, bool):
        problem = int_problem(data)
        if problem:
            found[path] = problem
    return found
