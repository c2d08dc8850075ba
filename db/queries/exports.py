"""Exports: every table the role may see, as data frames with Chinese headers and labels, and the
file bytes (CSV, one-sheet or many-sheet XLSX) with spreadsheet formulas neutralised.

Who gets what (core.permissions "export_data"): admin, convener and office export everything; a
liaison exports only rows that involve their own unit — items it sent or received, follow-ups it
leads or assists and their meetings (plus meetings it attended), key tasks it is assigned to,
supervision of it, the unit itself and its liaisons; anyone else is refused.

The sheets of items, follow-ups, units and liaisons have exactly the import template's columns
(plus read-only ones such as 系统编号, which an import ignores), so an exported sheet can be
corrected and imported again; an import removes the quote that neutralising put before
formula-like text.

The neutralising is written here rather than taken from ui/tables.py because db/ does not import
Streamlit; both prefix text starting with = + - @ (and tab, carriage return) with a quote."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import exists, or_, select
from sqlalchemy.engine import Engine

from core import lifecycles as lc
from core.i18n import group_label, t
from core.kinds import KINDS, MEETING_KINDS
from core.permissions import Actor, can
from db.commands.base import PermissionDenied
from db.engine import read_session
from db.imports.spec import FOLLOW_UPS, ITEMS, LIAISONS, UNITS
from db.models import FollowUp, FollowUpAssist, Item, KeyTask, Liaison, Meeting, MeetingAttendance, Unit
from db.queries.predicates import follow_up_involves, item_involves
from db.queries.supervision import supervision_list
from db.queries.tasks import task_board

TABLES = ("items", "follow_ups", "meetings", "key_tasks", "supervision", "units", "liaisons")


def export_scope(actor: Actor | None) -> int | None:
    """None: everything; a unit id: only rows involving that unit. Refused without export_data."""
    if not can(actor, "export_data"):
        raise PermissionDenied()
    if can(actor, "export_data", owner_unit_ids=()):  # allowed whatever the unit: every row
        return None
    return actor.unit_id


def sheet_title(table: str) -> str:
    return t(f"export.sheet.{table}")


# -- files ---------------------------------------------------------------------------------------



# -- tables --------------------------------------------------------------------------------------

def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _yes(value: bool) -> str:
    return t("common.yes") if value else t("common.no")


def _unit_names(s) -> dict[int, str]:
    return dict(s.execute(select(Unit.id, Unit.name)).all())


def items_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    headers = ITEMS.headers() + [t(k) for k in ITEMS.extra_headers]
    q = select(Item).order_by(Item.sent_on, Item.id)
    if unit_id is not None:
        q = q.where(item_involves(unit_id))
    rows = []
    with read_session(engine) as s:
        names = _unit_names(s)
        tasks = dict(s.execute(select(KeyTask.id, KeyTask.number)).all())
        for it in s.scalars(q).yield_per(2000):
            kind = KINDS.get(it.kind)
            details = it.details or {}
            answered = it.status in lc.ANSWERED_ITEM_STATUSES
            rows.append(dict(zip(headers, [
                it.external_ref or "", kind.label if kind else it.kind, names.get(it.from_unit_id),
                names.get(it.to_unit_id), it.doc_number or "", it.title, it.summary or "", it.sent_on, it.received_on,
                _yes(it.urgent) if kind and kind.urgent_rule else "",
                it.due_on if it.due_override_reason else None, it.due_override_reason or "",
                details.get("case_name") or "", details.get("suspected_offence") or "",
                tasks.get(it.key_task_id), t(f"status.{it.status}"),
                (it.outcome or "") if answered else "", it.feedback_on if answered else None,
                (it.feedback_text or "") if answered else "", it.closed_on if it.status == lc.CLOSED else None,
                it.id, it.mechanism, it.due_on, it.due_rule or ""])))
            s.expunge(it)
    df = _frame(rows, headers)
    task = t("item.key_task")
    df[task] = df[task].astype("Int64")  # whole numbers, blank where none (not 9.0 / NaN)
    return df


def follow_ups_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    headers = FOLLOW_UPS.headers() + [t(k) for k in FOLLOW_UPS.extra_headers]
    q = (select(FollowUp, Meeting.held_on, Meeting.title, Meeting.kind).join(Meeting, Meeting.id == FollowUp.meeting_id)
         .order_by(Meeting.held_on, FollowUp.id))
    if unit_id is not None:
        q = q.where(follow_up_involves(unit_id))
    with read_session(engine) as s:
        names = _unit_names(s)
        assists: dict[int, list[str]] = {}
        for fu_id, uid in s.execute(select(FollowUpAssist.follow_up_id, FollowUpAssist.unit_id)
                                    .join(Unit, Unit.id == FollowUpAssist.unit_id).order_by(Unit.sort_order)):
            assists.setdefault(fu_id, []).append(names[uid])
        rows = [dict(zip(headers, [
            fu.external_ref or "", held_on, title, MEETING_KINDS.get(kind, kind), fu.text, names.get(fu.lead_unit_id),
            "、".join(assists.get(fu.id, [])), fu.due_on, t(f"fu_status.{fu.status}"),
            fu.done_on if fu.status == lc.FU_DONE else None, (fu.evidence or "") if fu.status == lc.FU_DONE else "",
            (fu.cancel_reason or "") if fu.status == lc.FU_CANCELLED else "", fu.id]))
            for fu, held_on, title, kind in s.execute(q)]
    return _frame(rows, headers)


def meetings_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    headers = [t("import.col.id"), t("meeting.held_on"), t("meeting.kind"), t("meeting.title"), t("meeting.place"),
               t("meeting.convened_by"), t("export.col.attending_units"), t("meeting.topics"),
               t("meeting.minutes_summary"), t("export.col.follow_up_count")]
    q = select(Meeting).order_by(Meeting.held_on, Meeting.id)
    if unit_id is not None:
        q = q.where(or_(
            exists().where(MeetingAttendance.meeting_id == Meeting.id, MeetingAttendance.unit_id == unit_id),
            exists().where(FollowUp.meeting_id == Meeting.id, follow_up_involves(unit_id))))
    with read_session(engine) as s:
        names = _unit_names(s)
        attending: dict[int, list[str]] = {}
        for mid, uid in s.execute(select(MeetingAttendance.meeting_id, MeetingAttendance.unit_id)
                                  .join(Unit, Unit.id == MeetingAttendance.unit_id).order_by(Unit.sort_order)):
            attending.setdefault(mid, []).append(names[uid])
        counts: dict[int, int] = {}
        for (mid,) in s.execute(select(FollowUp.meeting_id)):
            counts[mid] = counts.get(mid, 0) + 1
        rows = [dict(zip(headers, [
            m.id, m.held_on, MEETING_KINDS.get(m.kind, m.kind), m.title, m.place or "", m.convened_by or "",
            "、".join(attending.get(m.id, [])), m.topics or "", m.minutes_summary or "", counts.get(m.id, 0)]))
            for m in s.scalars(q)]
    return _frame(rows, headers)


def key_tasks_table(engine: Engine, unit_id: int | None, today: date) -> pd.DataFrame:
    headers = [t("export.col.number"), t("export.col.group"), t("export.col.task"), t("export.col.lead_units"),
               t("export.col.participating_units"), t("export.col.task_status"), t("export.col.percent"),
               t("export.col.latest_update_on"), t("export.col.latest_update"), t("export.col.full_text")]
    board = task_board(engine, today)
    with read_session(engine) as s:
        texts = dict(s.execute(select(KeyTask.id, KeyTask.full_text)).all())
    rows = []
    for r in board.to_dict("records"):
        if unit_id is not None and unit_id not in r["lead_unit_ids"] + r["participating_unit_ids"]:
            continue
        rows.append(dict(zip(headers, [
            r["number"], group_label(r["group_number"], r["group_title"]), r["title"], r["lead_units"],
            r["participating_units"], t(f"task_status.{r['status']}"), r["percent"], r["latest_update_on"],
            r["latest_update"] or "", texts.get(r["id"], "")])))
    return _frame(rows, headers)


def supervision_table(engine: Engine, unit_id: int | None, today: date) -> pd.DataFrame:
    headers = [t("supervision.id"), t("export.col.target_type"), t("export.col.target"), t("supervision.unit"),
               t("supervision.level"), t("supervision.deadline"), t("supervision.instruction"), t("item.status"),
               t("supervision.issued_on"), t("supervision.response_text"), t("export.col.responded_on"),
               t("supervision.resolution_text"), t("export.col.resolved_on")]
    df = supervision_list(engine, today, unit_id=unit_id) if unit_id is not None else supervision_list(engine, today)
    rows = [dict(zip(headers, [
        r["id"], t(f"supervision.target.{r['target_type']}"), r["target_title"] or "", r["unit"], r["level"],
        r["deadline"], r["instruction"] or "",
        t("sup_status.escalated") if r["escalated"] else t(f"sup_status.{r['status']}"), r["issued_on"],
        r["response_text"] or "", r["responded_on"], r["resolution_text"] or "", r["resolved_on"]]))
        for r in df.to_dict("records")]
    return _frame(rows, headers)


def units_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    headers = UNITS.headers() + [t(k) for k in UNITS.extra_headers]
    q = select(Unit).order_by(Unit.sort_order, Unit.id)
    if unit_id is not None:
        q = q.where(Unit.id == unit_id)
    with read_session(engine) as s:
        rows = [dict(zip(headers, [
            u.code, u.name, t(f"category.{u.category}"), u.leader_name or "", u.leader_title or "", u.sort_order,
            t("import.unit_state.active") if u.active else t("import.unit_state.inactive"), u.id]))
            for u in s.scalars(q)]
    return _frame(rows, headers)


def liaisons_table(engine: Engine, unit_id: int | None) -> pd.DataFrame:
    headers = LIAISONS.headers() + [t(k) for k in LIAISONS.extra_headers]
    q = (select(Liaison, Unit.name).join(Unit, Unit.id == Liaison.unit_id)
         .order_by(Unit.sort_order, Liaison.start_on, Liaison.id))
    if unit_id is not None:
        q = q.where(Liaison.unit_id == unit_id)
    with read_session(engine) as s:
        rows = [dict(zip(headers, [
            x.external_ref or "", unit, x.name, x.phone or "", x.start_on, x.end_on, x.reported_on, x.id]))
            for x, unit in s.execute(q)]
    return _frame(rows, headers)


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

