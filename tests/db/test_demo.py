"""Demo data generator (seed/demo.py): coverage of every kind, lifecycle-valid statuses, due dates
from the product rules, realistic overdue/late/due-soon items, meetings, key tasks, supervision,
idempotency, determinism and the demo accounts; and volumes and subjects a district official finds
plausible (a few dozen crime transfers a year, each offence one the sending agency deals with and
that its accused can commit; 诉前磋商 more common than 诉前检察建议; the 联席会议 twice a year; most
follow-ups done)."""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

os.environ.setdefault("FJLD_BCRYPT_ROUNDS", "4")

from sqlalchemy import func, select  # noqa: E402

from core.deadlines import compute_due  # noqa: E402
from core.kinds import KINDS, rule_for  # noqa: E402
from core.lifecycles import (FOLLOW_UP_STATUSES, ITEM_STATUSES, ITEM_TRANSITIONS,  # noqa: E402
                             OPEN_ITEM_STATUSES, SUPERVISION_LEVELS, answered_late, follow_up_overdue,
                             is_overdue, supervision_escalated, task_status)
from core.passwords import check_password, weak_password  # noqa: E402
from core.permissions import ROLES  # noqa: E402
from db.engine import make_engine, read_session  # noqa: E402
from db.models import (AuditLog, FollowUp, FollowUpAssist, FollowUpNote, Item, ItemEvent,  # noqa: E402
                       KeyTask, Liaison, Meeting, MeetingAttendance, Milestone, ProgressUpdate, Setting,
                       Supervision, TaskAssignment, Unit, User)
from seed.demo import (DEMO_ACCOUNTS, MEETING_KINDS, create_demo_accounts,  # noqa: E402
                       generate_demo)
from tests.conftest import sqlite_reference_copy  # noqa: E402

TODAY = date(2026, 11, 26)
TABLES = {m.__tablename__: m for m in (Item, ItemEvent, Liaison, TaskAssignment, Milestone, ProgressUpdate,
                                       Meeting, MeetingAttendance, FollowUp, FollowUpAssist, FollowUpNote,
                                       Supervision)}


def _fresh_engine(path):
    return make_engine(sqlite_reference_copy(path))


def _table_counts(eng) -> dict[str, int]:
    with read_session(eng) as s:
        return {name: s.scalar(select(func.count()).select_from(model)) for name, model in TABLES.items()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One generated database shared by the read-only checks: (engine, counts)."""
    eng = _fresh_engine(tmp_path_factory.mktemp("demo") / "t.db")
    counts = generate_demo(eng, today=TODAY)
    yield eng, counts
    eng.dispose()


@pytest.fixture(scope="module")
def items(demo):
    eng, _ = demo
    with read_session(eng) as s:
        return list(s.scalars(select(Item).order_by(Item.id)))


@pytest.fixture(scope="module")
def units(demo):
    eng, _ = demo
    with read_session(eng) as s:
        return {u.id: u for u in s.scalars(select(Unit))}


def test_counts_returned_match_the_tables(demo):
    eng, counts = demo
    assert counts == _table_counts(eng)
    assert 220 <= counts["item"] <= 320  # one district's year
    assert counts["item_event"] > 3 * counts["item"]
    assert 12 <= counts["meeting"] <= 20


def test_every_kind_present_flagged_demo_and_weighted(items):
    by_kind = Counter(i.kind for i in items)
    assert set(by_kind) == set(KINDS)
    assert all(i.is_demo for i in items)
    assert all(i.mechanism == KINDS[i.kind].mechanism for i in items)
    top = {k for k, _ in by_kind.most_common(4)}
    assert {"procuratorial_suggestion", "crime_transfer", "pil_clue_transfer"} <= top


def test_directions_follow_the_kind(items, units):
    code = {uid: u.code for uid, u in units.items()}
    for i in items:
        frm, to = code[i.from_unit_id], code[i.to_unit_id]
        assert frm != to
        if i.kind == "crime_transfer":
            assert to == "public_security"
            assert units[i.from_unit_id].category in ("government_department", "police_fire_traffic")
        elif i.kind in ("non_filing_explanation", "filing_notice"):
            assert (frm, to) == ("procuratorate", "public_security")
        elif i.kind in ("procuratorial_suggestion", "pil_pre_suit_suggestion", "procuratorial_opinion",
                        "investigation_assistance"):
            assert frm == "procuratorate" and to not in ("procuratorate", "public_security")
        elif i.kind in ("pil_clue_transfer", "major_case_notice", "legal_risk_consultation"):
            assert to == "procuratorate"
        elif i.kind == "enforcement_clue_transfer":
            assert {frm, to} == {"justice", "procuratorate"}
        elif i.kind == "pre_suit_consultation":
            assert "procuratorate" in (frm, to)
    involved = {i.from_unit_id for i in items} | {i.to_unit_id for i in items}
    assert len(involved) >= 0.8 * len(units)


def test_titles_doc_numbers_and_details(items):
    assert len({i.doc_number for i in items}) == len(items)
    for i in items:
        assert i.title and i.summary and "〔" in i.doc_number and i.doc_number.endswith("号")
        assert set(KINDS[i.kind].extra_fields) <= set(i.details)
        for field in KINDS[i.kind].extra_fields:
            assert i.details[field]
    assert any(i.doc_number.startswith("硚检行建〔") for i in items)


def test_statuses_are_lifecycle_codes_with_a_spread(items):
    statuses = Counter(i.status for i in items)
    assert set(statuses) <= set(ITEM_STATUSES)
    assert {"closed", "responded", "in_progress", "received", "returned", "withdrawn"} <= set(statuses)
    assert statuses["closed"] > len(items) / 2
    assert 0.005 <= statuses["returned"] / len(items) <= 0.04
    assert statuses["withdrawn"] >= 1


def test_dates_are_consistent(items):
    start = TODAY - timedelta(days=370)
    for i in items:
        assert start <= i.sent_on <= TODAY
        if i.received_on:
            assert 0 <= (i.received_on - i.sent_on).days <= 3
        if i.status in ("responded", "closed"):
            assert i.feedback_on and i.feedback_text and i.outcome in KINDS[i.kind].outcomes
            assert i.sent_on <= i.feedback_on <= TODAY
        else:
            assert i.feedback_on is None and i.outcome is None
        if i.status == "closed":
            assert i.feedback_on <= i.closed_on <= TODAY
        else:
            assert i.closed_on is None


def test_due_dates_follow_the_rules(items):
    overridden = 0
    for i in items:
        k = KINDS[i.kind]
        assert i.due_basis == rule_for(i.kind, i.urgent).basis
        if i.kind == "major_case_notice":
            assert i.needs_feedback is False and i.due_on is None
            continue
        assert i.needs_feedback and i.due_on
        if i.kind == "pre_suit_consultation":
            assert i.due_override_reason == "双方磋商议定"
            continue
        if i.due_override_reason:
            overridden += 1
            assert i.due_rule
            continue
        rule = rule_for(i.kind, i.urgent)
        expected = compute_due(i.received_on or i.sent_on, rule.amount, rule.unit)
        assert (i.due_on, i.due_approximate) == (expected.due_on, expected.approximate), i.id
        assert i.due_rule.startswith("收到后")
        assert k.urgent_rule is not None or not i.urgent
    others = sum(1 for i in items if i.kind not in ("major_case_notice", "pre_suit_consultation"))
    assert 0.02 <= overridden / others <= 0.10
    pil = [i for i in items if i.kind == "pil_pre_suit_suggestion"]
    assert 0.08 <= sum(i.urgent for i in pil) / len(pil) <= 0.35
    assert all(not i.urgent for i in items if i.kind != "pil_pre_suit_suggestion")


def test_overdue_answered_late_and_due_soon_items_exist(items):
    feedback = [i for i in items if i.needs_feedback]
    overdue = [i for i in feedback if is_overdue(i.needs_feedback, i.status, i.due_on, TODAY)]
    assert all(i.status in OPEN_ITEM_STATUSES and i.due_on < TODAY for i in overdue)
    assert 0.03 <= len(overdue) / len(feedback) <= 0.10
    ages = [(TODAY - i.due_on).days for i in overdue]
    assert min(ages) <= 14 and max(ages) > 90
    answered = [i for i in feedback if i.feedback_on]
    late = [i for i in answered if answered_late(i.due_on, i.feedback_on)]
    assert 0.08 <= len(late) / len(answered) <= 0.25
    soon = [i for i in feedback if i.status in OPEN_ITEM_STATUSES and TODAY <= i.due_on <= TODAY + timedelta(days=7)]
    assert soon


def test_key_task_links(items, demo):
    eng, _ = demo
    with read_session(eng) as s:
        tasks = dict(s.execute(select(KeyTask.id, KeyTask.number)).all())
    linked = [i for i in items if i.key_task_id]
    assert 0.1 <= len(linked) / len(items) <= 0.3
    assert {tasks[i.key_task_id] for i in linked if i.kind == "procuratorial_suggestion"} <= {9, 11, 12, 13}


def test_event_timelines_replay_the_lifecycle(items, demo):
    eng, _ = demo
    with read_session(eng) as s:
        events = s.scalars(select(ItemEvent).order_by(ItemEvent.item_id, ItemEvent.occurred_on, ItemEvent.id)).all()
    by_item = defaultdict(list)
    for e in events:
        by_item[e.item_id].append(e)
    for i in items:
        evs = by_item[i.id]
        assert evs[0].event_type == "created" and evs[0].to_status == "sent" and evs[0].occurred_on == i.sent_on
        status = "sent"
        for e in evs[1:]:
            assert e.occurred_on <= TODAY
            if e.to_status is None:
                continue
            assert e.from_status == status, (i.id, e.event_type)
            assert e.to_status in ITEM_TRANSITIONS[status].values(), (i.id, status, e.to_status)
            status = e.to_status
        assert status == i.status, i.id
    types = Counter(e.event_type for e in events)
    assert {"created", "received", "started", "responded", "closed", "returned", "withdrawn"} <= set(types)


def test_meetings_follow_ups_and_attendance(demo):
    eng, _ = demo
    with read_session(eng) as s:
        meetings = s.scalars(select(Meeting)).all()
        fus = s.scalars(select(FollowUp)).all()
        attendance = s.execute(select(MeetingAttendance.meeting_id, func.count()).group_by(
            MeetingAttendance.meeting_id)).all()
        assists = s.scalar(select(func.count()).select_from(FollowUpAssist))
        notes = s.scalar(select(func.count()).select_from(FollowUpNote))
    assert {m.kind for m in meetings} == set(MEETING_KINDS)
    assert all(m.is_demo and m.title and m.place and m.convened_by and m.topics and m.minutes_summary
               for m in meetings)
    assert all(m.held_on <= TODAY for m in meetings)
    per_meeting = Counter(f.meeting_id for f in fus)
    assert all(2 <= per_meeting[m.id] <= 4 for m in meetings)
    assert len(dict(attendance)) == len(meetings) and all(n >= 3 for _, n in attendance)
    assert {f.status for f in fus} <= set(FOLLOW_UP_STATUSES)
    assert {"open", "in_progress", "done"} <= {f.status for f in fus}
    assert any(follow_up_overdue(f.status, f.due_on, TODAY) for f in fus)
    for f in fus:
        assert f.is_demo and f.due_on
        if f.status == "done":
            assert f.done_on and f.evidence and f.done_on <= TODAY
        else:
            assert f.done_on is None
    assert assists > 0 and notes > 0


def test_key_tasks_assignments_milestones_and_progress(demo):
    eng, _ = demo
    with read_session(eng) as s:
        task_ids = s.scalars(select(KeyTask.id)).all()
        assignments = s.scalars(select(TaskAssignment)).all()
        milestones = s.scalars(select(Milestone)).all()
        updates = s.scalars(select(ProgressUpdate).order_by(ProgressUpdate.reported_on)).all()
    assert len(task_ids) == 14
    statuses = set()
    for tid in task_ids:
        roles = Counter(a.role for a in assignments if a.task_id == tid)
        assert roles["lead"] == 1 and 2 <= roles["participating"] <= 4
        ms = [m for m in milestones if m.task_id == tid]
        assert 2 <= len(ms) <= 4
        assert all(date(2025, 6, 1) <= m.planned_on <= date(2026, 12, 31) for m in ms)
        ups = [u for u in updates if u.task_id == tid]
        assert 2 <= len(ups) <= 5
        percents = [u.percent for u in ups]
        assert percents == sorted(percents) and all(0 < p <= 100 for p in percents)
        assigned = {a.unit_id for a in assignments if a.task_id == tid}
        assert all(u.unit_id in assigned for u in ups)
        statuses.add(task_status([(m.planned_on, m.done_on) for m in ms], percents[-1], TODAY))
    assert all(a.is_demo for a in assignments) and all(m.is_demo for m in milestones)
    # on time, late but done, late and not done, future
    assert any(m.done_on and m.done_on <= m.planned_on for m in milestones)
    assert any(m.done_on and m.done_on > m.planned_on for m in milestones)
    assert any(m.done_on is None and m.planned_on < TODAY for m in milestones)
    assert any(m.planned_on > TODAY for m in milestones)
    assert "late" in statuses


def test_liaisons_one_current_per_unit_with_history(demo, units):
    eng, _ = demo
    with read_session(eng) as s:
        liaisons = s.scalars(select(Liaison)).all()
    current = Counter(li.unit_id for li in liaisons if li.end_on is None)
    assert set(current) == set(units) and set(current.values()) == {1}
    changed = [li for li in liaisons if li.end_on is not None]
    assert changed
    successors = [li for li in liaisons if li.end_on is None and any(
        c.unit_id == li.unit_id for c in changed)]
    lags = [(li.reported_on - li.start_on).days if li.reported_on else None for li in successors]
    assert None in lags or any(lag > 5 for lag in lags if lag is not None)
    for li in liaisons:
        assert li.is_demo and li.name and li.phone
        assert li.phone.startswith("027-8383") or (li.phone.startswith("1") and len(li.phone) == 11)


def test_supervision_on_overdue_items_and_follow_ups(demo, items):
    eng, _ = demo
    with read_session(eng) as s:
        sups = s.scalars(select(Supervision)).all()
        fus = {f.id: f for f in s.scalars(select(FollowUp))}
    by_id = {i.id: i for i in items}
    assert {s_.target_type for s_ in sups} == {"item", "follow_up"}
    assert {s_.level for s_ in sups} <= set(SUPERVISION_LEVELS)
    assert {s_.status for s_ in sups} <= {"draft", "issued", "responded", "resolved"}
    overdue_ids = {i.id for i in items if is_overdue(i.needs_feedback, i.status, i.due_on, TODAY)}
    on_overdue = {s_.target_id for s_ in sups if s_.target_type == "item" and s_.target_id in overdue_ids}
    assert 0.15 <= len(on_overdue) / len(overdue_ids) <= 0.35
    for s_ in sups:
        assert s_.is_demo and s_.instruction and s_.deadline
        target = by_id[s_.target_id] if s_.target_type == "item" else fus[s_.target_id]
        owing = target.to_unit_id if s_.target_type == "item" else target.lead_unit_id
        assert s_.unit_id == owing
        assert (s_.issued_on is None) == (s_.status == "draft")
        if s_.status == "resolved":
            assert s_.resolved_on and s_.resolution_text
    assert any(supervision_escalated(s_.status, s_.deadline, TODAY) for s_ in sups)


def test_second_call_returns_nothing_and_changes_nothing(demo):
    eng, counts = demo
    before = _table_counts(eng)
    assert generate_demo(eng, today=TODAY) == {}
    assert generate_demo(eng, today=TODAY + timedelta(days=30), scale=2, seed=1) == {}
    assert _table_counts(eng) == before
    with read_session(eng) as s:
        setting = Setting.row(s, "demo_data")
        audits = s.scalars(select(AuditLog).where(AuditLog.action == "seed.generate_demo")).all()
    assert setting.value == {"generated_on": TODAY.isoformat(), "scale": 1}
    assert len(audits) == 1 and audits[0].username == "system" and audits[0].entity == "demo"
    assert audits[0].after == counts


def test_deterministic_for_a_seed_and_different_for_another(tmp_path):
    def snapshot(eng):
        with read_session(eng) as s:
            return s.execute(select(Item.kind, Item.title, Item.sent_on, Item.due_on, Item.status)
                             .order_by(Item.id)).all()

    a, b, c = (_fresh_engine(tmp_path / f"{n}.db") for n in "abc")
    generate_demo(a, today=TODAY)
    generate_demo(b, today=TODAY)
    generate_demo(c, today=TODAY, seed=7)
    assert snapshot(a) == snapshot(b)
    assert snapshot(a) != snapshot(c)
    for eng in (a, b, c):
        eng.dispose()


def test_scale_multiplies_the_volume(tmp_path):
    eng = _fresh_engine(tmp_path / "t.db")
    counts = generate_demo(eng, scale=2, today=TODAY)
    assert 440 <= counts["item"] <= 640 and 24 <= counts["meeting"] <= 40
    eng.dispose()


def test_generation_on_each_backend_leaves_ids_usable(engine):
    """Explicit ids are used for bulk inserts: afterwards a normal insert must still get a fresh id
    (on PostgreSQL the sequences are moved past the generated rows)."""
    from db.engine import session_factory
    counts = generate_demo(engine, today=TODAY)
    assert counts["item"] >= 220
    with session_factory(engine)() as s, s.begin():
        unit_id = s.scalar(select(Unit.id).limit(1))
        proc_id = s.scalar(select(Unit.id).where(Unit.code == "procuratorate"))
        meeting = Meeting(kind="joint_meeting", title="t", held_on=TODAY)
        item = Item(kind="crime_transfer", mechanism="四(五)", from_unit_id=unit_id, to_unit_id=proc_id, title="t",
                    sent_on=TODAY, status="sent", details={})
        s.add_all([meeting, item])
        s.flush()
        s.add(FollowUp(meeting_id=meeting.id, text="t", lead_unit_id=unit_id, due_on=TODAY, status="open"))
        s.flush()
        assert item.id > counts["item"]


def test_demo_accounts_one_per_role_idempotent_and_passwords_verify(tmp_path):
    assert sorted(a["role"] for a in DEMO_ACCOUNTS) == sorted(ROLES)
    assert all(not weak_password(a["password"]) for a in DEMO_ACCOUNTS)
    eng = _fresh_engine(tmp_path / "t.db")
    assert create_demo_accounts(eng) == len(ROLES)
    assert create_demo_accounts(eng) == 0
    with read_session(eng) as s:
        users = {u.username: u for u in s.scalars(select(User))}
        market = s.scalar(select(Unit.id).where(Unit.code == "market_regulation"))
        audits = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "user.create"))
    assert len(users) == len(ROLES) and audits == len(ROLES)
    for account in DEMO_ACCOUNTS:
        user = users[account["username"]]
        assert user.role == account["role"] and user.is_demo and user.active
        assert user.display_name == account["display_name"]
        assert check_password(account["password"], user.password_hash)
        assert not check_password(account["password"] + "x", user.password_hash)
    assert users["liaison"].unit_id == market
    eng.dispose()


def test_existing_usernames_are_skipped(tmp_path):
    from core.permissions import Actor
    from db.commands.users import CreateUser
    eng = _fresh_engine(tmp_path / "t.db")
    CreateUser(Actor(None, "system", "admin"), username="admin", display_name="真实管理员", password="Real-admin-99",
               role="admin", unit_id=None).run(eng)
    assert create_demo_accounts(eng) == len(ROLES) - 1
    with read_session(eng) as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
    assert admin.display_name == "真实管理员" and not admin.is_demo
    assert check_password("Real-admin-99", admin.password_hash)
    eng.dispose()


# -- plausibility: what a district official expects of a year ------------------------------------------

# The offences each sending agency's field can turn up (the law it enforces), written here apart
# from the generator's own table.
FIELD_OFFENCES = {
    "market_regulation": {"生产、销售伪劣产品罪", "生产、销售不符合安全标准的食品罪", "生产、销售假药罪",
                          "销售假冒注册商标的商品罪", "假冒注册商标罪"},
    "ecology_environment": {"污染环境罪"},
    "health": {"非法行医罪", "非法进行节育手术罪"},
    "emergency": {"重大责任事故罪", "危险作业罪", "重大劳动安全事故罪"},
    "human_resources": {"拒不支付劳动报酬罪"},
    "taxation": {"虚开增值税专用发票罪", "逃税罪"},
    "medical_security": {"诈骗罪"},
    "social_security_office": {"诈骗罪"},
    "culture_tourism": {"侵犯著作权罪"},
    "fire_rescue": {"失火罪", "消防责任事故罪"},
    "commerce": {"非法经营罪"},
    "water_lakes": {"非法捕捞水产品罪"},
}
# Offences only a person commits (no unit liability in the Criminal Law).
PERSON_ONLY = {"非法行医罪", "失火罪", "消防责任事故罪", "重大责任事故罪", "危险作业罪", "诈骗罪"}
YEAR = (TODAY - timedelta(days=365), TODAY)


def in_year(day: date) -> bool:
    return YEAR[0] < day <= YEAR[1]


def test_a_years_volumes_are_those_of_one_district(items, demo):
    eng, _ = demo
    by_kind = Counter(i.kind for i in items if in_year(i.sent_on))
    assert 20 <= by_kind["crime_transfer"] <= 80  # a few dozen, not hundreds
    assert by_kind["pre_suit_consultation"] > by_kind["pil_pre_suit_suggestion"]  # 磋商 settles most
    with read_session(eng) as s:
        meetings = s.scalars(select(Meeting)).all()
    joint = [m for m in meetings if m.kind == "joint_meeting" and in_year(m.held_on)]
    assert len(joint) == 2  # twice a year, half a year apart, where the conveners sit
    assert abs((joint[1].held_on - joint[0].held_on).days - 182) <= 30
    assert {m.place for m in joint} <= {"区政府常务会议室", "区检察院会议室"}


def test_each_crime_transfer_names_an_offence_of_the_senders_field_and_a_fitting_accused(items, units):
    transfers = [i for i in items if i.kind == "crime_transfer"]
    for i in transfers:
        sender, offence = units[i.from_unit_id].code, i.details["suspected_offence"]
        assert offence in FIELD_OFFENCES.get(sender, ()), (sender, offence)
        assert i.details["case_name"].endswith(f"涉嫌{offence.removesuffix('罪')}案")
        if offence in PERSON_ONLY:
            assert "公司" not in i.details["case_name"], i.details["case_name"]
    assert len({units[i.from_unit_id].code for i in transfers}) >= 6  # several agencies send
    # a 检察意见 (反向衔接) is about a person not prosecuted, sent to an agency that can penalise them
    opinions = [i for i in items if i.kind == "procuratorial_opinion"]
    assert opinions and all("公司" not in i.details["case_name"] for i in opinions)
    assert {units[i.to_unit_id].code for i in opinions} <= set(FIELD_OFFENCES) | {"traffic_police"}


def test_most_follow_ups_are_done_and_few_are_overdue(demo):
    eng, _ = demo
    with read_session(eng) as s:
        fus = s.scalars(select(FollowUp)).all()
    overdue = [f for f in fus if follow_up_overdue(f.status, f.due_on, TODAY)]
    done = [f for f in fus if f.status == "done"]
    assert overdue and len(overdue) < 0.25 * len(fus)  # a few overdue: a minority
    assert len(done) > len(fus) / 2  # most done
