"""Settings commands (a district's admin, `manage_settings`; in the city layer a city admin,
`manage_city_settings`): override a kind's feedback deadline or reset it to the default, and
enter or delete a statutory holiday / make-up working day. What the city layer sets holds in every
district that has not set its own for that kind or day.

Overrides change the due dates of items created afterwards (db.calendar.effective_rule reads them);
the due dates already stored on items stay as they were. The urgent rule of 诉前检察建议 comes from
the law and is never overridden. Holiday entries take precedence over the packaged State Council
list for every due date computed afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.deadlines import UNITS
from core.holiday_notice import MAX_CHARS as NOTICE_MAX_CHARS, notice_year, parse_notice
from core.i18n import t
from core.kinds import KINDS
from db import districts
from db.calendar import ESTIMATES_KEY, calendar_noted, calendar_signature, estimates_checked, recompute_open_due_dates
from db.commands.base import Command, CommandError, NothingChanged, NotFound, StaleEdit, result, snapshot, stored, typed
from db.models import DeadlineRuleSetting, HolidayEntry, Setting
from db.stored_values import fitted, max_length
from db.queries.settings import configurable

AMOUNT_MIN, AMOUNT_MAX = 1, 365
NOTE_MAX = max_length(HolidayEntry.note)
HOLIDAY, WORKDAY = "holiday", "workday"
ENTRY_KINDS = (HOLIDAY, WORKDAY)


class CityLayered:
    """A deadline or calendar setting: a district's admin sets it for the district, a city admin
    for the city layer, which holds in every district that has not set its own (db/districts.py)."""

    def permission_in(self, session: Session) -> str:
        return "manage_city_settings" if districts.in_city_layer(session) else self.permission


def _kind_errors(kind) -> dict[str, str]:
    if kind not in KINDS:
        return {"kind": t("settings.error.unknown_kind")}
    if not configurable(kind):
        return {"kind": t("settings.error.not_configurable")}
    return {}


def _check_version(row: DeadlineRuleSetting | None, expected: int | None) -> None:
    """The user saw version `expected` (0: no override). Anything else now means someone changed
    it meanwhile. None skips the check (system use only)."""
    if expected is None:
        return
    if (row.version if row is not None else 0) != expected:
        raise StaleEdit()


AMOUNT_RANGE = ("settings.error.amount_range", {"min": AMOUNT_MIN, "max": AMOUNT_MAX})
BAD_DAY = ("settings.error.bad_date", {})


@dataclass(frozen=True, kw_only=True)
class SaveDeadlineRule(CityLayered, Command):
    """Set the admin's amount/unit for a kind: kind, amount (1–365), unit, version (0: new)."""
    permission, action, entity = "manage_settings", "settings.rule.save", "deadline_rule"
    kind: str | None = typed(wrong_type=("settings.error.unknown_kind", {}))
    amount: int | None = typed(wrong_type=AMOUNT_RANGE)
    unit: str | None = typed(wrong_type=("settings.error.unknown_unit", {}))
    version: int | None = None

    def validate(self, session: Session) -> dict[str, str]:
        errors = _kind_errors(self.kind)
        if self.amount is None:
            errors["amount"] = t("error.required")
        elif not AMOUNT_MIN <= self.amount <= AMOUNT_MAX:
            errors["amount"] = t(AMOUNT_RANGE[0], **AMOUNT_RANGE[1])
        if self.unit not in UNITS:
            errors["unit"] = t("settings.error.unknown_unit")
        return errors

    def apply(self, session: Session):
        row = DeadlineRuleSetting.row(session, self.kind)
        _check_version(row, self.version)
        before = snapshot(row) if row is not None else None
        if row is None:
            row = DeadlineRuleSetting(kind=self.kind, version=1)
            session.add(row)
        row.amount, row.unit = int(self.amount), self.unit
        session.flush()
        return None, before, snapshot(row)


@dataclass(frozen=True, kw_only=True)
class ResetDeadlineRule(CityLayered, Command):
    """Drop the admin's override of a kind: kind, version (of the override the user saw)."""
    permission, action, entity = "manage_settings", "settings.rule.reset", "deadline_rule"
    kind: str | None = typed(wrong_type=("settings.error.unknown_kind", {}))
    version: int | None = None

    def validate(self, session: Session) -> dict[str, str]:
        return {"kind": t("settings.error.unknown_kind")} if self.kind not in KINDS else {}

    def apply(self, session: Session):
        row = DeadlineRuleSetting.row(session, self.kind)
        if row is None:
            if self.version:
                raise StaleEdit()  # someone reset it meanwhile
            raise NotFound()
        _check_version(row, self.version)
        before = snapshot(row)
        session.delete(row)
        return None, before, None


@dataclass(frozen=True, kw_only=True)
class AddHolidayEntry(CityLayered, Command):
    """Enter a statutory holiday (rest day) or a make-up working day: day, kind, note."""
    permission, action, entity = "manage_settings", "settings.holiday.add", "holiday_entry"
    day: date | None = typed(wrong_type=BAD_DAY)
    kind: str | None = typed(wrong_type=("settings.error.entry_kind", {}))
    note: str | None = stored(HolidayEntry.note, wrong_type=("settings.error.bad_note", {}))

    def validate(self, session: Session) -> dict[str, str]:
        errors: dict[str, str] = {}
        day = self.day
        if day is None:
            errors["day"] = t("error.required")
        if self.kind not in ENTRY_KINDS:
            errors["kind"] = t("settings.error.entry_kind")
        errors.update(self.text_errors())
        if "day" not in errors:
            existing = HolidayEntry.row(session, day)
            if existing is not None:
                was = t(f"settings.holiday.kind.{WORKDAY if existing.is_workday else HOLIDAY}")
                same = existing.is_workday == (self.kind == WORKDAY)
                errors["day"] = (t("settings.error.duplicate_day", day=day.isoformat(), kind=was) if same
                                 else t("settings.error.both", day=day.isoformat(), kind=was))
        return errors

    def apply(self, session: Session):
        entry = HolidayEntry(day=self.day, is_workday=self.kind == WORKDAY,
                             note=(self.note or "").strip() or None)
        session.add(entry)
        session.flush()
        moved = recompute_open_due_dates(session, entry.day, audit_as=self.actor)
        return None, None, snapshot(entry) | {"due_dates_moved": moved}


@dataclass(frozen=True, kw_only=True)
class DeleteHolidayEntry(CityLayered, Command):
    """Delete the entry of a date: day."""
    permission, action, entity = "manage_settings", "settings.holiday.delete", "holiday_entry"
    day: date | None = typed(wrong_type=BAD_DAY)

    def validate(self, session: Session) -> dict[str, str]:
        return {"day": t("error.required")} if self.day is None else {}

    def apply(self, session: Session):
        entry = HolidayEntry.row(session, self.day)
        if entry is None:
            raise NotFound()
        before, day = snapshot(entry), entry.day
        session.delete(entry)
        session.flush()
        moved = recompute_open_due_dates(session, day, audit_as=self.actor)
        return None, before, {"day": day.isoformat(), "due_dates_moved": moved}


@dataclass(frozen=True, kw_only=True)
class EnterHolidayNotice(CityLayered, Command):
    """The State Council's notice of a year, pasted (text; year when only the body is pasted): its
    rest days and make-up working days become the admin's entries of that year, replacing the
    ones entered before (a day the notice does not name goes), and the open items' rule-based due
    dates are recomputed."""
    permission, action, entity = "manage_settings", "settings.holiday.notice", "holiday_entry"
    text: str | None = typed(wrong_type=("error.not_text", {}))
    year: int | None = typed(wrong_type=("holiday_notice.error.no_year", {}))
    entries: list = result(factory=list)  # the notice's days, as read

    def validate(self, session: Session) -> dict[str, str]:
        if not (self.text or "").strip():
            return {"text": t("error.required")}
        if len(self.text) > NOTICE_MAX_CHARS:
            return {"text": t("error.too_long", limit=NOTICE_MAX_CHARS)}
        try:
            self.report(entries=parse_notice(self.text, self.year))
        except ValueError as exc:
            return {"text": str(exc)}
        return {}

    def apply(self, session: Session):
        year = notice_year(self.entries)
        days = {e.day: e for e in self.entries}
        first, last = date(year, 1, 1), date(year, 12, 31)
        existing = {e.day: e for e in session.scalars(select(HolidayEntry).where(
            or_(HolidayEntry.day.between(first, last), HolidayEntry.day.in_(list(days)))))}
        before = sorted(d.isoformat() for d in existing)
        for day, entry in existing.items():
            if day not in days:
                session.delete(entry)
        for day, notice in days.items():
            row = existing.get(day) or HolidayEntry(day=day)
            row.is_workday, row.note = notice.workday, fitted(notice.name, HolidayEntry.note)
            session.add(row)
        session.flush()
        moved = recompute_open_due_dates(session, min(min(days), first), audit_as=self.actor)
        return None, {"days": before}, {
            "year": year, "holidays": sum(not e.workday for e in self.entries),
            "workdays": sum(e.workday for e in self.entries), "due_dates_moved": moved}


@dataclass(frozen=True, kw_only=True)
class RefreshEstimates(Command):
    """Recompute the estimated due dates (marked 估) that the calendar as it is now moves: after an
    upgrade of the holiday package that covers their year, or estimates counted on weekends only
    before the statutory fallback; and note the calendar they were checked against
    (db.calendar.ESTIMATES_KEY). Run by `manage.py migrate` and `manage.py remind`, and by the app
    when a district's pages are first read in a process (ui.session) and the calendar is not the
    one noted; the audit row holds the count."""
    permission, action, entity = "manage_settings", "settings.refresh_estimates", "holiday_entry"

    def apply(self, session: Session):
        self.report(moved=recompute_open_due_dates(session, None))
        noted = calendar_noted(session)
        if not self.moved and estimates_checked(session, noted):
            raise NothingChanged()  # another app process starting at the same moment has just done it
        Setting.put(session, ESTIMATES_KEY, calendar_signature(), noted)
        return None, None, {"moved": self.moved}


def refresh_estimates(engine, actor, *, always: bool = False) -> int:
    """Run RefreshEstimates when the calendar moves any estimate, or is not the one the district's
    estimates were last checked against (nothing is written otherwise); returns how many due dates
    moved. Unless `always` (the command line's runs), a district whose estimates were checked
    against this calendar is not looked at again: one read."""
    from db.calendar import stale_estimates
    from db.engine import read_session
    if districts.district_of(engine) is None:  # `manage.py migrate`: each district's
        return sum(refresh_estimates(scoped, actor, always=always) for _, scoped in districts.each(engine))
    with read_session(engine) as session:
        checked = estimates_checked(session)
    if checked and (not always or not stale_estimates(engine)):
        return 0
    command = RefreshEstimates(actor)
    try:
        command.run(engine)
    except CommandError:  # another app process starting at the same moment wrote the note first
        with read_session(engine) as session:
            if estimates_checked(session):
                return 0
        raise
    return command.moved
