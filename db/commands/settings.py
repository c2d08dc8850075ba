"""Settings commands (admin only, `manage_settings`): override a kind's feedback deadline or reset it
to the default, and enter or delete a statutory holiday / make-up working day.

Overrides change the due dates of items created afterwards (db.calendar.effective_rule reads them);
the due dates already stored on items stay as they were. The urgent rule of 诉前检察建议 comes from
the law and is never overridden. Holiday entries take precedence over the packaged State Council
list for every due date computed afterwards.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from core.deadlines import UNITS
from core.i18n import t
from core.kinds import KINDS
from db.calendar import recompute_open_due_dates
from db.commands.base import Command, NotFound, StaleEdit, snapshot, text_errors
from db.models import DeadlineRuleSetting, HolidayEntry
from db.stored_values import max_length
from db.queries.settings import configurable

AMOUNT_MIN, AMOUNT_MAX = 1, 365
NOTE_MAX = max_length(HolidayEntry.note)
HOLIDAY, WORKDAY = "holiday", "workday"
ENTRY_KINDS = (HOLIDAY, WORKDAY)


def _kind_errors(kind) -> dict[str, str]:
    if kind not in KINDS:
        return {"kind": t("settings.error.unknown_kind")}
    if not configurable(kind):
        return {"kind": t("settings.error.not_configurable")}
    return {}


def _whole_number_in_range(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not value.is_integer():
        return False
    return AMOUNT_MIN <= value <= AMOUNT_MAX


def _check_version(row: DeadlineRuleSetting | None, expected: int | None) -> None:
    """The user saw version `expected` (0: no override). Anything else now means someone changed
    it meanwhile. None skips the check (system use only)."""
    if expected is None:
        return
    if (row.version if row is not None else 0) != expected:
        raise StaleEdit()


class SaveDeadlineRule(Command):
    """Set the admin's amount/unit for a kind: data kind, amount (1–365), unit, version (0: new)."""
    permission, action, entity = "manage_settings", "settings.rule.save", "deadline_rule"

    def validate(self, session: Session) -> dict[str, str]:
        d = self.data
        errors = _kind_errors(d.get("kind"))
        amount = d.get("amount")
        if amount is None or amount == "":
            errors["amount"] = t("error.required")
        elif not _whole_number_in_range(amount):
            errors["amount"] = t("settings.error.amount_range", min=AMOUNT_MIN, max=AMOUNT_MAX)
        if d.get("unit") not in UNITS:
            errors["unit"] = t("settings.error.unknown_unit")
        return errors

    def apply(self, session: Session):
        d = self.data
        row = session.get(DeadlineRuleSetting, d["kind"])
        _check_version(row, d.get("version"))
        before = snapshot(row) if row is not None else None
        if row is None:
            row = DeadlineRuleSetting(kind=d["kind"], version=1)
            session.add(row)
        row.amount, row.unit = int(d["amount"]), d["unit"]
        session.flush()
        return None, before, snapshot(row)


class ResetDeadlineRule(Command):
    """Drop the admin's override of a kind: data kind, version (of the override the user saw)."""
    permission, action, entity = "manage_settings", "settings.rule.reset", "deadline_rule"

    def validate(self, session: Session) -> dict[str, str]:
        kind = self.data.get("kind")
        return {"kind": t("settings.error.unknown_kind")} if kind not in KINDS else {}

    def apply(self, session: Session):
        d = self.data
        row = session.get(DeadlineRuleSetting, d["kind"])
        if row is None:
            if d.get("version"):
                raise StaleEdit()  # someone reset it meanwhile
            raise NotFound()
        _check_version(row, d.get("version"))
        before = snapshot(row)
        session.delete(row)
        return None, before, None


class AddHolidayEntry(Command):
    """Enter a statutory holiday (rest day) or a make-up working day: data day, kind, note."""
    permission, action, entity = "manage_settings", "settings.holiday.add", "holiday_entry"

    def validate(self, session: Session) -> dict[str, str]:
        d = self.data
        errors: dict[str, str] = {}
        day = d.get("day")
        if day is None:
            errors["day"] = t("error.required")
        elif not isinstance(day, date) or isinstance(day, datetime):
            errors["day"] = t("settings.error.bad_date")
        if d.get("kind") not in ENTRY_KINDS:
            errors["kind"] = t("settings.error.entry_kind")
        note = d.get("note")
        if note is not None and not isinstance(note, str):
            errors["note"] = t("settings.error.bad_note")
        else:
            errors.update(text_errors(d, {"note": (False, HolidayEntry.note)}))
        if "day" not in errors:
            existing = session.get(HolidayEntry, day)
            if existing is not None:
                was = t(f"settings.holiday.kind.{WORKDAY if existing.is_workday else HOLIDAY}")
                same = existing.is_workday == (d.get("kind") == WORKDAY)
                errors["day"] = (t("settings.error.duplicate_day", day=day.isoformat(), kind=was) if same
                                 else t("settings.error.both", day=day.isoformat(), kind=was))
        return errors

    def apply(self, session: Session):
        d = self.data
        entry = HolidayEntry(day=d["day"], is_workday=d["kind"] == WORKDAY,
                             note=(d.get("note") or "").strip() or None)
        session.add(entry)
        session.flush()
        moved = recompute_open_due_dates(session, entry.day)
        return None, None, snapshot(entry) | {"due_dates_moved": moved}


class DeleteHolidayEntry(Command):
    """Delete the entry of a date: data day."""
    permission, action, entity = "manage_settings", "settings.holiday.delete", "holiday_entry"

    def validate(self, session: Session) -> dict[str, str]:
        day = self.data.get("day")
        if day is None:
            return {"day": t("error.required")}
        ok = isinstance(day, date) and not isinstance(day, datetime)
        return {} if ok else {"day": t("settings.error.bad_date")}

    def apply(self, session: Session):
        entry = session.get(HolidayEntry, self.data["day"])
        if entry is None:
            raise NotFound()
        before, day = snapshot(entry), entry.day
        session.delete(entry)
        session.flush()
        moved = recompute_open_due_dates(session, day)
        return None, before, {"day": day.isoformat(), "due_dates_moved": moved}
