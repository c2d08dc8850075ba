"""会议与议定事项 page (AppTest): the meetings list and one meeting, the new-meeting form with good and
bad input, the follow-up tracker (metrics, filters, URL), completing a follow-up, a stale edit, roles."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select, update

from core.permissions import Actor
from db.commands.meetings import AddFollowUpProgress
from db.engine import make_engine, read_session, session_factory
from db.models import FollowUp, FollowUpAssist, Meeting, MeetingAttendance, Unit
from tests.app.conftest import open_page, unit_id
from tests.conftest import TODAY
from tests.app.helpers import caption_after, captions, errors, metrics, url_param

PAGE = "app_pages/meetings.py"
OPEN = ("open", "in_progress")
SYSTEM_ADMIN = Actor(None, "system", "admin")
KIND_LABELS = {"joint_meeting": "联席会议", "partial_meeting": "部分成员单位会议",
               "business_symposium": "专题业务座谈会", "difficult_case_seminar": "疑难问题分析研讨会",
               "emergency_assessment": "应急事件研判会"}
FORM = "meeting_form"


# -- helpers -----------------------------------------------------------------------------------

def meetings_page(username: str = "office", **params):
    return open_page(username, PAGE, **params)



def unit_names(url) -> dict[int, str]:
    with read_session(make_engine(url)) as s:
        return dict(s.execute(select(Unit.id, Unit.name)).all())


def count_follow_ups(url, *conditions) -> int:
    with read_session(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(FollowUp).where(*conditions))


def involving(unit: int):
    """Lead OR assisting unit."""
    return or_(FollowUp.lead_unit_id == unit,
               FollowUp.id.in_(select(FollowUpAssist.follow_up_id).where(FollowUpAssist.unit_id == unit)))


def overdue_conditions():
    return (FollowUp.status.in_(OPEN), FollowUp.due_on < TODAY)


def meeting_table(at):
    return next(d.value for d in at.dataframe if "参会单位数" in d.value.columns)


def follow_up_table(at):
    return next(d.value for d in at.dataframe if {"牵头单位", "所属会议"} <= set(d.value.columns))


def action_groups(at) -> list:
    return [g for g in at.get("button_group") if str(g.key).startswith("follow_up.")]


def choose_action(at, fu_id: int, action: str):
    next(g for g in at.get("button_group") if g.key == f"follow_up.{fu_id}.action").set_value(action)
    return at.run()


def submit_button(at, label: str):
    return next(b for b in at.button if b.label == label)


def open_follow_up(url, *conditions) -> FollowUp:
    with read_session(make_engine(url)) as s:
        return s.scalars(select(FollowUp).where(FollowUp.status.in_(OPEN), *conditions)
                         .order_by(FollowUp.id)).first()


def fill_meeting(at, *, title: str, held_on: date, count: int = 1):
    at.selectbox(key=f"{FORM}.kind").set_value("joint_meeting")
    at.date_input(key=f"{FORM}.held_on").set_value(held_on)
    at.text_input(key=f"{FORM}.title").input(title)
    at.number_input(key=f"{FORM}.follow_up_count").set_value(count)
    return at.run()


# -- the meetings list and one meeting ----------------------------------------------------------

def test_meetings_list_shows_every_meeting_of_the_period_with_its_kind(app_env):
    at = meetings_page()
    assert not at.exception
    with read_session(make_engine(app_env)) as s:
        expected = s.execute(select(Meeting.title, Meeting.kind, Meeting.held_on)
                             .where(Meeting.held_on >= TODAY - timedelta(days=365))).all()
        older = s.scalar(select(func.count()).select_from(Meeting).where(Meeting.held_on < TODAY - timedelta(days=365)))
    assert len(expected) >= 12  # a district's year: the 联席会议 twice and the meetings called as needed
    table = meeting_table(at)
    assert len(table) == len(expected)
    assert sorted(zip(table["会议名称"], table["会议类型"], table["会议日期"])) == sorted(
        (title, KIND_LABELS[kind], held.isoformat()) for title, kind, held in expected)
    assert set(table["会议类型"]) == set(KIND_LABELS.values())
    assert at.selectbox(key="meetings.period").value == "12m"
    assert len(meeting_table(meetings_page(period="all"))) == len(expected) + older


def test_kind_filter_from_the_url_shows_only_that_kind(app_env):
    at = meetings_page(kind="joint_meeting")
    table = meeting_table(at)
    with read_session(make_engine(app_env)) as s:
        expected = s.scalar(select(func.count()).select_from(Meeting).where(
            Meeting.kind == "joint_meeting", Meeting.held_on >= TODAY - timedelta(days=365)))
    assert expected > 0 and len(table) == expected
    assert set(table["会议类型"]) == {"联席会议"}


def test_meeting_detail_shows_title_attending_units_and_follow_ups(app_env):
    with read_session(make_engine(app_env)) as s:
        meeting = s.scalars(select(Meeting).join(FollowUp, FollowUp.meeting_id == Meeting.id)
                            .order_by(Meeting.held_on.desc(), Meeting.id)).first()
        attending = set(s.scalars(select(Unit.name).join(MeetingAttendance, MeetingAttendance.unit_id == Unit.id)
                                  .where(MeetingAttendance.meeting_id == meeting.id)))
        follow_ups = s.execute(select(FollowUp.text, Unit.name).join(Unit, Unit.id == FollowUp.lead_unit_id)
                               .where(FollowUp.meeting_id == meeting.id)).all()
    assert attending and follow_ups
    at = meetings_page(meeting=str(meeting.id))
    assert not at.exception
    assert meeting.title in [h.value for h in at.subheader]
    shown_units = next(x.value for x in at.text if attending & set(x.value.split("、")))
    assert set(shown_units.split("、")) == attending
    table = follow_up_table(at)
    assert sorted(zip(table["议定事项"], table["牵头单位"])) == sorted(follow_ups)
    assert set(table["所属会议"]) == {meeting.title}


def test_without_a_chosen_meeting_the_page_says_how_to_choose(app_env):
    at = meetings_page()
    assert "点选一次会议,查看纪要和议定事项。" in captions(at)
    assert not [d for d in at.dataframe if "牵头单位" in d.value.columns]


# -- the new-meeting form -----------------------------------------------------------------------

def test_office_creates_a_joint_meeting_with_two_follow_ups(app_env):
    market, police = unit_id(app_env, "market_regulation"), unit_id(app_env, "public_security")
    justice = unit_id(app_env, "justice")
    held = date(2026, 11, 20)  # a Friday: five working days later is Friday 2026-11-27
    at = fill_meeting(meetings_page(), title="2026年第5次府检联动工作联席会议", held_on=held, count=2)
    at.text_input(key=f"{FORM}.place").input("区检察院第一会议室")
    at.multiselect(key=f"{FORM}.attending_unit_ids").set_value([market, police, justice])
    at.text_area(key=f"{FORM}.follow_ups.0.text").input("开展食品安全联合检查")
    at.selectbox(key=f"{FORM}.follow_ups.0.lead_unit_id").set_value(market)
    at.multiselect(key=f"{FORM}.follow_ups.0.assisting_unit_ids").set_value([police])
    at.date_input(key=f"{FORM}.follow_ups.0.due_on").set_value(date(2026, 12, 31))
    at.text_area(key=f"{FORM}.follow_ups.1.text").input("报送电动自行车整治情况")
    at.selectbox(key=f"{FORM}.follow_ups.1.lead_unit_id").set_value(police)
    at.radio(key=f"{FORM}.follow_ups.1.due_mode").set_value("working_days").run()
    at.number_input(key=f"{FORM}.follow_ups.1.period_amount").set_value(5)
    at.button(key=f"{FORM}.submit").click().run()
    assert not at.exception and not at.error, errors(at)
    assert "会议及议定事项已保存。" in [m.value for m in at.success]
    with read_session(make_engine(app_env)) as s:
        meeting = s.scalar(select(Meeting).where(Meeting.title == "2026年第5次府检联动工作联席会议"))
        assert meeting is not None
        assert (meeting.kind, meeting.held_on, meeting.place) == ("joint_meeting", held, "区检察院第一会议室")
        assert set(s.scalars(select(MeetingAttendance.unit_id).where(MeetingAttendance.meeting_id == meeting.id))) \
            == {market, police, justice}
        rows = {f.text: f for f in s.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting.id))}
        assert set(rows) == {"开展食品安全联合检查", "报送电动自行车整治情况"}
        first, second = rows["开展食品安全联合检查"], rows["报送电动自行车整治情况"]
        assert (first.lead_unit_id, first.due_on, first.status) == (market, date(2026, 12, 31), "open")
        assert set(s.scalars(select(FollowUpAssist.unit_id).where(FollowUpAssist.follow_up_id == first.id))) == {police}
        assert (second.lead_unit_id, second.due_on, second.due_rule, second.status) == (
            police, date(2026, 11, 27), "会后5个工作日", "open")
    # the form is emptied for the next meeting
    assert at.text_input(key=f"{FORM}.title").value == ""


def test_follow_up_without_lead_unit_is_refused_and_input_kept(app_env):
    before = count_follow_ups(app_env)
    at = fill_meeting(meetings_page(), title="缺牵头单位的会议", held_on=date(2026, 11, 20))
    at.text_area(key=f"{FORM}.follow_ups.0.text").input("研究制定协作办法")
    at.date_input(key=f"{FORM}.follow_ups.0.due_on").set_value(date(2026, 12, 31))
    at.button(key=f"{FORM}.submit").click().run()
    assert not at.exception
    assert errors(at) == ["请检查标红的字段。"]
    assert caption_after(at, at.selectbox(key=f"{FORM}.follow_ups.0.lead_unit_id")) == ":red[须指定牵头单位。]"
    assert at.text_input(key=f"{FORM}.title").value == "缺牵头单位的会议"
    assert at.text_area(key=f"{FORM}.follow_ups.0.text").value == "研究制定协作办法"
    assert at.date_input(key=f"{FORM}.follow_ups.0.due_on").value == date(2026, 12, 31)
    assert not at.success
    with read_session(make_engine(app_env)) as s:
        assert s.scalar(select(func.count()).select_from(Meeting).where(Meeting.title == "缺牵头单位的会议")) == 0
    assert count_follow_ups(app_env) == before


def test_follow_up_due_before_the_meeting_is_refused_and_input_kept(app_env):
    market = unit_id(app_env, "market_regulation")
    at = fill_meeting(meetings_page(), title="期限早于会议的会议", held_on=date(2026, 11, 20))
    at.text_area(key=f"{FORM}.follow_ups.0.text").input("完成专项整治")
    at.selectbox(key=f"{FORM}.follow_ups.0.lead_unit_id").set_value(market)
    at.date_input(key=f"{FORM}.follow_ups.0.due_on").set_value(date(2026, 11, 10))
    at.button(key=f"{FORM}.submit").click().run()
    assert not at.exception
    assert errors(at) == ["请检查标红的字段。"]
    assert "完成期限不能早于会议日期。" in " ".join(captions(at))
    assert caption_after(at, at.selectbox(key=f"{FORM}.follow_ups.0.lead_unit_id")) is None
    assert at.text_input(key=f"{FORM}.title").value == "期限早于会议的会议"
    assert at.text_area(key=f"{FORM}.follow_ups.0.text").value == "完成专项整治"
    assert at.selectbox(key=f"{FORM}.follow_ups.0.lead_unit_id").value == market
    with read_session(make_engine(app_env)) as s:
        assert s.scalar(select(func.count()).select_from(Meeting).where(Meeting.title == "期限早于会议的会议")) == 0


# -- the tracker --------------------------------------------------------------------------------

def test_tracker_metrics_match_hand_counts(app_env):
    at = meetings_page(view="tracker")
    assert not at.exception
    open_count = count_follow_ups(app_env, FollowUp.status.in_(OPEN))
    overdue = count_follow_ups(app_env, *overdue_conditions())
    done = count_follow_ups(app_env, FollowUp.status == "done")
    assert open_count > 0 and overdue > 0 and done > 0
    assert metrics(at) == {"未完成": str(open_count), "逾期未完成": str(overdue), "已完成": str(done)}
    assert len(follow_up_table(at)) == count_follow_ups(app_env)


def test_tracker_unit_filter_matches_lead_or_assisting_unit(app_env):
    with read_session(make_engine(app_env)) as s:
        # the unit that assists most often without leading, so lead-only would give a different list
        unit, _ = s.execute(select(FollowUpAssist.unit_id, func.count()).group_by(FollowUpAssist.unit_id)
                            .order_by(func.count().desc(), FollowUpAssist.unit_id)).first()
    expected = count_follow_ups(app_env, involving(unit))
    lead_only = count_follow_ups(app_env, FollowUp.lead_unit_id == unit)
    assert expected > lead_only
    at = meetings_page(view="tracker", unit=str(unit))
    assert not at.exception
    assert at.selectbox(key="tracker.unit").value == unit
    table = follow_up_table(at)
    assert len(table) == expected
    name = unit_names(app_env)[unit]
    assert all(lead == name or name in assisting.split("、")
               for lead, assisting in zip(table["牵头单位"], table["协办单位"]))
    assert metrics(at)["未完成"] == str(count_follow_ups(app_env, involving(unit), FollowUp.status.in_(OPEN)))
    assert metrics(at)["逾期未完成"] == str(count_follow_ups(app_env, involving(unit), *overdue_conditions()))


def test_tracker_overdue_filter_shows_only_overdue_items(app_env):
    at = meetings_page(view="tracker", overdue="true")
    assert not at.exception
    expected = count_follow_ups(app_env, *overdue_conditions())
    assert expected > 0
    table = follow_up_table(at)
    assert len(table) == expected < count_follow_ups(app_env)
    assert set(table["办理阶段"]) == {"逾期未完成"}
    assert all(d < TODAY.isoformat() for d in table["完成期限"])
    assert metrics(at)["逾期未完成"] == str(expected)


def test_tracker_filters_are_written_to_the_url_and_a_link_reproduces_the_view(app_env):
    with read_session(make_engine(app_env)) as s:
        unit = s.scalar(select(FollowUp.lead_unit_id).where(*overdue_conditions()).order_by(FollowUp.id))
    expected = count_follow_ups(app_env, involving(unit), *overdue_conditions())
    assert expected > 0
    at = meetings_page()
    next(g for g in at.get("button_group") if g.key == "meetings.view").set_value("tracker").run()
    assert at.query_params["view"] == "tracker"
    at.selectbox(key="tracker.unit").set_value(unit).run()
    at.checkbox(key="overdue").check().run()
    assert not at.exception
    assert at.query_params["unit"] == str(unit)
    assert at.checkbox(key="overdue").value is True and url_param(at.checkbox(key="overdue")) == "overdue"
    shown = follow_up_table(at)
    assert len(shown) == expected
    assert metrics(at)["逾期未完成"] == str(expected)

    link = meetings_page(view="tracker", unit=str(unit), overdue="true")
    assert not link.exception
    assert link.selectbox(key="tracker.unit").value == unit
    assert link.checkbox(key="overdue").value is True
    assert metrics(link) == metrics(at)
    assert follow_up_table(link).equals(shown)

    # clearing the filter shows every follow-up of the unit again (the browser tests check the URL)
    at.checkbox(key="overdue").uncheck().run()
    assert len(follow_up_table(at)) == count_follow_ups(app_env, involving(unit))


# -- follow-up actions --------------------------------------------------------------------------

def test_liaison_of_the_lead_unit_marks_a_follow_up_done_with_evidence(app_env):
    market = unit_id(app_env, "market_regulation")
    fu = open_follow_up(app_env, FollowUp.lead_unit_id == market)
    if fu is None:  # the demo's few open follow-ups may all be led by others: the meeting gives one to 区市场监管局
        with session_factory(make_engine(app_env)).begin() as s:
            s.execute(update(FollowUp).where(FollowUp.id == open_follow_up(app_env).id).values(lead_unit_id=market))
        fu = open_follow_up(app_env, FollowUp.lead_unit_id == market)
    at = meetings_page("liaison", view="tracker", fu=str(fu.id))
    assert not at.exception
    assert fu.text in [h.value for h in at.subheader]
    group = next(g for g in at.get("button_group") if g.key == f"follow_up.{fu.id}.action")
    assert "办结销号" in group.options
    choose_action(at, fu.id, "complete")
    at.text_area(key=f"follow_up.{fu.id}.complete.evidence").input("已印发《联合检查工作方案》(硚市监〔2026〕12号)")
    submit_button(at, "办结销号").click().run()
    assert not at.exception and not at.error, errors(at)
    assert "议定事项已更新。" in [m.value for m in at.success]
    with read_session(make_engine(app_env)) as s:
        row = s.get(FollowUp, fu.id)
        assert (row.status, row.done_on) == ("done", TODAY)
        assert row.evidence == "已印发《联合检查工作方案》(硚市监〔2026〕12号)"


def test_completion_without_evidence_is_refused(app_env):
    fu = open_follow_up(app_env)
    at = meetings_page(view="tracker", fu=str(fu.id))
    choose_action(at, fu.id, "complete")
    submit_button(at, "办结销号").click().run()
    assert not at.exception
    assert "请检查标红的字段。" in errors(at)
    assert caption_after(at, at.text_area(key=f"follow_up.{fu.id}.complete.evidence")) == ":red[必填。]"
    with read_session(make_engine(app_env)) as s:
        assert s.get(FollowUp, fu.id).status == fu.status


def test_liaison_of_an_unrelated_unit_sees_no_actions(app_env):
    market = unit_id(app_env, "market_regulation")
    fu = open_follow_up(app_env, ~involving(market))
    assert fu is not None
    at = meetings_page("liaison", view="tracker", fu=str(fu.id))
    assert not at.exception
    assert fu.text in [h.value for h in at.subheader]  # readable
    assert action_groups(at) == []
    assert not at.get("form")
    assert not [b for b in at.button if b.key == f"{FORM}.submit"]


def stale_completion(url, status: str):
    """Open the completion form on a follow-up in `status`, type evidence, let someone else report
    progress on it meanwhile, then submit."""
    fu = open_follow_up(url, FollowUp.status == status)
    assert fu is not None
    at = meetings_page(view="tracker", fu=str(fu.id))
    choose_action(at, fu.id, "complete")
    at.text_area(key=f"follow_up.{fu.id}.complete.evidence").input("已完成整改并报送书面材料")
    with read_session(make_engine(url)) as s:
        version = s.get(FollowUp, fu.id).version
    AddFollowUpProgress(SYSTEM_ADMIN, follow_up_id=fu.id, version=version, note="他人报告的进展").run(make_engine(url))
    submit_button(at, "办结销号").click().run()
    return at, fu


def assert_stale_refused(url, at, fu):
    assert not at.exception
    assert any("已被他人修改" in e for e in errors(at)), errors(at)
    assert "议定事项已更新。" not in [m.value for m in at.success]
    assert at.text_area(key=f"follow_up.{fu.id}.complete.evidence").value == "已完成整改并报送书面材料"
    with read_session(make_engine(url)) as s:
        row = s.get(FollowUp, fu.id)
        assert row.status == "in_progress" and row.evidence is None


def test_stale_completion_of_an_open_item_is_refused_with_a_message_and_evidence_kept(app_env):
    at, fu = stale_completion(app_env, "open")
    assert_stale_refused(app_env, at, fu)


def test_stale_completion_of_an_item_in_progress_is_refused_with_a_message_and_evidence_kept(app_env):
    """A progress note on an item already 推进中 is a change too: the user completing it has not seen it."""
    at, fu = stale_completion(app_env, "in_progress")
    assert_stale_refused(app_env, at, fu)


def test_viewer_sees_no_new_meeting_form_and_no_actions(app_env):
    fu = open_follow_up(app_env)
    at = meetings_page("viewer", view="tracker", fu=str(fu.id))
    assert not at.exception
    assert fu.text in [h.value for h in at.subheader]  # readable
    assert action_groups(at) == []
    assert not at.get("form")
    assert "新建会议(含议定事项)" not in [e.label for e in at.expander]
    assert [b.key for b in at.button] == ["app.sign_out"]
    assert not [w for w in at.text_input if str(w.key).startswith(f"{FORM}.")]


def test_office_corrects_a_meeting_and_moving_it_moves_counted_due_dates(app_env):
    """Editing a meeting: the title changes; a due date counted from the meeting moves with it."""
    engine = make_engine(app_env)
    with read_session(engine) as s:
        fu = s.scalars(select(FollowUp).where(FollowUp.period_amount.is_not(None),
                                              FollowUp.status.in_(("open", "in_progress")))).first()
        meeting = s.get(Meeting, fu.meeting_id)
        fixed_dates = s.scalar(select(func.count()).select_from(FollowUp).where(
            FollowUp.meeting_id == meeting.id, FollowUp.period_amount.is_(None)))
    assert fixed_dates == 0
    at = meetings_page(meeting=str(meeting.id))
    form = f"meeting_edit.{meeting.id}"
    at.text_input(key=f"{form}.title").input("更正后的会议名称")
    at.date_input(key=f"{form}.held_on").set_value(meeting.held_on + timedelta(days=7))
    at.button(key=f"{form}.submit").click().run()
    assert not at.error, [e.value for e in at.error]
    with read_session(engine) as s:
        assert s.get(Meeting, meeting.id).title == "更正后的会议名称"
        moved = s.get(FollowUp, fu.id)
    from core.deadlines import add_period
    assert moved.due_on == add_period(meeting.held_on + timedelta(days=7), fu.period_amount, fu.period_unit)


def test_moving_a_meeting_past_a_fixed_due_date_is_refused(app_env):
    engine = make_engine(app_env)
    with read_session(engine) as s:
        meeting = s.scalars(select(Meeting).order_by(Meeting.held_on.desc())).first()
        fu = s.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting.id)).first()
        fu_id = fu.id
    with engine.begin() as conn:  # make one decision's date fixed, as a clerk would have entered it
        from sqlalchemy import update
        conn.execute(update(FollowUp).where(FollowUp.id == fu_id).values(
            period_amount=None, period_unit=None, status="open", due_on=meeting.held_on + timedelta(days=3)))
    at = meetings_page(meeting=str(meeting.id))
    form = f"meeting_edit.{meeting.id}"
    at.date_input(key=f"{form}.held_on").set_value(meeting.held_on + timedelta(days=10))
    at.button(key=f"{form}.submit").click().run()
    assert any("早于新的会议日期" in c.value for c in at.caption)
    with read_session(engine) as s:
        assert s.get(Meeting, meeting.id).held_on == meeting.held_on
