"""Reads for 催办记录: every reminder sent or tried (newest first) and the daily run's last run."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import case, select
from sqlalchemy.engine import Engine

from db.engine import read_session
from db.models import FollowUp, Item, JobRun, Reminder, Supervision, Unit
from db.queries.common import frame
from db.reminders import JOB

LOG_LIMIT = 500


def reminder_log(engine: Engine, status: str | None = None) -> pd.DataFrame:
    """When, to whom, by which channel, about what (entity, id, title), at which stage, the outcome."""
    title = (select(Item.title).where(Item.id == Reminder.entity_id).scalar_subquery())
    fu_text = (select(FollowUp.text).where(FollowUp.id == Reminder.entity_id).scalar_subquery())
    sup_text = (select(Supervision.instruction).where(Supervision.id == Reminder.entity_id).scalar_subquery())
    query = (select(Reminder.id, Reminder.created_at.label("at"), Reminder.sent_at, Reminder.day,
                    Unit.name.label("unit"), Reminder.recipient, Reminder.channel, Reminder.entity,
                    Reminder.entity_id, case((Reminder.entity == "item", title),
                                             (Reminder.entity == "follow_up", fu_text),
                                             else_=sup_text).label("title"),
                    Reminder.stage, Reminder.status, Reminder.attempts, Reminder.error, Reminder.username)
             .outerjoin(Unit, Unit.id == Reminder.unit_id)
             .order_by(Reminder.id.desc()).limit(LOG_LIMIT))
    if status:
        query = query.where(Reminder.status == status)
    with read_session(engine) as s:
        return frame(s, query)


def last_reminder_run(engine: Engine) -> dict | None:
    with read_session(engine) as s:
        run = s.scalar(select(JobRun).where(JobRun.name == JOB))
        return None if run is None else {"started_at": run.started_at, "finished_at": run.finished_at,
                                         "outcome": run.outcome}


def overdue_run(run: dict | None, now: datetime, hours: int = 24) -> bool:
    """The daily run has not finished within `hours` (or never ran)."""
    return run is None or run["finished_at"] is None or (now - run["finished_at"]).total_seconds() > hours * 3600
