"""Importing items (移送、检察建议等事项), idempotent by 外部编号.

Validation is the commands' own: `item_errors` of CreateItem/UpdateItem for every field a form
has (kind, units, title, dates, kind-specific fields, the 另定期限 and its reason, the key task)
and their `assign` for what is stored (the due date by the kind's rule and the calendar); the
stage columns reuse RecordFeedback's and CloseItem's checks. The changes are the commands' own
too: `open_item` starts a new item's timeline as CreateItem does, and each lifecycle step
(receive_item, start_item, record_feedback, close_item …) is the one its command takes, leaving
the same timeline event. What only an import has:

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

from types import SimpleNamespace

from sqlalchemy import select

from core import lifecycles as lc
from core.clock import today
from core.i18n import t
from core.kinds import KINDS, detail_fields
from db.commands.base import input_fields, snapshot
from db.commands.items import (CloseItem, CreateItem, ItemStep, RecordFeedback, UpdateItem, close_item, open_item,
                               receive_item, record_feedback, return_item, set_feedback, start_item, withdraw_item)
from db.imports.base import CachedReads, Planned
from db.imports.importer import Importer, bulk_insert, choose, chunks, lifecycle_path, unit_names, unknown_unit
from db.imports.spec import ITEMS
from db.models import Item, ItemEvent, KeyTask
from db.stored_values import fitted

FEEDBACK_COLUMNS = ("outcome", "feedback_on", "feedback_text", "closed_on")
# the columns whose cell is the commands' input of the same name (title, sent_on, due_on_override …);
# the others are read here (a kind or unit by its name, the key task by its number, a kind's details)
DIRECT = tuple(c.key for c in ITEMS.columns if c.key in {f.name for f in input_fields(CreateItem)})
# item_errors field -> column
FIELD_COLUMNS = {**{key: key for key in DIRECT}, "from_unit_id": "from_unit", "to_unit_id": "to_unit",
                 "key_task_id": "key_task", **{f"details.{field}": field for field in detail_fields()}}
# stored attribute (a kind's detail as details.<field>) -> header, for the preview's "what changes"
ATTR_HEADERS = {**{c.key: c.header for c in ITEMS.columns if c.key in Item.__table__.columns},
                **{c.stored.key: c.header for c in ITEMS.columns if c.stored is not None and c.stored is not Item.details},
                **{f"details.{field}": f"item.details.{field}" for field in detail_fields()},
                "from_unit_id": "item.from_unit", "to_unit_id": "item.to_unit", "key_task_id": "item.key_task",
                "due_on": "item.due_on"}


def _status_labels() -> dict[str, str]:
    return {t(f"status.{s}"): s for s in lc.ITEM_STATUSES}


class ItemImporter(Importer):
    spec = ITEMS
    entity = "item"

    def prepare(self, rows, errors):
        s = self.session
        self.errors = errors
        # the note of the timeline events an import leaves (not of a new item's first ones)
        self.note = fitted(t("import.event_note", file=self.file_name), ItemEvent.note)
        self.reads = CachedReads(s)
        # held here so that the session's identity map keeps them while rows are checked
        self.units = unit_names(s)
        self.tasks = {k.number: k for k in s.scalars(select(KeyTask))}
        self.statuses = _status_labels()
        self.kind_by_label = {k.label: k.code for k in KINDS.values()}
        self.detail_fields = detail_fields()  # the same on every row: worked out once
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
        unit = self.units.find(name)
        if unit is None:
            self.errors.add_for(n, key, unknown_unit(self.units, name))
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
        status = choose(err, n, "status", v["status"], self.statuses)
        if kind_code is None:
            return None
        kind = KINDS[kind_code]
        details = {}
        for field in self.detail_fields:
            if field in kind.extra_fields:
                details[field] = v[field] or ""
            elif v[field]:
                err.add_for(n, field, t("import.error.not_for_kind", kind=kind.label))
        if v["urgent"] and kind.urgent_rule is None:
            err.add_for(n, "urgent", t("import.error.not_for_kind", kind=kind.label))
        existing = self.existing.get(v["external_ref"])
        values = {key: v[key] for key in DIRECT} | dict(
            kind=kind_code, from_unit_id=from_id, to_unit_id=to_id, details=details, urgent=bool(v["urgent"]),
            key_task_id=key_task_id)
        fields = (UpdateItem(self.actor, item_id=existing.id, version=existing.version, **values) if existing
                  else CreateItem(self.actor, **values))
        # No query for the uniqueness of 外部编号: the reader checked it in the file, and a known one
        # means "update that item", so it cannot clash (saves a query per row).
        for field, message in fields.item_errors(self.reads, unique_ref=False).items():
            err.add_for(n, FIELD_COLUMNS.get(field, "external_ref"), message)
        start = existing.status if existing else (lc.RECEIVED if v["received_on"] else lc.SENT)
        self._stage_errors(n, v, kind_code, start, status)
        if err.has(n):
            return None
        if existing is not None:
            before = snapshot(existing)
            fields.assign(self.reads, existing)
            steps = self._apply_stage(existing, status, v)
            if not self.session.is_modified(existing):
                return Planned(n, v["external_ref"], v["title"], "unchanged", existing)
            after = snapshot(existing)
            stage = {"status", *FEEDBACK_COLUMNS, "version", "updated_at"}
            if before["received_on"] is None and after["received_on"] == after["feedback_on"]:
                stage.add("received_on")  # implied by the feedback (set_feedback)
            if any(before[a] != after[a] for a in after if a not in stage):  # as UpdateItem records it
                steps.insert(0, ItemStep("edited", today(), note=self.note))
            return Planned(n, v["external_ref"], v["title"], "update", existing, before,
                           self.changed_columns(before, after, ATTR_HEADERS), {"steps": steps})
        item = Item(version=1, is_demo=False)
        fields.assign(self.reads, item)
        steps = open_item(item) + self._apply_stage(item, status, v)
        return Planned(n, v["external_ref"], v["title"], "create", item, extra={"steps": steps})

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
            if status in lc.ANSWERED_ITEM_STATUSES:
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
        for field, message in command.step_errors(stub).items():
            self.errors.add_for(n, columns.get(field, "status"), message)

    def _apply_stage(self, item: Item, status: str | None, v: dict) -> list[ItemStep]:
        """Take the lifecycle steps from the item's stage to the file's, each as its command takes
        it (dated by the file: receipt, feedback, closing), then set the answer as the file says
        (a correction when the item was answered already). Returns the steps for the timeline."""
        if status is None:
            return []
        note, on = self.note, today()
        steps = []
        for action, _old, _new in lifecycle_path(lc.ITEM_TRANSITIONS, item.status, status) or []:
            if action == "receive":
                steps.append(receive_item(self.reads, item, item.received_on, note))
            elif action == "start":
                steps.append(start_item(self.reads, item, item.received_on, note))
            elif action == "respond":
                steps.append(record_feedback(item, v["feedback_on"], v["outcome"], v["feedback_text"] or "", note))
            elif action == "close":
                steps.append(close_item(item, v["closed_on"], note))
            elif action == "return":
                steps.append(return_item(item, on, note))
            else:
                steps.append(withdraw_item(item, on, note))
        if status in lc.ANSWERED_ITEM_STATUSES:
            set_feedback(item, v["feedback_on"], v["outcome"], v["feedback_text"] or "")
        else:
            item.feedback_on = item.feedback_text = item.outcome = None
        item.closed_on = v["closed_on"] if status == lc.CLOSED else None
        return steps

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
        actor = self.actor
        # the timeline events the steps leave, generated as they are inserted, a chunk at a time
        bulk_insert(s, ItemEvent, (step.event(p.obj.id, actor) for p in creates + updates for step in p.extra["steps"]))
        self.audit_rows(plans)
        self.tick("write", total, total)
        return self.summary(plans)
