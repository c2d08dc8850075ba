"""Reads for 逾期反馈: the figures in one aggregate query, the overdue list one page at a time (oldest
first), per-unit reliability, due soon, late answers."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from core.deadlines import WorkdayIndex
from core.kinds import KINDS
from db.calendar import effective_rule, work_calendar
from db.engine import read_session
from db.models import Item, Supervision, Unit
from db.queries.common import PAGE_SIZE, frame, one_page
from db.queries.predicates import (in_category, in_period, item_answered_late, item_answered_on_time,
                                   item_due_within, item_feedback_record, item_open, item_overdue,
                                   supervision_open)
from db.queries.referrals import FROM, TO
from db.queries.sql import days_between, weighted_median

RELIABILITY_COLUMNS = ["unit_id", "unit", "category", "overdue", "oldest_due_on", "answered", "on_time_rate",
                       "median_days"]
AGING_BUCKETS = (("1–7", 1, 7), ("8–30", 8, 30), ("31–90", 31, 90), (">90", 91, None))


def _unit_scope(unit_id: int | None, category: str | None):
    conds = []
    if unit_id:
        conds.append(Item.to_unit_id == unit_id)
    if category:
        conds.append(in_category(Item.to_unit_id, category))
    return conds


def _overdue_select(today: date, unit_id: int | None, category: str | None):
    open_sup = (select(func.count()).select_from(Supervision)
                .where(Supervision.target_type == "item", Supervision.target_id == Item.id,
                       supervision_open()).scalar_subquery())
    return (select(Item.id, Item.kind, Item.title, Item.doc_number, TO.name.label("to_unit"),
                   FROM.name.label("from_unit"), Item.to_unit_id, Item.sent_on, Item.due_on, Item.due_approximate,
                   Item.status, Item.due_override_reason, open_sup.label("open_supervision"))
            .join(TO, TO.id == Item.to_unit_id).join(FROM, FROM.id == Item.from_unit_id)
            .where(item_overdue(today), *_unit_scope(unit_id, category))
            .order_by(Item.due_on, Item.id))


def _with_days(s, df: pd.DataFrame, today: date) -> pd.DataFrame:
    """Calendar days overdue, and working days overdue where the item's rule counts in working
    days (by a cumulative working-day index: one pass over the span, not one per row)."""
    working_kinds = {k for k in KINDS if effective_rule(s, k).unit == "working_days"}
    index = WorkdayIndex(work_calendar(s))
    df["days_overdue"] = [(today - d).days for d in df["due_on"]]
    df["working_days_overdue"] = [index.between(d, today) if k in working_kinds and not o else None
                                  for k, d, o in zip(df["kind"], df["due_on"], df["due_override_reason"])]
    return df


def overdue_items(engine: Engine, today: date, unit_id: int | None = None, category: str | None = None) -> pd.DataFrame:
    """Every overdue item, oldest due date first, with calendar days overdue, and working days
    overdue where the item's rule counts in working days (a unit's own list; the downloads)."""
    with read_session(engine) as s:
        return _with_days(s, frame(s, _overdue_select(today, unit_id, category)), today)


def overdue_page(engine: Engine, today: date, category: str | None = None, page: int = 1,
                 page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page of the overdue list (oldest due date first): the rows the screen shows."""
    with read_session(engine) as s:
        return _with_days(s, frame(s, one_page(_overdue_select(today, None, category), page, page_size)), today)


def overdue_item(engine: Engine, today: date, item_id: int) -> pd.DataFrame:
    """The one overdue item chosen (e.g. by a link to a row on another page of the list); no row
    when it is not overdue."""
    with read_session(engine) as s:
        return _with_days(s, frame(s, _overdue_select(today, None, None).where(Item.id == item_id)), today)


def overdue_summary(engine: Engine, today: date, category: str | None = None, late_period: str = "90d",
                    soon_days: int = 7) -> dict:
    """The page's figures in one query: overdue now, the oldest due date, the aging buckets (days
    overdue 1–7, 8–30, 31–90, over 90), due within `soon_days`, and answered late in the period."""
    scope = _unit_scope(None, category)
    buckets = [func.count().filter(item_overdue(today), Item.due_on <= today - timedelta(days=lo),
                                   *([Item.due_on >= today - timedelta(days=hi)] if hi else []))
               .label(f"aging_{i}") for i, (_, lo, hi) in enumerate(AGING_BUCKETS)]
    with read_session(engine) as s:
        row = s.execute(select(func.count().filter(item_overdue(today)).label("overdue"),
                               func.min(Item.due_on).filter(item_overdue(today)).label("oldest_due_on"),
                               func.count().filter(item_due_within(today, soon_days)).label("due_soon"),
                               func.count().filter(item_answered_late(), in_period(Item.feedback_on, late_period, today))
                               .label("answered_late"), *buckets)
                        .select_from(Item)  # only rows one of the counts can take, each reachable by an index
                        .where(or_(item_open(), in_period(Item.feedback_on, late_period, today)), *scope)).mappings().one()
    aging = pd.DataFrame({"bucket": [label for label, _, _ in AGING_BUCKETS],
                          "count": [int(row[f"aging_{i}"]) for i in range(len(AGING_BUCKETS))]})
    oldest = row["oldest_due_on"]
    return {"overdue": int(row["overdue"]), "oldest_days": (today - oldest).days if oldest else None,
            "due_soon": int(row["due_soon"]), "answered_late": int(row["answered_late"]), "aging": aging}


def unit_reliability(engine: Engine, today: date, category: str | None = None) -> pd.DataFrame:
    """Per receiving unit: overdue now, oldest overdue due date, and over the last 12 months of
    feedback: answered, on-time rate and median days to feedback."""
    days = days_between(engine, Item.feedback_on, func.coalesce(Item.received_on, Item.sent_on))
    answered = item_feedback_record(today)
    scope = _unit_scope(None, category)
    unit = Item.to_unit_id.label("unit_id")
    with read_session(engine) as s:
        now = s.execute(select(unit, func.count().label("overdue"), func.min(Item.due_on).label("oldest_due_on"))
                        .where(item_overdue(today), *scope).group_by(Item.to_unit_id)).mappings().all()
        # the answers by unit and days taken, each count with its on-time part: rates and medians in one pass
        spread = s.execute(select(unit, days.label("days"), func.count().label("n"),
                                  func.count().filter(item_answered_on_time()).label("on_time"))
                           .where(answered, *scope).group_by(Item.to_unit_id, days)).all()  # thousands: as tuples
        units = s.execute(select(Unit.id.label("unit_id"), Unit.name.label("unit"), Unit.category, Unit.sort_order)
                          ).mappings().all()
    figures: dict[int, dict] = {}
    for r in now:
        figures.setdefault(r["unit_id"], {}).update(r)
    medians: dict[int, list] = {}
    for unit_id, days_taken, n, on_time in spread:
        medians.setdefault(unit_id, []).append((days_taken, n))
        f = figures.setdefault(unit_id, {})
        f["answered"] = f.get("answered", 0) + n
        f["on_time"] = f.get("on_time", 0) + on_time
    rows = []
    for u in units:
        f = figures.get(u["unit_id"])
        if f is not None:
            n = f.get("answered", 0)
            rows.append({**u, "overdue": f.get("overdue", 0), "oldest_due_on": f.get("oldest_due_on"), "answered": n,
                         "on_time_rate": f["on_time"] / n if n else None,
                         "median_days": weighted_median(medians.get(u["unit_id"], []))})
    df = pd.DataFrame(rows, columns=RELIABILITY_COLUMNS + ["sort_order"])  # by name: the page's order
    return df.sort_values(["overdue", "sort_order"], ascending=[False, True]).drop(columns="sort_order").reset_index(drop=True)


def due_soon(engine: Engine, today: date, days: int = 7, unit_id: int | None = None,
             category: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Open items due within `days`, soonest first (the first `limit` when given)."""
    with read_session(engine) as s:
        df = frame(s, select(Item.id, Item.kind, Item.title, TO.name.label("to_unit"), Item.due_on, Item.due_approximate,
                             Item.status)
                   .join(TO, TO.id == Item.to_unit_id)
                   .where(item_due_within(today, days), *_unit_scope(unit_id, category))
                   .order_by(Item.due_on, Item.id).limit(limit))
    df["days_left"] = [(d - today).days for d in df["due_on"]]
    return df


def answered_late(engine: Engine, today: date, period: str = "90d", unit_id: int | None = None,
                  category: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Items answered after their due date within `period`, latest answer first (the first
    `limit` when given)."""
    with read_session(engine) as s:
        df = frame(s, select(Item.id, Item.kind, Item.title, TO.name.label("to_unit"), Item.due_on, Item.due_approximate,
                             Item.feedback_on)
                   .join(TO, TO.id == Item.to_unit_id)
                   .where(item_answered_late(), in_period(Item.feedback_on, period, today),
                          *_unit_scope(unit_id, category))
                   .order_by(Item.feedback_on.desc(), Item.id).limit(limit))
    df["days_late"] = [(f - d).days for f, d in zip(df["feedback_on"], df["due_on"])]
    return df
