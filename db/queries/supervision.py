"""Reads for the 督办 list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from core import lifecycles as lc
from db.engine import read_session
from db.models import FollowUp, Item, KeyTask, Supervision, Unit
from db.queries.common import PAGE_SIZE, frame, one_page
from db.queries.predicates import supervision_escalated, supervision_open


def supervision_counts(engine: Engine, today: date) -> dict[str, int]:
    """The page's figures over every 督办, whatever the filters: open, escalated, drafts."""
    with read_session(engine) as s:
        row = s.execute(select(func.count().filter(supervision_open()).label("open"),
                               func.count().filter(supervision_escalated(today)).label("escalated"),
                               func.count().filter(Supervision.status == lc.SUP_DRAFT).label("drafts"))
                        .select_from(Supervision)).one()
    return dict(row._mapping)


@dataclass(frozen=True)
class SupervisionFilter:
    """The 督办 page's filters; hashable, so it keys the read cache. status may be a lifecycle
    status or "escalated" (issued/responded and past its deadline)."""
    status: str | None = None
    level: str | None = None
    unit_id: int | None = None
    target_type: str | None = None

    def conditions(self, today: date) -> list:
        conds = []
        if self.status == "escalated":
            conds.append(supervision_escalated(today))
        elif self.status:
            conds.append(Supervision.status == self.status)
        if self.level:
            conds.append(Supervision.level == self.level)
        if self.unit_id:
            conds.append(Supervision.unit_id == self.unit_id)
        if self.target_type:
            conds.append(Supervision.target_type == self.target_type)
        return conds


ORDER = (Supervision.deadline, Supervision.id)


def _rows_select():
    title = case((Supervision.target_type == "item", select(Item.title).where(Item.id == Supervision.target_id)
                  .scalar_subquery()),
                 (Supervision.target_type == "follow_up", select(FollowUp.text).where(
                     FollowUp.id == Supervision.target_id).scalar_subquery()),
                 else_=select(KeyTask.title).where(KeyTask.id == Supervision.target_id).scalar_subquery())
    return (select(Supervision.id, Supervision.target_type, Supervision.target_id,
                   title.label("target_title"), Supervision.unit_id, Unit.name.label("unit"),
                   Supervision.level, Supervision.deadline, Supervision.status, Supervision.issued_on,
                   Supervision.instruction, Supervision.response_text, Supervision.responded_on,
                   Supervision.resolution_text, Supervision.resolved_on, Supervision.version)
            .join(Unit, Unit.id == Supervision.unit_id))


def _with_escalated(df: pd.DataFrame, today: date) -> pd.DataFrame:
    df["escalated"] = pd.Series([lc.supervision_escalated(st, d, today) for st, d in zip(df["status"], df["deadline"])],
                                index=df.index, dtype=bool)
    return df


def supervision_list(engine: Engine, today: date, status: str | None = None, level: str | None = None,
                     unit_id: int | None = None, target_type: str | None = None) -> pd.DataFrame:
    """Every 督办 matching the filters, deadline first: for a download, or one unit's."""
    where = SupervisionFilter(status, level, unit_id, target_type).conditions(today)
    with read_session(engine) as s:
        return _with_escalated(frame(s, _rows_select().where(*where).order_by(*ORDER)), today)


def supervision_total(engine: Engine, today: date, f: SupervisionFilter) -> int:
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(Supervision).where(*f.conditions(today)))


def supervision_page(engine: Engine, today: date, f: SupervisionFilter, page: int = 1,
                     page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page of the filtered list, deadline first (never every row)."""
    with read_session(engine) as s:
        rows = frame(s, one_page(_rows_select().where(*f.conditions(today)).order_by(*ORDER), page, page_size))
    return _with_escalated(rows, today)


def supervision_one(engine: Engine, today: date, supervision_id: int) -> pd.DataFrame:
    """The 督办 a link or a click chose, wherever it falls in the list (no row if none)."""
    with read_session(engine) as s:
        return _with_escalated(frame(s, _rows_select().where(Supervision.id == supervision_id)), today)
