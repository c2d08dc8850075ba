"""Reads for the 总览 overview: KPIs and per-unit/per-mechanism aggregates, all in SQL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select, true
from sqlalchemy.engine import Engine

from core.kinds import MECHANISMS, MEETINGS_MECHANISM
from core.lifecycles import TASK_LATE
from db.engine import read_session
from db.models import FollowUp, Item, Meeting, Unit
from db.queries.common import frame
from db.queries.predicates import PERIODS  # noqa: F401  (the period choices of the pages)
from db.queries.predicates import (follow_up_open, follow_up_overdue, in_category, in_period, item_due_within,
                                   item_open, item_overdue)
from db.queries.tasks import task_board


def _owed_by_category(category: str | None):
    """Restrict to items whose receiving (owing) unit is in the category."""
    return in_category(Item.to_unit_id, category) if category else true()


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


def kpis(engine: Engine, today: date, period: str = "12m", category: str | None = None) -> Kpis:
    item_row = select(
        func.count().filter(item_open()),
        func.count().filter(item_overdue(today)),
        func.count().filter(item_due_within(today, 7)),
        func.count().filter(in_period(Item.sent_on, period, today)),
    ).select_from(Item).where(_owed_by_category(category))
    fu_scope = in_category(FollowUp.lead_unit_id, category) if category else true()
    fu_row = select(func.count().filter(follow_up_open()), func.count().filter(follow_up_overdue(today))
                    ).select_from(FollowUp).where(fu_scope)
    with read_session(engine) as s:
        open_items, overdue, due_7, n_period = s.execute(item_row).one()
        fu_open_n, fu_overdue_n = s.execute(fu_row).one()
    board = task_board(engine, today)
    late = int((board["status"] == TASK_LATE).sum()) if len(board) else 0
    mean = float(board["percent"].mean()) if len(board) else 0.0
    return Kpis(open_items, overdue, due_7, n_period, fu_open_n, fu_overdue_n, round(mean, 1), late)


def status_by_unit(engine: Engine, today: date, period: str = "12m", category: str | None = None) -> pd.DataFrame:
    """One row per (receiving unit, status) with counts of items sent in the period, plus each
    unit's sent total and overdue-now count. Units with no items are left out."""
    sent_in_period = in_period(Item.sent_on, period, today)
    with read_session(engine) as s:
        df = frame(s, select(Item.to_unit_id.label("unit_id"), Item.status, func.count().label("count"))
                   .where(sent_in_period).group_by(Item.to_unit_id, Item.status))
        overdue = dict(s.execute(select(Item.to_unit_id, func.count()).where(item_overdue(today))
                                 .group_by(Item.to_unit_id)).all())
        sent = dict(s.execute(select(Item.from_unit_id, func.count()).where(sent_in_period)
                              .group_by(Item.from_unit_id)).all())
        units = frame(s, select(Unit.id.label("unit_id"), Unit.name.label("unit"), Unit.category, Unit.sort_order)
                      .where(Unit.category == category if category else True))
    df = df.merge(units, on="unit_id", how="inner")
    df["overdue"] = df["unit_id"].map(overdue).fillna(0).astype(int)
    df["sent"] = df["unit_id"].map(sent).fillna(0).astype(int)
    return df


def overdue_by_unit(engine: Engine, today: date, category: str | None = None) -> pd.DataFrame:
    with read_session(engine) as s:
        df = frame(s, select(Unit.id.label("unit_id"), Unit.name.label("unit"), Unit.category,
                             func.count().label("overdue"), func.min(Item.due_on).label("oldest_due_on"))
                   .join(Unit, Unit.id == Item.to_unit_id)
                   .where(item_overdue(today), Unit.category == category if category else True)
                   .group_by(Unit.id, Unit.name, Unit.category).order_by(func.count().desc(), Unit.name))
    df["days_overdue"] = [(today - d).days for d in df["oldest_due_on"]]
    return df


def activity_by_mechanism(engine: Engine, today: date, period: str = "12m", category: str | None = None) -> pd.DataFrame:
    """Items per mechanism 四(一)…(八) in the period; meetings count under their mechanism 四(二)."""
    with read_session(engine) as s:
        items = dict(s.execute(select(Item.mechanism, func.count())
                               .where(in_period(Item.sent_on, period, today), _owed_by_category(category))
                               .group_by(Item.mechanism)).all())
        meetings = s.scalar(select(func.count()).select_from(Meeting)
                            .where(in_period(Meeting.held_on, period, today))) or 0
    items[MEETINGS_MECHANISM] = items.get(MEETINGS_MECHANISM, 0) + meetings
    return pd.DataFrame({"mechanism": list(MECHANISMS), "count": [items.get(m, 0) for m in MECHANISMS]})
