"""Unit tests for core.deadlines.

Every expected date below was worked out by hand from the counting rules and the
State Council arrangements shipped in chinesecalendar 1.11.0 (checked against
chinese_calendar.is_workday), e.g.:
  2025 Spring Festival: Jan 28 - Feb 4 off; make-up Sun Jan 26, Sat Feb 8.
  2025 National Day + Mid-Autumn: Oct 1 - 8 off; make-up Sun Sep 28, Sat Oct 11.
  2026 New Year: Jan 1 - 3 off; make-up Sun Jan 4.
  2026 Spring Festival: Feb 15 - 23 off; make-up Sat Feb 14, Sat Feb 28.
  2026 National Day: Oct 1 - 7 off; make-up Sun Sep 20, Sat Oct 10.
"""
from datetime import date

import pytest

from core.deadlines import (
    DEFAULT_CALENDAR,
    UNITS,
    DueDate,
    WorkCalendar,
    add_period,
    compute_due,
    working_days_between,
)


# --- package coverage ------------------------------------------------------

def test_packaged_years_cover_2025_and_2026_but_not_2027():
    years = DEFAULT_CALENDAR.packaged_years
    assert 2025 in years and 2026 in years
    assert DEFAULT_CALENDAR.is_covered(date(2026, 12, 31))
    assert not DEFAULT_CALENDAR.is_covered(date(years.stop, 1, 1))


def test_is_workday_uses_package_list():
    assert not DEFAULT_CALENDAR.is_workday(date(2025, 10, 3))  # National Day (Fri)
    assert DEFAULT_CALENDAR.is_workday(date(2025, 9, 28))  # make-up Sunday
    assert not DEFAULT_CALENDAR.is_workday(date(2025, 3, 8))  # ordinary Saturday


# --- calendar days -----------------------------------------------------------

def test_start_day_not_counted():
    # Mon 2025-03-03 + 1 day -> Tue 03-04; + 4 days -> Fri 03-07
    assert add_period(date(2025, 3, 3), 1, "days") == date(2025, 3, 4)
    assert add_period(date(2025, 3, 3), 4, "days") == date(2025, 3, 7)
    assert add_period(date(2025, 3, 3), 1, "working_days") == date(2025, 3, 4)


def test_days_ending_on_weekend_roll_to_monday():
    # Mon 2025-03-03 + 5 days = Sat 03-08 -> Mon 03-10; + 6 = Sun 03-09 -> Mon 03-10
    assert add_period(date(2025, 3, 3), 5, "days") == date(2025, 3, 10)
    assert add_period(date(2025, 3, 3), 6, "days") == date(2025, 3, 10)


def test_days_ending_inside_national_day_2025_roll_past_the_holiday():
    # Tue 2025-09-30 + 3 days = Fri 10-03 (holiday, off until 10-08) -> Thu 10-09
    assert add_period(date(2025, 9, 30), 3, "days") == date(2025, 10, 9)


def test_days_ending_inside_national_day_2026_roll_past_the_holiday():
    # Mon 2026-09-28 + 5 days = Sat 10-03 (holiday, off until 10-07) -> Thu 10-08
    assert add_period(date(2026, 9, 28), 5, "days") == date(2026, 10, 8)


def test_days_ending_on_make_up_sunday_do_not_roll():
    # Sun 2025-09-21 + 7 days = Sun 09-28, an official make-up working day
    assert add_period(date(2025, 9, 21), 7, "days") == date(2025, 9, 28)


# --- months ------------------------------------------------------------------

def test_month_end_is_clamped_to_last_day_of_month():
    assert add_period(date(2025, 1, 31), 1, "months") == date(2025, 2, 28)  # Fri
    assert add_period(date(2024, 1, 31), 1, "months") == date(2024, 2, 29)  # Thu, leap
    assert add_period(date(2025, 3, 31), 1, "months") == date(2025, 4, 30)  # Wed


def test_leap_year_2028_clamps_to_feb_29_and_is_approximate():
    # 2028 is outside the package: weekends-only fallback, Tue 2028-02-29 is a workday
    assert compute_due(date(2028, 1, 31), 1, "months") == DueDate(date(2028, 2, 29), True)


def test_months_cross_year_boundary():
    # 2025-11-30 + 3 months = 2026-02-30 -> clamp to Sat 2026-02-28 (make-up day)
    assert add_period(date(2025, 11, 30), 3, "months") == date(2026, 2, 28)


def test_month_end_clamped_onto_make_up_saturday_does_not_roll():
    # 2026-01-31 + 1 month -> Sat 2026-02-28, an official make-up working day
    assert add_period(date(2026, 1, 31), 1, "months") == date(2026, 2, 28)


def test_months_ending_on_holiday_or_weekend_roll_forward():
    # 2025-04-01 + 1 month = Thu 05-01 (Labour Day, off until 05-05) -> Tue 05-06
    assert add_period(date(2025, 4, 1), 1, "months") == date(2025, 5, 6)
    # 2026-01-16 + 1 month = Mon 02-16 (Spring Festival, off until 02-23) -> Tue 02-24
    assert add_period(date(2026, 1, 16), 1, "months") == date(2026, 2, 24)
    # 2025-02-15 + 1 month = Sat 03-15 -> Mon 03-17
    assert add_period(date(2025, 2, 15), 1, "months") == date(2025, 3, 17)


# --- working days --------------------------------------------------------------

@pytest.mark.parametrize(
    "amount, expected",
    [
        (1, date(2025, 9, 28)),  # Sat 09-27 off; Sun 09-28 make-up day counts
        (3, date(2025, 9, 30)),  # Mon 09-29, Tue 09-30
        (4, date(2025, 10, 9)),  # Oct 1-8 skipped
        (6, date(2025, 10, 11)),  # Fri 10-10, then make-up Sat 10-11
        (7, date(2025, 10, 13)),  # Sun 10-12 off
    ],
)
def test_working_days_skip_national_day_2025_and_count_make_up_days(amount, expected):
    assert add_period(date(2025, 9, 26), amount, "working_days") == expected


def test_working_days_across_spring_festival_2025():
    # Fri 2025-01-24: Sun 01-26 (1), Mon 01-27 (2), Jan 28 - Feb 4 off,
    # Wed 02-05 (3), 02-06 (4), Fri 02-07 (5), make-up Sat 02-08 (6), Mon 02-10 (7)
    assert add_period(date(2025, 1, 24), 5, "working_days") == date(2025, 2, 7)
    assert add_period(date(2025, 1, 24), 6, "working_days") == date(2025, 2, 8)
    assert add_period(date(2025, 1, 24), 7, "working_days") == date(2025, 2, 10)


def test_working_days_across_spring_festival_2026():
    # Fri 2026-02-13: make-up Sat 02-14 (1), Feb 15-23 off, Tue 02-24 (2) .. Fri 02-27 (5),
    # make-up Sat 02-28 (6), Sun 03-01 off, Mon 03-02 (7)
    assert add_period(date(2026, 2, 13), 1, "working_days") == date(2026, 2, 14)
    assert add_period(date(2026, 2, 13), 2, "working_days") == date(2026, 2, 24)
    assert add_period(date(2026, 2, 13), 7, "working_days") == date(2026, 3, 2)


def test_working_days_across_new_year_2026():
    # Wed 2025-12-31: Jan 1-3 2026 off; Sun 2026-01-04 is a make-up working day
    assert add_period(date(2025, 12, 31), 1, "working_days") == date(2026, 1, 4)


# --- amount 0 and validation -----------------------------------------------------

@pytest.mark.parametrize("unit", UNITS)
def test_zero_amount_returns_start_unchanged(unit):
    # even when the start day itself is a holiday
    assert compute_due(date(2025, 10, 1), 0, unit) == DueDate(date(2025, 10, 1), False)


def test_negative_amount_raises():
    with pytest.raises(ValueError):
        add_period(date(2025, 3, 3), -1, "days")


def test_unknown_unit_raises():
    with pytest.raises(ValueError):
        add_period(date(2025, 3, 3), 1, "weeks")


def test_non_integer_amount_raises_type_error():
    with pytest.raises(TypeError):
        add_period(date(2025, 3, 3), 1.5, "days")


def test_same_date_as_admin_holiday_and_workday_is_rejected():
    with pytest.raises(ValueError):
        WorkCalendar(holidays=[date(2025, 3, 4)], workdays=[date(2025, 3, 4)])


# --- admin entries -------------------------------------------------------------

def test_admin_holiday_on_weekday_takes_precedence():
    cal = WorkCalendar(holidays=[date(2025, 3, 4)])  # Tue
    assert not cal.is_workday(date(2025, 3, 4))
    assert add_period(date(2025, 3, 3), 1, "days", calendar=cal) == date(2025, 3, 5)
    assert add_period(date(2025, 3, 3), 1, "working_days", calendar=cal) == date(2025, 3, 5)
    # the default calendar is unaffected
    assert add_period(date(2025, 3, 3), 1, "days") == date(2025, 3, 4)


def test_admin_make_up_workday_on_weekend_takes_precedence():
    cal = WorkCalendar(workdays=[date(2025, 3, 8)])  # Sat
    assert add_period(date(2025, 3, 3), 5, "days", calendar=cal) == date(2025, 3, 8)
    assert add_period(date(2025, 3, 7), 1, "working_days", calendar=cal) == date(2025, 3, 8)


def test_admin_entries_override_the_package_list():
    # admin turns packaged holiday Fri 2025-10-03 into a workday
    cal = WorkCalendar(workdays=[date(2025, 10, 3)])
    assert add_period(date(2025, 9, 30), 3, "days", calendar=cal) == date(2025, 10, 3)
    # admin turns packaged make-up Sun 2025-09-28 into a rest day
    cal = WorkCalendar(holidays=[date(2025, 9, 28)])
    assert add_period(date(2025, 9, 26), 1, "working_days", calendar=cal) == date(2025, 9, 29)


# --- coverage / approximate fallback ---------------------------------------------

def test_covered_year_is_not_approximate():
    assert compute_due(date(2025, 9, 30), 3, "days") == DueDate(date(2025, 10, 9), False)
    assert compute_due(date(2026, 12, 28), 1, "days") == DueDate(date(2026, 12, 29), False)


def test_uncovered_year_counts_weekends_and_the_statutory_holidays_and_is_approximate():
    # 2027 is not in the package: Fri 2027-01-01 is 元旦 by law, so the period rolls to Mon 01-04
    assert not DEFAULT_CALENDAR.is_covered(date(2027, 1, 1))
    assert compute_due(date(2026, 12, 31), 1, "days") == DueDate(date(2027, 1, 4), True)
    # Fri 2029-12-28 + 1 day = Sat 12-29 -> Mon 12-31 (a weekday, no arrangement known)
    assert compute_due(date(2029, 12, 28), 1, "days") == DueDate(date(2029, 12, 31), True)
    # Tue 2030-01-01 is 元旦: one working day after 2029-12-31 is Wed 01-02
    assert compute_due(date(2029, 12, 31), 1, "working_days") == DueDate(date(2030, 1, 2), True)


def test_the_fallback_knows_the_lunar_festivals_but_no_make_up_days():
    # 2027: 除夕 Fri 02-05, 春节 02-06..08 (lunar, from the law); no 调休 working Saturday is guessed
    assert [DEFAULT_CALENDAR.is_workday(date(2027, 2, d)) for d in range(4, 10)] == \
        [True, False, False, False, False, True]
    assert not DEFAULT_CALENDAR.is_workday(date(2027, 6, 9))  # 端午 (lunar 5/5)
    assert not DEFAULT_CALENDAR.is_workday(date(2027, 9, 15))  # 中秋 (lunar 8/15)
    assert [DEFAULT_CALENDAR.is_workday(date(2027, 10, d)) for d in range(1, 5)] == [False, False, False, True]


def test_working_days_into_uncovered_year_are_approximate():
    # Thu 2026-12-31 + 1 working day: Fri 2027-01-01 is 元旦, then the weekend: Mon 2027-01-04
    assert compute_due(date(2026, 12, 31), 1, "working_days") == DueDate(date(2027, 1, 4), True)


def test_admin_entries_make_an_uncovered_year_covered():
    cal = WorkCalendar(holidays=[date(2027, 1, 1)])
    assert cal.is_covered(date(2027, 6, 1))
    assert not cal.is_covered(date(2028, 1, 1))
    # Thu 2026-12-31 + 1 day = Fri 2027-01-01 (admin holiday), Sat, Sun -> Mon 2027-01-04
    assert compute_due(date(2026, 12, 31), 1, "days", calendar=cal) == DueDate(date(2027, 1, 4), False)


# --- working_days_between --------------------------------------------------------

def test_working_days_between_counts_after_start_through_end():
    # Mon 2025-03-03 .. Mon 03-10: Tue-Fri (4) + Mon (1)
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 10)) == 5
    # Fri 2025-09-26 .. Mon 10-13: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 13)) == 7


def test_working_days_between_is_zero_when_end_not_after_start():
    assert working_days_between(date(2025, 9, 30), date(2025, 9, 30)) == 0
    assert working_days_between(date(2025, 10, 13), date(2025, 9, 26)) == 0


def test_working_days_between_inside_holiday_is_zero_and_respects_admin_entries():
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    cal = WorkCalendar(holidays=[date(2025, 3, 4)])
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 10), calendar=cal) == 4
