"""Reads of the city overview (全市总览): each district's figures side by side, grouped by
district in SQL over every district (an engine scoped to db.districts.ALL, city accounts only)."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core.lifecycles import TASK_LATE
from db import districts
from db.engine import read_session
from db.models import FollowUp, Item, Supervision
from db.queries.common import frame
from db.queries.predicates import (follow_up_overdue, item_answered_on_time, item_feedback_record, item_open,
                                   item_overdue, period_start, supervision_escalated, supervision_open)
from db.queries.sql import month_of
from db.queries.tasks import task_board

COLUMNS = ["district_id", "district", "open_items", "overdue", "answered", "answered_on_time", "on_time_rate",
           "supervision_open", "supervision_escalated", "follow_ups_overdue", "task_progress", "tasks_late"]


def district_figures(engine: Engine, today: date) -> pd.DataFrame:
    """One row per district: open items, overdue feedback, the on-time rate of the last 12 months'
    answers, 督办 open and escalated, follow-ups overdue, grouped by district in SQL. The key
    tasks' progress is `district_task_progress`, read apart (a write of an item does not change it),
    and joined by `with_task_progress`."""
    listed = districts.listed(engine)
    with read_session(districts.scoped(engine, districts.ALL)) as s:
        items = {r.district_id: r for r in s.execute(
            select(Item.district_id, func.count().filter(item_open()).label("open_items"),
                   func.count().filter(item_overdue(today)).label("overdue"),
                   func.count().filter(item_feedback_record(today)).label("answered"),
                   func.count().filter(item_feedback_record(today), item_answered_on_time()).label("on_time"))
            .group_by(Item.district_id))}
        sups = {r.district_id: r for r in s.execute(
            select(Supervision.district_id, func.count().filter(supervision_open()).label("open"),
                   func.count().filter(supervision_escalated(today)).label("escalated"))
            .group_by(Supervision.district_id))}
        follow_ups = dict(s.execute(select(FollowUp.district_id, func.count())
                                    .where(follow_up_overdue(today)).group_by(FollowUp.district_id)).all())
    rows = []
    for d in listed:
        i, sup = items.get(d["id"]), sups.get(d["id"])
        answered = i.answered if i else 0
        rows.append({"district_id": d["id"], "district": d["name"],
                     "open_items": i.open_items if i else 0, "overdue": i.overdue if i else 0,
                     "answered": answered, "answered_on_time": i.on_time if i else 0,
                     "on_time_rate": (i.on_time / answered) if answered else None,
                     "supervision_open": sup.open if sup else 0, "supervision_escalated": sup.escalated if sup else 0,
                     "follow_ups_overdue": follow_ups.get(d["id"], 0)})
    return pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in TASK_COLUMNS])


TASK_COLUMNS = ["task_progress", "tasks_late"]


def district_task_progress(engine: Engine, today: date) -> pd.DataFrame:
    """Per district, key-task progress (the mean of the tasks' latest percent) and late tasks."""
    rows = []
    for d in districts.listed(engine):
        board = task_board(districts.scoped(engine, d["id"]), today)
        rows.append({"district_id": d["id"],
                     "task_progress": round(float(board["percent"].mean()), 1) if len(board) else 0.0,
                     "tasks_late": int((board["status"] == TASK_LATE).sum()) if len(board) else 0})
    return pd.DataFrame(rows, columns=["district_id", *TASK_COLUMNS])


def with_task_progress(figures: pd.DataFrame, progress: pd.DataFrame) -> pd.DataFrame:
    """The district figures with their key-task columns (every column of COLUMNS, in order)."""
    joined = figures.merge(progress, on="district_id", how="left")
    joined[TASK_COLUMNS] = joined[TASK_COLUMNS].fillna(0)
    return joined[COLUMNS]


def district_list(engine: Engine) -> pd.DataFrame:
    """Every district with its code, member units, accounts and the day it was added (管理 → 区)."""
    from db.models import District, Unit, User
    listed = districts.listed(engine)
    with read_session(districts.scoped(engine, districts.ALL)) as s:
        units = dict(s.execute(select(Unit.district_id, func.count()).group_by(Unit.district_id)).all())
        users = dict(s.execute(select(User.district_id, func.count()).where(User.district_id.is_not(None))
                               .group_by(User.district_id)).all())
        created = dict(s.execute(select(District.id, District.created_at)).all())
    return pd.DataFrame([{"id": d["id"], "name": d["name"], "code": d["code"], "units": units.get(d["id"], 0),
                          "users": users.get(d["id"], 0), "created_on": created[d["id"]].date()} for d in listed],
                        columns=["id", "name", "code", "units", "users", "created_on"])


def monthly_on_time(engine: Engine, today: date) -> pd.DataFrame:
    """Per district and month of the last 12, the answers given and the share on time (the trend
    beside the figures)."""
    since = period_start("12m", today)
    names = {d["id"]: d["name"] for d in districts.listed(engine)}
    month = month_of(engine, Item.feedback_on).label("month")
    with read_session(districts.scoped(engine, districts.ALL)) as s:
        out = frame(s, select(Item.district_id, month, func.count().label("answered"),
                              func.count().filter(item_answered_on_time()).label("on_time"))
                    .where(item_feedback_record(today), Item.feedback_on >= since)
                    .group_by(Item.district_id, month).order_by(Item.district_id, month))
    out["district"] = out["district_id"].map(names)
    out["on_time_rate"] = out["on_time"] / out["answered"]
    return out[["district", "month", "answered", "on_time_rate"]]


def district_bulletins(engine: Engine, start: date, end: date, today: date) -> list[tuple[str, "Bulletin"]]:
    """(district name, its 通报 figures of the period) for each district: the city 通报 compares
    the very figures each district's own 通报 gives (db.queries.bulletin)."""
    from db.queries.bulletin import bulletin
    return [(d["name"], bulletin(districts.scoped(engine, d["id"]), start, end, today))
            for d in districts.listed(engine)]
