"""Importing items (移送、检察建议等事项), idempotent by 外部编号.

Validation is the commands' own: `_ItemFields.item_errors` for every field a form has (kind,
units, title, dates, kind-specific fields, the 另定期限 and its reason, the key task) and
`_ItemFields.assign` for what is stored (the due date by the kind's rule and the calendar); the
stage columns reuse RecordFeedback's and CloseItem's checks. What only an import has:

- 外部编号 is required (it is how a second import finds the row again), at most its column's length
  (checked by the reader) and unique in the file; a known 外部编号 updates that item.
- 办理阶段 may be left blank: a new item is then 已发出 (已签收 with a 签收日期) and an existing
  one keeps its stage and feedback. When filled, the stage may only move forward along the
  lifecycle (已发出 → … → 已办结); the 办理结果/反馈日期/反馈内容 columns belong to 已反馈 and
  已办结, 办结日期 to 已办结. Each step taken is an event on the item's timeline.
- A value in a kind-specific column (案件名称, 涉嫌罪名, 紧急情形) for a kind without that field
  is an error rather than silently dropped.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from core import lifecycles as lc
from core.clock import today
from core.i18n import t
from core.kinds import KINDS, detail_fields
from db.commands.base import snapshot
from db.commands.items import CloseItem, RecordFeedback, _date_errors, _ItemFields
from db.imports.base import CachedReads, Planned
from db.imports.importer import Importer, bulk_insert, chunks, choice_error, lifecycle_path
from db.imports.spec import ITEMS
from db.models import Item, ItemEvent, KeyTask, Unit
from db.stored_values import fitted

FEEDBACK_COLUMNS = ("outcome", "feedback_on", "feedback_text", "closed_on")
ANSWERED = (lc.RESPONDED, lc.CLOSED)
# item_errors field -> column
FIELD_COLUMNS = {"kind": "kind", "from_unit_id": "from_unit", "to_unit_id": "to_unit", "doc_number": "doc_number",
                 "title": "title", "summary": "summary", "sent_on": "sent_on", "received_on": "received_on",
                 "due_on_override": "due_on_override", "override_reason": "override_reason",
                 "key_task_id": "key_task", "external_ref": "external_ref",
                 **{f"details.{field}": field for field in detail_fields()}}
# stored attribute -> header (for the preview's "what changes")
ATTR_HEADERS = {"kind": "item.kind", "from_unit_id": "item.from_unit", "to_unit_id": "item.to_unit",
                "doc_number": "item.doc_number", "title": "item.title", "summary": "item.summary",
                "sent_on": "item.sent_on", "received_on": "item.received_on", "urgent": "item.urgent",
                "due_override_reason": "item.override_reason", "details": "item.details.case_name",
                "key_task_id": "item.key_task", "status": "item.status", "outcome": "item.outcome",
                "feedback_on": "item.feedback_on", "feedback_text": "item.feedback_text",
                "closed_on": "item.closed_on", "due_on": "item.due_on"}
EVENT_DATE = {"receive": "received_on", "start": "received_on", "respond": "feedback_on", "close": "closed_on"}


def _status_labels() -> dict[str, str]:
    return {t(f"status.{s}"): s for s in lc.ITEM_STATUSES}


class _Fields(_ItemFields):
    """The commands' item field rules and assignment, on one row's values."""

    def __init__(self, data: dict):
        self.data = data


class ItemImporter(Importer):
    spec = ITEMS
    entity = "item"

    def prepare(self, rows, errors):
        s = self.session
        self.errors = errors
        self.reads = CachedReads(s)
        # held here so that the session's identity map keeps them while rows are checked
        self.units = {u.name: u for u in s.scalars(select(Unit))}
        self.tasks = {k.number: k for k in s.scalars(select(KeyTask))}
        self.statuses = _status_labels()
        self.kind_by_label = {k.label: k.code for k in KINDS.values()}
        plans, done = [], 0
        with s.no_autoflush:
            for part in chunks(rows):  # the items a chunk names are read with it, and let go if unchanged
                self.existing: dict[str, Item] = self.existing_by_ref(Item, part)
                for row in part:
                    plan = self._row(row)
                    if plan is not None:
                        plans.append(self.let_go_if_unchanged(plan))
                    done += 1
                    self.tick("check", done, len(rows))
        return plans

    # -- one row ---------------------------------------------------------------------------------
    def _unit_id(self, n: int, key: str, name: str | None) -> int | None:
        if not name:
            return None
        unit = self.units.get(name)
        if unit is None:
            self.errors.add_for(n, key, t("import.error.unknown_unit", name=name))
            return None
        return unit.id

    def _row(self, row) -> Planned | None:
        v, n, err = row.values, row.number, self.errors
        kind_code = self.kind_by_label.get(v["kind"]) if v["kind"] else None
        if v["kind"] and kind_code is None:
            err.add_for(n, "kind", t("error.unknown_kind"))
        from_id = self._unit_id(n, "from_unit", v["from_unit"])
        to_id = self._unit_id(n, "to_unit", v["to_unit"])
        key_task_id = None
        if v["key_task"] is not None:
            task = self.tasks.get(v["key_task"])
            if task is None:
                err.add_for(n, "key_task", t("error.unknown_task"))
            else:
                key_task_id = task.id
        status = None
        if v["status"]:
            status = self.statuses.get(v["status"])
            if status is None:
                err.add_for(n, "status", choice_error(v["status"], self.statuses))
        if kind_code is None:
            return None
        kind = KINDS[kind_code]
        details = {}
        for field in detail_fields():
            if field in kind.extra_fields:
                details[field] = v[field] or ""
            elif v[field]:
                err.add_for(n, field, t("import.error.not_for_kind", kind=kind.label))
        if v["urgent"] and kind.urgent_rule is None:
            err.add_for(n, "urgent", t("import.error.not_for_kind", kind=kind.label))
        existing = self.existing.get(v["external_ref"])
        fields = _Fields(dict(
            kind=kind_code, from_unit_id=from_id, to_unit_id=to_id, doc_number=v["doc_number"], title=v["title"],
            summary=v["summary"], details=details, sent_on=v["sent_on"], received_on=v["received_on"],
            urgent=bool(v["urgent"]), due_on_override=v["due_on_override"], override_reason=v["override_reason"],
            key_task_id=key_task_id, external_ref=None, item_id=existing.id if existing else None))
        # external_ref is left out here: the reader checked its length and uniqueness in the file,
        # and a known one means "update that item", so it cannot clash (saves a query per row).
        for field, message in fields.item_errors(self.reads).items():
            err.add_for(n, FIELD_COLUMNS.get(field, "external_ref"), message)
        start = existing.status if existing else (lc.RECEIVED if v["received_on"] else lc.SENT)
        self._stage_errors(n, v, kind_code, start, status)
        if err.has(n):
            return None
        fields.data["external_ref"] = v["external_ref"]
        if existing is not None:
            before = snapshot(existing)
            fields.assign(self.reads, existing)
            path = self._apply_stage(existing, status, v)
            if not self.session.is_modified(existing):
                return Planned(n, v["external_ref"], v["title"], "unchanged", existing)
            after = snapshot(existing)
            stage = {"status", *FEEDBACK_COLUMNS, "version", "updated_at"}
            if before["received_on"] is None and after["received_on"] == after["feedback_on"]:
                stage.add("received_on")  # implied by the feedback, as RecordFeedback does
            edited = any(before[a] != after[a] for a in after if a not in stage)
            return Planned(n, v["external_ref"], v["title"], "update", existing, before,
                           self.changed_columns(before, after, ATTR_HEADERS), {"path": path, "edited": edited})
        item = Item(status=start, version=1, is_demo=False)
        fields.assign(self.reads, item)
        path = self._apply_stage(item, status, v)
        return Planned(n, v["external_ref"], v["title"], "create", item, extra={"path": path, "start": start})

    def _stage_errors(self, n: int, v: dict, kind_code: str, start: str, status: str | None) -> None:
        err = self.errors
        given = [c for c in FEEDBACK_COLUMNS if v[c] not in (None, "")]
        if status is None:
            for column in given:
                err.add_for(n, column, t("import.error.needs_answered_status"))
        else:
            if lifecycle_path(lc.ITEM_TRANSITIONS, start, status) is None:
                err.add_for(n, "status", t("import.error.stage_backwards", current=t(f"status.{start}"),
                                           target=t(f"status.{status}")))
            stub = SimpleNamespace(kind=kind_code, sent_on=v["sent_on"], received_on=v["received_on"],
                                   feedback_on=v["feedback_on"])
            if status in ANSWERED:
                feedback = RecordFeedback(self.actor, on=v["feedback_on"], feedback_text=v["feedback_text"],
                                          outcome=v["outcome"])
                self._step_errors(n, feedback, stub, {"on": "feedback_on", "feedback_text": "feedback_text",
                                                      "outcome": "outcome"})
                if status == lc.CLOSED:
                    self._step_errors(n, CloseItem(self.actor, on=v["closed_on"]), stub, {"on": "closed_on"})
                elif v["closed_on"]:
                    err.add_for(n, "closed_on", t("import.error.only_when_closed"))
            else:
                for column in given:
                    err.add_for(n, column, t("import.error.needs_answered_status"))
        final = status or start
        if final in (lc.RECEIVED, lc.IN_PROGRESS) and v["received_on"] is None:
            err.add_for(n, "received_on", t("import.error.received_required", status=t(f"status.{final}")))

    def _step_errors(self, n: int, command, stub, columns: dict[str, str]) -> None:
        sent_on = stub.sent_on if isinstance(stub.sent_on, date) else None
        found = _date_errors(command.data, "on", required=True, not_before=sent_on,
                             before_label=t("item.sent_on")) | command.extra_errors(stub)
        for field, message in found.items():
            self.errors.add_for(n, columns.get(field, "status"), message)

    @staticmethod
    def _apply_stage(item: Item, status: str | None, v: dict) -> list[tuple[str, str, str]]:
        """Set the stage and its feedback as the file says; returns the lifecycle steps taken."""
        if status is None:
            return []
        path = lifecycle_path(lc.ITEM_TRANSITIONS, item.status, status) or []
        if status in ANSWERED:
            item.feedback_on, item.outcome = v["feedback_on"], v["outcome"]
            item.feedback_text = (v["feedback_text"] or "").strip()
            if item.received_on is None:  # as RecordFeedback: feedback implies receipt; due date kept
                item.received_on = v["feedback_on"]
        else:
            item.feedback_on = item.feedback_text = item.outcome = None
        item.closed_on = v["closed_on"] if status == lc.CLOSED else None
        item.status = status
        return path

    # -- writing ---------------------------------------------------------------------------------
    def write(self, plans):
        s = self.session
        creates = [p for p in plans if p.action == "create"]
        updates = [p for p in plans if p.action == "update"]
        total, done = len(creates) + len(updates), 0
        for part in chunks(creates, 1000):
            s.add_all(p.obj for p in part)
            s.flush()
            done += len(part)
            self.tick("write", done, total)
        s.flush()  # the updates
        day, note = today(), fitted(t("import.event_note", file=self.file_name), ItemEvent.note)

        def event(item, event_type, on, from_status=None, to_status=None, text=note):
            return dict(item_id=item.id, event_type=event_type, from_status=from_status, to_status=to_status,
                        note=text, occurred_on=on or day, actor_id=self.actor.user_id)

        def events():  # generated as they are inserted, a chunk at a time
            for p in creates + updates:
                item = p.obj
                if p.action == "create":
                    yield event(item, "created", item.sent_on, to_status=lc.SENT, text=None)
                    if p.extra["start"] == lc.RECEIVED:  # signed for already, recorded as CreateItem does
                        yield event(item, "received", item.received_on, lc.SENT, lc.RECEIVED, text=None)
                elif p.extra["edited"]:
                    yield event(item, "edited", day)
                for action, old, new in p.extra["path"]:
                    yield event(item, action, getattr(item, EVENT_DATE[action]) if action in EVENT_DATE else day,
                                old, new)

        bulk_insert(s, ItemEvent, events())
        self.audit_rows(plans)
        self.tick("write", total, total)
        return self.summary(plans)
