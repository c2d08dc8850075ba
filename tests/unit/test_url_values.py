"""Numbers and dates from the URL are read strictly: plain digits in range, ISO dates in the range
the database accepts (db.stored_values)."""
from datetime import date

import pytest

from db.stored_values import INT_MAX as MAX_ID
from ui.url_state import parse_date, parse_id, parse_int


@pytest.mark.parametrize("raw, expected", [("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), ("007", 7)])
def test_an_id_in_range_is_read(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "0", "-1", "+1", " 1", "1 ", "1.0", "1e3", "1_000", "abc", "٣", "１",
                                 "²", str(MAX_ID + 1), "99999999999999999999999", 5])
def test_anything_else_is_no_id(raw):
    assert parse_id(raw) is None


def test_a_bounded_number_outside_its_range_is_none():
    assert parse_int("0", 0, 5) == 0 and parse_int("5", 0, 5) == 5
    assert parse_int("6", 0, 5) is None and parse_int("-0", 0, 5) is None


@pytest.mark.parametrize("raw, expected", [("2026-11-26", date(2026, 11, 26)), ("2000-01-01", date(2000, 1, 1)),
                                           ("2100-12-31", date(2100, 12, 31))])
def test_a_date_in_range_is_read(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "1999-12-31", "2101-01-01", "9999-12-31", "0001-01-01", "2026-02-30",
                                 "20261126", "2026-W48-4", "2026-11-26T00:00", "２０２６-11-26", "today"])
def test_anything_else_is_no_date(raw):
    assert parse_date(raw) is None
