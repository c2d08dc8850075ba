"""Reads for 十四项重点工作: the board of tasks with derived status and progress, group roll-ups,
one task's detail, and the milestone timeline."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.i18n import group_label
from core.lifecycles import MS_LATE, TASK_DONE, TASK_LATE, milestone_state, task_status
from db.engine import read_session
from db.models import (Item, KeyTask, Milestone, ProgressUpdate, Supervision, TaskAssignment, TaskGroup, Unit,
                       User)
from db.queries.common import frame


def task_titles(engine: Engine) -> dict[int, str]:
    with read_session(engine) as s:
        return {i: f"{n}. {title}" for i, n, title in s.execute(
            select(KeyTask.id, KeyTask.number, KeyTask.title).order_by(KeyTask.number))}


def task_board(engine: Engine, today: date) -> pd.DataFrame:
    """One row per task: group, title, lead and participating units, derived status, latest
    percent, next milestone, late milestones, latest update."""
    with read_session(engine) as s:
        tasks = s.execute(select(KeyTask.id, KeyTask.number, KeyTask.title, KeyTask.version,
                                 TaskGroup.number.label("group_number"), TaskGroup.title.label("group_title"))
                          .join(TaskGroup, TaskGroup.id == KeyTask.group_id).order_by(KeyTask.number)).mappings().all()
        assignments = s.execute(select(TaskAssignment.task_id, TaskAssignment.role, Unit.id, Unit.name)
                                .join(Unit, Unit.id == TaskAssignment.unit_id).order_by(Unit.sort_order)).all()
        milestones = s.execute(select(Milestone.task_id, Milestone.title, Milestone.planned_on, Milestone.done_on)
                               .order_by(Milestone.planned_on)).all()
        updates = s.execute(select(ProgressUpdate.task_id, ProgressUpdate.reported_on, ProgressUpdate.percent,
                                   ProgressUpdate.text, Unit.name)
                            .outerjoin(Unit, Unit.id == ProgressUpdate.unit_id)
                            .order_by(ProgressUpdate.reported_on, ProgressUpdate.id)).all()
    lead, part, ms, latest = {}, {}, {}, {}
    for task_id, role, unit_id, name in assignments:
        (lead if role == "lead" else part).setdefault(task_id, []).append((unit_id, name))
    for task_id, title, planned, done in milestones:
        ms.setdefault(task_id, []).append((title, planned, done))
    lead_names = {task_id: {n for _, n in units} for task_id, units in lead.items()}
    lead_latest = {}
    for task_id, reported_on, percent, text, unit in updates:
        latest[task_id] = (reported_on, percent, text, unit)  # ordered: the last one wins
        if unit in lead_names.get(task_id, ()):
            lead_latest[task_id] = percent
    rows = []
    for task in tasks:
        task_id = task["id"]
        mlist = ms.get(task_id, [])
        upd = latest.get(task_id)
        # The task's progress is what its lead unit last reported (a participant reports its part);
        # without a lead report, the latest report of any unit.
        percent = lead_latest.get(task_id, upd[1] if upd else 0)
        pending = [(title_, planned) for title_, planned, done in mlist if done is None]
        rows.append({
            **task,  # id, number, title, version, group_number, group_title
            "lead_unit_ids": [u for u, _ in lead.get(task_id, [])],
            "lead_units": "、".join(n for _, n in lead.get(task_id, [])),
            "participating_unit_ids": [u for u, _ in part.get(task_id, [])],
            "participating_units": "、".join(n for _, n in part.get(task_id, [])),
            "status": task_status([(p, d) for _, p, d in mlist], percent, today),
            "percent": percent,
            "next_milestone": f"{pending[0][0]}({pending[0][1].isoformat()})" if pending else None,
            "late_milestones": sum(1 for _, p, d in mlist if milestone_state(p, d, today) == MS_LATE),
            "milestones": len(mlist),
            "latest_update_on": upd[0] if upd else None,
            "latest_update": upd[2] if upd else None,
            "latest_update_unit": upd[3] if upd else None,
        })
    return pd.DataFrame(rows)


def group_rollup(board: pd.DataFrame) -> pd.DataFrame:
    """Mean progress and status counts per group (一…五); the overall row is the mean of all tasks."""
    groups: dict[tuple, list] = {}  # (number, title) -> [(percent, status)]; five groups, fourteen tasks:
    if not board.empty:             # plain Python (0.7 ms), where pandas' grouping took 15 ms
        for number, title, percent, status in zip(board["group_number"], board["group_title"], board["percent"],
                                                  board["status"]):
            groups.setdefault((number, title), []).append((percent, status))
    rows = []
    for (number, title), tasks in sorted(groups.items()):
        known = [p for p, _ in tasks if p is not None and not pd.isna(p)]
        rows.append({"group_number": number, "group_title": title, "tasks": len(tasks),
                     "percent": sum(known) / len(known) if known else float("nan"),
                     "late": sum(st == TASK_LATE for _, st in tasks), "done": sum(st == TASK_DONE for _, st in tasks)})
    return pd.DataFrame(rows, columns=["group_number", "group_title", "tasks", "percent", "late", "done"])


def task_detail(engine: Engine, task_id: int) -> dict | None:
    with read_session(engine) as s:
        task = s.get(KeyTask, task_id)
        if task is None:
            return None
        group = s.get(TaskGroup, task.group_id)
        return {
            "id": task.id, "number": task.number, "title": task.title, "full_text": task.full_text,
            "version": task.version, "group": group_label(group.number, group.title),
            "milestones": frame(s, select(Milestone.id, Milestone.title, Milestone.planned_on, Milestone.done_on,
                                          Milestone.version).where(Milestone.task_id == task_id)
                                .order_by(Milestone.planned_on, Milestone.id)),
            "updates": frame(s, select(ProgressUpdate.reported_on, Unit.name.label("unit"), ProgressUpdate.percent,
                                       ProgressUpdate.text, User.display_name.label("actor"))
                             .outerjoin(Unit, Unit.id == ProgressUpdate.unit_id)
                             .outerjoin(User, User.id == ProgressUpdate.created_by)
                             .where(ProgressUpdate.task_id == task_id)
                             .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())),
            "items": frame(s, select(Item.id, Item.kind, Item.title, Item.status, Item.due_on, Item.due_approximate)
                           .where(Item.key_task_id == task_id).order_by(Item.sent_on.desc()).limit(200)),
            "supervision": frame(s, select(Supervision.level, Supervision.deadline, Supervision.status,
                                           Supervision.instruction)
                                 .where(Supervision.target_type == "key_task", Supervision.target_id == task_id)),
        }


def milestone_timeline(engine: Engine, today: date) -> pd.DataFrame:
    with read_session(engine) as s:
        df = frame(s, select(KeyTask.number, KeyTask.title.label("task"), Milestone.title.label("milestone"),
                             Milestone.planned_on, Milestone.done_on)
                   .join(KeyTask, KeyTask.id == Milestone.task_id).order_by(KeyTask.number, Milestone.planned_on))
    df["task_label"] = [f"{n}. {t}" for n, t in zip(df["number"], df["task"])]
    df["state"] = [milestone_state(p, None if pd.isna(d) else d, today)
                   for p, d in zip(df["planned_on"], df["done_on"])]
    return df
