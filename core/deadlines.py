"""Deadline arithmetic for statutory periods (no Streamlit dependency).

Counting rules (Civil Code arts. 201-203; Criminal Procedure Law art. 105):
- the start day is not counted;
- a period in months ends on the same day-of-month of the due month, or on that
  month's last day when it has no such date (Jan 31 + 1 month = Feb 28/29);
- a period in calendar days or months whose last day is a rest day (a weekend day
  that is not a make-up working day, or a statutory holiday) ends on the next
  working day;
- a period in working days skips rest days and counts make-up working days (调休).

Working days come from the State Council lists carried by the `chinese-calendar`
package; dates entered by an admin take precedence. For a year covered by neither, the
rest days are the weekends and the statutory holidays that law fixes (全国年节及纪念日放假办法:
元旦, 春节 with 除夕, 清明, 劳动节, 端午, 中秋, 国庆; lunar dates from the `holidays` package), with
no make-up working days, and the result is flagged as approximate.
An amount of 0 returns the start date unchanged for every unit (nothing is examined).
"""
from __future__ import annotations

import calendar as _cal
import operator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable

import chinese_calendar
import holidays as _holidays
from chinese_calendar import constants as _cc_constants

UNITS = ("days", "months", "working_days")

_ONE_DAY = timedelta(days=1)
# Safety bound for rolling forward (no real calendar has a whole year of rest days).
_MAX_GAP = 366


@lru_cache(maxsize=1)
def _packaged_years() -> range:
    years = {d.year for d in _cc_constants.holidays} | {d.year for d in _cc_constants.workdays}
    return range(min(years), max(years) + 1)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """The days law makes holidays in `year` (no State Council arrangement: no 调休, no 补休)."""
    return dict(_holidays.China(years=year, observed=False, language="zh_CN"))


class WorkCalendar:
    """Working-day calendar: packaged State Council list + admin entries (which take precedence)."""

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()):
        # holidays: admin-entered statutory holiday dates (rest days even on a weekday)
        # workdays: admin-entered make-up working days (调休; working even on a weekend)
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        clash = self._holidays & self._workdays
        if clash:
            raise ValueError(f"dates entered both as holiday and as workday: {sorted(clash)}")
        self._admin_years = frozenset(d.year for d in self._holidays | self._workdays)
        self._packaged = _packaged_years()

    @property
    def packaged_years(self) -> range:
        """Years covered by the installed `chinese-calendar` package."""
        return self._packaged

    def is_covered(self, day: date) -> bool:
        """True if the package covers day.year or an admin entered dates for that year."""
        return day.year in self._packaged or day.year in self._admin_years

    def is_workday(self, day: date) -> bool:
        """Admin entries first, then the package, else weekdays that are not statutory holidays
        (the approximate fallback)."""
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        if day.year in self._packaged:
            return _packaged_workday(day)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)


@lru_cache(maxsize=8192)
def _packaged_workday(day: date) -> bool:
    """The package's answer for a day of a year it covers (fixed while the process runs; the
    package validates the date on every call, which dominated long working-day counts)."""
    return chinese_calendar.is_workday(day)


DEFAULT_CALENDAR = WorkCalendar()


@dataclass(frozen=True)
class DueDate:
    due_on: date
    approximate: bool  # True when the approximate fallback was used for any examined day


def _add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _cal.monthrange(year, month)[1]))


def compute_due(start: date, amount: int, unit: str, *, calendar: WorkCalendar | None = None) -> DueDate:
    """Same as add_period but also reports whether the approximate fallback was used."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
    amount = operator.index(amount)  # TypeError for non-integers (e.g. 1.5)
    if amount < 0:
        raise ValueError(f"amount must be >= 0, got {amount}")
    cal = DEFAULT_CALENDAR if calendar is None else calendar
    approximate = False

    def workday(day: date) -> bool:
        nonlocal approximate
        approximate = approximate or not cal.is_covered(day)
        return cal.is_workday(day)

    def roll(day: date) -> date:  # first working day on or after `day`
        for _ in range(_MAX_GAP):
            if workday(day):
                return day
            day += _ONE_DAY
        raise ValueError(f"no working day within {_MAX_GAP} days of {day}")

    if amount == 0:
        return DueDate(start, False)
    if unit == "working_days":
        day = start
        for _ in range(amount):
            day = roll(day + _ONE_DAY)
    else:
        day = roll(start + timedelta(days=amount) if unit == "days" else _add_months(start, amount))
    return DueDate(day, approximate)


def add_period(start: date, amount: int, unit: str, *, calendar: WorkCalendar | None = None) -> date:
    """Due date of a period of `amount` `unit`s starting on `start` (start day not counted)."""
    return compute_due(start, amount, unit, calendar=calendar).due_on


def working_days_between(start: date, end: date, *, calendar: WorkCalendar | None = None) -> int:
    """Number of working days after `start` up to and including `end` (0 if end <= start)."""
    cal = DEFAULT_CALENDAR if calendar is None else calendar
    return sum(cal.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


class WorkdayIndex:
    """Working days between two dates by a cumulative count, built once per read over the span
    the rows need (instead of walking the calendar day by day for every row)."""

    def __init__(self, cal: WorkCalendar):
        self.cal = cal
        self._first: date | None = None
        self._cumulative: list[int] = []

    def _cover(self, first: date, last: date) -> None:
        if self._first is not None and first >= self._first and \
                (last - self._first).days < len(self._cumulative):
            return
        first = min(first, self._first or first) - timedelta(days=31)
        last = max(last, (self._first + timedelta(days=len(self._cumulative))) if self._first else last)
        total, cumulative = 0, []
        for i in range((last - first).days + 32):
            total += self.cal.is_workday(first + timedelta(days=i))
            cumulative.append(total)
        self._first, self._cumulative = first, cumulative

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        if end <= start:
            return 0
        self._cover(start, end)
        return self._cumulative[(end - self._first).days] - self._cumulative[(start - self._first).days]
