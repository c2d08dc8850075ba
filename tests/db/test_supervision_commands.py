"""限期督办 commands (DESIGN §4–§5) on SQLite and PostgreSQL: the office drafts, conveners issue and
resolve, the supervised unit responds; the unit addressed; deadlines; the item's timeline; escalation.
"Today" is pinned to 2026-11-26."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import lifecycles as lc
from core.permissions import Actor
from db.commands.base import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from db.commands.items import CreateItem
from db.commands.supervision import (DraftSupervision, IssueDraftSupervision, IssueSupervision,
                                     ResolveSupervision, RespondSupervision)
from db.engine import read_session, session_factory
from db.models import AuditLog, FollowUp, Item, ItemEvent, KeyTask, Meeting, Supervision, TaskAssignment
from tests.conftest import TODAY, count

OFFICE = Actor(None, "office1", "office")
CONVENER = Actor(None, "convener1", "convener")
ADMIN = Actor(None, "admin1", "admin")
VIEWER = Actor(None, "viewer1", "viewer")
DEADLINE = TODAY + timedelta(days=10)


def liaison(units, code) -> Actor:
    return Actor(None, f"liaison_{code}", "liaison", units[code])


@pytest.fixture
def item_id(engine, units):
    """A 检察建议 from the procuratorate to the market regulator (the unit a 督办 addresses)."""
    return CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                      to_unit_id=units["market_regulation"], title="关于食品安全监管的检察建议",
                      doc_number="硚检行建〔2026〕12号", sent_on=date(2026, 9, 18),
                      received_on=date(2026, 9, 22)).run(engine)


@pytest.fixture
def follow_up_id(engine, units):
    """A meeting follow-up led by the justice bureau, inserted directly."""
    with session_factory(engine)() as s, s.begin():
        meeting = Meeting(kind="joint_meeting", title="府检联动联席会议", held_on=date(2026, 10, 15), version=1)
        s.add(meeting)
        s.flush()
        fu = FollowUp(meeting_id=meeting.id, text="梳理行政执法监督线索", lead_unit_id=units["justice"],
                      due_on=date(2026, 12, 15), status="open", version=1)
        s.add(fu)
        s.flush()
        return fu.id


def get_sup(engine, sup_id) -> Supervision:
    with read_session(engine) as s:
        return s.get(Supervision, sup_id)


def item_events(engine, item_id) -> list[ItemEvent]:
    with read_session(engine) as s:
        return list(s.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)))


def new(command, actor, target_id, target_type="item", **overrides):
    values = dict(target_type=target_type, target_id=target_id, level="重点", deadline=DEADLINE,
                  instruction=" 请于期限内书面反馈整改情况 ")
    values.update(overrides)
    return command(actor, **values)


def issued(engine, item_id) -> int:
    return new(IssueSupervision, CONVENER, item_id).run(engine)


# --- drafting and issuing ---------------------------------------------------------------------------

def test_office_drafts_for_the_convener(engine, units, item_id):
    events_before = len(item_events(engine, item_id))
    sup_id = new(DraftSupervision, OFFICE, item_id).run(engine)
    sup = get_sup(engine, sup_id)
    assert sup.status == lc.SUP_DRAFT
    assert sup.unit_id == units["market_regulation"]  # the item's receiving unit
    assert (sup.level, sup.deadline, sup.instruction) == ("重点", DEADLINE, "请于期限内书面反馈整改情况")
    assert sup.issued_on is None
    assert len(item_events(engine, item_id)) == events_before  # a draft is not on the item's timeline
    with read_session(engine) as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "supervision.draft")).one()
    assert (audit.entity, audit.entity_id, audit.username) == ("supervision", sup_id, "office1")
    assert audit.after["status"] == "draft"


def test_office_cannot_issue_nor_issue_a_draft_nor_resolve(engine, item_id):
    with pytest.raises(PermissionDenied):
        new(IssueSupervision, OFFICE, item_id).run(engine)
    assert count(engine, Supervision) == 0
    draft = new(DraftSupervision, OFFICE, item_id).run(engine)
    with pytest.raises(PermissionDenied):
        IssueDraftSupervision(OFFICE, supervision_id=draft, version=1).run(engine)
    assert get_sup(engine, draft).status == lc.SUP_DRAFT
    sup_id = issued(engine, item_id)
    with pytest.raises(PermissionDenied):
        ResolveSupervision(OFFICE, supervision_id=sup_id, resolution_text="已整改").run(engine)
    assert get_sup(engine, sup_id).status == lc.SUP_ISSUED


def test_convener_issues_directly_and_it_shows_on_the_item_timeline(engine, units, item_id):
    sup_id = issued(engine, item_id)
    sup = get_sup(engine, sup_id)
    assert sup.status == lc.SUP_ISSUED and sup.issued_on == TODAY
    assert sup.unit_id == units["market_regulation"]
    last = item_events(engine, item_id)[-1]
    assert (last.event_type, last.occurred_on) == ("supervision", TODAY)
    assert last.note == "召集人限期督办(重点)"
    assert (last.from_status, last.to_status) == (None, None)  # a 督办 does not change the item's status
    with read_session(engine) as s:
        assert s.get(Item, item_id).status == lc.RECEIVED


def test_convener_issues_a_draft(engine, item_id):
    draft = new(DraftSupervision, OFFICE, item_id, level="挂牌").run(engine)
    IssueDraftSupervision(CONVENER, supervision_id=draft, version=1).run(engine)
    sup = get_sup(engine, draft)
    assert sup.status == lc.SUP_ISSUED and sup.issued_on == TODAY
    assert [e.note for e in item_events(engine, item_id) if e.event_type == "supervision"] == ["召集人限期督办(挂牌)"]
    with pytest.raises(ValidationFailed) as exc:  # issuing twice
        IssueDraftSupervision(CONVENER, supervision_id=draft).run(engine)
    assert "action" in exc.value.field_errors


def test_a_draft_whose_deadline_passed_cannot_be_issued(engine, item_id):
    draft = new(DraftSupervision, OFFICE, item_id).run(engine)
    with session_factory(engine)() as s, s.begin():
        s.get(Supervision, draft).deadline = TODAY - timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        IssueDraftSupervision(CONVENER, supervision_id=draft).run(engine)
    assert exc.value.field_errors["deadline"] == "督办期限不能早于今天。"
    assert get_sup(engine, draft).status == lc.SUP_DRAFT


def test_admin_issues_and_resolves(engine, item_id):
    sup_id = new(IssueSupervision, ADMIN, item_id).run(engine)
    ResolveSupervision(ADMIN, supervision_id=sup_id, resolution_text="已办结").run(engine)
    assert get_sup(engine, sup_id).status == lc.SUP_RESOLVED


# --- responding and resolving -------------------------------------------------------------------------

def test_supervised_units_liaison_responds_and_convener_resolves(engine, units, item_id):
    sup_id = issued(engine, item_id)
    RespondSupervision(liaison(units, "market_regulation"), supervision_id=sup_id, version=1,
                       response_text=" 已完成整改并书面回复 ").run(engine)
    sup = get_sup(engine, sup_id)
    assert (sup.status, sup.responded_on, sup.response_text) == (lc.SUP_RESPONDED, TODAY, "已完成整改并书面回复")
    ResolveSupervision(CONVENER, supervision_id=sup_id, version=sup.version, resolution_text="整改到位,办结").run(engine)
    sup = get_sup(engine, sup_id)
    assert (sup.status, sup.resolved_on, sup.resolution_text) == (lc.SUP_RESOLVED, TODAY, "整改到位,办结")
    notes = [e.note for e in item_events(engine, item_id) if e.event_type == "supervision"]
    assert notes == ["召集人限期督办(重点)", "被督办单位已回复", "督办已办结"]
    with read_session(engine) as s:
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.entity == "supervision").order_by(AuditLog.id)))
    assert actions == ["supervision.issue", "supervision.respond", "supervision.resolve"]


def test_convener_can_resolve_without_a_response(engine, item_id):
    sup_id = issued(engine, item_id)
    ResolveSupervision(CONVENER, supervision_id=sup_id, resolution_text="已整改").run(engine)
    assert get_sup(engine, sup_id).status == lc.SUP_RESOLVED


def test_liaison_of_another_unit_cannot_respond(engine, units, item_id):
    sup_id = issued(engine, item_id)
    for code in ("justice", "procuratorate"):  # not even the sending unit
        with pytest.raises(PermissionDenied):
            RespondSupervision(liaison(units, code), supervision_id=sup_id, response_text="代为回复").run(engine)
    sup = get_sup(engine, sup_id)
    assert (sup.status, sup.response_text) == (lc.SUP_ISSUED, None)


def test_resolving_twice_is_refused(engine, item_id):
    sup_id = issued(engine, item_id)
    ResolveSupervision(CONVENER, supervision_id=sup_id, resolution_text="已办结").run(engine)
    audits = count(engine, AuditLog)
    with pytest.raises(ValidationFailed) as exc:
        ResolveSupervision(CONVENER, supervision_id=sup_id, resolution_text="再次办结").run(engine)
    assert exc.value.field_errors["action"] == "该督办当前为“已办结”,不能执行此操作。"
    assert get_sup(engine, sup_id).resolution_text == "已办结"
    assert count(engine, AuditLog) == audits


def test_no_response_after_resolution_nor_on_a_draft(engine, units, item_id):
    me = liaison(units, "market_regulation")
    draft = new(DraftSupervision, OFFICE, item_id).run(engine)
    with pytest.raises(ValidationFailed) as exc:
        RespondSupervision(me, supervision_id=draft, response_text="回复").run(engine)
    assert "action" in exc.value.field_errors
    sup_id = issued(engine, item_id)
    ResolveSupervision(CONVENER, supervision_id=sup_id, resolution_text="已办结").run(engine)
    with pytest.raises(ValidationFailed) as exc:
        RespondSupervision(me, supervision_id=sup_id, response_text="回复").run(engine)
    assert "action" in exc.value.field_errors


@pytest.mark.parametrize("command,field", [(RespondSupervision, "response_text"),
                                           (ResolveSupervision, "resolution_text")])
def test_response_and_resolution_need_text(engine, item_id, command, field):
    sup_id = issued(engine, item_id)
    with pytest.raises(ValidationFailed) as exc:
        command(ADMIN, supervision_id=sup_id, **{field: "  "}).run(engine)
    assert exc.value.field_errors[field] == "必填。"
    with pytest.raises(ValidationFailed) as exc:
        command(ADMIN, supervision_id=sup_id, **{field: "长" * 1001}).run(engine)
    assert field in exc.value.field_errors
    assert get_sup(engine, sup_id).status == lc.SUP_ISSUED


def test_stale_response_is_refused(engine, units, item_id):
    sup_id = issued(engine, item_id)
    me = liaison(units, "market_regulation")
    RespondSupervision(me, supervision_id=sup_id, version=1, response_text="第一次回复").run(engine)
    with pytest.raises(StaleEdit):
        RespondSupervision(me, supervision_id=sup_id, version=1, response_text="过期的回复").run(engine)
    assert get_sup(engine, sup_id).response_text == "第一次回复"


def test_unknown_supervision_is_not_found(engine):
    with pytest.raises(NotFound):
        ResolveSupervision(CONVENER, supervision_id=999999, resolution_text="x").run(engine)


# --- who may do nothing ------------------------------------------------------------------------------

STEPS = ("draft", "issue", "issue_draft", "respond", "resolve")


def attempt(step, actor, engine, item_id, draft_id, issued_id):
    if step == "draft":
        return new(DraftSupervision, actor, item_id)
    if step == "issue":
        return new(IssueSupervision, actor, item_id)
    if step == "issue_draft":
        return IssueDraftSupervision(actor, supervision_id=draft_id)
    if step == "respond":
        return RespondSupervision(actor, supervision_id=issued_id, response_text="回复")
    return ResolveSupervision(actor, supervision_id=issued_id, resolution_text="办结")


@pytest.mark.parametrize("who,allowed", [
    ("viewer", set()),
    ("convener", {"draft", "issue", "issue_draft", "resolve"}),
    ("office", {"draft", "respond"}),
    ("admin", set(STEPS)),
    ("liaison_supervised", {"respond"}),
    ("liaison_other", set()),
])
@pytest.mark.parametrize("step", STEPS)
def test_permission_of_each_role_for_each_step(engine, units, item_id, who, allowed, step):
    me = {"viewer": VIEWER, "convener": CONVENER, "office": OFFICE, "admin": ADMIN,
          "liaison_supervised": liaison(units, "market_regulation"),
          "liaison_other": liaison(units, "justice")}[who]
    draft_id = new(DraftSupervision, OFFICE, item_id).run(engine)
    issued_id = issued(engine, item_id)
    before = (count(engine, Supervision), count(engine, AuditLog), get_sup(engine, draft_id).status,
              get_sup(engine, issued_id).status)
    command = attempt(step, me, engine, item_id, draft_id, issued_id)
    if step in allowed:
        command.run(engine)
        assert count(engine, AuditLog) == before[1] + 1
    else:
        with pytest.raises(PermissionDenied):
            command.run(engine)
        after = (count(engine, Supervision), count(engine, AuditLog), get_sup(engine, draft_id).status,
                 get_sup(engine, issued_id).status)
        assert after == before


# --- targets and deadlines ---------------------------------------------------------------------------

def test_follow_up_supervision_addresses_the_lead_unit(engine, units, follow_up_id):
    sup_id = new(IssueSupervision, CONVENER, follow_up_id, target_type="follow_up", level="一般").run(engine)
    sup = get_sup(engine, sup_id)
    assert (sup.target_type, sup.target_id, sup.unit_id, sup.status) == (
        "follow_up", follow_up_id, units["justice"], lc.SUP_ISSUED)
    with pytest.raises(PermissionDenied):
        RespondSupervision(liaison(units, "market_regulation"), supervision_id=sup_id, response_text="x").run(engine)
    RespondSupervision(liaison(units, "justice"), supervision_id=sup_id, response_text="已梳理完毕").run(engine)
    assert get_sup(engine, sup_id).status == lc.SUP_RESPONDED
    assert count(engine, ItemEvent) == 0  # no item timeline involved


def test_key_task_supervision_needs_a_lead_unit(engine, units):
    with read_session(engine) as s:
        task_id = s.scalar(select(KeyTask.id).where(KeyTask.number == 9))
    with pytest.raises(ValidationFailed) as exc:
        new(IssueSupervision, CONVENER, task_id, target_type="key_task").run(engine)
    assert exc.value.field_errors["target_id"] == "督办对象不存在,或未确定牵头单位。"
    with session_factory(engine)() as s, s.begin():
        s.add(TaskAssignment(task_id=task_id, unit_id=units["justice"], role="participating"))
        s.add(TaskAssignment(task_id=task_id, unit_id=units["urban_management"], role="lead"))
    sup_id = new(IssueSupervision, CONVENER, task_id, target_type="key_task").run(engine)
    assert get_sup(engine, sup_id).unit_id == units["urban_management"]


@pytest.mark.parametrize("overrides,field", [
    (dict(deadline=TODAY - timedelta(days=1)), "deadline"),
    (dict(deadline=None), "deadline"),
    (dict(target_id=999999), "target_id"),
    (dict(target_type="meeting"), "target_id"),
    (dict(target_type=None), "target_id"),
    (dict(level="特急"), "level"),
    (dict(instruction=" "), "instruction"),
    (dict(instruction="长" * 1001), "instruction"),
])
@pytest.mark.parametrize("command", [IssueSupervision, DraftSupervision])
def test_bad_supervision_input_is_refused_naming_the_field(engine, item_id, command, overrides, field):
    audits, events = count(engine, AuditLog), count(engine, ItemEvent)
    with pytest.raises(ValidationFailed) as exc:
        values = dict(overrides)
        new(command, CONVENER, values.pop("target_id", item_id), **values).run(engine)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    assert count(engine, Supervision) == 0
    assert (count(engine, AuditLog), count(engine, ItemEvent)) == (audits, events)


def test_past_deadline_message_and_today_is_accepted(engine, item_id):
    with pytest.raises(ValidationFailed) as exc:
        new(IssueSupervision, CONVENER, item_id, deadline=TODAY - timedelta(days=1)).run(engine)
    assert exc.value.field_errors["deadline"] == "督办期限不能早于今天。"
    sup_id = new(IssueSupervision, CONVENER, item_id, deadline=TODAY).run(engine)
    assert get_sup(engine, sup_id).deadline == TODAY


# --- escalation ----------------------------------------------------------------------------------------

def test_issued_supervision_past_its_deadline_is_escalated_until_resolved(engine, units, item_id):
    sup_id = issued(engine, item_id)
    sup = get_sup(engine, sup_id)
    assert not lc.supervision_escalated(sup.status, sup.deadline, DEADLINE)  # on the deadline day: not yet
    assert lc.supervision_escalated(sup.status, sup.deadline, DEADLINE + timedelta(days=1))
    RespondSupervision(liaison(units, "market_regulation"), supervision_id=sup_id, response_text="整改中").run(engine)
    sup = get_sup(engine, sup_id)
    assert lc.supervision_escalated(sup.status, sup.deadline, DEADLINE + timedelta(days=1))  # responded, unresolved
    ResolveSupervision(CONVENER, supervision_id=sup_id, resolution_text="已办结").run(engine)
    sup = get_sup(engine, sup_id)
    assert not lc.supervision_escalated(sup.status, sup.deadline, DEADLINE + timedelta(days=30))


def test_a_draft_is_never_escalated(engine, item_id):
    sup = get_sup(engine, new(DraftSupervision, OFFICE, item_id).run(engine))
    assert not lc.supervision_escalated(sup.status, sup.deadline, DEADLINE + timedelta(days=30))
