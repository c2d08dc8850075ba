"""Commands on tracked items (DESIGN §3–§4): create, edit, and one command per lifecycle action.

Who may do what: office staff (and admins) create, edit, close and withdraw; the receiving unit
(its liaison, or office staff for it) signs for receipt, starts, records feedback and returns;
notes may come from either side. A transition the lifecycle forbids is refused here, whatever
the page showed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import lifecycles as lc
from core.clock import today
from core.i18n import t
from core.kinds import KINDS
from db.calendar import due_for
from db.commands.base import Command, NotFound, snapshot, text_errors
from db.models import Item, ItemEvent, KeyTask, Unit
from db.stored_values import max_length

# Limits quoted by forms and the import template: the model's columns hold them.
TITLE_MAX, TEXT_MAX = max_length(Item.title), max_length(Item.summary)
DOC_MAX, REF_MAX = max_length(Item.doc_number), max_length(Item.external_ref)


def _unit_errors(session: Session, data: dict, field: str) -> dict[str, str]:
    unit_id = data.get(field)
    if unit_id is None:
        return {field: t("error.required")}
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.active:
        return {field: t("error.unknown_unit")}
    return {}


def _date_errors(data: dict, field: str, *, required: bool, not_before: date | None = None,
                 before_label: str = "", allow_future: bool = False) -> dict[str, str]:
    value = data.get(field)
    if value is None:
        return {field: t("error.required")} if required else {}
    if not isinstance(value, date):
        return {field: t("error.bad_date")}
    if not allow_future and value > today():
        return {field: t("error.date_in_future")}
    if not_before and value < not_before:
        return {field: t("error.date_before", other=before_label)}
    return {}


class _ItemFields:
    """Validation and assignment shared by CreateItem and UpdateItem."""

    def item_errors(self, session: Session) -> dict[str, str]:
        d = self.data
        kind = KINDS.get(d.get("kind"))
        if kind is None:
            return {"kind": t("error.unknown_kind")}
        errors = text_errors(d, {"title": (True, Item.title), "summary": (False, Item.summary),
                                 "doc_number": (kind.doc_number_required, Item.doc_number),
                                 "external_ref": (False, Item.external_ref)})
        errors.update(_unit_errors(session, d, "from_unit_id"))
        errors.update(_unit_errors(session, d, "to_unit_id"))
        if not errors.get("to_unit_id") and d.get("from_unit_id") == d.get("to_unit_id"):
            errors["to_unit_id"] = t("error.same_unit")
        errors.update(_date_errors(d, "sent_on", required=True))
        errors.update(_date_errors(d, "received_on", required=False, not_before=d.get("sent_on"),
                                   before_label=t("item.sent_on")))
        details = d.get("details") or {}
        for field in kind.required_details:
            if not (details.get(field) or "").strip():
                errors[f"details.{field}"] = t("error.required")
        errors.update({f"details.{field}": message for field, message in
                       text_errors(details, {f: (False, Item.details) for f in details}).items()})
        override = d.get("due_on_override")
        if kind.agreed_due_date and override is None:
            errors["due_on_override"] = t("error.agreed_due_required")
        if override is not None:
            if not isinstance(override, date):
                errors["due_on_override"] = t("error.bad_date")
            elif d.get("sent_on") and override < d["sent_on"]:
                errors["due_on_override"] = t("error.date_before", other=t("item.sent_on"))
            if not (d.get("override_reason") or "").strip():
                errors["override_reason"] = t("error.override_reason_required")
            else:
                errors.update(text_errors(d, {"override_reason": (True, Item.due_override_reason)}))
        if d.get("key_task_id") is not None and session.get(KeyTask, d["key_task_id"]) is None:
            errors["key_task_id"] = t("error.unknown_task")
        ref = (d.get("external_ref") or "").strip()
        if ref and "external_ref" not in errors:
            clash = select(func.count()).select_from(Item).where(Item.external_ref == ref)
            if d.get("item_id"):
                clash = clash.where(Item.id != d["item_id"])
            if session.scalar(clash):
                errors["external_ref"] = t("error.external_ref_taken")
        return errors

    def assign(self, session: Session, item: Item) -> None:
        d = self.data
        kind = KINDS[d["kind"]]
        item.kind, item.mechanism = kind.code, kind.mechanism
        item.from_unit_id, item.to_unit_id = d["from_unit_id"], d["to_unit_id"]
        item.title = d["title"].strip()
        item.summary = (d.get("summary") or "").strip() or None
        item.doc_number = (d.get("doc_number") or "").strip() or None
        item.details = {k: (v.strip() if isinstance(v, str) else v) for k, v in (d.get("details") or {}).items()}
        item.sent_on, item.received_on = d["sent_on"], d.get("received_on")
        item.urgent = bool(d.get("urgent")) and kind.urgent_rule is not None
        item.key_task_id = d.get("key_task_id")
        item.external_ref = (d.get("external_ref") or "").strip() or None
        item.needs_feedback = kind.rule.needs_feedback
        due_on, rule_text, basis, approximate = due_for(session, kind.code, item.urgent, item.sent_on,
                                                       item.received_on)
        if d.get("due_on_override") is not None:
            item.due_on, item.due_override_reason = d["due_on_override"], d["override_reason"].strip()
            item.due_rule, item.due_approximate = t("item.due_override_rule"), False
        else:
            item.due_on, item.due_override_reason, item.due_rule, item.due_approximate = (
                due_on, None, rule_text, approximate)
        item.due_basis = basis


def _event(item: Item, actor, event_type: str, *, on: date, note: str | None = None,
           from_status: str | None = None, to_status: str | None = None) -> ItemEvent:
    return ItemEvent(item_id=item.id, event_type=event_type, from_status=from_status, to_status=to_status,
                     note=note, occurred_on=on, actor_id=actor.user_id)


class CreateItem(_ItemFields, Command):
    permission, action, entity = "edit_records", "item.create", "item"

    def validate(self, session):
        return self.item_errors(session)

    def apply(self, session):
        item = Item(status=lc.SENT, version=1)
        self.assign(session, item)
        session.add(item)
        session.flush()
        session.add(_event(item, self.actor, "created", on=item.sent_on, to_status=lc.SENT))
        if item.received_on:  # recorded after the fact: already signed for
            item.status = lc.RECEIVED
            session.add(_event(item, self.actor, "received", on=item.received_on, from_status=lc.SENT,
                               to_status=lc.RECEIVED))
        return item.id, None, snapshot(item)


class UpdateItem(_ItemFields, Command):
    """Correct an item's fields (not its status); recomputes the due date."""
    permission, action, entity = "edit_records", "item.update", "item"

    def validate(self, session):
        return self.item_errors(session)

    def apply(self, session):
        item = self.load_for_edit(session, Item, self.data["item_id"], self.data.get("version"))
        before = snapshot(item)
        answered_due = (item.due_on, item.due_rule, item.due_approximate) if item.feedback_on else None
        self.assign(session, item)
        if answered_due and self.data.get("due_on_override") is None:
            # Once answered, correcting other fields must not move the due date the answer was
            # measured against (a late answer stays late).
            item.due_on, item.due_rule, item.due_approximate = answered_due
        session.add(_event(item, self.actor, "edited", on=today()))
        return item.id, before, snapshot(item)


class _Transition(Command):
    """One lifecycle action on an item; subclasses name it and add their own fields."""
    entity = "item"
    transition: str
    permission = "record_feedback"
    reason_required = False

    def _item(self, session) -> Item:
        item = session.get(Item, self.data["item_id"])
        if item is None:
            raise NotFound()
        return item

    def owner_unit_ids(self, session):
        return [self._item(session).to_unit_id]

    def validate(self, session):
        item = self._item(session)
        if self.transition not in lc.allowed_actions(lc.ITEM_TRANSITIONS, item.status):
            return {"action": t("error.transition_refused", status=t(f"status.{item.status}"),
                                action=t(f"action.{self.transition}"))}
        errors = _date_errors(self.data, "on", required=True, not_before=item.sent_on,
                              before_label=t("item.sent_on"))
        errors.update(text_errors(self.data, {"reason": (self.reason_required, ItemEvent.note),
                                              "note": (False, ItemEvent.note)}))
        return errors | self.extra_errors(item)

    def extra_errors(self, item: Item) -> dict[str, str]:
        return {}

    def change(self, session: Session, item: Item) -> None:
        pass

    def apply(self, session):
        item = self.load_for_edit(session, Item, self.data["item_id"], self.data.get("version"))
        before = snapshot(item)
        old = item.status
        item.status = lc.next_status(lc.ITEM_TRANSITIONS, old, self.transition)
        self.change(session, item)
        note = (self.data.get("reason") or self.data.get("note") or "").strip() or None
        session.add(_event(item, self.actor, self.transition, on=self.data["on"], note=note,
                           from_status=old, to_status=item.status))
        return item.id, before, snapshot(item)


def _not_before(on, earlier: date | None, label_key: str) -> dict[str, str]:
    """A step may not be dated before the step it follows (e.g. start before receipt)."""
    if isinstance(on, date) and earlier and on < earlier:
        return {"on": t("error.date_before", other=t(label_key))}
    return {}


def _mark_received(session: Session, item: Item, on: date) -> None:
    """Receipt starts the period of most rules: recompute the due date unless it was overridden."""
    if item.received_on is not None:
        return
    item.received_on = on
    if item.due_override_reason is None:
        item.due_on, item.due_rule, item.due_basis, item.due_approximate = due_for(
            session, item.kind, item.urgent, item.sent_on, on)


class ReceiveItem(_Transition):
    action, transition = "item.receive", "receive"

    def change(self, session, item):
        _mark_received(session, item, self.data["on"])


class StartItem(_Transition):
    action, transition = "item.start", "start"

    def extra_errors(self, item):
        return _not_before(self.data.get("on"), item.received_on, "item.received_on")

    def change(self, session, item):
        _mark_received(session, item, self.data["on"])


class RecordFeedback(_Transition):
    """The receiving unit's written reply: date, text and the kind's outcome."""
    action, transition = "item.respond", "respond"

    def extra_errors(self, item):
        errors = text_errors(self.data, {"feedback_text": (True, Item.feedback_text)})
        if self.data.get("outcome") not in KINDS[item.kind].outcomes:
            errors["outcome"] = t("error.required") if not self.data.get("outcome") else t("error.unknown_outcome")
        return errors | _not_before(self.data.get("on"), item.received_on, "item.received_on")

    def change(self, session, item):
        if item.received_on is None:
            # Feedback implies receipt, but the period already ran from sending: keep the due date,
            # so a late answer still counts as late.
            item.received_on = self.data["on"]
        item.feedback_on = self.data["on"]
        item.feedback_text = self.data["feedback_text"].strip()
        item.outcome = self.data["outcome"]


class ReturnItem(_Transition):
    """The receiving unit sends the item back (e.g. materials incomplete), with a reason."""
    action, transition, reason_required = "item.return", "return", True


class CloseItem(_Transition):
    action, transition, permission = "item.close", "close", "edit_records"

    def extra_errors(self, item):
        return _not_before(self.data.get("on"), item.feedback_on, "item.feedback_on")

    def change(self, session, item):
        item.closed_on = self.data["on"]


class WithdrawItem(_Transition):
    action, transition, permission, reason_required = "item.withdraw", "withdraw", "edit_records", True


class AddItemNote(Command):
    """A note on the item's timeline, from either side."""
    permission, action, entity = "record_feedback", "item.note", "item"

    def owner_unit_ids(self, session):
        item = session.get(Item, self.data["item_id"])
        if item is None:
            raise NotFound()
        return [item.from_unit_id, item.to_unit_id]

    def validate(self, session):
        return text_errors(self.data, {"note": (True, ItemEvent.note)})

    def apply(self, session):
        item = session.get(Item, self.data["item_id"])
        session.add(_event(item, self.actor, "note", on=today(), note=self.data["note"].strip()))
        return item.id, None, {"note": self.data["note"].strip()}


ACTIONS = {cls.transition: cls for cls in (ReceiveItem, StartItem, RecordFeedback, ReturnItem, CloseItem, WithdrawItem)}
