"""Reads for 会议与议定事项: meetings, one meeting with its decisions, and the follow-up tracker."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core import lifecycles as lc
from db.engine import read_session
from db.models import FollowUp, FollowUpAssist, FollowUpNote, Meeting, MeetingAttendance, Unit, User
from db.queries.common import frame
from db.queries.predicates import (follow_up_done, follow_up_done_on_time, follow_up_due_within,
                                   follow_up_involves, follow_up_open, follow_up_overdue, in_period, text_matches)


def meeting_list(engine: Engine, today: date, kind: str | None = None, period: str = "12m") -> pd.DataFrame:
    fu = (select(FollowUp.meeting_id, func.count().label("n"),
                 func.count().filter(follow_up_done()).label("done"),
                 func.count().filter(follow_up_overdue(today)).label("overdue"))
          .group_by(FollowUp.meeting_id).subquery())
    att = (select(MeetingAttendance.meeting_id, func.count().label("units"))
           .group_by(MeetingAttendance.meeting_id).subquery())
    with read_session(engine) as s:
        return frame(s, select(Meeting.id, Meeting.held_on, Meeting.kind, Meeting.title, Meeting.place,
                               Meeting.convened_by, func.coalesce(att.c.units, 0).label("units"),
                               func.coalesce(fu.c.n, 0).label("follow_ups"), func.coalesce(fu.c.done, 0).label("done"),
                               func.coalesce(fu.c.overdue, 0).label("overdue"))
                     .outerjoin(fu, fu.c.meeting_id == Meeting.id).outerjoin(att, att.c.meeting_id == Meeting.id)
                     .where(Meeting.kind == kind if kind else True, in_period(Meeting.held_on, period, today))
                     .order_by(Meeting.held_on.desc(), Meeting.id.desc()))


def meeting_detail(engine: Engine, meeting_id: int) -> dict | None:
    with read_session(engine) as s:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None:
            return None
        units = s.execute(select(Unit.id, Unit.name).join(MeetingAttendance, MeetingAttendance.unit_id == Unit.id)
                          .where(MeetingAttendance.meeting_id == meeting_id).order_by(Unit.sort_order)).all()
        data = {c: getattr(meeting, c) for c in ("id", "kind", "title", "held_on", "place", "convened_by", "topics",
                                                 "minutes_summary", "version")}
    data["attending_unit_ids"] = [u for u, _ in units]
    data["attending_units"] = [n for _, n in units]
    return data


@dataclass(frozen=True)
class FollowUpFilter:
    unit_id: int | None = None  # lead or assisting
    statuses: tuple[str, ...] = ()
    overdue_only: bool = False
    due_within: int | None = None
    meeting_kind: str | None = None
    meeting_id: int | None = None
    period: str = "all"  # by meeting date
    text: str = ""


def _conditions(f: FollowUpFilter, today: date) -> list:
    out = []
    if f.unit_id:
        out.append(follow_up_involves(f.unit_id))
    if f.statuses:
        out.append(FollowUp.status.in_(f.statuses))
    if f.overdue_only:
        out.append(follow_up_overdue(today))
    if f.due_within is not None:
        out.append(follow_up_due_within(today, f.due_within))
    if f.meeting_kind:
        out.append(Meeting.kind == f.meeting_kind)
    if f.meeting_id:
        out.append(FollowUp.meeting_id == f.meeting_id)
    out.append(in_period(Meeting.held_on, f.period, today))
    if f.text.strip():
        out.append(text_matches(f.text, FollowUp.text))
    return out


def follow_up_list(engine: Engine, f: FollowUpFilter, today: date) -> pd.DataFrame:
    latest_note = (select(FollowUpNote.note).where(FollowUpNote.follow_up_id == FollowUp.id)
                   .order_by(FollowUpNote.id.desc()).limit(1).scalar_subquery())
    with read_session(engine) as s:
        df = frame(s, select(FollowUp.id, FollowUp.meeting_id, Meeting.title.label("meeting_title"),
                             Meeting.kind.label("meeting_kind"), Meeting.held_on, FollowUp.text, FollowUp.lead_unit_id,
                             Unit.name.label("lead_unit"), FollowUp.due_on, FollowUp.due_rule, FollowUp.status,
                             FollowUp.done_on, FollowUp.evidence, FollowUp.cancel_reason,
                             latest_note.label("latest_note"), FollowUp.version)
                   .join(Meeting, Meeting.id == FollowUp.meeting_id).join(Unit, Unit.id == FollowUp.lead_unit_id)
                   .where(*_conditions(f, today)).order_by(FollowUp.due_on, FollowUp.id))
        ids = df["id"].tolist()
        assists: dict[int, list[tuple[int, str]]] = {}
        if ids:
            for fu_id, unit_id, name in s.execute(
                    select(FollowUpAssist.follow_up_id, Unit.id, Unit.name)
                    .join(Unit, Unit.id == FollowUpAssist.unit_id).where(FollowUpAssist.follow_up_id.in_(ids))):
                assists.setdefault(fu_id, []).append((unit_id, name))
    df["assisting_unit_ids"] = [[u for u, _ in assists.get(i, [])] for i in df["id"]]
    df["assisting_units"] = ["、".join(n for _, n in assists.get(i, [])) for i in df["id"]]
    df["days_left"] = [(d - today).days if st in lc.OPEN_FOLLOW_UP_STATUSES else None
                       for d, st in zip(df["due_on"], df["status"])]
    df["overdue"] = [lc.follow_up_overdue(st, d, today) for d, st in zip(df["due_on"], df["status"])]
    return df


def follow_up_unit_rates(engine: Engine, f: FollowUpFilter, today: date) -> pd.DataFrame:
    """Per lead unit: open, done, overdue, completion rate and on-time completion rate."""
    conds = _conditions(f, today)
    with read_session(engine) as s:
        df = frame(s, select(Unit.name.label("unit"), func.count().label("total"),
                             func.count().filter(follow_up_done()).label("done"),
                             func.count().filter(follow_up_done_on_time()).label("done_on_time"),
                             func.count().filter(follow_up_open()).label("open"),
                             func.count().filter(follow_up_overdue(today)).label("overdue"))
                   .join(Meeting, Meeting.id == FollowUp.meeting_id).join(Unit, Unit.id == FollowUp.lead_unit_id)
                   .where(FollowUp.status != lc.FU_CANCELLED, *conds)
                   .group_by(Unit.name, Unit.sort_order).order_by(Unit.sort_order))
    df["completion_rate"] = df["done"] / df["total"]
    df["on_time_rate"] = [(ot / d) if d else None for ot, d in zip(df["done_on_time"], df["done"])]
    return df


def follow_up_notes(engine: Engine, follow_up_id: int) -> pd.DataFrame:
    with read_session(engine) as s:
        return frame(s, select(FollowUpNote.noted_on, FollowUpNote.note, User.display_name.label("actor"))
                     .outerjoin(User, User.id == FollowUpNote.actor_id)
                     .where(FollowUpNote.follow_up_id == follow_up_id).order_by(FollowUpNote.id))
