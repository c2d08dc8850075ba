"""Exports: every table the role may see, as data frames with the file's headers and words; the
file bytes (CSV, one-sheet or many-sheet XLSX, formulas neutralised) come from core/spreadsheets.py.

Who gets what (core.permissions "export_data"): admin, convener and office export everything; a
liaison exports only rows that involve their own unit — items it sent or received, follow-ups it
leads or assists and their meetings (plus meetings it attended), key tasks it is assigned to,
supervision of it, the unit itself and its liaisons; anyone else is refused.

Each sheet is read here as records keyed by column key, holding stored values (codes, booleans,
dates), and laid out by db/imports/templates.py: the sheets of items, follow-ups, units and
liaisons by their import spec's columns — the template's columns, by key, then read-only ones
such as 系统编号 that an import ignores — with coded values written as the words the import reads
back, so an exported sheet can be corrected and imported again whatever the order of the spec's
columns; an import removes the quote that neutralising put before formula-like text. The other
sheets (meetings, key tasks, supervision) are in db/queries/export_reports.py."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from core import lifecycles as lc
from core.kinds import KINDS, detail_fields
from core.permissions import Actor, can
from db.commands.base import PermissionDenied
from db.engine import read_session
from db.imports.spec import FOLLOW_UPS, ITEMS, LIAISONS, UNITS
from db.imports.templates import import_sheet, sheet_title
from db.models import FollowUp, FollowUpAssist, Item, KeyTask, Liaison, Meeting, Unit
from db.queries.export_reports import key_tasks_table, meetings_table, supervision_table, unit_names, unit_names_by
from db.queries.predicates import follow_up_involves, item_involves

TABLES = ("items", "follow_ups", "meetings", "key_tasks", "supervision", "units", "liaisons")
__all__ = ["TABLES", "export_scope", "export_table", "export_workbook", "sheet_title"]


def export_scope(actor: Actor | None) -> int | None:
    """None: everything; a unit id: only rows involving that unit. Refused without export_data."""
    if not can(actor, "export_data"):
        raise PermissionDenied()
    if can(actor, "export_data", owner_unit_ids=()):  # allowed whatever the unit: every row
        return None
    return actor.unit_id


# -- the sheets of import types: one record per row, keyed by the spec's column keys ---------------

# the columns of items that are the stored value of the same name (title, sent_on, status …)
ITEM_COLUMNS = tuple(c for c in ITEMS.columns if c.key in Item.__table__.columns)


def items_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    q = select(Item).order_by(Item.sent_on, Item.id)
    if unit_id is not None:
        q = q.where(item_involves(unit_id))
    rows = []
    with read_session(engine) as s:
        names = unit_names(s)
        tasks = dict(s.execute(select(KeyTask.id, KeyTask.number)).all())
        for it in s.scalars(q).yield_per(2000):
            kind = KINDS.get(it.kind)
            details = it.details or {}
            answered = it.status in lc.ANSWERED_ITEM_STATUSES
            record = {c.key: _cell(getattr(it, c.key), c) for c in ITEM_COLUMNS}
            rows.append(record | {
                "from_unit": names.get(it.from_unit_id), "to_unit": names.get(it.to_unit_id),
                "urgent": it.urgent if kind and kind.urgent_rule else None,
                "due_on_override": it.due_on if it.due_override_reason else None,
                "override_reason": it.due_override_reason or "",
                **{field: details.get(field) or "" for field in detail_fields()},
                "key_task": tasks.get(it.key_task_id),
                # the answer belongs to an answered item, the closing date to a closed one
                **({} if answered else {"outcome": "", "feedback_on": None, "feedback_text": ""}),
                **({} if it.status == lc.CLOSED else {"closed_on": None}),
                # read-only columns, under their header's catalog key
                "import.col.id": it.id, "item.mechanism": it.mechanism, "item.due_on": it.due_on,
                "item.due_approximate": bool(it.due_approximate),
                "item.due_rule": it.due_rule or ""})
            s.expunge(it)
    return import_sheet(ITEMS, rows)


def _cell(value, column):
    """A stored value as its export cell: a blank text as an empty cell's ""."""
    return (value or "") if column.type == "text" else value


def follow_ups_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    q = (select(FollowUp, Meeting.held_on, Meeting.title, Meeting.kind).join(Meeting, Meeting.id == FollowUp.meeting_id)
         .order_by(Meeting.held_on, FollowUp.id))
    if unit_id is not None:
        q = q.where(follow_up_involves(unit_id))
    with read_session(engine) as s:
        names = unit_names(s)
        assists = unit_names_by(s, names, FollowUpAssist.follow_up_id, FollowUpAssist.unit_id)
        rows = [{"external_ref": fu.external_ref or "", "held_on": held_on, "meeting_title": title,
                 "meeting_kind": kind, "text": fu.text, "lead_unit": names.get(fu.lead_unit_id),
                 "assisting_units": "、".join(assists.get(fu.id, [])), "due_on": fu.due_on, "status": fu.status,
                 "done_on": fu.done_on if fu.status == lc.FU_DONE else None,
                 "evidence": (fu.evidence or "") if fu.status == lc.FU_DONE else "",
                 "cancel_reason": (fu.cancel_reason or "") if fu.status == lc.FU_CANCELLED else "",
                 "import.col.id": fu.id}
                for fu, held_on, title, kind in s.execute(q)]
    return import_sheet(FOLLOW_UPS, rows)


def units_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    q = select(Unit).order_by(Unit.sort_order, Unit.id)
    if unit_id is not None:
        q = q.where(Unit.id == unit_id)
    with read_session(engine) as s:
        rows = [{"code": u.code, "name": u.name, "aliases": "、".join(u.aliases or ()), "category": u.category,
                 "leader_name": u.leader_name or "", "leader_title": u.leader_title or "", "sort_order": u.sort_order, "state": u.active,
                 "import.col.id": u.id}
                for u in s.scalars(q)]
    return import_sheet(UNITS, rows)


def liaisons_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    q = (select(Liaison, Unit.name).join(Unit, Unit.id == Liaison.unit_id)
         .order_by(Unit.sort_order, Liaison.start_on, Liaison.id))
    if unit_id is not None:
        q = q.where(Liaison.unit_id == unit_id)
    with read_session(engine) as s:
        rows = [{"external_ref": x.external_ref or "", "unit": unit, "name": x.name, "phone": x.phone or "", "email": x.email or "",
                 "start_on": x.start_on, "end_on": x.end_on, "reported_on": x.reported_on, "import.col.id": x.id}
                for x, unit in s.execute(q)]
    return import_sheet(LIAISONS, rows)


# -- what the page asks for ------------------------------------------------------------------------

def export_table(engine: Engine, actor: Actor, table: str, today: date) -> pd.DataFrame:
    """One table, as the actor may see it."""
    unit_id = export_scope(actor)
    if table == "items":
        return items_table(engine, unit_id)
    if table == "follow_ups":
        return follow_ups_table(engine, unit_id)
    if table == "meetings":
        return meetings_table(engine, unit_id)
    if table == "key_tasks":
        return key_tasks_table(engine, unit_id, today)
    if table == "supervision":
        return supervision_table(engine, unit_id, today)
    if table == "units":
        return units_table(engine, unit_id)
    if table == "liaisons":
        return liaisons_table(engine, unit_id)
    raise KeyError(table)


def export_workbook(engine: Engine, actor: Actor, today: date) -> dict[str, pd.DataFrame]:
    """Every table the actor may see: sheet title → frame."""
    return {sheet_title(table): export_table(engine, actor, table, today) for table in TABLES}
