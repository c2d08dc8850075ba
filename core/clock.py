""""Today" for the product: the calendar date in Asia/Shanghai, injectable for tests."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tests and the benchmark pin "today" with this variable (ISO date).
TODAY_ENV = "FJLD_TODAY"


def today() -> date:
    pinned = os.environ.get(TODAY_ENV)
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(SHANGHAI).date()


def utcnow() -> datetime:
    """Timezone-naive UTC timestamp, as stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
