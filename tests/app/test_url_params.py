"""Addresses typed or tampered with by hand: a URL parameter that names a record, a page or a week
reads as "not found" or the default when it is not digits, out of range or no real date, and a
filter reads as "all" when it names no option — the page shows no error box and no exception,
whatever the value (the filters Streamlit binds to the URL included)."""
from __future__ import annotations

import pytest

from tests.app.conftest import open_page
from tests.app.helpers import errors

BAD_NUMBERS = ("99999999999999999999999", "2147483648", "-1", "0", "abc", "1.5", " 7", "1_0", "٣", "",
               "inf", "1e400")  # float("inf") would reach int(): Streamlit's bound number_input raises there
BAD_CHOICES = ("", "abc", "all" * 100)
BAD_DATES = ("9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2026-02-30", "not-a-date")

# page script -> the parameters it reads as a number (each also given with the others unset)
NUMBER_PARAMS = {
    "app_pages/referrals.py": {"item": {}, "page": {}, "due_within": {}},
    "app_pages/overdue.py": {"item": {}},
    "app_pages/supervision.py": {"id": {}},
    "app_pages/meetings.py": {"meeting": {}, "fu": {"view": "tracker"}, "due_within": {"view": "tracker"}},
    "app_pages/tasks.py": {"task": {}},
    "app_pages/units.py": {"unit": {}},
    "app_pages/audit.py": {"row": {}, "page": {}, "entity_id": {}},
    "app_pages/weekly.py": {"slide": {"present": "1"}},
}
# page script -> its filters (codes, ids, words, yes/no), kept by hand or bound by Streamlit
CHOICE_PARAMS = {
    "app_pages/referrals.py": {p: {} for p in ("kind", "from", "to", "period", "status", "outcome", "category", "q",
                                               "overdue", "sort")},
    "app_pages/overview.py": {p: {} for p in ("period", "category", "sort")},
    "app_pages/overdue.py": {p: {} for p in ("category", "period")},
    "app_pages/supervision.py": {p: {} for p in ("status", "level", "unit", "target")},
    "app_pages/meetings.py": {"view": {}, "kind": {}, "period": {},
                              **{p: {"view": "tracker"} for p in ("unit", "status", "kind", "q", "overdue")}},
    "app_pages/units.py": {p: {} for p in ("category", "q")},
    "app_pages/audit.py": {p: {} for p in ("user", "entity", "action", "period")},
    "app_pages/data.py": {"view": {}, "import": {"view": "import"}},
    "app_pages/bulletin.py": {"period": {}},
}
DATE_PARAMS = {
    "app_pages/weekly.py": {"week": {}},
    "app_pages/bulletin.py": {"start": {"end": "2026-09-30"}, "end": {"start": "2026-07-01"}},
    "app_pages/audit.py": {"from": {"period": "custom"}, "to": {"period": "custom"}},
}


def cases(table: dict, values: tuple):
    return [pytest.param(page, param, others, value, id=f"{page.split('/')[-1][:-3]}-{param}={value!r}")
            for page, params in table.items() for param, others in params.items() for value in values]


def assert_calm(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at) == []


@pytest.mark.parametrize("page, param, others, value", cases(NUMBER_PARAMS, BAD_NUMBERS))
def test_a_bad_number_in_the_url_reads_as_not_found(app_env, page, param, others, value):
    assert_calm(open_page("admin", page, **others, **{param: value}))


@pytest.mark.parametrize("page, param, others, value", cases(CHOICE_PARAMS, BAD_CHOICES))
def test_a_filter_naming_no_option_reads_as_all(app_env, page, param, others, value):
    assert_calm(open_page("admin", page, **others, **{param: value}))


@pytest.mark.parametrize("page, param, others, value", cases(DATE_PARAMS, BAD_DATES))
def test_a_bad_date_in_the_url_reads_as_the_default(app_env, page, param, others, value):
    assert_calm(open_page("admin", page, **others, **{param: value}))


def test_an_item_id_beyond_the_database_integer_is_simply_not_found(app_env):
    at = open_page("office", "app_pages/referrals.py", item="99999999999999999999999")
    assert_calm(at)
    assert not any("请重新登录" in s.value for s in at.subheader)  # no detail drawn, no error either


def test_a_unit_id_out_of_range_shows_the_directory(app_env):
    at = open_page("viewer", "app_pages/units.py", unit="2147483648")
    assert_calm(at)
    assert "成员单位名录" in [s.value for s in at.subheader]


def test_a_week_out_of_range_shows_the_current_week(app_env):
    at = open_page("office", "app_pages/weekly.py", week="9999-12-31")
    assert_calm(at)
    assert any("2026-11-23 至 2026-11-29" in c.value for c in at.caption)
