"""催办 by hand (office staff): one item, or every overdue item of one unit, to the unit's
recipients (its current liaisons' e-mail addresses, its liaison accounts', its group robot).

The command claims the reminders in the log (pending, once per recipient, item and day) in its
own transaction and leaves an audit row of the request; jobs/remind.py then sends what it claimed
and records each outcome, as the daily run does. A second click the same day claims nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core.clock import today
from core.i18n import t
from db import reminders as rm
from db.commands.base import Command, ValueRefused, result, typed
from db.models import Item, Unit
from db.queries.predicates import item_overdue


@dataclass(frozen=True, kw_only=True)
class RemindUnit(Command):
    permission, action, entity = "send_reminders", "reminder.request", "unit"
    unit_id: int | None = typed(wrong_type=("error.unknown_unit", {}))
    item_ids: list[int] | None = None  # None: every overdue item of the unit
    # (digest, the entries claimed for it) of every recipient that has something to receive
    claimed: list = result(factory=list)
    day: date | None = result()  # the day the reminders are logged under


    def validate(self, session):
        unit = self.find(session, Unit, self.unit_id)
        if unit is None:
            return {"unit_id": t("error.unknown_unit")}
        self.report(day=today())
        query = select(Item.id).where(Item.to_unit_id == unit.id)
        query = query.where(item_overdue(self.day)) if self.item_ids is None else query.where(Item.id.in_(self.item_ids))
        entries = rm.manual_entries(session, unit.id, list(session.scalars(query)))
        # A 催办 is a button, not a form: these say themselves what is wrong (ValueRefused's message)
        if not entries:
            raise ValueRefused("item_ids", t("remind.error.nothing_to_remind"))
        digests = rm.unit_digests(session, self.day, unit.id, entries)
        if not digests:
            raise ValueRefused("unit_id", t("todo.no_recipient"))
        self.report(claimed=[(d, []) for d in digests])
        return {}

    def apply(self, session):
        digests = [d for d, _ in self.claimed]
        claimed = [(d, rm.claim_in(session, d, self.day, self.actor.username)) for d in digests]
        self.report(claimed=[(d, entries) for d, entries in claimed if entries])
        return self.unit_id, None, {"item_ids": [e.entity_id for e in digests[0].entries],
                                    "recipients": [f"{d.channel}:{d.recipient}" for d in digests],
                                    "claimed": sum(len(entries) for _, entries in claimed)}
