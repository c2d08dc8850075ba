"""The read cache's key (ui.session): equal calls share it, any difference in a filter, an
argument, a counter or the district gives another; only plain values may key a read."""
from __future__ import annotations

from datetime import date

import pytest

from db.queries.referrals import ItemFilter
from ui.session import _call_key


def call(f=ItemFilter(), day=date(2026, 11, 26), district=1, counters=(("item", "1", 7),), **kwargs):
    return ("db.queries.referrals.item_page", "sqlite:///x.db", district, counters, (f, day, 1),
            tuple(sorted(kwargs.items())))


def test_the_same_read_has_the_same_key():
    assert _call_key(call(ItemFilter(kinds=("crime_transfer",)))) == _call_key(call(ItemFilter(kinds=("crime_transfer",))))


@pytest.mark.parametrize("other", [
    call(ItemFilter(period="3m")), call(ItemFilter(overdue_only=True)), call(ItemFilter(due_within=1)),
    call(day=date(2026, 11, 27)), call(district=2), call(counters=(("item", "1", 8),)), call(sort="due_asc"),
])
def test_any_difference_gives_another_key(other):
    assert _call_key(other) != _call_key(call())


def test_true_and_one_are_different_keys():
    assert _call_key(call(ItemFilter(due_within=1))) != _call_key(call(ItemFilter(due_within=True)))


def test_a_value_whose_repr_may_not_stand_for_it_is_refused():
    with pytest.raises(TypeError, match="plain values"):
        _call_key(call(kinds=["crime_transfer"]))
