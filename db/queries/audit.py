"""Reads for the audit log (操作日志): filtered and paginated in SQL, newest first — the log grows
without bound, so no read here loads it whole (the export is capped) — the option lists of the
filters, one entry, and the changed-fields view (field, before, after) of an entry."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core.clock import SHANGHAI
from db.engine import read_session
from db.models import AuditLog
from db.queries.common import PAGE_SIZE, frame, one_page

# "all" first: the default view is the newest entries, whatever their age.
PERIODS = ("all", "7d", "30d", "90d", "year", "custom")
EXPORT_LIMIT = 50_000
# Bookkeeping columns that change on every edit; left out of the changed-fields view (the raw
# before/after still shows them).
NOISE_FIELDS = frozenset({"version", "updated_at"})


@dataclass(frozen=True)
class AuditFilter:
    """Every filter of the audit page; hashable, so it keys the read cache."""
    username: str | None = None
    entity: str | None = None
    entity_id: int | None = None
    action: str | None = None
    period: str = "all"
    date_from: date | None = None  # period "custom": first and last day (Asia/Shanghai), inclusive
    date_to: date | None = None


def shanghai_midnight_utc(day: date) -> datetime:
    """The instant a Shanghai calendar day begins, as the naive UTC timestamp the log stores."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)


def to_shanghai(at: datetime) -> datetime:
    """A stored (naive UTC) timestamp in Asia/Shanghai, for display."""
    return at.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).replace(tzinfo=None)


def period_bounds(f: AuditFilter, today: date) -> tuple[datetime | None, datetime | None]:
    """[start, end) in stored time for the filter's period; None where open."""
    if f.period == "custom":
        start = shanghai_midnight_utc(f.date_from) if f.date_from else None
        end = shanghai_midnight_utc(f.date_to + timedelta(days=1)) if f.date_to else None
        return start, end
    first = {"7d": today - timedelta(days=7), "30d": today - timedelta(days=30),
             "90d": today - timedelta(days=90), "year": date(today.year, 1, 1)}.get(f.period)
    return (shanghai_midnight_utc(first) if first else None), None


def conditions(f: AuditFilter, today: date) -> list:
    out = []
    if f.username:
        out.append(AuditLog.username == f.username)
    if f.entity:
        out.append(AuditLog.entity == f.entity)
    if f.entity_id is not None:
        out.append(AuditLog.entity_id == f.entity_id)
    if f.action:
        out.append(AuditLog.action == f.action)
    start, end = period_bounds(f, today)
    if start is not None:
        out.append(AuditLog.at >= start)
    if end is not None:
        out.append(AuditLog.at < end)
    return out


def _select():
    return select(AuditLog.id, AuditLog.at, AuditLog.user_id, AuditLog.username, AuditLog.action,
                  AuditLog.entity, AuditLog.entity_id)


def audit_page(engine: Engine, f: AuditFilter, today: date, page: int = 1,
               page_size: int = PAGE_SIZE) -> tuple[pd.DataFrame, int]:
    """One page of the filtered log, newest first, and the total count of matching rows. Each row
    carries `changed`: the names of the fields its before/after differ in."""
    where = conditions(f, today)
    with read_session(engine) as s:
        total = s.scalar(select(func.count()).select_from(AuditLog).where(*where))
        df = frame(s, one_page(_select().add_columns(AuditLog.before, AuditLog.after).where(*where)
                               .order_by(AuditLog.id.desc()), page, page_size))
    df["changed"] = [[c["field"] for c in changed_fields(b, a)] for b, a in zip(df["before"], df["after"])]
    return df.drop(columns=["before", "after"]), total


def audit_export(engine: Engine, f: AuditFilter, today: date, limit: int = EXPORT_LIMIT) -> pd.DataFrame:
    """The filtered rows with their before/after as JSON text, newest first, at most `limit`."""
    with read_session(engine) as s:
        df = frame(s, _select().add_columns(AuditLog.before, AuditLog.after)
                   .where(*conditions(f, today)).order_by(AuditLog.id.desc()).limit(limit))
    df["changed"] = [", ".join(c["field"] for c in changed_fields(b, a)) for b, a in zip(df["before"], df["after"])]
    for col in ("before", "after"):
        df[col] = df[col].map(lambda v: "" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True))
    return df


def audit_entry(engine: Engine, entry_id: int) -> dict | None:
    with read_session(engine) as s:
        row = s.get(AuditLog, entry_id)
        if row is None:
            return None
        return {"id": row.id, "at": row.at, "user_id": row.user_id, "username": row.username,
                "action": row.action, "entity": row.entity, "entity_id": row.entity_id,
                "before": row.before, "after": row.after}


def audit_options(engine: Engine) -> dict[str, list[str]]:
    """The users, entities and actions that occur in the log (for the filter choices)."""
    with read_session(engine) as s:
        def distinct(col):
            return [v for v in s.scalars(select(col).distinct().order_by(col)) if v]
        return {"usernames": distinct(AuditLog.username), "entities": distinct(AuditLog.entity),
                "actions": distinct(AuditLog.action)}


def changed_fields(before: dict | None, after: dict | None) -> list[dict]:
    """What an entry changed, field by field: a creation lists the new values, a deletion the old,
    an edit the fields whose value differs. Values stay as stored (the page formats them)."""
    before = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    keys = list(after) + [k for k in before if k not in after]
    out = []
    for key in keys:
        if key in NOISE_FIELDS:
            continue
        old, new = before.get(key), after.get(key)
        if (key in before) != (key in after) or old != new:
            if old is None and new is None:
                continue
            out.append({"field": key, "before": old, "after": new})
    return out
