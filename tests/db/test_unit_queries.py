"""Reads of 成员单位 (directory and per-unit drill-down) against hand counts, on SQLite and
PostgreSQL. "Today" is 2026-11-26; the unit under study is 区市场监管局 (U).

Items received by U (from the procuratorate):          due        feedback    counts as
  r1 in progress                                       2026-11-02  —           overdue 24 days
  r2 received                                          2026-11-25  —           overdue 1 day
  r3 sent                                              2026-12-10  —           not yet due
  r4 responded                                         2026-10-31  2026-10-20  on time (Oct)
  r5 closed                                            2026-10-10  2026-10-15  late (Oct)
  r6 closed                                            2026-03-31  2026-03-01  on time (Mar)
  r7 closed                                            2025-12-10  2025-11-28  on time: inside the 365-day
                                                                               rate, before the 12-month chart
  r8 withdrawn                                         2026-09-01  —           ended: not overdue
Items sent by U: one sent (a notice, no feedback due), two closed. One overdue item between two
other units must count nowhere."""
from datetime import date

import pytest
from sqlalchemy import select

from core.kinds import KINDS
from db.engine import read_session, session_factory
from db.models import (FollowUp, FollowUpAssist, Item, KeyTask, Liaison, Meeting, Supervision, TaskAssignment,
                       Unit)
from db.queries.overdue import unit_reliability
from db.queries.supervision import (SupervisionFilter, supervision_list, supervision_one, supervision_page,
                                    supervision_total)
from db.queries.units import (notice_data, trend_months, unit_directory, unit_feedback_stats, unit_follow_up_counts,
                              unit_follow_ups, unit_item_counts, unit_monthly_feedback, unit_open_supervision,
                              unit_tasks)
from tests.conftest import TODAY

SUB_DISTRICTS = 11


def _item(session, kind, frm, to, title, status, due_on, feedback_on=None, sent_on=date(2025, 11, 1)):
    k = KINDS[kind]
    row = Item(kind=kind, mechanism=k.mechanism, from_unit_id=frm, to_unit_id=to, title=title, status=status,
               sent_on=sent_on, received_on=sent_on, needs_feedback=due_on is not None, due_on=due_on,
               feedback_on=feedback_on, details={}, version=1)
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def world(engine):
    with read_session(engine) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
        tasks = dict(s.execute(select(KeyTask.number, KeyTask.id)).all())
    u, p, x = units["market_regulation"], units["procuratorate"], units["justice"]
    ids = {}
    with session_factory(engine)() as s, s.begin():
        rec = "procuratorial_suggestion"
        ids["r1"] = _item(s, rec, p, u, "r1 食品安全检察建议", "in_progress", date(2026, 11, 2))
        ids["r2"] = _item(s, rec, p, u, "r2 药品监管检察建议", "received", date(2026, 11, 25))
        _item(s, rec, p, u, "r3", "sent", date(2026, 12, 10))
        _item(s, rec, p, u, "r4", "responded", date(2026, 10, 31), date(2026, 10, 20))
        _item(s, rec, p, u, "r5", "closed", date(2026, 10, 10), date(2026, 10, 15))
        _item(s, rec, p, u, "r6", "closed", date(2026, 3, 31), date(2026, 3, 1))
        _item(s, rec, p, u, "r7", "closed", date(2025, 12, 10), date(2025, 11, 28))
        _item(s, rec, p, u, "r8", "withdrawn", date(2026, 9, 1))
        _item(s, "major_case_notice", u, p, "s1", "sent", None)
        _item(s, "legal_risk_consultation", u, p, "s2", "closed", date(2026, 5, 1), date(2026, 4, 20))
        _item(s, "legal_risk_consultation", u, p, "s3", "closed", date(2026, 6, 1), date(2026, 5, 20))
        _item(s, rec, p, x, "elsewhere", "sent", date(2026, 10, 1))
        meeting = Meeting(kind="joint_meeting", title="2026年第一次联席会议", held_on=date(2026, 1, 10), version=1)
        s.add(meeting)
        s.flush()

        def fu(text, lead, status, due_on, assist=()):
            row = FollowUp(meeting_id=meeting.id, text=text, lead_unit_id=lead, status=status, due_on=due_on,
                           done_on=date(2026, 3, 1) if status == "done" else None, version=1)
            s.add(row)
            s.flush()
            for a in assist:
                s.add(FollowUpAssist(follow_up_id=row.id, unit_id=a))
            return row.id
        ids["f1"] = fu("f1 牵头逾期", u, "open", date(2026, 11, 1))
        ids["f2"] = fu("f2 牵头已完成", u, "done", date(2026, 3, 10))
        ids["f3"] = fu("f3 协办推进中", x, "in_progress", date(2027, 1, 15), assist=(u,))
        fu("f4 无关", x, "open", date(2026, 10, 1), assist=(p,))
        ids["f5"] = fu("f5 牵头已取消", u, "cancelled", date(2026, 6, 1))
        s.add_all([TaskAssignment(task_id=tasks[1], unit_id=u, role="lead"),
                   TaskAssignment(task_id=tasks[5], unit_id=u, role="participating"),
                   TaskAssignment(task_id=tasks[7], unit_id=x, role="lead")])
        s.add_all([Supervision(target_type="item", target_id=ids["r1"], unit_id=u, level="重点", deadline=date(2026, 12, 5),
                               instruction="请限期反馈", status="issued", issued_on=date(2026, 11, 20), version=1),
                   Supervision(target_type="follow_up", target_id=ids["f1"], unit_id=u, level="一般",
                               deadline=date(2026, 11, 10), instruction="请报送进展", status="resolved",
                               issued_on=date(2026, 11, 2), resolved_on=date(2026, 11, 9), version=1),
                   Supervision(target_type="item", target_id=ids["r1"], unit_id=x, level="一般",
                               deadline=date(2026, 12, 5), instruction="无关", status="issued", version=1)])
        s.add_all([Liaison(unit_id=u, name="旧联络员", phone="68830000", start_on=date(2025, 6, 1),
                           end_on=date(2026, 8, 31), reported_on=date(2025, 6, 2), version=1),
                   Liaison(unit_id=u, name="徐静", phone="027-83835380", start_on=date(2026, 9, 1),
                           reported_on=date(2026, 9, 1), version=1)])
    return {"u": u, "p": p, "x": x, "ids": ids, "tasks": tasks, "units": units}


def test_items_sent_and_received_are_counted_by_stage(engine, world):
    counts = unit_item_counts(engine, world["u"]).set_index("status")
    assert counts["sent"].to_dict() == {"sent": 1, "received": 0, "in_progress": 0, "responded": 0, "closed": 2,
                                        "returned": 0, "withdrawn": 0}
    assert counts["received"].to_dict() == {"sent": 1, "received": 1, "in_progress": 1, "responded": 1,
                                            "closed": 3, "returned": 0, "withdrawn": 1}


def test_feedback_record_and_on_time_rate_match_the_overdue_page(engine, world):
    stats = unit_feedback_stats(engine, world["u"], TODAY)
    assert stats == {"answered": 4, "on_time": 3, "late": 1, "overdue": 2, "on_time_rate": 0.75}
    reliability = unit_reliability(engine, TODAY).set_index("unit_id")
    assert reliability.at[world["u"], "on_time_rate"] == stats["on_time_rate"]
    assert reliability.at[world["u"], "overdue"] == stats["overdue"]


def test_monthly_trend_covers_the_last_twelve_calendar_months(engine, world):
    assert trend_months(TODAY) == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    trend = unit_monthly_feedback(engine, world["u"], TODAY).set_index("month")
    assert list(trend.index) == trend_months(TODAY)
    assert trend.loc["2026-10", ["answered", "on_time"]].tolist() == [2, 1]
    assert trend.at["2026-10", "on_time_rate"] == 0.5
    assert trend.loc["2026-03", ["answered", "on_time"]].tolist() == [1, 1]
    assert int(trend["answered"].sum()) == 3  # r7 (2025-11-28) is before the chart's first month
    assert trend.at["2025-12", "answered"] == 0 and trend["on_time_rate"].isna().sum() == 10


def test_follow_ups_the_unit_leads_or_assists(engine, world):
    fus = unit_follow_ups(engine, world["u"], TODAY)
    ids = world["ids"]
    assert dict(zip(fus["id"], fus["role"])) == {ids["f1"]: "lead", ids["f2"]: "lead", ids["f3"]: "assist",
                                                 ids["f5"]: "lead"}
    assert unit_follow_up_counts(engine, world["u"], TODAY) == {"open": 2, "overdue": 1, "done": 1}


def test_key_tasks_the_unit_leads_or_takes_part_in(engine, world):
    tasks = unit_tasks(engine, world["u"], TODAY)
    assert dict(zip(tasks["number"], tasks["role"])) == {1: "lead", 5: "participating"}
    assert unit_tasks(engine, world["units"]["education"], TODAY).empty


def test_supervision_addressed_to_the_unit(engine, world):
    sup = supervision_list(engine, TODAY, unit_id=world["u"])
    assert sorted(sup["instruction"]) == ["请报送进展", "请限期反馈"]
    assert unit_open_supervision(engine, world["u"]) == 1


def test_supervision_list_a_page_at_a_time_deadline_first(engine, world):
    everything = SupervisionFilter()
    assert supervision_total(engine, TODAY, everything) == 3
    first, second = (supervision_page(engine, TODAY, everything, page, page_size=2) for page in (1, 2))
    assert list(first["instruction"]) == ["请报送进展", "请限期反馈"]  # deadline 11-10, then 12-05 (lower id first)
    assert list(second["instruction"]) == ["无关"]
    assert list(first["escalated"]) == [False, False] and len(supervision_page(engine, TODAY, everything, 3, 2)) == 0
    theirs = SupervisionFilter(unit_id=world["u"], status="issued")
    assert supervision_total(engine, TODAY, theirs) == 1
    assert list(supervision_page(engine, TODAY, theirs)["instruction"]) == ["请限期反馈"]
    one = supervision_one(engine, TODAY, int(second["id"].iloc[0]))
    assert list(one["instruction"]) == ["无关"] and list(one["target_title"]) == ["r1 食品安全检察建议"]
    assert supervision_one(engine, TODAY, 10**6).empty


def test_directory_lists_every_unit_with_leader_current_liaisons_and_overdue(engine, world):
    directory = unit_directory(engine, TODAY)
    assert len(directory) == 41 and directory["leader_name"].notna().all()
    row = directory.set_index("code").loc["market_regulation"]
    assert (row["name"], row["leader_name"], row["leader_title"]) == ("区市场监管局", "孙万强", "副局长")
    assert row["liaisons"] == "徐静 027-83835380"  # the former liaison is not listed
    assert (row["liaison_count"], row["overdue"]) == (1, 2)
    assert directory.set_index("code").at["justice", "overdue"] == 1
    assert list(directory["name"][:2]) == ["区检察院", "区发改局"]  # the plan's order


def test_directory_filters_by_category_and_searches_leaders_and_liaisons(engine, world):
    streets = unit_directory(engine, TODAY, category="subdistrict")
    assert len(streets) == SUB_DISTRICTS and set(streets["category"]) == {"subdistrict"}
    assert list(unit_directory(engine, TODAY, text="孙万强")["code"]) == ["market_regulation"]
    assert list(unit_directory(engine, TODAY, text="徐静")["code"]) == ["market_regulation"]
    assert list(unit_directory(engine, TODAY, text="83835380")["code"]) == ["market_regulation"]
    assert unit_directory(engine, TODAY, text="旧联络员").empty  # former liaisons are not searched
    assert unit_directory(engine, TODAY, category="subdistrict", text="孙万强").empty


def test_notice_lists_overdue_items_and_open_follow_ups(engine, world):
    u = world["u"]
    data = notice_data(engine, u, TODAY)
    assert data.unit_name == "区市场监管局"
    assert data.number == f"硚府检联〔2026〕督1126{u:02d}号"
    assert [(r.title, r.days_overdue) for r in data.overdue] == [("r1 食品安全检察建议", 24), ("r2 药品监管检察建议", 1)]
    assert [r.item_text for r in data.follow_ups] == ["f1 牵头逾期", "f3 协办推进中〔协办〕"]
    assert [r.status_text for r in data.follow_ups] == ["待办\uff08逾期25天\uff09", "推进中"]
    assert data.reply_by == date(2026, 12, 3)  # 5 working days after Thu 11-26
    assert (data.office_phone, data.office_email) == ("68839462", "1306226418@qq.com")
    assert notice_data(engine, 99999, TODAY) is None
