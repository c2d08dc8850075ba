"""Portable SQL pieces (SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import Integer, cast, func
from sqlalchemy.engine import Engine


def days_between(engine: Engine, later, earlier):
    """Whole days from `earlier` to `later` (date columns or literals)."""
    if engine.dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def month_of(engine: Engine, column):
    """YYYY-MM of a date column, for grouping by month."""
    if engine.dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def weighted_median(pairs: list[tuple[float, int]]) -> float | None:
    """Median of values given as (value, count) pairs — what a GROUP BY value returns."""
    pairs = sorted(p for p in pairs if p[0] is not None)
    total = sum(c for _, c in pairs)
    if not total:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2
    seen, lo = 0, None
    for value, count in pairs:
        if lo is None and seen + count > lo_rank:
            lo = value
        if seen + count > hi_rank:
            return (lo + value) / 2
        seen += count
    return None
