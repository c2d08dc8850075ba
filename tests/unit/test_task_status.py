"""Key-task status derivation (DESIGN §4: 未启动 / 推进中 / 滞后 / 已完成), follow-up overdue at the
date boundaries, and the per-group roll-up of the task board."""
from datetime import date, timedelta

import pandas as pd
import pytest

from core import lifecycles as lc
from db.queries.tasks import group_rollup

TODAY = date(2026, 11, 26)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)
LAST_MONTH = date(2026, 10, 15)
NEXT_MONTH = date(2026, 12, 20)


# --- task_status ---------------------------------------------------------------------------------

@pytest.mark.parametrize("percent", [None, 0])
def test_no_milestone_and_no_progress_is_not_started(percent):
    assert lc.task_status([], percent, TODAY) == lc.TASK_NOT_STARTED


@pytest.mark.parametrize("percent", [1, 40, 99])
def test_no_milestone_but_some_progress_is_in_progress(percent):
    assert lc.task_status([], percent, TODAY) == lc.TASK_IN_PROGRESS


def test_future_milestone_without_progress_is_not_started():
    assert lc.task_status([(NEXT_MONTH, None)], 0, TODAY) == lc.TASK_NOT_STARTED


def test_future_milestone_with_progress_is_in_progress():
    assert lc.task_status([(NEXT_MONTH, None)], 30, TODAY) == lc.TASK_IN_PROGRESS


def test_one_milestone_done_and_one_ahead_is_in_progress_even_at_zero_percent():
    assert lc.task_status([(LAST_MONTH, LAST_MONTH), (NEXT_MONTH, None)], 0, TODAY) == lc.TASK_IN_PROGRESS


@pytest.mark.parametrize("percent", [None, 0, 50, 95, 99])
def test_a_milestone_past_its_planned_date_and_not_done_makes_the_task_late(percent):
    """Late wins over any progress short of 100 %."""
    milestones = [(LAST_MONTH, LAST_MONTH), (YESTERDAY, None), (NEXT_MONTH, None)]
    assert lc.task_status(milestones, percent, TODAY) == lc.TASK_LATE


def test_a_milestone_planned_today_is_not_late_yet():
    assert lc.task_status([(TODAY, None)], 20, TODAY) == lc.TASK_IN_PROGRESS
    assert lc.task_status([(TODAY, None)], 0, TODAY) == lc.TASK_NOT_STARTED
    # the next day it is
    assert lc.task_status([(TODAY, None)], 20, TOMORROW) == lc.TASK_LATE


def test_a_milestone_done_after_its_planned_date_is_not_late():
    assert lc.task_status([(LAST_MONTH, YESTERDAY), (NEXT_MONTH, None)], 60, TODAY) == lc.TASK_IN_PROGRESS


@pytest.mark.parametrize("percent", [None, 0, 70])
def test_all_milestones_done_is_done(percent):
    milestones = [(LAST_MONTH, LAST_MONTH), (YESTERDAY, TODAY), (NEXT_MONTH, TODAY)]
    assert lc.task_status(milestones, percent, TODAY) == lc.TASK_DONE


def test_progress_100_is_done_only_when_no_milestone_is_pending():
    """A report of 100% does not hide a milestone that was never met."""
    assert lc.task_status([], 100, TODAY) == lc.TASK_DONE
    assert lc.task_status([(LAST_MONTH, LAST_MONTH)], 100, TODAY) == lc.TASK_DONE
    assert lc.task_status([(LAST_MONTH, None)], 100, TODAY) == lc.TASK_LATE
    assert lc.task_status([(NEXT_MONTH, None)], 100, TODAY) == lc.TASK_IN_PROGRESS


# --- follow_up_overdue --------------------------------------------------------------------------

@pytest.mark.parametrize("status", [lc.FU_OPEN, lc.FU_IN_PROGRESS])
def test_follow_up_due_today_is_not_overdue_due_yesterday_is(status):
    assert not lc.follow_up_overdue(status, TODAY, TODAY)
    assert not lc.follow_up_overdue(status, TOMORROW, TODAY)
    assert lc.follow_up_overdue(status, YESTERDAY, TODAY)
    assert lc.follow_up_overdue(status, LAST_MONTH, TODAY)


@pytest.mark.parametrize("status", [lc.FU_DONE, lc.FU_CANCELLED])
def test_done_or_cancelled_follow_up_is_never_overdue(status):
    assert not lc.follow_up_overdue(status, YESTERDAY, TODAY)
    assert not lc.follow_up_overdue(status, LAST_MONTH, TODAY)
    assert not lc.follow_up_overdue(status, TODAY, TODAY)


def test_follow_up_without_due_date_is_not_overdue():
    assert not lc.follow_up_overdue(lc.FU_OPEN, None, TODAY)


def test_follow_up_transitions():
    assert lc.next_status(lc.FOLLOW_UP_TRANSITIONS, lc.FU_OPEN, "progress") == lc.FU_IN_PROGRESS
    assert lc.next_status(lc.FOLLOW_UP_TRANSITIONS, lc.FU_IN_PROGRESS, "progress") == lc.FU_IN_PROGRESS
    assert lc.next_status(lc.FOLLOW_UP_TRANSITIONS, lc.FU_OPEN, "complete") == lc.FU_DONE
    assert lc.next_status(lc.FOLLOW_UP_TRANSITIONS, lc.FU_IN_PROGRESS, "cancel") == lc.FU_CANCELLED
    for ended in (lc.FU_DONE, lc.FU_CANCELLED):
        assert lc.allowed_actions(lc.FOLLOW_UP_TRANSITIONS, ended) == ()
        with pytest.raises(lc.TransitionRefused):
            lc.next_status(lc.FOLLOW_UP_TRANSITIONS, ended, "progress")


# --- group_rollup -----------------------------------------------------------------------------

def _board(rows):
    return pd.DataFrame([dict(id=i, group_number=g, group_title=gt, percent=p, status=s)
                         for i, (g, gt, p, s) in enumerate(rows, start=1)])


def test_group_rollup_mean_percent_and_late_and_done_counts_per_group():
    board = _board([
        (1, "健全工作机制", 100, lc.TASK_DONE),
        (1, "健全工作机制", 50, lc.TASK_LATE),
        (1, "健全工作机制", 0, lc.TASK_NOT_STARTED),
        (2, "强化协作配合", 30, lc.TASK_LATE),
        (2, "强化协作配合", 60, lc.TASK_LATE),
        (3, "加强保障", 100, lc.TASK_DONE),
    ])
    g = group_rollup(board)
    assert list(g["group_number"]) == [1, 2, 3]
    assert list(g["group_title"]) == ["健全工作机制", "强化协作配合", "加强保障"]
    assert list(g["tasks"]) == [3, 2, 1]
    assert list(g["percent"]) == pytest.approx([50.0, 45.0, 100.0])
    assert list(g["late"]) == [1, 2, 0]
    assert list(g["done"]) == [1, 0, 1]


def test_group_rollup_keeps_group_order_by_number_not_by_title():
    board = _board([(2, "甲", 10, lc.TASK_IN_PROGRESS), (1, "乙", 20, lc.TASK_IN_PROGRESS)])
    g = group_rollup(board)
    assert list(g["group_number"]) == [1, 2]
    assert list(g["percent"]) == pytest.approx([20.0, 10.0])


def test_group_rollup_of_an_empty_board():
    g = group_rollup(pd.DataFrame())
    assert g.empty
    assert {"group_number", "group_title", "tasks", "percent", "late", "done"} <= set(g.columns)
