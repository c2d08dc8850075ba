"""Lifecycles of DESIGN §4: transitions, overdue and answered-late at the date boundaries."""
from datetime import date

import pytest

from core import lifecycles as lc

D = date(2026, 5, 20)


@pytest.mark.parametrize("status,action,new", [
    ("sent", "receive", "received"), ("sent", "respond", "responded"), ("received", "start", "in_progress"),
    ("in_progress", "respond", "responded"), ("responded", "close", "closed"), ("sent", "return", "returned"),
    ("received", "withdraw", "withdrawn"), ("in_progress", "withdraw", "withdrawn")])
def test_allowed_item_transitions(status, action, new):
    assert lc.next_status(lc.ITEM_TRANSITIONS, status, action) == new


@pytest.mark.parametrize("status,action", [
    ("closed", "respond"), ("responded", "receive"), ("withdrawn", "start"), ("returned", "close"),
    ("sent", "close"), ("in_progress", "receive"), ("in_progress", "return")])
def test_refused_item_transitions(status, action):
    with pytest.raises(lc.TransitionRefused):
        lc.next_status(lc.ITEM_TRANSITIONS, status, action)


def test_ended_items_offer_no_action():
    for status in ("closed", "returned", "withdrawn"):
        assert lc.allowed_actions(lc.ITEM_TRANSITIONS, status) == ()


def test_overdue_boundaries():
    assert not lc.is_overdue(True, "sent", D, today=D)  # due today is not overdue
    assert lc.is_overdue(True, "sent", D, today=date(2026, 5, 21))  # due yesterday is
    assert lc.is_overdue(True, "in_progress", D, today=date(2026, 6, 30))
    assert not lc.is_overdue(True, "responded", D, today=date(2026, 6, 30))
    assert not lc.is_overdue(True, "closed", D, today=date(2026, 6, 30))
    assert not lc.is_overdue(False, "sent", D, today=date(2026, 6, 30))  # information only
    assert not lc.is_overdue(True, "sent", None, today=date(2026, 6, 30))


def test_answered_late():
    assert not lc.answered_late(D, D)
    assert lc.answered_late(D, date(2026, 5, 21))
    assert not lc.answered_late(D, None)


def test_follow_up_and_supervision_boundaries():
    assert not lc.follow_up_overdue("open", D, today=D)
    assert lc.follow_up_overdue("in_progress", D, today=date(2026, 5, 21))
    assert not lc.follow_up_overdue("done", D, today=date(2026, 5, 21))
    assert not lc.supervision_escalated("issued", D, today=D)
    assert lc.supervision_escalated("issued", D, today=date(2026, 5, 21))
    assert not lc.supervision_escalated("resolved", D, today=date(2026, 5, 21))


def test_task_status_derivation():
    today = date(2026, 6, 1)
    assert lc.task_status([], None, today) == lc.TASK_NOT_STARTED
    assert lc.task_status([(date(2026, 7, 1), None)], 0, today) == lc.TASK_NOT_STARTED
    assert lc.task_status([(date(2026, 7, 1), None)], 30, today) == lc.TASK_IN_PROGRESS
    assert lc.task_status([(date(2026, 5, 1), None), (date(2026, 7, 1), None)], 30, today) == lc.TASK_LATE
    assert lc.task_status([(date(2026, 5, 1), date(2026, 5, 3))], 60, today) == lc.TASK_DONE
    assert lc.task_status([(date(2026, 5, 1), date(2026, 5, 3)), (date(2026, 9, 1), None)], 60, today) == lc.TASK_IN_PROGRESS


def test_milestone_state_at_the_date_boundaries():
    planned = D
    assert lc.milestone_state(planned, None, today=D) == lc.MS_PENDING  # planned today: not late yet
    assert lc.milestone_state(planned, None, today=date(2026, 5, 21)) == lc.MS_LATE
    assert lc.milestone_state(planned, D, today=date(2026, 6, 30)) == lc.MS_DONE  # done on the planned day
    assert lc.milestone_state(planned, date(2026, 5, 21), today=date(2026, 6, 30)) == lc.MS_DONE_LATE


@pytest.mark.parametrize("status,actions", [
    ("draft", ("issue_draft",)), ("issued", ("respond", "resolve")), ("responded", ("respond", "resolve")),
    ("resolved", ())])
def test_supervision_steps_each_status_offers(status, actions):
    assert lc.allowed_actions(lc.SUPERVISION_TRANSITIONS, status) == actions


def test_supervision_transitions():
    assert lc.next_status(lc.SUPERVISION_TRANSITIONS, "draft", "issue_draft") == "issued"
    assert lc.next_status(lc.SUPERVISION_TRANSITIONS, "issued", "respond") == "responded"
    assert lc.next_status(lc.SUPERVISION_TRANSITIONS, "responded", "resolve") == "resolved"
    with pytest.raises(lc.TransitionRefused):
        lc.next_status(lc.SUPERVISION_TRANSITIONS, "resolved", "respond")
    with pytest.raises(lc.TransitionRefused):
        lc.next_status(lc.SUPERVISION_TRANSITIONS, "draft", "resolve")
