"""Commands on tracked items (DESIGN §3–§4): create, edit, and one command per lifecycle action.

Who may do what: office staff (and admins) create, edit, close and withdraw; the receiving unit
(its liaison, or office staff for it) signs for receipt, starts, records feedback and returns;
notes may come from either side. A transition the lifecycle forbids is refused here, whatever
the page showed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import lifecycles as lc
from core.clock import today
from core.i18n import fmt_date, t
from core.kinds import KINDS
from core.permissions import Actor
from db.calendar import due_for
from db.commands.base import Command, NotFound, input_fields, snapshot, stored, text_errors, typed
from db.models import Item, ItemEvent, KeyTask, Unit
from db.stored_values import max_length

# Limits quoted by forms and the import template: the model's columns hold them.
TITLE_MAX, TEXT_MAX = max_length(Item.title), max_length(Item.summary)
DOC_MAX, REF_MAX = max_length(Item.doc_number), max_length(Item.external_ref)
UNKNOWN_UNIT = ("error.unknown_unit", {})


def _unit_errors(session: Session, unit_id: int | None, field: str) -> dict[str, str]:
    if unit_id is None:
        return {field: t("error.required")}
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.active:
        return {field: t("error.unknown_unit")}
    return {}


def _date_errors(value: date | None, field: str, *, required: bool, not_before: date | None = None,
                 before_label: str = "", allow_future: bool = False) -> dict[str, str]:
    if value is None:
        return {field: t("error.required")} if required else {}
    if not isinstance(value, date):
        return {field: t("error.bad_date")}
    if not allow_future and value > today():
        return {field: t("error.date_in_future")}
    if not_before and value < not_before:
        return {field: t("error.date_before", other=t(before_label) if before_label else "")}
    return {}


# -- the changes an item goes through, shared by the commands and the item import -----------------

class ItemStep(NamedTuple):
    """One entry of an item's timeline, as a change leaves it."""
    event_type: str
    on: date
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None

    def event(self, item_id: int, actor: Actor) -> dict:
        """The ItemEvent's column values (a command adds the row, an import inserts many at once)."""
        return dict(item_id=item_id, event_type=self.event_type, from_status=self.from_status,
                    to_status=self.to_status, note=self.note, occurred_on=self.on, actor_id=actor.user_id)


def open_item(item: Item) -> list[ItemStep]:
    """A new item, its fields assigned: 已发出, or already 已签收 when its receipt is recorded after
    the fact. The steps its timeline starts with."""
    item.status = lc.SENT
    steps = [ItemStep("created", item.sent_on, to_status=lc.SENT)]
    if item.received_on:
        item.status = lc.RECEIVED
        steps.append(ItemStep("received", item.received_on, lc.SENT, lc.RECEIVED))
    return steps


def _advance(item: Item, action: str, on: date, note: str | None) -> ItemStep:
    old = item.status
    item.status = lc.next_status(lc.ITEM_TRANSITIONS, old, action)
    return ItemStep(action, on, old, item.status, note)


def _mark_received(session: Session, item: Item, on: date) -> None:
    """Receipt starts the period of most rules: recompute the due date unless it was overridden."""
    if item.received_on is not None:
        return
    item.received_on = on
    if item.due_override_reason is None:
        item.due_on, item.due_rule, item.due_basis, item.due_approximate = due_for(
            session, item.kind, item.urgent, item.sent_on, on)


def receive_item(session: Session, item: Item, on: date, note: str | None = None) -> ItemStep:
    """The receiving unit signs for the item."""
    step = _advance(item, "receive", on, note)
    _mark_received(session, item, on)
    return step


def start_item(session: Session, item: Item, on: date, note: str | None = None) -> ItemStep:
    """The receiving unit starts work (signing for it too, if it had not)."""
    step = _advance(item, "start", on, note)
    _mark_received(session, item, on)
    return step


def set_feedback(item: Item, on: date, outcome: str, text: str) -> None:
    """The written reply's date, outcome and text. Feedback implies receipt, but the period
    already ran from sending: the due date stays, so a late answer still counts as late."""
    if item.received_on is None:
        item.received_on = on
    item.feedback_on, item.outcome, item.feedback_text = on, outcome, text.strip()


def record_feedback(item: Item, on: date, outcome: str, text: str, note: str | None = None) -> ItemStep:
    """The receiving unit's written reply: 已反馈."""
    step = _advance(item, "respond", on, note)
    set_feedback(item, on, outcome, text)
    return step


def return_item(item: Item, on: date, reason: str) -> ItemStep:
    """The receiving unit sends the item back (e.g. materials incomplete), with a reason."""
    return _advance(item, "return", on, reason)


def close_item(item: Item, on: date, note: str | None = None) -> ItemStep:
    step = _advance(item, "close", on, note)
    item.closed_on = on
    return step


def withdraw_item(item: Item, on: date, reason: str) -> ItemStep:
    return _advance(item, "withdraw", on, reason)


# -- commands ---------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class _ItemInput(Command):
    """The fields of an item that a form has, their validation and assignment: shared by CreateItem
    and UpdateItem (and the item import)."""
    kind: str | None = typed(wrong_type=("error.unknown_kind", {}))
    from_unit_id: int | None = typed(wrong_type=UNKNOWN_UNIT)
    to_unit_id: int | None = typed(wrong_type=UNKNOWN_UNIT)
    doc_number: str | None = stored(Item.doc_number)  # required by some kinds (Kind.doc_number_required)
    title: str | None = stored(Item.title, required=True)
    summary: str | None = stored(Item.summary)
    details: dict[str, str | None] | None = None  # the kind's own fields (Kind.extra_fields), in Item.details
    sent_on: date | None = None
    received_on: date | None = None
    urgent: bool = False
    due_on_override: date | None = None
    override_reason: str | None = stored(Item.due_override_reason)  # required with due_on_override
    key_task_id: int | None = typed(wrong_type=("error.unknown_task", {}))
    external_ref: str | None = stored(Item.external_ref)

    def editing_id(self) -> int | None:
        """The item being edited (None: a new one), whose own 外部编号 is no clash."""
        return None

    def item_errors(self, session: Session, *, unique_ref: bool = True) -> dict[str, str]:
        """Every field's checks; unique_ref=False leaves out the query for another item with the
        same 外部编号 (the item import, where a known one names the item to update)."""
        kind = KINDS.get(self.kind)
        if kind is None:
            return {"kind": t("error.unknown_kind")}
        errors = self.text_errors(required={"doc_number": kind.doc_number_required})
        errors.update(_unit_errors(session, self.from_unit_id, "from_unit_id"))
        errors.update(_unit_errors(session, self.to_unit_id, "to_unit_id"))
        if not errors.get("to_unit_id") and self.from_unit_id == self.to_unit_id:
            errors["to_unit_id"] = t("error.same_unit")
        errors.update(_date_errors(self.sent_on, "sent_on", required=True))
        errors.update(_date_errors(self.received_on, "received_on", required=False, not_before=self.sent_on,
                                   before_label="item.sent_on"))
        details = self.details or {}
        for name in kind.required_details:
            if not (details.get(name) or "").strip():
                errors[f"details.{name}"] = t("error.required")
        errors.update({f"details.{name}": message for name, message in
                       text_errors(details, {name: (False, Item.details) for name in details}).items()})
        override = self.due_on_override
        if kind.agreed_due_date and override is None:
            errors["due_on_override"] = t("error.agreed_due_required")
        if override is not None:
            if self.sent_on and override < self.sent_on:
                errors["due_on_override"] = t("error.date_before", other=t("item.sent_on"))
            if not (self.override_reason or "").strip():
                errors["override_reason"] = t("error.override_reason_required")
        if self.key_task_id is not None and session.get(KeyTask, self.key_task_id) is None:
            errors["key_task_id"] = t("error.unknown_task")
        ref = (self.external_ref or "").strip()
        if ref and unique_ref and "external_ref" not in errors:
            clash = select(func.count()).select_from(Item).where(Item.external_ref == ref)
            if self.editing_id():
                clash = clash.where(Item.id != self.editing_id())
            if session.scalar(clash):
                errors["external_ref"] = t("error.external_ref_taken")
        return errors

    def assign(self, session: Session, item: Item) -> None:
        kind = KINDS[self.kind]
        item.kind, item.mechanism = kind.code, kind.mechanism
        item.from_unit_id, item.to_unit_id = self.from_unit_id, self.to_unit_id
        for name in plain_text_fields():  # title, doc_number, summary, external_ref …
            setattr(item, name, (getattr(self, name) or "").strip() or None)
        item.details = {k: (v.strip() if isinstance(v, str) else v) for k, v in (self.details or {}).items()}
        if kind.doc_number_detail:  # the kind keeps its document number among its details too
            item.details[kind.doc_number_detail] = item.doc_number or ""
        item.sent_on, item.received_on = self.sent_on, self.received_on
        item.urgent = bool(self.urgent) and kind.urgent_rule is not None
        item.key_task_id = self.key_task_id
        item.needs_feedback = kind.rule.needs_feedback
        due_on, rule_text, basis, approximate = due_for(session, kind.code, item.urgent, item.sent_on,
                                                       item.received_on)
        if self.due_on_override is not None:
            reason = self.override_reason.strip()
            if (self.due_on_override, reason) == (item.due_on, item.due_override_reason):
                return  # the date set before (by hand, or by a recorded extension) stays as it was
            item.due_on, item.due_override_reason = self.due_on_override, reason
            item.due_rule, item.due_approximate = t("item.due_override_rule"), False
        else:
            item.due_on, item.due_override_reason, item.due_rule, item.due_approximate = (
                due_on, None, rule_text, approximate)
        item.due_basis = basis


def plain_text_fields() -> tuple[str, ...]:
    """The item's declared text fields kept as given (stripped, blank as none) in the column of the
    same name: title, doc_number, summary, external_ref, and any added later. A new one needs only
    its column and its declaration on _ItemInput: assignment, forms, detail, import and export
    follow from that."""
    return _PLAIN_TEXT


def item_or_not_found(session: Session, item_id: int | None) -> Item:
    """The item a command names; NotFound (the user's message) when there is none."""
    item = Command.find(session, Item, item_id)
    if item is None:
        raise NotFound()
    return item


def _add_event(session: Session, item: Item, actor: Actor, step: ItemStep) -> None:
    session.add(ItemEvent(**step.event(item.id, actor)))


_PLAIN_TEXT = tuple(f.name for f in input_fields(_ItemInput) if f.is_text and f.stored.key == f.name)


@dataclass(frozen=True, kw_only=True)
class CreateItem(_ItemInput):
    permission, action, entity = "edit_records", "item.create", "item"

    def validate(self, session):
        return self.item_errors(session)

    def apply(self, session):
        item = Item(status=lc.SENT, version=1)
        self.assign(session, item)
        steps = open_item(item)
        session.add(item)
        session.flush()
        for step in steps:
            _add_event(session, item, self.actor, step)
        return item.id, None, snapshot(item)


@dataclass(frozen=True, kw_only=True)
class UpdateItem(_ItemInput):
    """Correct an item's fields (not its status); recomputes the due date."""
    permission, action, entity = "edit_records", "item.update", "item"
    item_id: int | None = None
    version: int | None = None

    def editing_id(self):
        return self.item_id

    def validate(self, session):
        return self.item_errors(session)

    def apply(self, session):
        item = self.load_for_edit(session, Item, self.item_id, self.version)
        before = snapshot(item)
        answered_due = (item.due_on, item.due_rule, item.due_approximate) if item.feedback_on else None
        self.assign(session, item)
        if answered_due and self.due_on_override is None:
            # Once answered, correcting other fields must not move the due date the answer was
            # measured against (a late answer stays late).
            item.due_on, item.due_rule, item.due_approximate = answered_due
        _add_event(session, item, self.actor, ItemStep("edited", today()))
        return item.id, before, snapshot(item)


@dataclass(frozen=True, kw_only=True)
class _Transition(Command):
    """One lifecycle action on an item; subclasses name it, take it and add their own fields."""
    entity: ClassVar[str] = "item"
    transition: ClassVar[str]
    permission: ClassVar[str] = "record_feedback"

    item_id: int | None = None
    version: int | None = None
    on: date | None = None
    note: str | None = stored(ItemEvent.note)
    reason: str | None = stored(ItemEvent.note)

    def _item(self, session) -> Item:
        return item_or_not_found(session, self.item_id)

    def owner_unit_ids(self, session):
        return [self._item(session).to_unit_id]

    def validate(self, session):
        item = self._item(session)
        if self.transition not in lc.allowed_actions(lc.ITEM_TRANSITIONS, item.status):
            return {"action": t("error.transition_refused", status=t(f"status.{item.status}"),
                                action=t(f"action.{self.transition}"))}
        return self.step_errors(item)

    def step_errors(self, item) -> dict[str, str]:
        """The checks of this step's own input against the item (an Item, or what the item import
        knows of one: kind, sent_on, received_on, feedback_on)."""
        errors = _date_errors(self.on, "on", required=True, not_before=item.sent_on, before_label="item.sent_on")
        errors.update(self.text_errors())
        return errors | self.extra_errors(item)

    def extra_errors(self, item) -> dict[str, str]:
        return {}

    def timeline_note(self) -> str | None:
        return (self.reason or self.note or "").strip() or None

    def take(self, session: Session, item: Item) -> ItemStep:
        raise NotImplementedError

    def apply(self, session):
        item = self.load_for_edit(session, Item, self.item_id, self.version)
        before = snapshot(item)
        _add_event(session, item, self.actor, self.take(session, item))
        return item.id, before, snapshot(item)


def _not_before(on, earlier: date | None, label_key: str) -> dict[str, str]:
    """A step may not be dated before the step it follows (e.g. start before receipt)."""
    if isinstance(on, date) and earlier and on < earlier:
        return {"on": t("error.date_before", other=t(label_key))}
    return {}


@dataclass(frozen=True, kw_only=True)
class ReceiveItem(_Transition):
    action, transition = "item.receive", "receive"

    def take(self, session, item):
        return receive_item(session, item, self.on, self.timeline_note())


@dataclass(frozen=True, kw_only=True)
class StartItem(_Transition):
    action, transition = "item.start", "start"

    def extra_errors(self, item):
        return _not_before(self.on, item.received_on, "item.received_on")

    def take(self, session, item):
        return start_item(session, item, self.on, self.timeline_note())


@dataclass(frozen=True, kw_only=True)
class RecordFeedback(_Transition):
    """The receiving unit's written reply: date, text and the kind's outcome."""
    action, transition = "item.respond", "respond"
    feedback_text: str | None = stored(Item.feedback_text, required=True)
    outcome: str | None = typed(wrong_type=("error.unknown_outcome", {}))

    def extra_errors(self, item):
        errors = {}
        if self.outcome not in KINDS[item.kind].outcomes:
            errors["outcome"] = t("error.required") if not self.outcome else t("error.unknown_outcome")
        return errors | _not_before(self.on, item.received_on, "item.received_on")

    def take(self, session, item):
        return record_feedback(item, self.on, self.outcome, self.feedback_text, self.timeline_note())


@dataclass(frozen=True, kw_only=True)
class ReturnItem(_Transition):
    """The receiving unit sends the item back (e.g. materials incomplete), with a reason."""
    action, transition = "item.return", "return"
    reason: str | None = stored(ItemEvent.note, required=True)

    def take(self, session, item):
        return return_item(item, self.on, self.timeline_note())


@dataclass(frozen=True, kw_only=True)
class CloseItem(_Transition):
    action, transition, permission = "item.close", "close", "edit_records"

    def extra_errors(self, item):
        return _not_before(self.on, item.feedback_on, "item.feedback_on")

    def take(self, session, item):
        return close_item(item, self.on, self.timeline_note())


@dataclass(frozen=True, kw_only=True)
class WithdrawItem(_Transition):
    action, transition, permission = "item.withdraw", "withdraw", "edit_records"
    reason: str | None = stored(ItemEvent.note, required=True)

    def take(self, session, item):
        return withdraw_item(item, self.on, self.timeline_note())


@dataclass(frozen=True, kw_only=True)
class ExtendPeriod(Command):
    """The receiving side extends its period where the kind allows it (Kind.extension: the police
    review of a transfer), with the reason, the day the extension was approved and the new due
    date: the item is then measured against that date, so a lawful extension is not shown as
    lateness. Approved after the period ran out it is no extension (refused), though it may be
    recorded later. The timeline keeps the old date."""
    permission, action, entity = "record_feedback", "item.extend", "item"
    item_id: int | None = None
    version: int | None = None
    approved_on: date | None = None
    new_due_on: date | None = None
    reason: str | None = stored(Item.due_override_reason, required=True)

    def owner_unit_ids(self, session):
        return [item_or_not_found(session, self.item_id).to_unit_id]

    def validate(self, session):
        item = item_or_not_found(session, self.item_id)
        extension = KINDS[item.kind].extension
        if extension is None or item.status not in lc.OPEN_ITEM_STATUSES:
            return {"action": t("error.extension_refused", kind=KINDS[item.kind].label)}
        if item.received_on is None:
            return {"action": t("error.extension_not_received")}
        errors = self.text_errors()
        errors.update(_date_errors(self.approved_on, "approved_on", required=True, not_before=item.received_on,
                                   before_label="item.received_on"))
        if "approved_on" not in errors and item.due_on and self.approved_on > item.due_on:
            errors["approved_on"] = t("error.extension_approved_late", due=fmt_date(item.due_on))
        latest = item.received_on + timedelta(days=extension.max_days)
        new = self.new_due_on
        if new is None:
            errors["new_due_on"] = t("error.required")
        elif item.due_on and new <= item.due_on:
            errors["new_due_on"] = t("error.extension_not_later", due=fmt_date(item.due_on))
        elif new > latest:
            errors["new_due_on"] = t("error.extension_too_long", n=extension.max_days, latest=fmt_date(latest))
        return errors

    def apply(self, session):
        item = self.load_for_edit(session, Item, self.item_id, self.version)
        before = snapshot(item)
        reason = self.reason.strip()
        note = t("event.extended_note", old=fmt_date(item.due_on), new=fmt_date(self.new_due_on),
                 approved=fmt_date(self.approved_on), reason=reason)
        item.due_on, item.due_override_reason, item.due_approximate = self.new_due_on, reason, False
        item.due_rule, item.due_basis = t("item.extended_rule"), KINDS[item.kind].extension.basis
        _add_event(session, item, self.actor, ItemStep("extended", today(), note=note))
        return item.id, before, snapshot(item)


@dataclass(frozen=True, kw_only=True)
class AddItemNote(Command):
    """A note on the item's timeline, from either side."""
    permission, action, entity = "record_feedback", "item.note", "item"
    item_id: int | None = None
    note: str | None = stored(ItemEvent.note, required=True)

    def owner_unit_ids(self, session):
        item = item_or_not_found(session, self.item_id)
        return [item.from_unit_id, item.to_unit_id]

    def validate(self, session):
        return self.text_errors()

    def apply(self, session):
        item = self.find(session, Item, self.item_id)
        note = self.note.strip()
        _add_event(session, item, self.actor, ItemStep("note", today(), note=note))
        return item.id, None, {"note": note}


ACTIONS = {cls.transition: cls for cls in (ReceiveItem, StartItem, RecordFeedback, ReturnItem, CloseItem, WithdrawItem)}
