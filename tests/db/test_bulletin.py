"""The 通报's figures on SQLite and PostgreSQL, against hand-built rows for the third quarter of
2026 (read on 2026-11-26, so on its close: 2026-10-01), and for the running month.

Items (sent / due / answered; to the unit that owes the feedback):
  m_on_time        区市场监管局 四(五)  07-05 / 08-05 / 08-01        on time
  m_late           区市场监管局 四(五)  07-10 / 08-10 / 08-20        late
  m_overdue        区市场监管局 四(五)  07-15 / 09-15 / —            still overdue
  m_answered_after 区市场监管局 四(五)  06-01 / 09-20 / 10-10        still overdue at the close
  j_old_overdue    区司法局     四(五)  03-01 / 04-01(估) / —        overdue before the period
  police_on_time   区公安分局   四(六)  08-01 / 09-01 / 08-30        on time
  info             区检察院     四(三)  08-01 / —     / —            information only
  e_withdrawn      区教育局     四(五)  07-01 / 08-10 / —            withdrawn: owes nothing
  e_due_later      区教育局     四(五)  09-25 / 10-25 / —            not due in the period
督办 issued in the quarter: 一般 resolved on time; 重点 responded, resolved only after the quarter
(escalated at its close); 一般 without a response past its deadline. One issued in June and a
draft do not count. 移送追责: j_old_overdue (08-15, result 09-01), m_overdue (09-30), m_late
(10-02, after the quarter)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.kinds import KINDS
from db.engine import read_session, session_factory
from db.models import (Accountability, FollowUp, Item, KeyTask, Meeting, Milestone, ProgressUpdate, Supervision,
                       Unit)
from db.queries.bulletin import (CUSTOM, as_of_for, bulletin, period_kind, preset_of, preset_period)
from tests.conftest import TODAY

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def d(month: int, day: int) -> date:
    return date(2026, month, day)


ITEMS = {  # title: (unit code, kind, sent_on, due_on, feedback_on, status)
    "m_on_time": ("market_regulation", "procuratorial_suggestion", d(7, 5), d(8, 5), d(8, 1), "closed"),
    "m_late": ("market_regulation", "procuratorial_suggestion", d(7, 10), d(8, 10), d(8, 20), "responded"),
    "m_overdue": ("market_regulation", "procuratorial_suggestion", d(7, 15), d(9, 15), None, "sent"),
    "m_answered_after": ("market_regulation", "procuratorial_suggestion", d(6, 1), d(9, 20), d(10, 10), "responded"),
    "j_old_overdue": ("justice", "procuratorial_suggestion", d(3, 1), d(4, 1), None, "received"),
    "police_on_time": ("public_security", "pil_pre_suit_suggestion", d(8, 1), d(9, 1), d(8, 30), "responded"),
    "info": ("procuratorate", "major_case_notice", d(8, 1), None, None, "sent"),
    "e_withdrawn": ("education", "procuratorial_suggestion", d(7, 1), d(8, 10), None, "withdrawn"),
    "e_due_later": ("education", "procuratorial_suggestion", d(9, 25), d(10, 25), None, "sent"),
}
SUPERVISION = {  # instruction: (level, issued_on, deadline, responded_on, resolved_on, status)
    "resolved_on_time": ("一般", d(7, 10), d(7, 31), d(7, 20), d(7, 25), "resolved"),
    "resolved_after": ("重点", d(8, 1), d(8, 20), d(8, 15), d(10, 5), "resolved"),
    "no_response": ("一般", d(9, 1), d(9, 10), None, None, "issued"),
    "issued_in_june": ("挂牌", d(6, 1), d(6, 30), None, None, "issued"),
    "draft": ("一般", None, d(9, 30), None, None, "draft"),
}
FOLLOW_UPS = {  # text: (due_on, done_on, status)
    "f_done_on_time": (d(8, 1), d(7, 30), "done"),
    "f_done_late": (d(8, 15), d(9, 1), "done"),
    "f_open_overdue": (d(9, 10), None, "open"),
    "f_done_after": (d(9, 20), d(10, 5), "done"),
    "f_cancelled": (d(9, 25), None, "cancelled"),
    "f_old_open": (d(5, 1), None, "in_progress"),
    "f_due_later": (d(10, 20), None, "open"),
}
MILESTONES = {  # title: (task number, planned_on, done_on)
    "met": (1, d(8, 1), d(7, 30)),
    "missed": (1, d(9, 1), None),
    "met_after_the_quarter": (1, d(9, 15), d(10, 10)),
    "not_yet": (1, d(10, 15), None),
    "missed_in_june": (4, d(6, 1), None),
}


@pytest.fixture
def quarter(engine):
    with read_session(engine) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
        tasks = dict(s.execute(select(KeyTask.number, KeyTask.id)).all())
    ids = {}
    with session_factory(engine)() as s, s.begin():
        for title, (unit, kind, sent_on, due_on, feedback_on, status) in ITEMS.items():
            item = Item(kind=kind, mechanism=KINDS[kind].mechanism, from_unit_id=units["procuratorate"],
                        to_unit_id=units[unit], title=title, status=status, sent_on=sent_on, received_on=sent_on,
                        needs_feedback=due_on is not None, due_on=due_on, feedback_on=feedback_on,
                        due_approximate=title == "j_old_overdue", details={}, version=1)
            s.add(item)
            s.flush()
            ids[title] = item.id
        for instruction, (level, issued_on, deadline, responded_on, resolved_on, status) in SUPERVISION.items():
            s.add(Supervision(target_type="item", target_id=ids["m_overdue"], unit_id=units["market_regulation"],
                              level=level, deadline=deadline, instruction=instruction, status=status,
                              issued_on=issued_on, responded_on=responded_on, resolved_on=resolved_on, version=1))
        meeting = Meeting(kind="joint_meeting", title="第三季度联席会议", held_on=d(7, 20), version=1)
        s.add_all([meeting, Meeting(kind="joint_meeting", title="五月会议", held_on=d(5, 1), version=1)])
        s.flush()
        for text, (due_on, done_on, status) in FOLLOW_UPS.items():
            s.add(FollowUp(meeting_id=meeting.id, text=text, lead_unit_id=units["justice"], due_on=due_on,
                           done_on=done_on, status=status, version=1))
        for title, (number, planned_on, done_on) in MILESTONES.items():
            s.add(Milestone(task_id=tasks[number], title=title, planned_on=planned_on, done_on=done_on, version=1))
        s.add_all([ProgressUpdate(task_id=tasks[1], unit_id=units["justice"], reported_on=d(8, 10), percent=40,
                                  text="推进中"),
                   ProgressUpdate(task_id=tasks[4], unit_id=units["justice"], reported_on=d(6, 10), percent=10,
                                  text="六月")])
        s.add_all([Accountability(item_id=ids["j_old_overdue"], referred_to="区纪委监委", referred_on=d(8, 15),
                                  result="已问责", result_on=d(9, 1), version=1),
                   Accountability(item_id=ids["m_overdue"], referred_to="区纪委监委", referred_on=d(9, 30), version=1),
                   Accountability(item_id=ids["m_late"], referred_to="区纪委监委", referred_on=d(10, 2), version=1)])
    return engine


def test_periods_from_the_chooser():
    assert preset_period("month", TODAY) == (d(11, 1), d(11, 30))
    assert preset_period("last_month", TODAY) == (d(10, 1), d(10, 31))
    assert preset_period("quarter", TODAY) == (d(10, 1), d(12, 31))
    assert preset_period("last_quarter", TODAY) == Q3
    assert preset_period("year", TODAY) == (d(1, 1), d(12, 31))
    assert preset_period("last_year", TODAY) == (date(2025, 1, 1), date(2025, 12, 31))
    january = date(2026, 1, 15)
    assert preset_period("last_month", january) == (date(2025, 12, 1), date(2025, 12, 31))
    assert preset_period("last_quarter", january) == (date(2025, 10, 1), date(2025, 12, 31))
    assert preset_period("month", date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert preset_of(*Q3, TODAY) == "last_quarter" and preset_of(d(7, 2), d(9, 30), TODAY) == CUSTOM
    assert [period_kind(*p) for p in (Q3, (d(2, 1), d(2, 28)), (d(1, 1), d(12, 31)), (d(1, 5), d(2, 10)))] == [
        "quarter", "month", "year", "range"]


def test_a_past_period_is_read_on_its_close_a_running_one_today():
    assert as_of_for(Q3[1], TODAY) == d(10, 1)
    assert as_of_for(d(11, 30), TODAY) == TODAY


def test_activity_by_mechanism(quarter):
    b = bulletin(quarter, *Q3, TODAY)
    m = b.by_mechanism.set_index("mechanism")
    assert list(b.by_mechanism["mechanism"]) == ["四(一)", "四(二)", "四(三)", "四(四)", "四(五)", "四(六)", "四(七)", "四(八)"]
    assert m.at["四(五)", "items"] == 5  # m_on_time, m_late, m_overdue, e_withdrawn, e_due_later
    assert m.at["四(六)", "items"] == 1 and m.at["四(三)", "items"] == 1
    assert m.at["四(二)", "meetings"] == 1  # the July meeting, not May's
    assert m.at["四(五)", "answered"] == 2 and m.at["四(六)", "answered"] == 1
    assert m.at["四(五)", "overdue_at_end"] == 3
    assert m.at["四(五)", "title"] == "完善行政执法与刑事司法衔接机制"


def test_feedback_by_unit_on_time_late_overdue_and_rate(quarter):
    b = bulletin(quarter, *Q3, TODAY)
    units = b.by_unit.set_index("unit")
    market = units.loc["区市场监管局"]
    assert (market["received"], market["on_time"], market["late"], market["overdue"]) == (3, 1, 1, 2)
    assert market["on_time_rate"] == pytest.approx(0.25)
    police = units.loc["区公安分局"]
    assert (police["received"], police["on_time"], police["on_time_rate"]) == (1, 1, 1.0)
    assert units.at["区教育局", "received"] == 2 and units.at["区教育局", "on_time_rate"] is None  # nothing judged
    assert units.at["区司法局", "received"] == 0 and units.at["区司法局", "referred"] == 1  # only its 移送追责
    f = b.figures
    assert (f["received"], f["answered"], f["on_time"], f["late"], f["overdue"]) == (7, 3, 2, 1, 2)
    assert b.on_time_rate == pytest.approx(2 / 5)


def test_units_with_overdue_items_are_named_most_first(quarter):
    b = bulletin(quarter, *Q3, TODAY)
    o = b.overdue_units
    assert list(o["unit"]) == ["区市场监管局", "区司法局"]
    assert list(o["overdue"]) == [2, 1]
    assert list(o["oldest_due_on"]) == [d(9, 15), d(4, 1)]
    assert list(o["oldest_due_approximate"]) == [False, True]
    assert b.figures["overdue_at_end"] == 3 and b.figures["overdue_units"] == 2


def test_supervision_issued_and_its_outcome_at_the_close(quarter):
    b = bulletin(quarter, *Q3, TODAY)
    f = b.figures
    assert (f["sup_issued"], f["sup_resolved"], f["sup_resolved_on_time"], f["sup_responded"],
            f["sup_no_response"], f["sup_escalated"]) == (3, 1, 1, 1, 1, 2)
    by_level = b.supervision.set_index("level")
    assert list(b.supervision["level"]) == ["一般", "重点"]
    assert by_level.loc["一般", ["issued", "resolved", "no_response", "escalated"]].tolist() == [2, 1, 1, 1]
    assert by_level.loc["重点", ["issued", "responded", "escalated"]].tolist() == [1, 1, 1]


def test_accountability_referred_in_the_period(quarter):
    b = bulletin(quarter, *Q3, TODAY)
    assert b.figures["referred"] == 2 and b.figures["referred_with_result"] == 1
    units = b.by_unit.set_index("unit")
    assert units.at["区市场监管局", "referred"] == 1 and units.at["区司法局", "referred"] == 1


def test_follow_ups_done_and_overdue(quarter):
    b = bulletin(quarter, *Q3, TODAY)
    f = b.figures
    # fallen due in the quarter: five, one of them cancelled (not counted)
    assert (f["meetings"], f["fu_due"], f["fu_done"], f["fu_done_on_time"], f["fu_overdue"]) == (1, 4, 2, 1, 2)
    assert f["fu_overdue_at_end"] == 3
    assert list(b.follow_ups_overdue["text"]) == ["f_old_open", "f_open_overdue", "f_done_after"]
    assert set(b.follow_ups_overdue["lead_unit"]) == {"区司法局"}


def test_key_tasks_by_group_with_late_milestones(quarter):
    b = bulletin(quarter, *Q3, TODAY)
    assert list(b.late_milestones["milestone"]) == ["missed_in_june", "missed", "met_after_the_quarter"]
    groups = b.task_groups.set_index("group_number")
    assert list(groups.index) == [1, 2, 3, 4, 5]
    assert groups.at[1, "late_milestones"] == 2 and groups.at[2, "late_milestones"] == 1
    assert groups.at[1, "updates"] == 1 and groups.at[2, "updates"] == 0  # June's report is outside
    assert groups.at[1, "late"] == 1 and groups.at[2, "late"] == 1  # tasks 1 and 4
    assert b.figures["late_milestones"] == 3 and b.figures["task_updates"] == 1


def test_the_running_month_is_read_today(engine):
    """Due yesterday and unanswered: overdue; due today: not judged yet; answered before a later
    due date: on time."""
    with read_session(engine) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
    kind = "procuratorial_suggestion"
    rows = {"due_yesterday": (TODAY - timedelta(days=1), None), "due_today": (TODAY, None),
            "answered_early": (TODAY + timedelta(days=1), d(11, 20))}
    with session_factory(engine)() as s, s.begin():
        for title, (due_on, feedback_on) in rows.items():
            s.add(Item(kind=kind, mechanism=KINDS[kind].mechanism, from_unit_id=units["procuratorate"],
                       to_unit_id=units["market_regulation"], title=title, sent_on=d(11, 2), received_on=d(11, 2),
                       needs_feedback=True, due_on=due_on, feedback_on=feedback_on,
                       status="responded" if feedback_on else "sent", details={}, version=1))
    b = bulletin(engine, d(11, 1), d(11, 30), TODAY)
    assert b.as_of == TODAY and b.through == TODAY - timedelta(days=1)  # read at the start of today
    assert (b.figures["on_time"], b.figures["late"], b.figures["overdue"]) == (1, 0, 1)
    assert b.on_time_rate == pytest.approx(0.5)


def test_an_empty_period_has_no_rate(engine):
    b = bulletin(engine, date(2025, 1, 1), date(2025, 1, 31), TODAY)
    assert b.on_time_rate is None and b.by_unit.empty and b.overdue_units.empty
    assert set(b.figures.values()) == {0}


def test_a_period_that_ends_before_it_starts_is_refused(engine):
    with pytest.raises(ValueError):
        bulletin(engine, d(9, 30), d(7, 1), TODAY)
