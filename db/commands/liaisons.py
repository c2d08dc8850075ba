"""Commands on member units' liaisons (联络员), office staff and admins only ("edit_records").

ChangeLiaison records a new liaison with the date the change takes effect and the date the unit
reported it to the office. Unless the user asks for an additional liaison, the new one replaces
the unit's current liaisons (all of them, or the one chosen): each gets end_on = effective date
- 1 day, so the history has no gap and no overlap. A unit has one current liaison in the normal
case; "additional" exists because the plan (三(一)) asks for 专人 without limiting their number
and larger units (e.g. the police sub-bureau) name one per department. The change bumps the
unit's version: the form carries the version it was opened with, so two people recording a
change of the same unit at once cannot both replace the same liaison (the second is told the
record changed, and keeps what they typed).

UpdateLiaison corrects one liaison row (name, phone, report date, end date), with the row's
version (optimistic locking)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from core.clock import today
from core.i18n import t
from core.text import email_address
from db.commands.base import Command, NotFound, email_errors, snapshot, stored, typed
from db.models import Liaison, Unit
from db.stored_values import max_length

PHONE_MAX = max_length(Liaison.phone)
PHONE_CHARS = re.compile(r"^\+?[0-9][0-9\- ]*$")
PHONE_DIGITS = (7, 20)  # 8-digit landline … mobile 11 … 027-landline-extension


def phone_error(phone) -> str | None:
    """None for a plausible phone number: digits, dashes and spaces (an optional leading +),
    7–20 digits in all."""
    value = (phone or "").strip() if isinstance(phone, str) else phone
    if not value:
        return t("error.required")
    if len(value) > PHONE_MAX:
        return t("error.too_long", limit=PHONE_MAX)
    digits = sum(c.isdigit() for c in value)
    if not PHONE_CHARS.match(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return t("liaison.error.phone_format")
    return None


def _date_error(value, *, required: bool) -> str | None:
    if value is None:
        return t("error.required") if required else None
    if not isinstance(value, date):
        return t("error.bad_date")
    if value > today():
        return t("error.date_in_future")
    return None


def current_liaisons(session: Session, unit_id: int) -> list[Liaison]:
    """The unit's open-ended liaisons (no end date yet), oldest first."""
    return list(session.scalars(select(Liaison).where(Liaison.unit_id == unit_id, Liaison.end_on.is_(None))
                                .order_by(Liaison.start_on, Liaison.id)))


# -- the changes, shared by the commands and the liaison import ----------------------------------------

def new_liaison(session: Session, unit: Unit, *, name: str, phone: str, email: str | None, start_on: date,
                end_on: date | None = None, reported_on: date | None = None, external_ref: str | None = None) -> Liaison:
    """A liaison's term at a unit (added to the session); the unit's version moves."""
    row = Liaison(unit_id=unit.id, name=name.strip(), phone=phone.strip(), email=email_address(email),
                  start_on=start_on, end_on=end_on, reported_on=reported_on, external_ref=external_ref, version=1,
                  is_demo=False)
    session.add(row)
    liaisons_changed(unit)
    return row


def edit_liaison(row: Liaison, *, name: str, phone: str, email: str | None, reported_on: date | None,
                 end_on: date | None) -> None:
    """Correct a liaison's name, phone, e-mail address, report date and end date."""
    row.name, row.phone, row.email = name.strip(), phone.strip(), email_address(email)
    row.reported_on, row.end_on = reported_on, end_on


def liaisons_changed(unit: Unit) -> None:
    """A unit's liaisons changed: its version moves, so a liaison form opened before is refused."""
    flag_modified(unit, "name")


@dataclass(frozen=True, kw_only=True)
class _Person(Command):
    """A liaison's name, phone and e-mail address, and their checks (shared with the liaison import)."""
    name: str | None = stored(Liaison.name, required=True)
    phone: str | None = stored(Liaison.phone, required=True)  # checked by phone_error
    email: str | None = stored(Liaison.email)  # optional; where the unit's reminders go

    def person_errors(self) -> dict[str, str]:
        errors = email_errors(email=self.email) | self.text_errors("name", "email")
        phone = phone_error(self.phone)
        if phone:
            errors["phone"] = phone
        return errors


@dataclass(frozen=True, kw_only=True)
class ChangeLiaison(_Person):
    """unit_id, unit_version, name, phone, start_on (effective date), reported_on (None = not
    reported yet), additional (bool), replaces_id (None = all current liaisons)."""
    permission, action, entity = "edit_records", "liaison.change", "liaison"
    unit_id: int | None = typed(wrong_type=("error.unknown_unit", {}))
    unit_version: int | None = None
    start_on: date | None = None
    reported_on: date | None = None
    additional: bool = False
    replaces_id: int | None = typed(wrong_type=("liaison.error.not_current", {}))

    def _replaced(self, session: Session) -> list[Liaison]:
        if self.additional:
            return []
        current = current_liaisons(session, self.unit_id)
        return [row for row in current if self.replaces_id is None or row.id == self.replaces_id]

    def validate(self, session):
        errors = self.person_errors()
        unit = session.get(Unit, self.unit_id or 0)
        if unit is None or not unit.active:
            return errors | {"unit_id": t("error.unknown_unit")}
        start_error = _date_error(self.start_on, required=True)
        if start_error:
            errors["start_on"] = start_error
        reported_error = _date_error(self.reported_on, required=False)
        if reported_error:
            errors["reported_on"] = reported_error
        elif self.reported_on is not None and not start_error and self.reported_on < self.start_on:
            errors["reported_on"] = t("liaison.error.reported_before_start")
        current = current_liaisons(session, unit.id)
        if self.replaces_id is not None and not self.additional and \
                self.replaces_id not in {row.id for row in current}:
            errors["replaces_id"] = t("liaison.error.not_current")
        name = (self.name or "").strip()
        if "name" not in errors and any(row.name == name for row in current):
            errors["name"] = t("liaison.error.already_current", name=name)
        if "start_on" not in errors and "replaces_id" not in errors:
            for row in self._replaced(session):
                if self.start_on <= row.start_on:
                    errors["start_on"] = t("liaison.error.start_after_current", name=row.name,
                                           day=row.start_on.isoformat())
                    break
        return errors

    def apply(self, session):
        unit = self.load_for_edit(session, Unit, self.unit_id, self.unit_version)
        ended = []
        for row in self._replaced(session):
            before = snapshot(row)
            row.end_on = self.start_on - timedelta(days=1)
            ended.append(before)
        new = new_liaison(session, unit, name=self.name, phone=self.phone, email=self.email, start_on=self.start_on,
                          reported_on=self.reported_on)
        session.flush()
        return new.id, {"ended": ended} if ended else None, snapshot(new) | {
            "ended_ids": [row["id"] for row in ended], "additional": self.additional}


@dataclass(frozen=True, kw_only=True)
class UpdateLiaison(_Person):
    """liaison_id, version, name, phone, email (blank removes it), reported_on, end_on."""
    permission, action, entity = "edit_records", "liaison.update", "liaison"
    liaison_id: int | None = None
    version: int | None = None
    reported_on: date | None = None
    end_on: date | None = None

    def validate(self, session):
        row = session.get(Liaison, self.liaison_id or 0)
        if row is None:
            raise NotFound()
        errors = self.person_errors()
        for name in ("reported_on", "end_on"):
            value = getattr(self, name)
            error = _date_error(value, required=False)
            if error:
                errors[name] = error
            elif value is not None and value < row.start_on:
                errors[name] = t(f"liaison.error.{'reported' if name == 'reported_on' else 'end'}_before_start")
        name = (self.name or "").strip()
        if "name" not in errors and name != row.name and any(
                other.name == name and other.id != row.id for other in current_liaisons(session, row.unit_id)):
            errors["name"] = t("liaison.error.already_current", name=name)
        return errors

    def apply(self, session):
        row = self.load_for_edit(session, Liaison, self.liaison_id, self.version)
        before = snapshot(row)
        edit_liaison(row, name=self.name, phone=self.phone, email=self.email, reported_on=self.reported_on,
                     end_on=self.end_on)
        return row.id, before, snapshot(row)
