"""Reads for the settings sections of 管理: every item kind's deadline rule with the admin's
override, and the admin's holiday / make-up working day entries with the calendar's coverage."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.deadlines import DEFAULT_CALENDAR
from core.holiday_notice import notice_year
from core.kinds import KINDS, describe_rule, kind_order, with_override
from db.calendar import work_calendar
from db.engine import read_session
from db.models import DeadlineRuleSetting, HolidayEntry



def configurable(kind: str) -> bool:
    """A kind's period can be overridden only when it has a default period: information-only
    kinds need no feedback, and "as agreed" kinds take their date from each item."""
    k = KINDS.get(kind)
    return k is not None and k.rule.needs_feedback and k.rule.amount is not None


def deadline_rules(engine: Engine) -> list[dict]:
    """One row per item kind: default rule, legal basis, the urgent (statutory) rule if any, the
    admin's override (None when there is none) and its row version (0 when there is none)."""
    with read_session(engine) as s:
        overrides = {r.kind: r for r in s.scalars(select(DeadlineRuleSetting))}
    out = []
    for code in kind_order():
        k = KINDS[code]
        o = overrides.get(code)
        has_override = o is not None and o.amount is not None and o.unit is not None
        effective = with_override(k.rule, o.amount, o.unit) if has_override else k.rule
        out.append({
            "kind": code, "label": k.label, "mechanism": k.mechanism,
            "default_amount": k.rule.amount, "default_unit": k.rule.unit,
            "default_text": describe_rule(k.rule), "basis": k.rule.basis,
            "needs_feedback": k.rule.needs_feedback, "configurable": configurable(code),
            "urgent_text": describe_rule(k.urgent_rule, urgent=True) if k.urgent_rule else None,
            "urgent_basis": k.urgent_rule.basis if k.urgent_rule else None,
            "override_amount": o.amount if has_override else None,
            "override_unit": o.unit if has_override else None,
            "effective_text": describe_rule(effective),
            "version": o.version if o is not None else 0,
        })
    return out


def holiday_entries(engine: Engine, year: int) -> list[dict]:
    """The admin's entries of one year, by date."""
    with read_session(engine) as s:
        rows = s.execute(select(HolidayEntry.day, HolidayEntry.is_workday, HolidayEntry.note)
                         .where(HolidayEntry.day >= date(year, 1, 1), HolidayEntry.day <= date(year, 12, 31))
                         .order_by(HolidayEntry.day)).all()
    return [{"day": d, "is_workday": bool(w), "note": n} for d, w, n in rows]


def holiday_years(engine: Engine) -> list[int]:
    """Years that have at least one admin entry."""
    with read_session(engine) as s:
        days = s.scalars(select(HolidayEntry.day)).all()  # a few dozen rows a year
    return sorted({d.year for d in days})


def calendar_coverage(engine: Engine, year: int) -> dict:
    """Whether the packaged State Council list covers `year`, and how many admin entries it has."""
    packaged = DEFAULT_CALENDAR.packaged_years
    entries = holiday_entries(engine, year)
    return {"year": year, "packaged": year in packaged, "packaged_first": packaged.start,
            "packaged_last": packaged.stop - 1, "entries": len(entries),
            "holidays": sum(not e["is_workday"] for e in entries),
            "workdays": sum(e["is_workday"] for e in entries)}


def notice_preview(engine: Engine, entries: list) -> dict:
    """A pasted notice's days (core.holiday_notice entries) beside the calendar as it is: per day
    the notice's kind and today's (`changes` when they differ), and the admin's entries of that
    year the notice would remove."""
    year = notice_year(entries)
    days = [e.day for e in entries]
    with read_session(engine) as s:
        calendar = work_calendar(s)
        removed = sorted(d for d in s.scalars(select(HolidayEntry.day).where(
            HolidayEntry.day.between(date(year, 1, 1), date(year, 12, 31)))) if d not in set(days))
    rows = [dict(day=e.day, name=e.name, workday=e.workday, now_workday=calendar.is_workday(e.day),
                 changes=calendar.is_workday(e.day) != e.workday) for e in entries]
    return {"year": year, "rows": rows, "removed": removed}

