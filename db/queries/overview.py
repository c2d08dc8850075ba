"""Reads for the 总览 overview: KPIs and per-unit/per-mechanism aggregates, all in SQL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from core.lifecycles import FU_IN_PROGRESS, FU_OPEN, OPEN_ITEM_STATUSES, TASK_LATE
from db.engine import read_session
from db.models import FollowUp, Item, Meeting, Unit
from db.queries.tasks import task_board

PERIODS = ("12m", "30d", "90d", "year", "all")


def period_start(period: str, today: date) -> date | None:
    return {"30d": today - timedelta(days=30), "90d": today - timedelta(days=90),
            "year": date(today.year, 1, 1), "12m": today - timedelta(days=365)}.get(period)


def _overdue(today: date):
    return and_(Item.needs_feedback.is_(True), Item.status.in_(OPEN_ITEM_STATUSES), Item.due_on < today)


def _owed_by_category(category: str | None):
    """Restrict to items whose receiving (owing) unit is in the category."""
    if not category:
        return True
    return Item.to_unit_id.in_(select(Unit.id).where(Unit.category == category))


@dataclass(frozen=True)
class Kpis:
    open_items: int
    overdue: int
    due_within_7: int
    items_in_period: int
    open_follow_ups: int
    overdue_follow_ups: int
    task_progress: float  # mean of each task's latest percent, 0–100
    tasks_late: int
    tasks_total: int


def kpis(engine: Engine, today: date, period: str = "12m", category: str | None = None) -> Kpis:
    start = period_start(period, today)
    open_ = Item.status.in_(OPEN_ITEM_STATUSES)
    due7 = and_(Item.needs_feedback.is_(True), open_, Item.due_on >= today, Item.due_on <= today + timedelta(days=7))
    in_period = Item.sent_on >= start if start else True
    item_row = select(
        func.count().filter(open_),
        func.count().filter(_overdue(today)),
        func.count().filter(due7),
        func.count().filter(in_period),
    ).select_from(Item).where(_owed_by_category(category))
    fu_open = FollowUp.status.in_((FU_OPEN, FU_IN_PROGRESS))
    fu_scope = FollowUp.lead_unit_id.in_(select(Unit.id).where(Unit.category == category)) if category else True
    fu_row = select(func.count().filter(fu_open), func.count().filter(and_(fu_open, FollowUp.due_on < today))
                    ).select_from(FollowUp).where(fu_scope)
    with read_session(engine) as s:
        open_items, overdue, due_7, n_period = s.execute(item_row).one()
        fu_open_n, fu_overdue_n = s.execute(fu_row).one()
    board = task_board(engine, today)
    late = int((board["status"] == TASK_LATE).sum()) if len(board) else 0
    mean = float(board["percent"].mean()) if len(board) else 0.0
    return Kpis(open_items, overdue, due_7, n_period, fu_open_n, fu_overdue_n, round(mean, 1), late, len(board))


def status_by_unit(engine: Engine, today: date, period: str = "12m", category: str | None = None) -> pd.DataFrame:
    """One row per (receiving unit, status) with counts of items sent in the period, plus each
    unit's sent total and overdue-now count. Units with no items are left out."""
    start = period_start(period, today)
    in_period = Item.sent_on >= start if start else True
    with read_session(engine) as s:
        received = s.execute(
            select(Item.to_unit_id.label("unit_id"), Item.status, func.count().label("count"))
            .where(in_period).group_by(Item.to_unit_id, Item.status)).all()
        overdue = dict(s.execute(select(Item.to_unit_id, func.count()).where(_overdue(today))
                                 .group_by(Item.to_unit_id)).all())
        sent = dict(s.execute(select(Item.from_unit_id, func.count()).where(in_period)
                              .group_by(Item.from_unit_id)).all())
        units = s.execute(select(Unit.id, Unit.name, Unit.category, Unit.sort_order)
                          .where(Unit.category == category if category else True)).all()
    unit_df = pd.DataFrame(units, columns=["unit_id", "unit", "category", "sort_order"])
    df = pd.DataFrame(received, columns=["unit_id", "status", "count"])
    df = df.merge(unit_df, on="unit_id", how="inner")
    df["overdue"] = df["unit_id"].map(overdue).fillna(0).astype(int)
    df["sent"] = df["unit_id"].map(sent).fillna(0).astype(int)
    return df


def overdue_by_unit(engine: Engine, today: date, category: str | None = None) -> pd.DataFrame:
    with read_session(engine) as s:
        rows = s.execute(
            select(Unit.id.label("unit_id"), Unit.name.label("unit"), Unit.category, func.count().label("overdue"),
                   func.min(Item.due_on).label("oldest_due_on"))
            .join(Unit, Unit.id == Item.to_unit_id)
            .where(_overdue(today), Unit.category == category if category else True)
            .group_by(Unit.id, Unit.name, Unit.category).order_by(func.count().desc(), Unit.name)).all()
    df = pd.DataFrame(rows, columns=["unit_id", "unit", "category", "overdue", "oldest_due_on"])
    df["days_overdue"] = [(today - d).days for d in df["oldest_due_on"]]
    return df


def activity_by_mechanism(engine: Engine, today: date, period: str = "12m", category: str | None = None) -> pd.DataFrame:
    """Items per mechanism 四(一)…(八) in the period; meetings count under 四(二)."""
    start = period_start(period, today)
    with read_session(engine) as s:
        items = dict(s.execute(select(Item.mechanism, func.count())
                               .where(Item.sent_on >= start if start else True, _owed_by_category(category))
                               .group_by(Item.mechanism)).all())
        meetings = s.scalar(select(func.count()).select_from(Meeting)
                            .where(Meeting.held_on >= start if start else True)) or 0
    items["四(二)"] = items.get("四(二)", 0) + meetings
    from core.kinds import MECHANISMS
    return pd.DataFrame({"mechanism": list(MECHANISMS), "count": [items.get(m, 0) for m in MECHANISMS]})
