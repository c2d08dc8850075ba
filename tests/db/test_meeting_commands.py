"""Meetings and their follow-up items (议定事项, DESIGN §4–§5) on SQLite and PostgreSQL: a meeting with
its attendance and decisions in one command, due dates counted from the meeting, validation per
field, the follow-up lifecycle (待办 → 推进中 → 已完成 / 已取消), stale edits and the permission of
every role for every action. "Today" is pinned to 2026-11-26.

Due dates used below (checked against chinese_calendar.is_workday):
  meeting Wed 2026-09-23 + 15 working days -> Wed 2026-10-21: working days counted are
  09-24, 09-28, 09-29, 09-30, 10-08, 10-09, 10-10 (Sat, make-up day), 10-12..10-16, 10-19, 10-20, 10-21
  (09-25..27 Mid-Autumn and 10-01..07 National Day are skipped; 10-11 is a Sunday).
  meeting Wed 2026-09-23 + 10 days -> Sat 10-03 (National Day) -> first working day Thu 10-08.
"""
from datetime import date, timedelta

import chinese_calendar
import pytest
from sqlalchemy import select

from core import lifecycles as lc
from core.permissions import Actor
from db.commands.base import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from db.commands.meetings import (AddFollowUpProgress, CancelFollowUp, CompleteFollowUp, CreateMeeting,
                                  UpdateMeeting)
from db.engine import read_session, session_factory
from db.models import AuditLog, FollowUp, FollowUpAssist, FollowUpNote, Meeting, MeetingAttendance, Unit
from tests.conftest import TODAY, audits, count

OFFICE = Actor(None, "office1", "office")
ADMIN = Actor(None, "admin1", "admin")
CONVENER = Actor(None, "convener1", "convener")
VIEWER = Actor(None, "viewer1", "viewer")

HELD_ON = date(2026, 9, 23)  # Wed
EXPLICIT_DUE = date(2026, 10, 30)
WORKING_DAYS_DUE = date(2026, 10, 21)


def follow_ups_of(engine, meeting_id) -> list[FollowUp]:
    with read_session(engine) as s:
        return list(s.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting_id).order_by(FollowUp.id)))


def get_fu(engine, fu_id) -> FollowUp:
    with read_session(engine) as s:
        return s.get(FollowUp, fu_id)


def assisting(engine, fu_id) -> list[int]:
    with read_session(engine) as s:
        return sorted(s.scalars(select(FollowUpAssist.unit_id).where(FollowUpAssist.follow_up_id == fu_id)))


def notes(engine, fu_id) -> list[FollowUpNote]:
    with read_session(engine) as s:
        return list(s.scalars(select(FollowUpNote).where(FollowUpNote.follow_up_id == fu_id)
                              .order_by(FollowUpNote.id)))


def attendance(engine, meeting_id) -> list[int]:
    with read_session(engine) as s:
        return sorted(s.scalars(select(MeetingAttendance.unit_id).where(MeetingAttendance.meeting_id == meeting_id)))


def all_counts(engine):
    return tuple(count(engine, m) for m in (Meeting, MeetingAttendance, FollowUp, FollowUpAssist, FollowUpNote,
                                            AuditLog))


def fu_state(engine, fu_id):
    """What a user would see change on one follow-up: its row, its notes and the audit length."""
    fu = get_fu(engine, fu_id)
    return (fu.status, fu.version, fu.done_on, fu.evidence, fu.cancel_reason, len(notes(engine, fu_id)),
            count(engine, AuditLog))


def meeting_fields(units, **overrides) -> dict:
    """A joint meeting with two decisions: one due on a date, one due 15 working days after the meeting."""
    values = dict(
        kind="joint_meeting", title="2026年第三季度府检联动联席会议", held_on=HELD_ON, place="区政府三楼会议室",
        convened_by="区政府办公室", topics="行政执法与检察监督衔接", minutes_summary="会议议定两项事项",
        attending_unit_ids=[units["procuratorate"], units["justice"], units["market_regulation"],
                            units["public_security"], units["justice"]],
        follow_ups=[
            dict(text="梳理行政执法监督线索", lead_unit_id=units["justice"],
                 assisting_unit_ids=[units["procuratorate"], units["justice"], units["public_security"]],
                 due_on=EXPLICIT_DUE),
            dict(text="建立信息共享平台", lead_unit_id=units["market_regulation"],
                 assisting_unit_ids=[units["procuratorate"]], period_amount=15, period_unit="working_days"),
        ])
    values.update(overrides)
    return values


def create_meeting(engine, units, actor=OFFICE, **overrides) -> int:
    return CreateMeeting(actor, **meeting_fields(units, **overrides)).run(engine)


@pytest.fixture
def meeting(engine, units):
    """(meeting_id, [follow-up ids]) of the standard meeting, entered by the office."""
    meeting_id = create_meeting(engine, units)
    return meeting_id, [f.id for f in follow_ups_of(engine, meeting_id)]


@pytest.fixture
def fu_id(meeting):
    """The first follow-up: led by the justice bureau, assisted by the procuratorate and the police."""
    return meeting[1][0]


# --- creation ---------------------------------------------------------------------------------------

def test_the_working_day_due_date_of_the_brief_by_hand_matches_the_calendar():
    day, counted = HELD_ON, []
    while len(counted) < 15:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted.append(day)
    assert counted[-1] == WORKING_DAYS_DUE
    assert date(2026, 10, 10) in counted  # the Saturday make-up day counts
    assert not any(date(2026, 10, 1) <= d <= date(2026, 10, 7) for d in counted)
    assert date(2026, 9, 25) not in counted


def test_create_meeting_with_attendance_follow_ups_assists_and_audit(engine, units):
    before = count(engine, AuditLog)
    meeting_id = create_meeting(engine, units)
    with read_session(engine) as s:
        m = s.get(Meeting, meeting_id)
    assert (m.kind, m.title, m.held_on, m.place, m.convened_by) == (
        "joint_meeting", "2026年第三季度府检联动联席会议", HELD_ON, "区政府三楼会议室", "区政府办公室")
    assert m.version == 1
    # the duplicated justice bureau attends once
    assert attendance(engine, meeting_id) == sorted([units["procuratorate"], units["justice"],
                                                     units["market_regulation"], units["public_security"]])
    first, second = follow_ups_of(engine, meeting_id)
    assert (first.text, first.lead_unit_id, first.status, first.due_on, first.due_rule) == (
        "梳理行政执法监督线索", units["justice"], lc.FU_OPEN, EXPLICIT_DUE, None)
    assert (second.text, second.lead_unit_id, second.status, second.due_on, second.due_rule) == (
        "建立信息共享平台", units["market_regulation"], lc.FU_OPEN, WORKING_DAYS_DUE, "会后15个工作日")
    assert first.done_on is None and first.evidence is None and first.version == 1
    # the lead unit is never also an assisting unit
    assert assisting(engine, first.id) == sorted([units["procuratorate"], units["public_security"]])
    assert assisting(engine, second.id) == [units["procuratorate"]]
    assert count(engine, AuditLog) == before + 1
    [audit] = audits(engine, "meeting.create")
    assert (audit.entity, audit.entity_id, audit.username, audit.before) == ("meeting", meeting_id, "office1", None)
    assert audit.after["title"] == "2026年第三季度府检联动联席会议" and audit.after["held_on"] == "2026-09-23"
    assert audit.after["follow_up_ids"] == [first.id, second.id]


def test_follow_up_due_in_calendar_days_rolls_over_the_holiday(engine, units):
    meeting_id = create_meeting(engine, units, follow_ups=[
        dict(text="报送整改情况", lead_unit_id=units["justice"], period_amount=10, period_unit="days")])
    [fu] = follow_ups_of(engine, meeting_id)
    assert (fu.due_on, fu.due_rule) == (date(2026, 10, 8), "会后10日")


def test_follow_up_due_on_the_meeting_day_is_accepted(engine, units):
    meeting_id = create_meeting(engine, units, follow_ups=[
        dict(text="当场明确联络人", lead_unit_id=units["justice"], due_on=HELD_ON)])
    assert follow_ups_of(engine, meeting_id)[0].due_on == HELD_ON


def test_meeting_without_follow_ups_or_attendance(engine, units):
    meeting_id = create_meeting(engine, units, follow_ups=[], attending_unit_ids=[], place="", topics=None)
    with read_session(engine) as s:
        m = s.get(Meeting, meeting_id)
    assert m.place is None and m.topics is None
    assert follow_ups_of(engine, meeting_id) == [] and attendance(engine, meeting_id) == []


@pytest.mark.parametrize("kind", ["joint_meeting", "partial_meeting", "business_symposium",
                                  "difficult_case_seminar", "emergency_assessment"])
def test_every_meeting_kind_is_accepted(engine, units, kind):
    meeting_id = create_meeting(engine, units, kind=kind, follow_ups=[])
    with read_session(engine) as s:
        assert s.get(Meeting, meeting_id).kind == kind


# --- validation: each bad input names its field, nothing written ------------------------------------

def _fu(units, **overrides):
    values = dict(text="议定事项", lead_unit_id=units["justice"], assisting_unit_ids=[], due_on=EXPLICIT_DUE)
    values.update(overrides)
    return values


@pytest.mark.parametrize("case,field,message", [
    ("no_title", "title", "必填。"),
    ("blank_title", "title", "必填。"),
    ("long_title", "title", "不能超过 200 个字。"),
    ("unknown_kind", "kind", None),
    ("no_kind", "kind", None),
    ("no_held_on", "held_on", None),
    ("held_on_text", "held_on", None),
    ("unknown_attending", "attending_unit_ids", "未知单位。"),
    ("no_lead", "follow_ups.0.lead_unit_id", "须指定牵头单位。"),
    ("unknown_lead", "follow_ups.0.lead_unit_id", "未知单位。"),
    ("unknown_assisting", "follow_ups.0.assisting_unit_ids", "未知单位。"),
    ("no_text", "follow_ups.0.text", "必填。"),
    ("blank_text", "follow_ups.0.text", "必填。"),
    ("due_before_meeting", "follow_ups.1.due_on", "完成期限不能早于会议日期。"),
    ("no_due", "follow_ups.0.due_on", "必填。"),
    ("bad_period_unit", "follow_ups.0.due_on", "必填。"),
])
def test_create_refuses_bad_input_naming_the_field(engine, units, case, field, message):
    overrides = {
        "no_title": dict(title=None),
        "blank_title": dict(title="   "),
        "long_title": dict(title="长" * 201),
        "unknown_kind": dict(kind="tea_party"),
        "no_kind": dict(kind=None),
        "no_held_on": dict(held_on=None),
        "held_on_text": dict(held_on="2026-09-23"),
        "unknown_attending": dict(attending_unit_ids=[units["justice"], 999999]),
        "no_lead": dict(follow_ups=[_fu(units, lead_unit_id=None)]),
        "unknown_lead": dict(follow_ups=[_fu(units, lead_unit_id=999999)]),
        "unknown_assisting": dict(follow_ups=[_fu(units, assisting_unit_ids=[units["procuratorate"], 999999])]),
        "no_text": dict(follow_ups=[_fu(units, text=None)]),
        "blank_text": dict(follow_ups=[_fu(units, text="  ")]),
        "due_before_meeting": dict(follow_ups=[_fu(units), _fu(units, due_on=HELD_ON - timedelta(days=1))]),
        "no_due": dict(follow_ups=[_fu(units, due_on=None)]),
        "bad_period_unit": dict(follow_ups=[_fu(units, due_on=None, period_amount=2, period_unit="months")]),
    }[case]
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        create_meeting(engine, units, **overrides)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    if message:
        assert exc.value.field_errors[field] == message
    assert all_counts(engine) == before


def test_an_error_in_the_second_follow_up_writes_neither_the_meeting_nor_the_first(engine, units):
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        create_meeting(engine, units, follow_ups=[_fu(units), _fu(units, lead_unit_id=None, text="")])
    assert set(exc.value.field_errors) == {"follow_ups.1.lead_unit_id", "follow_ups.1.text"}
    assert exc.value.field_errors["follow_ups.1.lead_unit_id"] == "须指定牵头单位。"
    assert all_counts(engine) == before


def test_inactive_lead_unit_is_refused(engine, units):
    with session_factory(engine)() as s, s.begin():
        s.get(Unit, units["education"]).active = False
    with pytest.raises(ValidationFailed) as exc:
        create_meeting(engine, units, follow_ups=[_fu(units, lead_unit_id=units["education"])])
    assert exc.value.field_errors["follow_ups.0.lead_unit_id"] == "未知单位。"
    assert count(engine, Meeting) == 0


# --- updating a meeting ---------------------------------------------------------------------------

def test_update_meeting_replaces_attendance_keeps_and_adds_follow_ups(engine, units, meeting):
    meeting_id, fu_ids = meeting
    UpdateMeeting(OFFICE, **meeting_fields(
        units, meeting_id=meeting_id, version=1, title="更正后的会议名称",
        attending_unit_ids=[units["justice"], units["education"]],
        follow_ups=[dict(text="补充议定事项", lead_unit_id=units["education"], assisting_unit_ids=[],
                         period_amount=5, period_unit="working_days")])).run(engine)
    with read_session(engine) as s:
        m = s.get(Meeting, meeting_id)
    assert m.title == "更正后的会议名称" and m.version == 2
    assert attendance(engine, meeting_id) == sorted([units["justice"], units["education"]])
    rows = follow_ups_of(engine, meeting_id)
    assert [r.id for r in rows[:2]] == fu_ids and len(rows) == 3
    # Wed 09-23 + 5 working days: 09-24, 09-28, 09-29, 09-30, 10-08
    assert (rows[2].text, rows[2].due_on, rows[2].due_rule) == ("补充议定事项", date(2026, 10, 8), "会后5个工作日")
    [audit] = audits(engine, "meeting.update")
    assert audit.before["title"] == "2026年第三季度府检联动联席会议" and audit.after["title"] == "更正后的会议名称"
    assert audit.after["added_follow_up_ids"] == [rows[2].id]


def test_update_meeting_with_an_old_version_is_stale_and_changes_nothing(engine, units, meeting):
    meeting_id, _ = meeting
    UpdateMeeting(OFFICE, **meeting_fields(units, meeting_id=meeting_id, version=1, title="第一次更正",
                                           follow_ups=[])).run(engine)
    before = all_counts(engine)
    with pytest.raises(StaleEdit):
        UpdateMeeting(OFFICE, **meeting_fields(units, meeting_id=meeting_id, version=1, title="过期的更正",
                                               attending_unit_ids=[units["education"]])).run(engine)
    assert all_counts(engine) == before
    with read_session(engine) as s:
        assert s.get(Meeting, meeting_id).title == "第一次更正"
    assert units["education"] not in attendance(engine, meeting_id)


def test_update_unknown_meeting_is_not_found(engine, units):
    with pytest.raises(NotFound):
        UpdateMeeting(OFFICE, **meeting_fields(units, meeting_id=999999, version=1)).run(engine)


# --- the follow-up lifecycle ------------------------------------------------------------------------

def test_progress_note_moves_open_to_in_progress_and_adds_a_note(engine, units, fu_id):
    AddFollowUpProgress(OFFICE, follow_up_id=fu_id, note=" 已召开专题推进会 ", version=1).run(engine)
    fu = get_fu(engine, fu_id)
    assert fu.status == lc.FU_IN_PROGRESS and fu.version == 2
    [note] = notes(engine, fu_id)
    assert (note.note, note.noted_on) == ("已召开专题推进会", TODAY)
    [audit] = audits(engine, "follow_up.progress")
    assert (audit.entity, audit.entity_id) == ("follow_up", fu_id)
    assert audit.before["status"] == "open" and audit.after["status"] == "in_progress"
    # a further note keeps it in progress
    AddFollowUpProgress(OFFICE, follow_up_id=fu_id, note="已形成线索清单").run(engine)
    assert get_fu(engine, fu_id).status == lc.FU_IN_PROGRESS
    assert [n.note for n in notes(engine, fu_id)] == ["已召开专题推进会", "已形成线索清单"]


@pytest.mark.parametrize("note", [None, "", "   ", "长" * 2001])
def test_progress_note_is_required_and_bounded(engine, units, fu_id, note):
    before = fu_state(engine, fu_id)
    with pytest.raises(ValidationFailed) as exc:
        AddFollowUpProgress(OFFICE, follow_up_id=fu_id, note=note).run(engine)
    assert set(exc.value.field_errors) == {"note"}
    assert fu_state(engine, fu_id) == before


def test_complete_sets_done_on_and_evidence_with_a_note(engine, units, fu_id):
    AddFollowUpProgress(OFFICE, follow_up_id=fu_id, note="推进中").run(engine)
    done_on = date(2026, 10, 28)
    CompleteFollowUp(OFFICE, follow_up_id=fu_id, done_on=done_on, evidence=" 已印发《线索移送办法》 ",
                     version=2).run(engine)
    fu = get_fu(engine, fu_id)
    assert (fu.status, fu.done_on, fu.evidence) == (lc.FU_DONE, done_on, "已印发《线索移送办法》")
    assert fu.version == 3
    assert notes(engine, fu_id)[-1].note == "已完成:已印发《线索移送办法》"
    [audit] = audits(engine, "follow_up.complete")
    assert audit.before["status"] == "in_progress" and audit.after["status"] == "done"
    assert audit.after["done_on"] == "2026-10-28"


def test_complete_straight_from_open_and_done_today(engine, units, fu_id):
    CompleteFollowUp(OFFICE, follow_up_id=fu_id, done_on=TODAY, evidence="已完成").run(engine)
    fu = get_fu(engine, fu_id)
    assert (fu.status, fu.done_on) == (lc.FU_DONE, TODAY)


@pytest.mark.parametrize("data,field,message", [
    (dict(evidence=""), "evidence", "必填。"),
    (dict(evidence="   "), "evidence", "必填。"),
    (dict(evidence=None), "evidence", "必填。"),
    (dict(evidence="长" * 2001), "evidence", "不能超过 2000 个字。"),
    (dict(done_on=None), "done_on", "必填。"),
    (dict(done_on="2026-10-28"), "done_on", "必填。"),
    (dict(done_on=TODAY + timedelta(days=1)), "done_on", "不能晚于今天。"),
])
def test_complete_needs_evidence_and_a_done_date_not_in_the_future(engine, units, fu_id, data, field, message):
    values = dict(follow_up_id=fu_id, done_on=date(2026, 10, 28), evidence="已印发办法")
    values.update(data)
    before = fu_state(engine, fu_id)
    with pytest.raises(ValidationFailed) as exc:
        CompleteFollowUp(OFFICE, **values).run(engine)
    assert exc.value.field_errors[field] == message
    assert fu_state(engine, fu_id) == before


def test_complete_dated_before_the_meeting_that_decided_it_is_refused(engine, units, fu_id):
    """A decision cannot be carried out before the meeting that made it; such a date would also count as
    'on time' in the unit's completion rate whatever happened (DESIGN §4: dates of steps keep their order)."""
    before = fu_state(engine, fu_id)
    with pytest.raises(ValidationFailed) as exc:
        CompleteFollowUp(OFFICE, follow_up_id=fu_id, done_on=HELD_ON - timedelta(days=30),
                         evidence="已完成").run(engine)
    assert "done_on" in exc.value.field_errors
    assert fu_state(engine, fu_id) == before


def test_cancel_needs_a_reason_and_keeps_it(engine, units, fu_id):
    before = fu_state(engine, fu_id)
    with pytest.raises(ValidationFailed) as exc:
        CancelFollowUp(OFFICE, follow_up_id=fu_id, reason="  ").run(engine)
    assert exc.value.field_errors == {"reason": "必填。"}
    assert fu_state(engine, fu_id) == before
    CancelFollowUp(OFFICE, follow_up_id=fu_id, reason=" 已并入其他事项 ", version=1).run(engine)
    fu = get_fu(engine, fu_id)
    assert (fu.status, fu.cancel_reason, fu.done_on) == (lc.FU_CANCELLED, "已并入其他事项", None)
    [audit] = audits(engine, "follow_up.cancel")
    assert audit.before["status"] == "open" and audit.after["status"] == "cancelled"


STEPS = {
    "progress": (AddFollowUpProgress, {"note": "继续推进"}),
    "complete": (CompleteFollowUp, {"done_on": date(2026, 11, 20), "evidence": "已完成"}),
    "cancel": (CancelFollowUp, {"reason": "不再需要"}),
}
ENDED_LABELS = {lc.FU_DONE: "已完成", lc.FU_CANCELLED: "已取消"}


@pytest.mark.parametrize("step", sorted(STEPS))
@pytest.mark.parametrize("ended_by", ["complete", "cancel"])
def test_done_and_cancelled_items_refuse_further_steps(engine, units, fu_id, ended_by, step):
    command, extra = STEPS[ended_by]
    command(OFFICE, follow_up_id=fu_id, **extra).run(engine)
    status = get_fu(engine, fu_id).status
    assert status == {"complete": lc.FU_DONE, "cancel": lc.FU_CANCELLED}[ended_by]
    before = fu_state(engine, fu_id)
    command, extra = STEPS[step]
    with pytest.raises(ValidationFailed) as exc:
        command(OFFICE, follow_up_id=fu_id, **extra).run(engine)
    assert set(exc.value.field_errors) == {"action"}
    assert exc.value.field_errors["action"] == f"该议定事项当前为“{ENDED_LABELS[status]}”,不能执行此操作。"
    assert fu_state(engine, fu_id) == before


def test_complete_with_an_old_version_is_stale_and_changes_nothing(engine, units, fu_id):
    seen = get_fu(engine, fu_id).version  # what the completion form was opened with
    AddFollowUpProgress(OFFICE, follow_up_id=fu_id, note="他人登记了进展", version=seen).run(engine)
    before = fu_state(engine, fu_id)
    with pytest.raises(StaleEdit):
        CompleteFollowUp(OFFICE, follow_up_id=fu_id, done_on=date(2026, 11, 20), evidence="已完成",
                         version=seen).run(engine)
    assert fu_state(engine, fu_id) == before
    fu = get_fu(engine, fu_id)
    assert (fu.status, fu.done_on, fu.evidence) == (lc.FU_IN_PROGRESS, None, None)


@pytest.mark.parametrize("step", sorted(STEPS))
def test_step_on_an_unknown_follow_up_is_not_found(engine, units, step):
    command, extra = STEPS[step]
    with pytest.raises(NotFound):
        command(OFFICE, follow_up_id=999999, **extra).run(engine)


# --- permissions: every role for every action --------------------------------------------------------

def actor_for(units, who) -> Actor:
    return {
        "admin": ADMIN, "office": OFFICE, "convener": CONVENER, "viewer": VIEWER,
        "liaison_lead": Actor(None, "liaison_justice", "liaison", units["justice"]),
        "liaison_assisting": Actor(None, "liaison_police", "liaison", units["public_security"]),
        "liaison_other": Actor(None, "liaison_education", "liaison", units["education"]),
        "liaison_no_unit": Actor(None, "liaison_nobody", "liaison", None),
    }[who]


ACTORS = ["admin", "office", "convener", "viewer", "liaison_lead", "liaison_assisting", "liaison_other",
          "liaison_no_unit"]
ACTIONS = ["create_meeting", "update_meeting", "progress", "complete", "cancel"]
ALLOWED = {
    "admin": set(ACTIONS), "office": set(ACTIONS),
    "liaison_lead": {"progress", "complete"}, "liaison_assisting": {"progress", "complete"},
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ACTORS)
def test_permission_of_every_role_for_every_action(engine, units, meeting, who, action):
    meeting_id, (fu_id, _) = meeting
    actor = actor_for(units, who)
    command = {
        "create_meeting": lambda: CreateMeeting(actor, **meeting_fields(units, title="另一次会议")),
        "update_meeting": lambda: UpdateMeeting(actor, **meeting_fields(units, meeting_id=meeting_id, version=1,
                                                                         title="更正后的名称", follow_ups=[])),
        "progress": lambda: AddFollowUpProgress(actor, follow_up_id=fu_id, note="已推进", version=1),
        "complete": lambda: CompleteFollowUp(actor, follow_up_id=fu_id, done_on=date(2026, 11, 20),
                                             evidence="已完成", version=1),
        "cancel": lambda: CancelFollowUp(actor, follow_up_id=fu_id, reason="不再需要", version=1),
    }[action]()
    before = all_counts(engine)
    before_fu = fu_state(engine, fu_id)
    if action in ALLOWED.get(who, set()):
        command.run(engine)
        assert count(engine, AuditLog) == before[-1] + 1
        [audit] = audits(engine)[-1:]
        assert audit.username == actor.username
        if action == "create_meeting":
            assert count(engine, Meeting) == 2
        elif action == "update_meeting":
            with read_session(engine) as s:
                assert s.get(Meeting, meeting_id).title == "更正后的名称"
        else:
            assert get_fu(engine, fu_id).status == {"progress": lc.FU_IN_PROGRESS, "complete": lc.FU_DONE,
                                                    "cancel": lc.FU_CANCELLED}[action]
    else:
        with pytest.raises(PermissionDenied) as exc:
            command.run(engine)
        assert exc.value.message == "您没有执行此操作的权限。"
        assert all_counts(engine) == before
        assert fu_state(engine, fu_id) == before_fu


def test_liaison_of_an_assisting_unit_only_acts_on_items_it_assists(engine, units, meeting):
    """The procuratorate assists both decisions; the police only the first one."""
    _, (first, second) = meeting
    police = actor_for(units, "liaison_assisting")
    AddFollowUpProgress(police, follow_up_id=first, note="已提供线索").run(engine)
    with pytest.raises(PermissionDenied):
        AddFollowUpProgress(police, follow_up_id=second, note="越权登记").run(engine)
    procuratorate = Actor(None, "liaison_proc", "liaison", units["procuratorate"])
    CompleteFollowUp(procuratorate, follow_up_id=second, done_on=TODAY, evidence="平台已上线").run(engine)
    assert get_fu(engine, second).status == lc.FU_DONE
    # the lead of the second decision cannot touch the first
    market = Actor(None, "liaison_market", "liaison", units["market_regulation"])
    with pytest.raises(PermissionDenied):
        CompleteFollowUp(market, follow_up_id=first, done_on=TODAY, evidence="越权").run(engine)
    assert get_fu(engine, first).status == lc.FU_IN_PROGRESS


def test_correcting_the_meeting_date_keeps_follow_up_due_dates_consistent(engine, units, meeting):
    """The clerk entered the meeting on the wrong day and corrects it to Mon 09-28. The decision due
    "会后15个工作日" must then fall 15 working days after 09-28 (-> Fri 10-23: 09-29, 09-30, 10-08, 10-09,
    10-10, 10-12..16, 10-19..23), or the correction must be refused; it may not keep a date that no longer
    matches its own rule."""
    meeting_id, (_, by_rule) = meeting
    new_held_on = date(2026, 9, 28)
    try:
        UpdateMeeting(OFFICE, **meeting_fields(units, meeting_id=meeting_id, version=1, held_on=new_held_on,
                                               follow_ups=[])).run(engine)
    except ValidationFailed:
        with read_session(engine) as s:
            assert s.get(Meeting, meeting_id).held_on == HELD_ON
        return
    fu = get_fu(engine, by_rule)
    assert fu.due_rule == "会后15个工作日"
    assert fu.due_on == date(2026, 10, 23)


def test_moving_the_meeting_after_a_follow_up_due_date_is_refused(engine, units, meeting):
    """A decision cannot be due before the meeting that made it (CreateMeeting refuses it); moving the
    meeting to 11-05 would leave the first decision due 10-30, before its meeting."""
    meeting_id, (explicit, _) = meeting
    before = all_counts(engine)
    with pytest.raises(ValidationFailed):
        UpdateMeeting(OFFICE, **meeting_fields(units, meeting_id=meeting_id, version=1, held_on=date(2026, 11, 5),
                                               follow_ups=[])).run(engine)
    assert all_counts(engine) == before
    with read_session(engine) as s:
        assert s.get(Meeting, meeting_id).held_on == HELD_ON
    assert get_fu(engine, explicit).due_on == EXPLICIT_DUE
