"""Numbers and dates that arrive as text from outside the app (URL parameters), read strictly:
ASCII digits only, within the range the database and the working-day calendar can hold. Anything
else is None — "not found" or the default for the caller — never an error."""
from __future__ import annotations

import re
from datetime import date

MAX_ID = 2**31 - 1  # PostgreSQL `integer`, the type of every id column
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)  # dates a user may name or pick

_DIGITS = re.compile(r"[0-9]{1,10}")  # 10 digits hold MAX_ID; str.isdigit() would take "٣" or "²"


def parse_int(raw: object, low: int, high: int) -> int | None:
    """`raw` as an int when it is plain digits within low…high, else None."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_id(raw: object) -> int | None:
    """A record id (1 … MAX_ID) from text, else None."""
    return parse_int(raw, 1, MAX_ID)


def parse_date(raw: object) -> date | None:
    """An ISO date (YYYY-MM-DD) between FIRST_DATE and LAST_DATE, else None."""
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:  # e.g. 2026-02-30
        return None
    return day if FIRST_DATE <= day <= LAST_DATE else None
