"""Reads for the settings sections of 管理: every item kind's deadline rule with the admin's
override, and the admin's holiday / make-up working day entries with the calendar's coverage."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.deadlines import DEFAULT_CALENDAR
from core.holiday_notice import notice_year
from core.kinds import KINDS, describe_rule, kind_order, with_override
from db import districts
from db.calendar import holiday_entries_in_force, override_in_force, rule_overrides, work_calendar
from db.engine import read_session
from db.models import HolidayEntry



def configurable(kind: str) -> bool:
    """A kind's period can be overridden only when it has a default period: information-only
    kinds need no feedback, and "as agreed" kinds take their date from each item."""
    k = KINDS.get(kind)
    return k is not None and k.rule.needs_feedback and k.rule.amount is not None


def deadline_rules(engine: Engine) -> list[dict]:
    """One row per item kind: default rule, legal basis, the urgent (statutory) rule if any, the
    city layer's override and the district's own (None when there is none), the rule in force
    (db.calendar.override_in_force), and the own override's row version (0 when there is none).
    In the city layer its overrides are the own ones, and the city's are None."""
    with read_session(engine) as s:
        overrides = rule_overrides(s)
    out = []
    for code in kind_order():
        k = KINDS[code]
        own, city = overrides.get(code, (None, None))
        o, c = override_in_force(own, None), override_in_force(None, city)
        in_force = override_in_force(own, city)
        effective = with_override(k.rule, in_force.amount, in_force.unit) if in_force else k.rule
        out.append({
            "kind": code, "label": k.label, "mechanism": k.mechanism,
            "default_amount": k.rule.amount, "default_unit": k.rule.unit,
            "default_text": describe_rule(k.rule), "basis": k.rule.basis,
            "needs_feedback": k.rule.needs_feedback, "configurable": configurable(code),
            "urgent_text": describe_rule(k.urgent_rule, urgent=True) if k.urgent_rule else None,
            "urgent_basis": k.urgent_rule.basis if k.urgent_rule else None,
            "city_amount": c.amount if c else None, "city_unit": c.unit if c else None,
            "override_amount": o.amount if o else None,
            "override_unit": o.unit if o else None,
            "effective_text": describe_rule(effective),
            "version": own.version if own is not None else 0,
        })
    return out


def holiday_entries(engine: Engine, year: int) -> list[dict]:
    """The entries that hold in the district in one year, by date: the city layer's (`city`
    True, which a district's admin cannot delete) and the district's own, which win on a day."""
    with read_session(engine) as s:
        city = districts.city_id(s.connection())
        found = holiday_entries_in_force(s)
        in_city_layer = districts.in_city_layer(s)
    return [{"day": e.day, "is_workday": bool(e.is_workday), "note": e.note,
             "city": e.district_id == city and not in_city_layer}
            for day, e in sorted(found.items()) if day.year == year]


def holiday_years(engine: Engine) -> list[int]:
    """Years that have at least one entry in force."""
    with read_session(engine) as s:
        return sorted({d.year for d in holiday_entries_in_force(s)})  # a few dozen rows a year


def calendar_coverage(engine: Engine, year: int) -> dict:
    """Whether the packaged State Council list covers `year`, and how many entries it has."""
    packaged = DEFAULT_CALENDAR.packaged_years
    entries = holiday_entries(engine, year)
    return {"year": year, "packaged": year in packaged, "packaged_first": packaged.start,
            "packaged_last": packaged.stop - 1, "entries": len(entries),
            "holidays": sum(not e["is_workday"] for e in entries),
            "workdays": sum(e["is_workday"] for e in entries)}


def notice_preview(engine: Engine, entries: list) -> dict:
    """A pasted notice's days (core.holiday_notice entries) beside the calendar as it is: per day
    the notice's kind and today's (`changes` when they differ), and the entries of that year (of
    this layer: the district's own, or the city's) the notice would remove."""
    year = notice_year(entries)
    days = [e.day for e in entries]
    with read_session(engine) as s:
        calendar = work_calendar(s)
        removed = sorted(d for d in s.scalars(select(HolidayEntry.day).where(
            HolidayEntry.day.between(date(year, 1, 1), date(year, 12, 31)))) if d not in set(days))
    rows = [dict(day=e.day, name=e.name, workday=e.workday, now_workday=calendar.is_workday(e.day),
                 changes=calendar.is_workday(e.day) != e.workday) for e in entries]
    return {"year": year, "rows": rows, "removed": removed}
