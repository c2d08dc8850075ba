"""Reads of 会议与议定事项 and 十四项重点工作 on SQLite and PostgreSQL: the task board with its derived
status, latest percent and next milestone; the per-group roll-up; the follow-up tracker with its
filters; completion and on-time rates per lead unit; the meeting list with its counts.
"Today" is pinned to 2026-11-26 (Thu). Everything is entered through the commands."""
from datetime import date

import pandas as pd
import pytest

from core import lifecycles as lc
from core.permissions import Actor
from db.commands.meetings import AddFollowUpProgress, CancelFollowUp, CompleteFollowUp, CreateMeeting
from db.commands.tasks import AddMilestone, AddProgressUpdate, AssignTaskUnits, CompleteMilestone
from db.queries.meetings import FollowUpFilter, follow_up_list, follow_up_unit_rates, meeting_list
from db.queries.tasks import group_rollup, milestone_timeline, task_board, task_detail
from tests.conftest import TODAY

OFFICE = Actor(None, "office1", "office")


# --- key tasks ------------------------------------------------------------------------------------------

def milestone(engine, task_id, title, planned_on, done_on=None) -> int:
    ms_id = AddMilestone(OFFICE, task_id=task_id, title=title, planned_on=planned_on).run(engine)
    if done_on:
        CompleteMilestone(OFFICE, milestone_id=ms_id, done_on=done_on).run(engine)
    return ms_id


def report(engine, task_id, unit_id, reported_on, percent, text="进展"):
    AddProgressUpdate(OFFICE, task_id=task_id, unit_id=unit_id, reported_on=reported_on, percent=percent,
                      text=text).run(engine)


@pytest.fixture
def board_setup(engine, units, tasks):
    """Group 1: task 1 late at 80 %, task 2 all milestones done at 60 %, task 3 untouched.
    Group 2: task 4 in progress (latest report 55 %), task 5 with a milestone due today, task 6 at 100 %."""
    for number, lead, part in [(1, "justice", ["procuratorate"]), (2, "procuratorate", []),
                               (4, "market_regulation", ["justice", "education"]), (6, "education", [])]:
        AssignTaskUnits(OFFICE, task_id=tasks[number], lead_unit_id=units[lead],
                        participating_unit_ids=[units[c] for c in part]).run(engine)
    milestone(engine, tasks[1], "出台工作方案", date(2026, 9, 30), done_on=date(2026, 9, 28))
    milestone(engine, tasks[1], "建立线索移送台账", date(2026, 11, 1))  # late
    milestone(engine, tasks[1], "年度总结", date(2026, 12, 31))
    report(engine, tasks[1], units["procuratorate"], date(2026, 11, 20), 80, "台账基本建立")
    milestone(engine, tasks[2], "起草", date(2026, 10, 10), done_on=date(2026, 10, 12))
    milestone(engine, tasks[2], "印发", date(2026, 11, 30), done_on=date(2026, 11, 25))
    report(engine, tasks[2], units["procuratorate"], date(2026, 11, 1), 60)
    milestone(engine, tasks[4], "年度评估", date(2026, 12, 20))
    milestone(engine, tasks[4], "调研走访", date(2026, 12, 5))
    report(engine, tasks[4], units["justice"], date(2026, 11, 10), 30, "完成调研")
    report(engine, tasks[4], units["education"], date(2026, 11, 20), 55, "形成初稿")
    report(engine, tasks[4], units["market_regulation"], date(2026, 11, 5), 10, "补录的早期进展")  # entered last, dated first
    milestone(engine, tasks[5], "召开座谈会", TODAY)
    report(engine, tasks[6], units["education"], TODAY, 100, "全部完成")
    return tasks


def row(board: pd.DataFrame, number: int) -> dict:
    [r] = board[board["number"] == number].to_dict("records")
    return r


def test_board_has_the_fourteen_tasks_in_five_groups(engine, units, tasks):
    board = task_board(engine, TODAY)
    assert list(board["number"]) == list(range(1, 15))
    assert sorted(set(board["group_number"])) == [1, 2, 3, 4, 5]
    assert set(board["status"]) == {lc.TASK_NOT_STARTED}
    assert set(board["percent"]) == {0}


def test_board_derives_status_from_milestones_and_updates(engine, units, board_setup):
    board = task_board(engine, TODAY)
    statuses = dict(zip(board["number"], board["status"]))
    assert statuses[1] == lc.TASK_LATE  # a milestone past its date, whatever the 80 %
    assert statuses[2] == lc.TASK_DONE  # every milestone done, at 60 %
    assert statuses[3] == lc.TASK_NOT_STARTED  # nothing at all
    assert statuses[4] == lc.TASK_IN_PROGRESS
    assert statuses[5] == lc.TASK_NOT_STARTED  # planned today is not late yet
    assert statuses[6] == lc.TASK_DONE  # reported 100 %
    # the next day task 5 is late
    assert row(task_board(engine, date(2026, 11, 27)), 5)["status"] == lc.TASK_LATE


def test_board_shows_latest_percent_next_milestone_and_units(engine, units, board_setup):
    board = task_board(engine, TODAY)
    t1 = row(board, 1)
    assert t1["percent"] == 80
    assert t1["next_milestone"] == "建立线索移送台账(2026-11-01)"
    assert (t1["late_milestones"], t1["milestones"]) == (1, 3)
    assert t1["lead_unit_ids"] == [units["justice"]] and t1["lead_units"] == "区司法局"
    assert t1["participating_unit_ids"] == [units["procuratorate"]]
    assert (t1["latest_update_on"], t1["latest_update"], t1["latest_update_unit"]) == (
        date(2026, 11, 20), "台账基本建立", "区检察院")
    t4 = row(board, 4)
    # the latest report by date is shown, not the last one entered; the task's percent is its lead
    # unit's (区市场监管局, 10 %): a participant's 55 % is the participant's part
    assert (t4["latest_update"], t4["latest_update_unit"]) == ("形成初稿", "区教育局")
    assert t4["percent"] == 10
    assert t4["next_milestone"] == "调研走访(2026-12-05)"  # the earliest pending, not the first entered
    assert t4["participating_units"] == "区教育局、区司法局"  # in the units' order
    t2 = row(board, 2)
    assert pd.isna(t2["next_milestone"]) and t2["late_milestones"] == 0 and t2["percent"] == 60
    t3 = row(board, 3)
    assert t3["percent"] == 0 and pd.isna(t3["next_milestone"]) and t3["milestones"] == 0
    assert t3["lead_unit_ids"] == [] and t3["lead_units"] == "" and pd.isna(t3["latest_update"])


def test_group_rollup_of_the_board(engine, units, board_setup):
    g = group_rollup(task_board(engine, TODAY)).set_index("group_number")
    assert list(g.index) == [1, 2, 3, 4, 5]
    assert list(g["tasks"]) == [3, 3, 2, 3, 3]
    assert g.loc[1, "percent"] == pytest.approx((80 + 60 + 0) / 3)
    assert g.loc[2, "percent"] == pytest.approx((10 + 0 + 100) / 3)  # task 4: its lead unit reported 10 %
    assert list(g["percent"])[2:] == [0, 0, 0]
    assert list(g["late"]) == [1, 0, 0, 0, 0]
    assert list(g["done"]) == [1, 1, 0, 0, 0]
    assert g.loc[1, "group_title"] == "推进平安硚口建设"


def test_task_detail_and_milestone_timeline(engine, units, board_setup):
    detail = task_detail(engine, board_setup[1])
    assert detail["number"] == 1 and detail["group"] == "(一)推进平安硚口建设"
    assert list(detail["milestones"]["title"]) == ["出台工作方案", "建立线索移送台账", "年度总结"]
    detail4 = task_detail(engine, board_setup[4])
    assert list(detail4["updates"]["percent"]) == [55, 30, 10]  # newest first
    assert task_detail(engine, 999999) is None
    tl = milestone_timeline(engine, TODAY)
    states = dict(zip(tl["milestone"], tl["state"]))
    assert states["出台工作方案"] == "done"
    assert states["建立线索移送台账"] == "late"
    assert states["年度总结"] == "pending"
    assert states["召开座谈会"] == "pending"
    assert states["起草"] == "done_late"  # planned 10-10, done 10-12


# --- meetings and follow-ups ----------------------------------------------------------------------------

JOINT_HELD = date(2026, 9, 23)
SEMINAR_HELD = date(2026, 11, 10)


@pytest.fixture
def tracker(engine, units):
    """Two meetings and their decisions, brought to their states through the commands; returns text -> id.

    joint meeting 09-23:  a justice (assist procuratorate) due 11-20 open -> overdue
                          b market (assist justice) due 11-26 (today) in progress
                          c education due 12-03 open
                          d justice due 10-30 done 10-28 (on time)
                          e justice due 10-15 done 11-02 (late)
                          f market due 12-31 cancelled
    seminar 11-10:        g police (assist justice, education) due 12-10 open
                          h procuratorate due 11-25 open -> overdue by one day
    """
    def fu(text, lead, due_on, assisting=()):
        return dict(text=text, lead_unit_id=units[lead], assisting_unit_ids=[units[c] for c in assisting],
                    due_on=due_on)

    CreateMeeting(OFFICE, kind="joint_meeting", title="联席会议", held_on=JOINT_HELD,
                  attending_unit_ids=[units[c] for c in ("procuratorate", "justice", "market_regulation",
                                                         "education")],
                  follow_ups=[fu("a 梳理监督线索", "justice", date(2026, 11, 20), ["procuratorate"]),
                              fu("b 建立信息共享平台", "market_regulation", TODAY, ["justice"]),
                              fu("c 开展普法进校园", "education", date(2026, 12, 3)),
                              fu("d 印发移送办法", "justice", date(2026, 10, 30)),
                              fu("e 报送典型案例", "justice", date(2026, 10, 15)),
                              fu("f 联合检查", "market_regulation", date(2026, 12, 31))]).run(engine)
    CreateMeeting(OFFICE, kind="difficult_case_seminar", title="疑难案件研讨会", held_on=SEMINAR_HELD,
                  attending_unit_ids=[units["public_security"], units["procuratorate"]],
                  follow_ups=[fu("g 研究证据标准", "public_security", date(2026, 12, 10), ["justice", "education"]),
                              fu("h 形成会议纪要", "procuratorate", date(2026, 11, 25))]).run(engine)
    ids = dict(zip(follow_up_list(engine, FollowUpFilter(), TODAY)["text"].str[0],
                   follow_up_list(engine, FollowUpFilter(), TODAY)["id"]))
    AddFollowUpProgress(OFFICE, follow_up_id=ids["b"], note="平台已立项").run(engine)
    CompleteFollowUp(OFFICE, follow_up_id=ids["d"], done_on=date(2026, 10, 28), evidence="已印发").run(engine)
    CompleteFollowUp(OFFICE, follow_up_id=ids["e"], done_on=date(2026, 11, 2), evidence="已报送").run(engine)
    CancelFollowUp(OFFICE, follow_up_id=ids["f"], reason="并入专项行动").run(engine)
    return ids


def letters(df: pd.DataFrame) -> list[str]:
    return [t[0] for t in df["text"]]


def test_follow_up_list_without_filter_is_ordered_by_due_date(engine, units, tracker):
    df = follow_up_list(engine, FollowUpFilter(), TODAY)
    assert letters(df) == ["e", "d", "a", "h", "b", "c", "g", "f"]
    by = df.set_index(df["text"].str[0]).to_dict("index")
    assert by["a"]["overdue"] and by["h"]["overdue"]
    assert not by["b"]["overdue"] and by["b"]["days_left"] == 0  # due today
    assert by["a"]["days_left"] == -6 and by["c"]["days_left"] == 7
    assert not by["e"]["overdue"] and pd.isna(by["e"]["days_left"])  # done late is not overdue
    assert not by["f"]["overdue"]
    assert by["b"]["status"] == lc.FU_IN_PROGRESS and by["b"]["latest_note"] == "平台已立项"
    assert (by["d"]["status"], by["d"]["done_on"], by["d"]["evidence"]) == (lc.FU_DONE, date(2026, 10, 28), "已印发")
    assert by["f"]["cancel_reason"] == "并入专项行动"
    assert sorted(by["g"]["assisting_unit_ids"]) == sorted([units["justice"], units["education"]])
    assert by["g"]["lead_unit"] == "区公安分局" and by["g"]["meeting_kind"] == "difficult_case_seminar"
    assert by["c"]["assisting_unit_ids"] == [] and by["c"]["assisting_units"] == ""


def test_unit_filter_matches_lead_or_assisting_unit(engine, units, tracker):
    df = follow_up_list(engine, FollowUpFilter(unit_id=units["justice"]), TODAY)
    assert letters(df) == ["e", "d", "a", "b", "g"]  # lead of a, d, e; assisting on b and g
    df = follow_up_list(engine, FollowUpFilter(unit_id=units["education"]), TODAY)
    assert letters(df) == ["c", "g"]
    df = follow_up_list(engine, FollowUpFilter(unit_id=units["veterans"]), TODAY)
    assert df.empty


def test_overdue_only_excludes_due_today_and_ended_items(engine, units, tracker):
    assert letters(follow_up_list(engine, FollowUpFilter(overdue_only=True), TODAY)) == ["a", "h"]
    # the day before, h (due 11-25) was not overdue yet
    assert letters(follow_up_list(engine, FollowUpFilter(overdue_only=True), date(2026, 11, 25))) == ["a"]
    # justice is only on a among the overdue ones
    assert letters(follow_up_list(engine, FollowUpFilter(unit_id=units["justice"], overdue_only=True), TODAY)) == ["a"]


def test_due_within_counts_open_items_from_today_inclusive(engine, units, tracker):
    assert letters(follow_up_list(engine, FollowUpFilter(due_within=7), TODAY)) == ["b", "c"]
    assert letters(follow_up_list(engine, FollowUpFilter(due_within=6), TODAY)) == ["b"]
    assert letters(follow_up_list(engine, FollowUpFilter(due_within=0), TODAY)) == ["b"]
    assert letters(follow_up_list(engine, FollowUpFilter(due_within=14), TODAY)) == ["b", "c", "g"]  # not cancelled f


def test_status_meeting_kind_meeting_period_and_text_filters(engine, units, tracker):
    assert letters(follow_up_list(engine, FollowUpFilter(statuses=(lc.FU_DONE,)), TODAY)) == ["e", "d"]
    assert letters(follow_up_list(engine, FollowUpFilter(statuses=(lc.FU_OPEN, lc.FU_IN_PROGRESS)), TODAY)) == [
        "a", "h", "b", "c", "g"]
    assert letters(follow_up_list(engine, FollowUpFilter(statuses=(lc.FU_CANCELLED,)), TODAY)) == ["f"]
    assert letters(follow_up_list(engine, FollowUpFilter(meeting_kind="difficult_case_seminar"), TODAY)) == ["h", "g"]
    assert letters(follow_up_list(engine, FollowUpFilter(meeting_kind="emergency_assessment"), TODAY)) == []
    seminar_id = follow_up_list(engine, FollowUpFilter(meeting_kind="difficult_case_seminar"), TODAY)["meeting_id"][0]
    assert letters(follow_up_list(engine, FollowUpFilter(meeting_id=int(seminar_id)), TODAY)) == ["h", "g"]
    assert letters(follow_up_list(engine, FollowUpFilter(period="30d"), TODAY)) == ["h", "g"]  # held since 10-27
    assert letters(follow_up_list(engine, FollowUpFilter(text="平台"), TODAY)) == ["b"]
    assert letters(follow_up_list(engine, FollowUpFilter(unit_id=units["justice"],
                                                         meeting_kind="joint_meeting",
                                                         statuses=(lc.FU_DONE,)), TODAY)) == ["e", "d"]


def test_unit_rates_completion_and_on_time_per_lead_unit(engine, units, tracker):
    rates = follow_up_unit_rates(engine, FollowUpFilter(), TODAY).set_index("unit")
    # ordered by the units' sort order; the cancelled f counts nowhere
    assert list(rates.index) == ["区检察院", "区教育局", "区司法局", "区市场监管局", "区公安分局"]
    justice = rates.loc["区司法局"]
    assert (justice["total"], justice["done"], justice["done_on_time"], justice["open"], justice["overdue"]) == (
        3, 2, 1, 1, 1)
    assert justice["completion_rate"] == pytest.approx(2 / 3)
    assert justice["on_time_rate"] == pytest.approx(0.5)
    market = rates.loc["区市场监管局"]
    assert (market["total"], market["done"], market["open"], market["overdue"]) == (1, 0, 1, 0)
    assert market["completion_rate"] == 0 and pd.isna(market["on_time_rate"])
    assert rates.loc["区检察院", "overdue"] == 1
    joint = follow_up_unit_rates(engine, FollowUpFilter(meeting_kind="joint_meeting"), TODAY)
    assert list(joint["unit"]) == ["区教育局", "区司法局", "区市场监管局"]


def test_meeting_list_counts(engine, units, tracker):
    CreateMeeting(OFFICE, kind="business_symposium", title="去年的座谈会", held_on=date(2025, 10, 1),
                  attending_unit_ids=[], follow_ups=[]).run(engine)
    ml = meeting_list(engine, TODAY)  # the last twelve months by default
    assert list(ml["title"]) == ["疑难案件研讨会", "联席会议"]  # newest first
    seminar, joint = ml.to_dict("records")
    assert (joint["held_on"], joint["kind"], joint["units"], joint["follow_ups"], joint["done"], joint["overdue"]) == (
        JOINT_HELD, "joint_meeting", 4, 6, 2, 1)  # b is due today, not overdue
    assert (seminar["units"], seminar["follow_ups"], seminar["done"], seminar["overdue"]) == (2, 2, 0, 1)
    everything = meeting_list(engine, TODAY, period="all")
    assert list(everything["title"]) == ["疑难案件研讨会", "联席会议", "去年的座谈会"]
    old = everything.to_dict("records")[-1]
    assert (old["units"], old["follow_ups"], old["done"], old["overdue"]) == (0, 0, 0, 0)
    assert list(meeting_list(engine, TODAY, kind="joint_meeting")["title"]) == ["联席会议"]
    assert meeting_list(engine, TODAY, kind="emergency_assessment").empty
