"""The export sheets that no import reads back — meetings, key tasks, supervision — as records keyed
by column key with stored values, laid out by db/imports/templates.py `sheet` under the headers
named here (catalog keys); coded values are written as the catalog's words for them. `unit_id`
limits the rows to those involving one unit, as db/queries/exports.py explains."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import exists, or_, select
from sqlalchemy.engine import Engine

from core.i18n import group_label
from core.kinds import MEETING_KINDS
from db.engine import read_session
from db.imports.templates import sheet
from db.models import FollowUp, KeyTask, Meeting, MeetingAttendance, Unit
from db.queries.predicates import follow_up_involves
from db.queries.supervision import supervision_list
from db.queries.tasks import task_board

# (record key, header catalog key), in the order of the sheet
MEETING_COLUMNS = (("id", "import.col.id"), ("held_on", "meeting.held_on"), ("kind", "meeting.kind"),
                   ("title", "meeting.title"), ("place", "meeting.place"), ("convened_by", "meeting.convened_by"),
                   ("attending_units", "export.col.attending_units"), ("topics", "meeting.topics"),
                   ("minutes_summary", "meeting.minutes_summary"), ("follow_ups", "export.col.follow_up_count"))
KEY_TASK_COLUMNS = (("number", "export.col.number"), ("group", "export.col.group"), ("title", "export.col.task"),
                    ("lead_units", "export.col.lead_units"), ("participating_units", "export.col.participating_units"),
                    ("status", "export.col.task_status"), ("percent", "export.col.percent"),
                    ("latest_update_on", "export.col.latest_update_on"), ("latest_update", "export.col.latest_update"),
                    ("full_text", "export.col.full_text"))
SUPERVISION_COLUMNS = (("id", "supervision.id"), ("target_type", "export.col.target_type"),
                       ("target_title", "export.col.target"), ("unit", "supervision.unit"),
                       ("level", "supervision.level"), ("deadline", "supervision.deadline"),
                       ("instruction", "supervision.instruction"), ("status", "item.status"),
                       ("issued_on", "supervision.issued_on"), ("response_text", "supervision.response_text"),
                       ("responded_on", "export.col.responded_on"),
                       ("resolution_text", "supervision.resolution_text"), ("resolved_on", "export.col.resolved_on"))


def unit_names(s) -> dict[int, str]:
    return dict(s.execute(select(Unit.id, Unit.name)).all())


def unit_names_by(s, names: dict[int, str], parent_column, unit_column) -> dict[int, list[str]]:
    """The names of the units a link table ties to each parent (e.g. a meeting's attending units),
    in the units' order."""
    out: dict[int, list[str]] = {}
    for parent_id, unit_id in s.execute(select(parent_column, unit_column).join(Unit, Unit.id == unit_column)
                                        .order_by(Unit.sort_order)):
        out.setdefault(parent_id, []).append(names[unit_id])
    return out


def meetings_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    q = select(Meeting).order_by(Meeting.held_on, Meeting.id)
    if unit_id is not None:
        q = q.where(or_(
            exists().where(MeetingAttendance.meeting_id == Meeting.id, MeetingAttendance.unit_id == unit_id),
            exists().where(FollowUp.meeting_id == Meeting.id, follow_up_involves(unit_id))))
    with read_session(engine) as s:
        names = unit_names(s)
        attending = unit_names_by(s, names, MeetingAttendance.meeting_id, MeetingAttendance.unit_id)
        counts: dict[int, int] = {}
        for (mid,) in s.execute(select(FollowUp.meeting_id)):
            counts[mid] = counts.get(mid, 0) + 1
        rows = [{"id": m.id, "held_on": m.held_on, "kind": m.kind, "title": m.title, "place": m.place or "",
                 "convened_by": m.convened_by or "", "attending_units": "、".join(attending.get(m.id, [])),
                 "topics": m.topics or "", "minutes_summary": m.minutes_summary or "",
                 "follow_ups": counts.get(m.id, 0)}
                for m in s.scalars(q)]
    return sheet(MEETING_COLUMNS, rows, {"kind": MEETING_KINDS})


def key_tasks_table(engine: Engine, unit_id: int | None, today: date) -> pd.DataFrame:
    board = task_board(engine, today)
    with read_session(engine) as s:
        texts = dict(s.execute(select(KeyTask.id, KeyTask.full_text)).all())
    rows = [{**r, "group": (r["group_number"], r["group_title"]), "latest_update": r["latest_update"] or "",
             "full_text": texts.get(r["id"], "")}
            for r in board.to_dict("records")
            if unit_id is None or unit_id in r["lead_unit_ids"] + r["participating_unit_ids"]]
    return sheet(KEY_TASK_COLUMNS, rows, {"group": lambda group: group_label(*group), "status": "task_status."})


def supervision_table(engine: Engine, unit_id: int | None, today: date) -> pd.DataFrame:
    df = supervision_list(engine, today, unit_id=unit_id) if unit_id is not None else supervision_list(engine, today)
    rows = [{**r, "target_title": r["target_title"] or "", "instruction": r["instruction"] or "",
             "status": "escalated" if r["escalated"] else r["status"], "response_text": r["response_text"] or "",
             "resolution_text": r["resolution_text"] or ""}
            for r in df.to_dict("records")]
    return sheet(SUPERVISION_COLUMNS, rows, {"target_type": "supervision.target.", "status": "sup_status."})
