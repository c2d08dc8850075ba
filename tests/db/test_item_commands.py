"""Commands on tracked items (DESIGN §3–§5), on SQLite and PostgreSQL: creation with its due date,
validation per field, the lifecycle with its timeline, refused transitions, stale edits and the
permission of every role for every action.

Due dates used below (checked against chinese_calendar.is_workday; "today" is pinned to 2026-11-26):
  procuratorial_suggestion (2 months): sent Fri 2026-09-18 -> Wed 11-18; received Tue 09-22 -> Sun 11-22 -> Mon 11-23
  crime_transfer (3 days): sent Mon 09-21 -> Thu 09-24; received Tue 09-22 -> Fri 09-25 (Mid-Autumn, off to 27) -> Mon 09-28
  legal_risk_consultation (15 working days): received 09-22 -> Tue 10-20 (skips 09-25..27 and 10-01..07, counts Sat 10-10)
  pil_pre_suit_suggestion urgent (15 days): received 09-22 -> Wed 10-07 (National Day) -> Thu 10-08
"""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core import lifecycles as lc
from core.kinds import KINDS
from core.permissions import Actor
from db.commands.base import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from db.commands.items import (AddItemNote, CloseItem, CreateItem, ReceiveItem, RecordFeedback, ReturnItem,
                               StartItem, UpdateItem, WithdrawItem)
from db.engine import read_session, session_factory
from db.models import AuditLog, DeadlineRuleSetting, HolidayEntry, Item, ItemEvent, Unit
from tests.conftest import TODAY, audits, count

OFFICE = Actor(None, "office1", "office")
ADMIN = Actor(None, "admin1", "admin")

SENT_ON = date(2026, 9, 18)  # Fri
RECEIVED_ON = date(2026, 9, 22)  # Tue


def get_item(engine, item_id) -> Item:
    with read_session(engine) as s:
        return s.get(Item, item_id)


def events(engine, item_id) -> list[ItemEvent]:
    with read_session(engine) as s:
        return list(s.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)))


def fields(units, **overrides) -> dict:
    """A valid 检察建议 from the procuratorate to the market regulator, sent (not yet received)."""
    values = dict(kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                  to_unit_id=units["market_regulation"], title="关于食品安全监管的检察建议",
                  doc_number="硚检行建〔2026〕12号", sent_on=SENT_ON, received_on=None, summary="摘要",
                  details={"suggestion_number": "12"})
    values.update(overrides)
    return values


def create(engine, units, actor=OFFICE, **overrides) -> int:
    return CreateItem(actor, **fields(units, **overrides)).run(engine)


def state_of(engine, item_id):
    """What a user would see change: the row, its timeline length and the audit length."""
    item = get_item(engine, item_id)
    return (item.status, item.version, item.title, item.due_on, item.received_on, item.feedback_on,
            item.outcome, item.closed_on, len(events(engine, item_id)), count(engine, AuditLog))


# --- creation ----------------------------------------------------------------------------------

def test_create_sent_item_due_from_sent_on_with_rule_basis_event_and_audit(engine, units):
    before = count(engine, AuditLog)
    item_id = create(engine, units)
    item = get_item(engine, item_id)
    assert item.status == lc.SENT and item.received_on is None
    assert item.mechanism == "四(五)" and item.needs_feedback
    assert item.due_on == date(2026, 11, 18)  # 2 months after sending, until receipt is known
    assert item.due_rule == "收到后2个月"
    assert item.due_basis == KINDS["procuratorial_suggestion"].rule.basis
    assert item.due_override_reason is None and item.due_approximate is False
    assert item.version == 1
    [created] = events(engine, item_id)
    assert (created.event_type, created.from_status, created.to_status, created.occurred_on) == (
        "created", None, lc.SENT, SENT_ON)
    assert count(engine, AuditLog) == before + 1
    [audit] = audits(engine, "item.create")
    assert (audit.entity, audit.entity_id, audit.username, audit.user_id) == ("item", item_id, "office1", None)
    assert audit.before is None
    assert audit.after["title"] == "关于食品安全监管的检察建议"
    assert audit.after["due_on"] == "2026-11-18" and audit.after["status"] == "sent"
    assert audit.after["to_unit_id"] == units["market_regulation"]


def test_create_received_item_due_from_receipt_with_received_event(engine, units):
    item_id = create(engine, units, received_on=RECEIVED_ON)
    item = get_item(engine, item_id)
    assert item.status == lc.RECEIVED and item.received_on == RECEIVED_ON
    assert item.due_on == date(2026, 11, 23)  # Sun 11-22 rolls to Mon 11-23
    created, received = events(engine, item_id)
    assert (created.event_type, created.to_status, created.occurred_on) == ("created", lc.SENT, SENT_ON)
    assert (received.event_type, received.from_status, received.to_status, received.occurred_on) == (
        "received", lc.SENT, lc.RECEIVED, RECEIVED_ON)
    [audit] = audits(engine, "item.create")
    assert audit.after["status"] == "received" and audit.after["received_on"] == "2026-09-22"


@pytest.mark.parametrize("kind,extra,due_on,rule_text", [
    ("legal_risk_consultation", {}, date(2026, 10, 20), "收到后15个工作日"),
    ("crime_transfer", {"details": {"case_name": "某公司销售假药案", "suspected_offence": "销售假药罪"}},
     date(2026, 9, 28), "收到后3日"),
    ("pil_pre_suit_suggestion", {"urgent": True, "doc_number": "硚检公建〔2026〕3号"}, date(2026, 10, 8),
     "收到后15日(紧急情形)"),
    ("pil_pre_suit_suggestion", {"urgent": False, "doc_number": "硚检公建〔2026〕3号"}, date(2026, 11, 23),
     "收到后2个月"),
    # the urgent flag means nothing for a kind without an urgent rule
    ("filing_notice", {"urgent": True}, date(2026, 10, 8), "收到后15日"),
])
def test_create_due_date_by_kind(engine, units, kind, extra, due_on, rule_text):
    item_id = create(engine, units, kind=kind, received_on=RECEIVED_ON, **extra)
    item = get_item(engine, item_id)
    assert (item.due_on, item.due_rule) == (due_on, rule_text)
    assert item.due_basis == (KINDS[kind].urgent_rule if item.urgent else KINDS[kind].rule).basis
    assert item.urgent == (kind == "pil_pre_suit_suggestion" and extra.get("urgent", False))


def test_major_case_notice_needs_no_feedback_and_has_no_due_date(engine, units):
    item_id = create(engine, units, kind="major_case_notice", from_unit_id=units["market_regulation"],
                     to_unit_id=units["procuratorate"], received_on=RECEIVED_ON)
    item = get_item(engine, item_id)
    assert item.needs_feedback is False and item.due_on is None
    assert item.due_rule == "无需反馈" and item.mechanism == "四(三)"


def test_admin_rule_setting_and_holiday_entry_change_the_computed_due_date(engine, units):
    with session_factory(engine)() as s, s.begin():
        s.add(DeadlineRuleSetting(kind="legal_risk_consultation", amount=10, unit="days", version=1))
        # an admin declares Mon 2026-10-12 an extra holiday (it is a working day in the package)
        s.add(HolidayEntry(day=date(2026, 10, 12), is_workday=False, note="测试"))
    item_id = create(engine, units, kind="legal_risk_consultation", received_on=date(2026, 10, 1))
    item = get_item(engine, item_id)
    # 10-01 + 10 days = Sun 10-11 (rest day) -> Mon 10-12 is the admin's holiday -> Tue 10-13
    assert item.due_on == date(2026, 10, 13)
    assert item.due_rule == "收到后10日"
    assert item.due_basis == KINDS["legal_risk_consultation"].rule.basis


# --- overriding the due date ------------------------------------------------------------------

def test_override_without_reason_is_refused(engine, units):
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, due_on_override=date(2026, 10, 9), override_reason="  ")
    assert set(exc.value.field_errors) == {"override_reason"}
    assert exc.value.field_errors["override_reason"] == "另定反馈期限须说明理由。"
    assert count(engine, Item) == 0


def test_override_with_reason_sets_due_date_and_survives_receipt(engine, units):
    item_id = create(engine, units, due_on_override=date(2026, 10, 9), override_reason="建议书载明30日内回复")
    item = get_item(engine, item_id)
    assert item.due_on == date(2026, 10, 9)
    assert item.due_override_reason == "建议书载明30日内回复"
    assert item.due_rule == "另行确定的期限"
    ReceiveItem(OFFICE, item_id=item_id, on=RECEIVED_ON).run(engine)
    item = get_item(engine, item_id)
    assert item.received_on == RECEIVED_ON and item.due_on == date(2026, 10, 9)  # not recomputed
    assert item.due_override_reason == "建议书载明30日内回复"


def test_override_before_sent_on_is_refused(engine, units):
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, due_on_override=date(2026, 9, 1), override_reason="理由")
    assert "due_on_override" in exc.value.field_errors


def test_pre_suit_consultation_needs_the_agreed_date(engine, units):
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, kind="pre_suit_consultation")
    assert exc.value.field_errors["due_on_override"] == "诉前磋商须填写双方议定的反馈期限。"
    assert count(engine, Item) == 0
    item_id = create(engine, units, kind="pre_suit_consultation", due_on_override=date(2026, 10, 30),
                     override_reason="双方磋商议定")
    item = get_item(engine, item_id)
    assert item.due_on == date(2026, 10, 30) and item.needs_feedback


# --- validation: each bad input names its field, nothing written --------------------------------

@pytest.mark.parametrize("overrides,field", [
    (dict(title=""), "title"),
    (dict(title="   "), "title"),
    (dict(title="长" * 201), "title"),
    (dict(from_unit_id=999999), "from_unit_id"),
    (dict(to_unit_id=999999), "to_unit_id"),
    (dict(to_unit_id=None), "to_unit_id"),
    (dict(to_unit_id="SAME"), "to_unit_id"),
    (dict(sent_on=TODAY + timedelta(days=1)), "sent_on"),
    (dict(sent_on=None), "sent_on"),
    (dict(sent_on="2026-09-18"), "sent_on"),
    (dict(received_on=SENT_ON - timedelta(days=1)), "received_on"),
    (dict(received_on=TODAY + timedelta(days=1)), "received_on"),
    (dict(kind="no_such_kind"), "kind"),
    (dict(kind="crime_transfer", details={}), "details.case_name"),
    (dict(kind="crime_transfer", details={"case_name": "某案"}), "details.suspected_offence"),
    (dict(kind="crime_transfer", details={"case_name": "某案", "suspected_offence": "长" * 201}),
     "details.suspected_offence"),
    (dict(doc_number=""), "doc_number"),
    (dict(doc_number=None), "doc_number"),
    (dict(summary="长" * 2001), "summary"),
    (dict(key_task_id=999999), "key_task_id"),
])
def test_create_refuses_bad_input_naming_the_field(engine, units, overrides, field):
    if overrides.get("to_unit_id") == "SAME":
        overrides = dict(to_unit_id=units["procuratorate"])
    audit_before = count(engine, AuditLog)
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, **overrides)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    assert count(engine, Item) == 0 and count(engine, ItemEvent) == 0
    assert count(engine, AuditLog) == audit_before


def test_same_unit_message(engine, units):
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, to_unit_id=units["procuratorate"])
    assert exc.value.field_errors["to_unit_id"] == "发出单位与接收单位不能相同。"


def test_received_before_sent_message(engine, units):
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, received_on=date(2026, 9, 17))
    assert exc.value.field_errors["received_on"] == "不能早于发出日期。"


def test_inactive_unit_is_refused(engine, units):
    with session_factory(engine)() as s, s.begin():
        s.get(Unit, units["justice"]).active = False
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, to_unit_id=units["justice"])
    assert exc.value.field_errors["to_unit_id"] == "未知单位。"


def test_duplicate_external_ref_is_refused(engine, units):
    create(engine, units, external_ref="REF-001")
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, external_ref=" REF-001 ", title="另一件")
    assert exc.value.field_errors["external_ref"] == "该外部编号已被其他事项使用。"
    assert count(engine, Item) == 1


def test_title_of_exactly_200_chars_and_trimmed_title_accepted(engine, units):
    item_id = create(engine, units, title="长" * 200)
    assert get_item(engine, item_id).title == "长" * 200
    item_id = create(engine, units, title="  有空格的标题  ")
    assert get_item(engine, item_id).title == "有空格的标题"


# --- the lifecycle --------------------------------------------------------------------------------

def test_full_lifecycle_with_timeline_and_recomputed_due_date(engine, units):
    details = {"case_name": "某公司销售假药案", "suspected_offence": "销售假药罪"}
    item_id = create(engine, units, kind="crime_transfer", from_unit_id=units["market_regulation"],
                     to_unit_id=units["public_security"], doc_number=None, details=details,
                     sent_on=date(2026, 9, 21))
    item = get_item(engine, item_id)
    assert (item.status, item.due_on) == (lc.SENT, date(2026, 9, 24))  # from sending: Mon + 3 = Thu

    ReceiveItem(OFFICE, item_id=item_id, on=RECEIVED_ON, version=item.version).run(engine)
    item = get_item(engine, item_id)
    assert (item.status, item.received_on) == (lc.RECEIVED, RECEIVED_ON)
    assert item.due_on == date(2026, 9, 28)  # recomputed from receipt, over the Mid-Autumn holiday
    assert item.due_rule == "收到后3日"

    StartItem(OFFICE, item_id=item_id, on=date(2026, 9, 23), version=item.version).run(engine)
    item = get_item(engine, item_id)
    assert item.status == lc.IN_PROGRESS

    RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 9, 24), feedback_text=" 已立案侦查 ", outcome="立案",
                   version=item.version).run(engine)
    item = get_item(engine, item_id)
    assert item.status == lc.RESPONDED
    assert (item.feedback_on, item.feedback_text, item.outcome) == (date(2026, 9, 24), "已立案侦查", "立案")
    assert not lc.answered_late(item.due_on, item.feedback_on)
    assert item.received_on == RECEIVED_ON and item.due_on == date(2026, 9, 28)  # unchanged by feedback

    version = item.version
    CloseItem(OFFICE, item_id=item_id, on=date(2026, 9, 30), version=version).run(engine)
    item = get_item(engine, item_id)
    assert (item.status, item.closed_on) == (lc.CLOSED, date(2026, 9, 30))
    assert item.version > version

    timeline = [(e.event_type, e.from_status, e.to_status, e.occurred_on) for e in events(engine, item_id)]
    assert timeline == [
        ("created", None, "sent", date(2026, 9, 21)),
        ("receive", "sent", "received", RECEIVED_ON),
        ("start", "received", "in_progress", date(2026, 9, 23)),
        ("respond", "in_progress", "responded", date(2026, 9, 24)),
        ("close", "responded", "closed", date(2026, 9, 30)),
    ]
    assert [a.action for a in audits(engine) if a.entity == "item"] == [
        "item.create", "item.receive", "item.start", "item.respond", "item.close"]
    receive_audit = audits(engine, "item.receive")[0]
    assert receive_audit.before["status"] == "sent" and receive_audit.after["status"] == "received"
    assert receive_audit.before["due_on"] == "2026-09-24" and receive_audit.after["due_on"] == "2026-09-28"


def test_starting_a_sent_item_counts_as_receipt(engine, units):
    item_id = create(engine, units)
    StartItem(OFFICE, item_id=item_id, on=RECEIVED_ON).run(engine)
    item = get_item(engine, item_id)
    assert (item.status, item.received_on, item.due_on) == (lc.IN_PROGRESS, RECEIVED_ON, date(2026, 11, 23))


def test_feedback_on_an_item_never_signed_for(engine, units):
    item_id = create(engine, units)
    RecordFeedback(OFFICE, item_id=item_id, on=RECEIVED_ON, feedback_text="采纳并整改", outcome="采纳").run(engine)
    item = get_item(engine, item_id)
    assert (item.status, item.feedback_on, item.outcome) == (lc.RESPONDED, RECEIVED_ON, "采纳")
    assert [(e.event_type, e.from_status, e.to_status) for e in events(engine, item_id)] == [
        ("created", None, "sent"), ("respond", "sent", "responded")]


def test_late_feedback_on_an_item_never_signed_for_still_counts_as_late(engine, units):
    """The item was never signed for, so its due date ran from sending (Fri 09-18 + 2 months = Wed 11-18) and it
    is shown overdue from 11-19. Feedback recorded on 11-24 came after that due date: it must count as answered
    late (DESIGN §4), and recording it must not move the due date to two months after the feedback."""
    item_id = create(engine, units)
    item = get_item(engine, item_id)
    assert item.due_on == date(2026, 11, 18)
    assert lc.is_overdue(item.needs_feedback, item.status, item.due_on, date(2026, 11, 24))
    RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 11, 24), feedback_text="迟复", outcome="采纳").run(engine)
    item = get_item(engine, item_id)
    assert item.due_on == date(2026, 11, 18)
    assert lc.answered_late(item.due_on, item.feedback_on)


@pytest.mark.parametrize("steps,late_step,on", [
    # starting work before the item was signed for
    ([], StartItem, date(2026, 9, 21)),
    # closing before the feedback it closes
    ([(RecordFeedback, date(2026, 9, 24), {"feedback_text": "已采纳", "outcome": "采纳"})], CloseItem,
     date(2026, 9, 23)),
])
def test_a_step_dated_before_the_step_it_follows_is_refused(engine, units, steps, late_step, on):
    item_id = create(engine, units, received_on=RECEIVED_ON)  # signed for on 09-22
    for command, day, extra in steps:
        command(OFFICE, item_id=item_id, on=day, **extra).run(engine)
    before = state_of(engine, item_id)
    with pytest.raises(ValidationFailed) as exc:
        late_step(OFFICE, item_id=item_id, on=on).run(engine)
    assert "on" in exc.value.field_errors
    assert state_of(engine, item_id) == before


def test_late_feedback_is_recorded_as_answered_late(engine, units):
    item_id = create(engine, units, received_on=RECEIVED_ON)
    RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 11, 24), feedback_text="迟复", outcome="部分采纳").run(engine)
    item = get_item(engine, item_id)
    assert lc.answered_late(item.due_on, item.feedback_on)  # due Mon 11-23


def test_return_and_withdraw_keep_the_reason_on_the_timeline(engine, units):
    returned = create(engine, units)
    ReturnItem(OFFICE, item_id=returned, on=RECEIVED_ON, reason=" 材料不全 ").run(engine)
    withdrawn = create(engine, units, received_on=RECEIVED_ON)
    WithdrawItem(OFFICE, item_id=withdrawn, on=date(2026, 9, 25), reason="已另行处理").run(engine)
    assert get_item(engine, returned).status == lc.RETURNED
    assert get_item(engine, withdrawn).status == lc.WITHDRAWN
    last = events(engine, returned)[-1]
    assert (last.event_type, last.from_status, last.to_status, last.note) == ("return", "sent", "returned", "材料不全")
    last = events(engine, withdrawn)[-1]
    assert (last.event_type, last.from_status, last.to_status, last.note) == (
        "withdraw", "received", "withdrawn", "已另行处理")


@pytest.mark.parametrize("command", [ReturnItem, WithdrawItem])
def test_return_and_withdraw_need_a_reason(engine, units, command):
    item_id = create(engine, units)
    before = state_of(engine, item_id)
    with pytest.raises(ValidationFailed) as exc:
        command(OFFICE, item_id=item_id, on=RECEIVED_ON, reason="  ").run(engine)
    assert exc.value.field_errors["reason"] == "必填。"
    assert state_of(engine, item_id) == before


def test_note_is_added_to_the_timeline_today(engine, units):
    item_id = create(engine, units)
    AddItemNote(OFFICE, item_id=item_id, note=" 已电话催办 ").run(engine)
    last = events(engine, item_id)[-1]
    assert (last.event_type, last.note, last.occurred_on, last.from_status, last.to_status) == (
        "note", "已电话催办", TODAY, None, None)
    assert get_item(engine, item_id).status == lc.SENT
    with pytest.raises(ValidationFailed) as exc:
        AddItemNote(OFFICE, item_id=item_id, note="").run(engine)
    assert "note" in exc.value.field_errors


def test_action_on_unknown_item_is_not_found(engine, units):
    with pytest.raises(NotFound):
        ReceiveItem(OFFICE, item_id=999999, on=RECEIVED_ON).run(engine)
    with pytest.raises(NotFound):
        AddItemNote(OFFICE, item_id=999999, note="x").run(engine)


# --- transitions: every (status, action) pair ---------------------------------------------------

ACTION_COMMANDS = {
    "receive": (ReceiveItem, {}),
    "start": (StartItem, {}),
    "respond": (RecordFeedback, {"feedback_text": "已采纳", "outcome": "采纳"}),
    "return": (ReturnItem, {"reason": "材料不全"}),
    "close": (CloseItem, {}),
    "withdraw": (WithdrawItem, {"reason": "撤回"}),
}


STATUS_LABELS = {"sent": "已发出", "received": "已签收", "in_progress": "办理中", "responded": "已反馈",
                 "closed": "已办结", "returned": "已退回", "withdrawn": "已撤回"}


def item_in(engine, units, status) -> int:
    """An item brought to `status` by the office through the commands."""
    item_id = create(engine, units)
    steps = {
        lc.SENT: [], lc.RECEIVED: ["receive"], lc.IN_PROGRESS: ["receive", "start"],
        lc.RESPONDED: ["receive", "respond"], lc.CLOSED: ["receive", "respond", "close"],
        lc.RETURNED: ["return"], lc.WITHDRAWN: ["withdraw"],
    }[status]
    for step in steps:
        command, extra = ACTION_COMMANDS[step]
        command(OFFICE, item_id=item_id, on=RECEIVED_ON, **extra).run(engine)
    assert get_item(engine, item_id).status == status
    return item_id


@pytest.mark.parametrize("action", sorted(ACTION_COMMANDS))
@pytest.mark.parametrize("status", lc.ITEM_STATUSES)
def test_transition_allowed_or_refused_by_the_command(engine, units, status, action):
    item_id = item_in(engine, units, status)
    command, extra = ACTION_COMMANDS[action]
    target = lc.ITEM_TRANSITIONS[status].get(action)
    if target:
        command(OFFICE, item_id=item_id, on=date(2026, 9, 30), **extra).run(engine)
        assert get_item(engine, item_id).status == target
        last = events(engine, item_id)[-1]
        assert (last.event_type, last.from_status, last.to_status) == (action, status, target)
    else:
        before = state_of(engine, item_id)
        with pytest.raises(ValidationFailed) as exc:
            command(OFFICE, item_id=item_id, on=date(2026, 9, 30), **extra).run(engine)
        assert set(exc.value.field_errors) == {"action"}
        assert exc.value.field_errors["action"].startswith(f"当前阶段为“{STATUS_LABELS[status]}”")
        assert state_of(engine, item_id) == before


def test_refused_transitions_named_in_the_brief(engine, units):
    sent = item_in(engine, units, lc.SENT)
    with pytest.raises(ValidationFailed) as exc:
        CloseItem(OFFICE, item_id=sent, on=RECEIVED_ON).run(engine)
    assert exc.value.field_errors["action"] == "当前阶段为“已发出”,不能办结。"
    closed = item_in(engine, units, lc.CLOSED)
    with pytest.raises(ValidationFailed) as exc:
        RecordFeedback(OFFICE, item_id=closed, on=RECEIVED_ON, feedback_text="x", outcome="采纳").run(engine)
    assert exc.value.field_errors["action"] == "当前阶段为“已办结”,不能登记反馈。"
    received = item_in(engine, units, lc.RECEIVED)
    with pytest.raises(ValidationFailed) as exc:
        ReceiveItem(OFFICE, item_id=received, on=date(2026, 9, 23)).run(engine)
    assert exc.value.field_errors["action"] == "当前阶段为“已签收”,不能签收。"
    assert get_item(engine, received).received_on == RECEIVED_ON
    in_progress = item_in(engine, units, lc.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as exc:
        ReturnItem(OFFICE, item_id=in_progress, on=RECEIVED_ON, reason="材料不全").run(engine)
    assert exc.value.field_errors["action"] == "当前阶段为“办理中”,不能退回。"


# --- feedback validation ----------------------------------------------------------------------------

def test_feedback_before_sending_is_refused(engine, units):
    item_id = create(engine, units)
    before = state_of(engine, item_id)
    with pytest.raises(ValidationFailed) as exc:
        RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 9, 17), feedback_text="x", outcome="采纳").run(engine)
    assert exc.value.field_errors["on"] == "不能早于发出日期。"
    assert state_of(engine, item_id) == before


def test_feedback_before_receipt_is_refused(engine, units):
    item_id = create(engine, units, received_on=RECEIVED_ON)
    before = state_of(engine, item_id)
    with pytest.raises(ValidationFailed) as exc:
        RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 9, 21), feedback_text="x", outcome="采纳").run(engine)
    assert exc.value.field_errors["on"] == "不能早于签收日期。"
    assert state_of(engine, item_id) == before


@pytest.mark.parametrize("data,field", [
    (dict(outcome="立案"), "outcome"),  # an outcome of another kind
    (dict(outcome="同意"), "outcome"),
    (dict(outcome=None), "outcome"),
    (dict(feedback_text="长" * 2001), "feedback_text"),
    (dict(feedback_text="   "), "feedback_text"),
    (dict(on=TODAY + timedelta(days=1)), "on"),
    (dict(on=None), "on"),
])
def test_feedback_refuses_bad_input_naming_the_field(engine, units, data, field):
    item_id = create(engine, units, received_on=RECEIVED_ON)
    before = state_of(engine, item_id)
    values = dict(item_id=item_id, on=date(2026, 9, 30), feedback_text="已采纳", outcome="采纳")
    values.update(data)
    with pytest.raises(ValidationFailed) as exc:
        RecordFeedback(OFFICE, **values).run(engine)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    assert state_of(engine, item_id) == before


def test_unknown_outcome_message_and_text_of_2000_chars_accepted(engine, units):
    item_id = create(engine, units, received_on=RECEIVED_ON)
    with pytest.raises(ValidationFailed) as exc:
        RecordFeedback(OFFICE, item_id=item_id, on=RECEIVED_ON, feedback_text="x", outcome="同意").run(engine)
    assert exc.value.field_errors["outcome"] == "该事项类型没有这个办理结果。"
    RecordFeedback(OFFICE, item_id=item_id, on=RECEIVED_ON, feedback_text="长" * 2000, outcome="不采纳").run(engine)
    assert get_item(engine, item_id).outcome == "不采纳"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_accepts_its_own_outcomes(engine, units, kind):
    # the kind's required details filled (a transfer's case and offence)
    extra = {"details": {name: "某案" for name in KINDS[kind].required_details}} if KINDS[kind].required_details else {}
    if kind == "pre_suit_consultation":
        extra.update(due_on_override=date(2026, 12, 1), override_reason="议定")
    item_id = create(engine, units, kind=kind, received_on=RECEIVED_ON, **extra)
    outcome = KINDS[kind].outcomes[-1]
    RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 9, 30), feedback_text="已办理", outcome=outcome).run(engine)
    assert get_item(engine, item_id).outcome == outcome


# --- editing and stale edits ------------------------------------------------------------------------

def test_update_item_recomputes_due_date_and_records_an_edit(engine, units):
    item_id = create(engine, units, received_on=RECEIVED_ON)
    version = get_item(engine, item_id).version
    UpdateItem(OFFICE, **fields(units, item_id=item_id, version=version, kind="legal_risk_consultation",
                                title="改为法律咨询", received_on=RECEIVED_ON)).run(engine)
    item = get_item(engine, item_id)
    assert (item.title, item.kind, item.mechanism) == ("改为法律咨询", "legal_risk_consultation", "四(三)")
    assert item.version > version
    assert (item.due_on, item.due_rule) == (date(2026, 10, 20), "收到后15个工作日")
    assert item.status == lc.RECEIVED  # editing fields never changes the status
    last = events(engine, item_id)[-1]
    assert (last.event_type, last.occurred_on) == ("edited", TODAY)
    [audit] = audits(engine, "item.update")
    assert audit.before["title"] == "关于食品安全监管的检察建议" and audit.after["title"] == "改为法律咨询"


def test_update_keeps_own_external_ref(engine, units):
    item_id = create(engine, units, external_ref="REF-9")
    UpdateItem(OFFICE, **fields(units, item_id=item_id, version=1, external_ref="REF-9", title="新标题")).run(engine)
    assert get_item(engine, item_id).title == "新标题"
    other = create(engine, units, external_ref="REF-10")
    with pytest.raises(ValidationFailed) as exc:
        UpdateItem(OFFICE, **fields(units, item_id=other, version=1, external_ref="REF-9")).run(engine)
    assert "external_ref" in exc.value.field_errors


def test_update_with_an_old_version_is_stale_and_changes_nothing(engine, units):
    item_id = create(engine, units)
    ReceiveItem(OFFICE, item_id=item_id, on=RECEIVED_ON, version=1).run(engine)
    before = state_of(engine, item_id)
    with pytest.raises(StaleEdit) as exc:
        UpdateItem(OFFICE, **fields(units, item_id=item_id, version=1, title="过期的修改")).run(engine)
    assert "已被他人修改" in exc.value.message
    assert state_of(engine, item_id) == before
    assert get_item(engine, item_id).title == "关于食品安全监管的检察建议"


def test_feedback_with_an_old_version_is_stale_and_changes_nothing(engine, units):
    item_id = create(engine, units, received_on=RECEIVED_ON)
    seen = get_item(engine, item_id).version  # what the form was opened with
    StartItem(OFFICE, item_id=item_id, on=date(2026, 9, 23), version=seen).run(engine)
    before = state_of(engine, item_id)
    with pytest.raises(StaleEdit):
        RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 9, 24), feedback_text="已采纳", outcome="采纳",
                       version=seen).run(engine)
    assert state_of(engine, item_id) == before
    item = get_item(engine, item_id)
    assert (item.status, item.feedback_text, item.outcome) == (lc.IN_PROGRESS, None, None)


def test_two_users_with_the_same_version_second_is_stale(engine, units):
    item_id = create(engine, units)
    RecordFeedback(OFFICE, item_id=item_id, on=RECEIVED_ON, feedback_text="第一位", outcome="采纳",
                   version=1).run(engine)
    with pytest.raises((StaleEdit, ValidationFailed)):
        RecordFeedback(OFFICE, item_id=item_id, on=RECEIVED_ON, feedback_text="第二位", outcome="不采纳",
                       version=1).run(engine)
    assert get_item(engine, item_id).feedback_text == "第一位"


# --- permissions: every role for every action --------------------------------------------------------

ROLES = ("admin", "office", "convener", "viewer", "liaison_receiver", "liaison_sender", "liaison_other")
ALL_ACTIONS = ("create", "update", "receive", "start", "respond", "return", "close", "withdraw", "note")
ALLOWED = {
    "admin": set(ALL_ACTIONS),
    "office": set(ALL_ACTIONS),
    "liaison_receiver": {"receive", "start", "respond", "return", "note"},
    "liaison_sender": {"note"},
    "liaison_other": set(),
    "convener": set(),
    "viewer": set(),
}


def actor_for(role, units) -> Actor:
    # the test item goes from the procuratorate to the market regulator
    unit = {"liaison_receiver": units["market_regulation"], "liaison_sender": units["procuratorate"],
            "liaison_other": units["justice"]}.get(role)
    return Actor(None, f"{role}_user", "liaison" if role.startswith("liaison") else role, unit)


@pytest.mark.parametrize("action", ALL_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_of_every_role_for_every_action(engine, units, role, action):
    me = actor_for(role, units)
    allowed = action in ALLOWED[role]
    on = date(2026, 9, 30)
    if action == "create":
        run = CreateItem(me, **fields(units, title="由该角色录入"))
        item_id = None
    else:
        setup_status = {"start": lc.RECEIVED, "respond": lc.RECEIVED, "close": lc.RESPONDED}.get(action, lc.SENT)
        item_id = item_in(engine, units, setup_status)
        run = {
            "update": lambda: UpdateItem(me, **fields(units, item_id=item_id, version=get_item(engine, item_id).version,
                                                      title="由该角色修改")),
            "receive": lambda: ReceiveItem(me, item_id=item_id, on=on),
            "start": lambda: StartItem(me, item_id=item_id, on=on),
            "respond": lambda: RecordFeedback(me, item_id=item_id, on=on, feedback_text="已采纳", outcome="采纳"),
            "return": lambda: ReturnItem(me, item_id=item_id, on=on, reason="材料不全"),
            "close": lambda: CloseItem(me, item_id=item_id, on=on),
            "withdraw": lambda: WithdrawItem(me, item_id=item_id, on=on, reason="撤回"),
            "note": lambda: AddItemNote(me, item_id=item_id, note="联络员备注"),
        }[action]()
    items_before, audit_before = count(engine, Item), count(engine, AuditLog)
    before = state_of(engine, item_id) if item_id else None
    if allowed:
        result = run.run(engine)
        assert result is not None
        assert count(engine, AuditLog) == audit_before + 1
        audit = audits(engine)[-1]
        assert audit.username == me.username and audit.entity_id == result
        if action == "create":
            assert count(engine, Item) == items_before + 1
        else:
            assert result == item_id and state_of(engine, item_id) != before
            expected_status = {"receive": lc.RECEIVED, "start": lc.IN_PROGRESS, "respond": lc.RESPONDED,
                               "return": lc.RETURNED, "close": lc.CLOSED, "withdraw": lc.WITHDRAWN}.get(action)
            if expected_status:
                assert get_item(engine, item_id).status == expected_status
    else:
        with pytest.raises(PermissionDenied) as exc:
            run.run(engine)
        assert exc.value.message == "您没有执行此操作的权限。"
        assert count(engine, Item) == items_before and count(engine, AuditLog) == audit_before
        if item_id:
            assert state_of(engine, item_id) == before


def test_liaison_without_a_unit_can_do_nothing(engine, units):
    item_id = item_in(engine, units, lc.SENT)
    loose = Actor(None, "loose", "liaison", None)
    for run in (ReceiveItem(loose, item_id=item_id, on=RECEIVED_ON), AddItemNote(loose, item_id=item_id, note="x")):
        with pytest.raises(PermissionDenied):
            run.run(engine)


def test_control_characters_are_refused_with_a_message(engine):
    with pytest.raises(ValidationFailed) as exc:
        CreateItem(OFFICE_ACTOR_FOR_CONTROL_TEST, kind="investigation_assistance",
                   from_unit_id=_unit(engine, "procuratorate"), to_unit_id=_unit(engine, "justice"),
                   title="标题\x0b含控制字符", sent_on=date(2026, 11, 2)).run(engine)
    assert exc.value.field_errors["title"].startswith("含有不可见的控制字符")


def test_editing_an_answered_item_keeps_the_due_date_it_was_measured_against(engine):
    item_id = CreateItem(OFFICE_ACTOR_FOR_CONTROL_TEST, kind="investigation_assistance",
                         from_unit_id=_unit(engine, "procuratorate"), to_unit_id=_unit(engine, "justice"),
                         title="未签收即反馈", sent_on=date(2026, 9, 1)).run(engine)
    RecordFeedback(OFFICE_ACTOR_FOR_CONTROL_TEST, item_id=item_id, on=date(2026, 11, 2), feedback_text="已协助",
                   outcome="已协助").run(engine)
    with read_session(engine) as s:
        item = s.get(Item, item_id)
        due, version = item.due_on, item.version
    UpdateItem(OFFICE_ACTOR_FOR_CONTROL_TEST, item_id=item_id, version=version, kind="investigation_assistance",
               from_unit_id=_unit(engine, "procuratorate"), to_unit_id=_unit(engine, "justice"),
               title="改过标题", sent_on=date(2026, 9, 1), received_on=date(2026, 11, 2)).run(engine)
    with read_session(engine) as s:
        item = s.get(Item, item_id)
    assert item.title == "改过标题" and item.due_on == due and item.feedback_on > item.due_on


OFFICE_ACTOR_FOR_CONTROL_TEST = Actor(None, "system", "office")


def _unit(engine, code):
    with read_session(engine) as s:
        return s.scalar(select(Unit.id).where(Unit.code == code))


# -- typed input ----------------------------------------------------------------------------------

def test_input_fields_declare_the_stored_column_and_required_flag_once():
    """What validation reads, a form may read too: every field of the command, typed, with the
    column a text is stored in and whether it is required."""
    from db.commands.base import input_fields
    declared = {f.name: f for f in input_fields(CreateItem)}
    assert "actor" not in declared and set(declared) >= {"kind", "title", "sent_on", "details", "urgent"}
    assert (declared["title"].stored, declared["title"].required) == (Item.title, True)
    assert (declared["summary"].stored, declared["summary"].required) == (Item.summary, False)
    assert declared["sent_on"].stored is None and declared["sent_on"].type == date | None
    assert {f.name for f in input_fields(UpdateItem)} == set(declared) | {"item_id", "version"}
    assert {f.name: f.required for f in input_fields(ReturnItem) if f.is_text} == {"note": False, "reason": True}


def test_an_unknown_field_is_an_error_of_the_caller_and_the_input_is_frozen(units):
    import dataclasses
    with pytest.raises(TypeError):
        CreateItem(OFFICE, titel="错字")
    command = CreateItem(OFFICE, **fields(units))
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.title = "改"


@pytest.mark.parametrize("overrides, field, message", [
    (dict(title=b"\xe7\x94\xb2"), "title", "须填写文字。"),
    (dict(summary=1.5), "summary", "须填写文字。"),
    (dict(from_unit_id=1.0), "from_unit_id", "未知单位。"),
    (dict(key_task_id="1"), "key_task_id", "未知重点工作。"),
    (dict(sent_on="2026-09-18"), "sent_on", "日期格式不正确。"),
    (dict(sent_on=datetime(2026, 9, 18, 9, 30)), "sent_on", "日期格式不正确。"),
    (dict(details={"suggestion_number": 12}), "details.suggestion_number", "须填写文字。"),
    (dict(urgent="是"), "urgent", "“是”无法识别,应填“是”或“否”。"),
], ids=["bytes", "float-text", "float-id", "str-id", "str-date", "datetime", "int-detail", "str-flag"])
def test_a_value_of_the_wrong_type_is_refused_under_its_field(engine, units, overrides, field, message):
    before = count(engine, Item), count(engine, AuditLog)
    with pytest.raises(ValidationFailed) as exc:
        create(engine, units, **overrides)
    assert exc.value.field_errors == {field: message}
    assert (count(engine, Item), count(engine, AuditLog)) == before


def test_wrongly_typed_ids_are_refused_before_the_permission_check_reads_them(engine, units):
    """A liaison's own-unit check looks the item up by its id: a wrongly typed id never gets there."""
    liaison = Actor(None, "liaison_mr", "liaison", units["market_regulation"])
    item_id = create(engine, units)
    for bad in ("1", 1.5, b"1", [item_id]):
        with pytest.raises(ValidationFailed) as exc:
            ReceiveItem(liaison, item_id=bad, on=RECEIVED_ON).run(engine)
        assert set(exc.value.field_errors) == {"item_id"}
    assert get_item(engine, item_id).status == lc.SENT
