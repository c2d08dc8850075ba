"""Records kept beside an item (office staff, `edit_records`): the links between items that led
to one another, and 移送追责 (plan 五(二)) — an item left overdue or unanswered referred to the
body that holds the people responsible to account, and later the result."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core.clock import today
from core.i18n import fmt_date, t
from db.commands.base import Command, NotFound, snapshot, stored
from db.commands.items import _date_errors, item_or_not_found
from db.models import Accountability, Item, ItemLink
from db.queries.predicates import item_left_overdue


@dataclass(frozen=True, kw_only=True)
class LinkItems(Command):
    """Item `from_item_id` led to item `to_item_id` (a transfer and the 立案监督 that followed)."""
    permission, action, entity = "edit_records", "item.link", "item"
    from_item_id: int | None = None
    to_item_id: int | None = None

    def validate(self, session):
        item_or_not_found(session, self.from_item_id)
        if self.to_item_id is None:
            return {"to_item_id": t("error.required")}
        if self.find(session, Item, self.to_item_id) is None:
            return {"to_item_id": t("error.not_found")}
        if self.to_item_id == self.from_item_id:
            return {"to_item_id": t("error.link_self")}
        pair = {self.from_item_id, self.to_item_id}
        if session.scalar(select(ItemLink.id).where(ItemLink.from_item_id.in_(pair), ItemLink.to_item_id.in_(pair))):
            return {"to_item_id": t("error.link_exists")}
        return {}

    def apply(self, session):
        link = ItemLink(from_item_id=self.from_item_id, to_item_id=self.to_item_id, created_by=self.actor.user_id)
        session.add(link)
        session.flush()
        return self.from_item_id, None, {"linked_to": self.to_item_id, "link_id": link.id}


@dataclass(frozen=True, kw_only=True)
class UnlinkItems(Command):
    """Remove a link set by mistake (either item's detail offers it)."""
    permission, action, entity = "edit_records", "item.unlink", "item"
    link_id: int | None = None

    def apply(self, session):
        link = self.find(session, ItemLink, self.link_id)
        if link is None:
            raise NotFound()
        after = {"unlinked": link.to_item_id, "link_id": link.id}
        session.delete(link)
        return link.from_item_id, None, after


@dataclass(frozen=True, kw_only=True)
class RecordAccountability(Command):
    """The office refers an item left overdue (or answered late) for accountability: to whom, on
    which day (after the due date), under which reference; the result may follow later."""
    permission, action, entity = "edit_records", "accountability.create", "accountability"
    item_id: int | None = None
    referred_to: str | None = stored(Accountability.referred_to, required=True)
    referred_on: date | None = None
    reference: str | None = stored(Accountability.reference)
    result: str | None = stored(Accountability.result)
    result_on: date | None = None

    def validate(self, session):
        item = item_or_not_found(session, self.item_id)
        if not session.scalar(select(Item.id).where(Item.id == item.id, item_left_overdue(today()))):
            return {"action": t("error.accountability_not_overdue")}
        errors = self.text_errors()
        errors.update(_date_errors(self.referred_on, "referred_on", required=True))
        if "referred_on" not in errors and self.referred_on <= item.due_on:
            errors["referred_on"] = t("error.accountability_before_due", due=fmt_date(item.due_on))
        errors.update(_result_errors(self.result, self.result_on, self.referred_on))
        return errors

    def apply(self, session):
        row = Accountability(item_id=self.item_id, referred_to=self.referred_to.strip(), referred_on=self.referred_on,
                             reference=(self.reference or "").strip() or None,
                             result=(self.result or "").strip() or None, result_on=self.result_on,
                             created_by=self.actor.user_id, version=1)
        session.add(row)
        session.flush()
        return row.id, None, snapshot(row)


@dataclass(frozen=True, kw_only=True)
class RecordAccountabilityResult(Command):
    """The outcome of a referral for accountability, when it comes back (edits the record)."""
    permission, action, entity = "edit_records", "accountability.result", "accountability"
    accountability_id: int | None = None
    version: int | None = None
    result: str | None = stored(Accountability.result, required=True)
    result_on: date | None = None

    def validate(self, session):
        row = self.find(session, Accountability, self.accountability_id)
        if row is None:
            raise NotFound()
        errors = self.text_errors()
        if self.result_on is None:
            errors["result_on"] = t("error.required")
        return errors | _result_errors(self.result, self.result_on, row.referred_on)

    def apply(self, session):
        row = self.load_for_edit(session, Accountability, self.accountability_id, self.version)
        before = snapshot(row)
        row.result, row.result_on = self.result.strip(), self.result_on
        return row.id, before, snapshot(row)


def _result_errors(result: str | None, result_on: date | None, referred_on: date | None) -> dict[str, str]:
    errors = _date_errors(result_on, "result_on", required=False, not_before=referred_on,
                          before_label="accountability.referred_on")
    if result_on is not None and not (result or "").strip():
        errors["result"] = t("error.required")
    return errors

