"""Reads for the 督办 list."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from core import lifecycles as lc
from db.engine import read_session
from db.models import FollowUp, Item, KeyTask, Supervision, Unit
from db.queries.common import frame
from db.queries.predicates import supervision_escalated, supervision_open

def supervision_counts(engine: Engine, today: date) -> dict[str, int]:
    """The page's figures over every 督办, whatever the filters: open, escalated, drafts."""
    with read_session(engine) as s:
        row = s.execute(select(func.count().filter(supervision_open()).label("open"),
                               func.count().filter(supervision_escalated(today)).label("escalated"),
                               func.count().filter(Supervision.status == lc.SUP_DRAFT).label("drafts"))
                        .select_from(Supervision)).one()
    return dict(row._mapping)


def supervision_list(engine: Engine, today: date, status: str | None = None, level: str | None = None,
                     unit_id: int | None = None, target_type: str | None = None) -> pd.DataFrame:
    """status may be a lifecycle status or "escalated" (issued/responded and past its deadline)."""
    title = case((Supervision.target_type == "item", select(Item.title).where(Item.id == Supervision.target_id)
                  .scalar_subquery()),
                 (Supervision.target_type == "follow_up", select(FollowUp.text).where(
                     FollowUp.id == Supervision.target_id).scalar_subquery()),
                 else_=select(KeyTask.title).where(KeyTask.id == Supervision.target_id).scalar_subquery())
    conds = []
    if status == "escalated":
        conds.append(supervision_escalated(today))
    elif status:
        conds.append(Supervision.status == status)
    if level:
        conds.append(Supervision.level == level)
    if unit_id:
        conds.append(Supervision.unit_id == unit_id)
    if target_type:
        conds.append(Supervision.target_type == target_type)
    with read_session(engine) as s:
        df = frame(s, select(Supervision.id, Supervision.target_type, Supervision.target_id,
                             title.label("target_title"), Supervision.unit_id, Unit.name.label("unit"),
                             Supervision.level, Supervision.deadline, Supervision.status, Supervision.issued_on,
                             Supervision.instruction, Supervision.response_text, Supervision.responded_on,
                             Supervision.resolution_text, Supervision.resolved_on, Supervision.version)
                   .join(Unit, Unit.id == Supervision.unit_id).where(*conds)
                   .order_by(Supervision.deadline, Supervision.id))
    df["escalated"] = pd.Series([lc.supervision_escalated(st, d, today) for st, d in zip(df["status"], df["deadline"])],
                                index=df.index, dtype=bool)
    return df
