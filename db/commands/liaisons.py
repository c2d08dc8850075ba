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
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from core.clock import today
from core.i18n import t
from db.commands.base import Command, NotFound, snapshot, text_errors
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


def _person_errors(data: dict) -> dict[str, str]:
    errors = text_errors(data, {"name": (True, Liaison.name)})
    phone = phone_error(data.get("phone"))
    if phone:
        errors["phone"] = phone
    return errors


def current_liaisons(session: Session, unit_id: int) -> list[Liaison]:
    """The unit's open-ended liaisons (no end date yet), oldest first."""
    return list(session.scalars(select(Liaison).where(Liaison.unit_id == unit_id, Liaison.end_on.is_(None))
                                .order_by(Liaison.start_on, Liaison.id)))


class ChangeLiaison(Command):
    """data: unit_id, unit_version, name, phone, start_on (effective date), reported_on (None =
    not reported yet), additional (bool), replaces_id (None = all current liaisons)."""
    permission, action, entity = "edit_records", "liaison.change", "liaison"

    def _replaced(self, session: Session) -> list[Liaison]:
        if self.data.get("additional"):
            return []
        current = current_liaisons(session, self.data["unit_id"])
        chosen = self.data.get("replaces_id")
        return [row for row in current if chosen is None or row.id == chosen]

    def validate(self, session):
        d = self.data
        errors = _person_errors(d)
        unit = session.get(Unit, d.get("unit_id") or 0)
        if unit is None or not unit.active:
            return errors | {"unit_id": t("error.unknown_unit")}
        start_error = _date_error(d.get("start_on"), required=True)
        if start_error:
            errors["start_on"] = start_error
        reported_error = _date_error(d.get("reported_on"), required=False)
        if reported_error:
            errors["reported_on"] = reported_error
        elif d.get("reported_on") is not None and not start_error and d["reported_on"] < d["start_on"]:
            errors["reported_on"] = t("liaison.error.reported_before_start")
        current = current_liaisons(session, unit.id)
        if d.get("replaces_id") is not None and not d.get("additional") and \
                d["replaces_id"] not in {row.id for row in current}:
            errors["replaces_id"] = t("liaison.error.not_current")
        name = (d.get("name") or "").strip() if isinstance(d.get("name"), str) else ""
        if "name" not in errors and any(row.name == name for row in current):
            errors["name"] = t("liaison.error.already_current", name=name)
        if "start_on" not in errors and "replaces_id" not in errors:
            for row in self._replaced(session):
                if d["start_on"] <= row.start_on:
                    errors["start_on"] = t("liaison.error.start_after_current", name=row.name,
                                           day=row.start_on.isoformat())
                    break
        return errors

    def apply(self, session):
        d = self.data
        unit = self.load_for_edit(session, Unit, d["unit_id"], d.get("unit_version"))
        ended = []
        for row in self._replaced(session):
            before = snapshot(row)
            row.end_on = d["start_on"] - timedelta(days=1)
            ended.append(before)
        new = Liaison(unit_id=unit.id, name=d["name"].strip(), phone=d["phone"].strip(), start_on=d["start_on"],
                      end_on=None, reported_on=d.get("reported_on"), version=1)
        session.add(new)
        flag_modified(unit, "name")  # the unit's liaisons changed: its version moves
        session.flush()
        return new.id, {"ended": ended} if ended else None, snapshot(new) | {
            "ended_ids": [row["id"] for row in ended], "additional": bool(d.get("additional"))}


class UpdateLiaison(Command):
    """data: liaison_id, version, name, phone, reported_on, end_on."""
    permission, action, entity = "edit_records", "liaison.update", "liaison"

    def validate(self, session):
        d = self.data
        row = session.get(Liaison, d.get("liaison_id") or 0)
        if row is None:
            raise NotFound()
        errors = _person_errors(d)
        for field in ("reported_on", "end_on"):
            error = _date_error(d.get(field), required=False)
            if error:
                errors[field] = error
            elif d.get(field) is not None and d[field] < row.start_on:
                errors[field] = t(f"liaison.error.{'reported' if field == 'reported_on' else 'end'}_before_start")
        name = (d.get("name") or "").strip() if isinstance(d.get("name"), str) else ""
        if "name" not in errors and name != row.name and any(
                other.name == name and other.id != row.id for other in current_liaisons(session, row.unit_id)):
            errors["name"] = t("liaison.error.already_current", name=name)
        return errors

    def apply(self, session):
        d = self.data
        row = self.load_for_edit(session, Liaison, d["liaison_id"], d.get("version"))
        before = snapshot(row)
        row.name, row.phone = d["name"].strip(), d["phone"].strip()
        row.reported_on, row.end_on = d.get("reported_on"), d.get("end_on")
        return row.id, before, snapshot(row)
