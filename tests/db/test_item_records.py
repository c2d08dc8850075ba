"""What the plan asks that is kept beside an item, on SQLite and PostgreSQL: the police's lawful
extension of a transfer's review, links between items shown from both sides, 移送追责 on an item
left overdue, and the two kinds of 四(五) added from the plan (建议移送, 不予立案复议). "Today" is
2026-11-26."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.permissions import Actor
from db.commands.base import PermissionDenied, ValidationFailed
from db.commands.item_records import LinkItems, RecordAccountability, RecordAccountabilityResult, UnlinkItems
from db.commands.items import CreateItem, ExtendPeriod, ReceiveItem, RecordFeedback
from db.engine import read_session
from db.models import Item
from db.queries.predicates import item_overdue
from db.queries.referrals import item_detail
from tests.conftest import TODAY

OFFICE = Actor(None, "office1", "office")


def liaison(units, code: str) -> Actor:
    return Actor(None, f"liaison_{code}", "liaison", units[code])


def transfer(engine, units, received_on: date, **extra) -> int:
    """A 涉嫌犯罪案件移送 from the market regulator to the police, received on `received_on`."""
    return CreateItem(OFFICE, kind="crime_transfer", from_unit_id=units["market_regulation"],
                      to_unit_id=units["public_security"], title="王某涉嫌销售伪劣产品案移送", sent_on=received_on,
                      received_on=received_on, details={"case_name": "王某涉嫌销售伪劣产品案",
                                                        "suspected_offence": "销售伪劣产品罪"}, **extra).run(engine)


def suggestion(engine, units, sent_on: date, title: str = "关于食品安全监管的检察建议") -> int:
    item_id = CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                         to_unit_id=units["market_regulation"], title=title, doc_number=f"硚检行建〔2026〕{sent_on.day}号",
                         sent_on=sent_on, details={}).run(engine)
    ReceiveItem(OFFICE, item_id=item_id, on=sent_on).run(engine)
    return item_id


def item(engine, item_id: int) -> Item:
    with read_session(engine) as s:
        return s.get(Item, item_id)


def overdue_ids(engine) -> set[int]:
    with read_session(engine) as s:
        return set(s.scalars(s.query(Item.id).where(item_overdue(TODAY)).statement))


# -- the police's extension of the 3-day review ---------------------------------------------------

def test_the_police_extend_a_transfers_review_and_it_is_no_longer_overdue(engine, units):
    received = TODAY - timedelta(days=8)  # 2026-11-18: the 3-day review fell due 2026-11-21 (a Saturday → 23rd)
    item_id = transfer(engine, units, received)
    assert item_id in overdue_ids(engine)
    police = liaison(units, "public_security")
    # approved within the three days, recorded only now that the item shows as overdue
    ExtendPeriod(police, item_id=item_id, version=item(engine, item_id).version, approved_on=received + timedelta(days=2),
                 new_due_on=received + timedelta(days=10), reason="案情复杂,经分局负责人批准延长审查期限至10日").run(engine)
    extended = item(engine, item_id)
    assert extended.due_on == date(2026, 11, 28) and not extended.due_approximate
    assert extended.due_rule == "依法延长审查期限" and "30日" in extended.due_basis
    assert item_id not in overdue_ids(engine)
    events = item_detail(engine, item_id)["events"]
    last = events.iloc[-1]
    assert last["event_type"] == "extended" and "2026-11-23" in last["note"] and "2026-11-28" in last["note"]
    assert last["note"].startswith("2026-11-20 批准")


def test_an_extension_approved_after_the_period_ran_out_or_before_receipt_is_refused(engine, units):
    received = TODAY - timedelta(days=8)  # due 2026-11-23
    item_id = transfer(engine, units, received)
    version = item(engine, item_id).version
    with pytest.raises(ValidationFailed) as refused:
        ExtendPeriod(OFFICE, item_id=item_id, version=version, approved_on=date(2026, 11, 24),
                     new_due_on=received + timedelta(days=10), reason="补批").run(engine)
    assert refused.value.field_errors == {"approved_on": "延长须在原期限 2026-11-23 届满前批准;届满后批准的不是依法延长。"}
    unsigned = CreateItem(OFFICE, kind="crime_transfer", from_unit_id=units["market_regulation"],
                          to_unit_id=units["public_security"], title="未签收的移送", sent_on=TODAY - timedelta(days=1),
                          details={"case_name": "某案", "suspected_offence": "某罪"}).run(engine)
    with pytest.raises(ValidationFailed) as refused:
        ExtendPeriod(OFFICE, item_id=unsigned, version=item(engine, unsigned).version, approved_on=TODAY,
                     new_due_on=TODAY + timedelta(days=5), reason="批准延长").run(engine)
    assert refused.value.field_errors == {"action": "尚未签收,审查期限还未开始计算。"}


def test_an_extension_must_be_later_within_30_days_and_have_a_reason(engine, units):
    received = TODAY - timedelta(days=2)
    item_id = transfer(engine, units, received)
    version = item(engine, item_id).version
    police = liaison(units, "public_security")
    for new_due_on, reason, field in ((received + timedelta(days=1), "批准延长", "new_due_on"),
                                      (received + timedelta(days=31), "批准延长", "new_due_on"),
                                      (received + timedelta(days=10), "  ", "reason")):
        with pytest.raises(ValidationFailed) as refused:
            ExtendPeriod(police, item_id=item_id, version=version, approved_on=received + timedelta(days=1),
                         new_due_on=new_due_on, reason=reason).run(engine)
        assert set(refused.value.field_errors) == {field}
    # another unit's liaison may not extend the police's period
    with pytest.raises(PermissionDenied):
        ExtendPeriod(liaison(units, "market_regulation"), item_id=item_id, version=version, approved_on=received,
                     new_due_on=received + timedelta(days=10), reason="批准延长").run(engine)


def test_only_a_kind_with_a_lawful_extension_can_be_extended(engine, units):
    item_id = suggestion(engine, units, date(2026, 9, 1))
    with pytest.raises(ValidationFailed) as refused:
        ExtendPeriod(OFFICE, item_id=item_id, version=item(engine, item_id).version, approved_on=date(2026, 9, 2),
                     new_due_on=date(2026, 12, 1), reason="申请延期").run(engine)
    assert "不能延长期限" in refused.value.field_errors["action"]


# -- links ------------------------------------------------------------------------------------------

def test_a_link_is_shown_on_both_items_and_can_be_removed(engine, units):
    first = transfer(engine, units, TODAY - timedelta(days=20))
    follow = CreateItem(OFFICE, kind="non_filing_explanation", from_unit_id=units["procuratorate"],
                        to_unit_id=units["public_security"], title="要求说明王某案不立案理由",
                        sent_on=TODAY - timedelta(days=5), details={"case_name": "王某涉嫌销售伪劣产品案"}).run(engine)
    LinkItems(OFFICE, from_item_id=first, to_item_id=follow).run(engine)
    led = item_detail(engine, first)["links"]
    came = item_detail(engine, follow)["links"]
    assert led[["relation", "other_id", "title"]].values.tolist() == [["led_to", follow, "要求说明王某案不立案理由"]]
    assert came[["relation", "other_id", "title"]].values.tolist() == [["came_from", first, "王某涉嫌销售伪劣产品案移送"]]
    # the same pair again, either way round, and an item with itself are refused
    for pair in ((first, follow), (follow, first)):
        with pytest.raises(ValidationFailed) as refused:
            LinkItems(OFFICE, from_item_id=pair[0], to_item_id=pair[1]).run(engine)
        assert refused.value.field_errors == {"to_item_id": "这两个事项已经关联。"}
    with pytest.raises(ValidationFailed):
        LinkItems(OFFICE, from_item_id=first, to_item_id=first).run(engine)
    with pytest.raises(PermissionDenied):  # a liaison does not link items
        LinkItems(liaison(units, "public_security"), from_item_id=follow, to_item_id=first).run(engine)
    UnlinkItems(OFFICE, link_id=int(led["link_id"].iloc[0])).run(engine)
    assert item_detail(engine, first)["links"].empty and item_detail(engine, follow)["links"].empty


# -- 移送追责 ---------------------------------------------------------------------------------------

def test_an_overdue_item_is_referred_for_accountability_and_the_result_recorded(engine, units):
    item_id = suggestion(engine, units, date(2026, 9, 1))  # due 2026-11-02, unanswered
    RecordAccountability(OFFICE, item_id=item_id, referred_to="区纪委监委", referred_on=date(2026, 11, 20),
                         reference="硚府检联〔2026〕5号").run(engine)
    records = item_detail(engine, item_id)["accountability"]
    assert records[["referred_to", "referred_on", "reference"]].values.tolist() == [
        ["区纪委监委", date(2026, 11, 20), "硚府检联〔2026〕5号"]]
    assert records["result"].isna().all()
    row = records.iloc[0]
    with pytest.raises(ValidationFailed) as refused:  # a result dated before the referral
        RecordAccountabilityResult(OFFICE, accountability_id=int(row["id"]), version=int(row["version"]),
                                   result="已约谈", result_on=date(2026, 11, 19)).run(engine)
    assert set(refused.value.field_errors) == {"result_on"}
    RecordAccountabilityResult(OFFICE, accountability_id=int(row["id"]), version=int(row["version"]),
                               result="已对分管负责人诫勉谈话", result_on=date(2026, 11, 25)).run(engine)
    assert item_detail(engine, item_id)["accountability"]["result"].tolist() == ["已对分管负责人诫勉谈话"]


def test_only_an_item_left_overdue_can_be_referred_and_only_after_its_due_date(engine, units):
    on_time = suggestion(engine, units, date(2026, 9, 1), "按期反馈的检察建议")
    RecordFeedback(OFFICE, item_id=on_time, version=item(engine, on_time).version, on=date(2026, 10, 30),
                   outcome="采纳", feedback_text="已整改").run(engine)
    with pytest.raises(ValidationFailed) as refused:
        RecordAccountability(OFFICE, item_id=on_time, referred_to="区纪委监委", referred_on=TODAY).run(engine)
    assert refused.value.field_errors == {"action": "该事项未逾期,也未逾期反馈,不能移送追责。"}
    late = suggestion(engine, units, date(2026, 8, 3), "逾期反馈的检察建议")  # due 2026-11-03
    RecordFeedback(OFFICE, item_id=late, version=item(engine, late).version, on=date(2026, 11, 10),
                   outcome="采纳", feedback_text="已整改").run(engine)
    with pytest.raises(ValidationFailed) as refused:
        RecordAccountability(OFFICE, item_id=late, referred_to="区纪委监委", referred_on=date(2026, 10, 1)).run(engine)
    assert set(refused.value.field_errors) == {"referred_on"}
    RecordAccountability(OFFICE, item_id=late, referred_to="区纪委监委", referred_on=date(2026, 11, 12)).run(engine)
    with pytest.raises(PermissionDenied):  # the unit itself does not refer
        RecordAccountability(liaison(units, "market_regulation"), item_id=late, referred_to="区纪委监委",
                             referred_on=date(2026, 11, 12)).run(engine)


# -- the kinds of 四(五) added from the plan -----------------------------------------------------------

def test_a_request_for_review_of_a_non_filing_decision_is_due_in_3_days(engine, units):
    item_id = CreateItem(OFFICE, kind="non_filing_review_request", from_unit_id=units["market_regulation"],
                         to_unit_id=units["public_security"], title="王某案不予立案提请复议", sent_on=date(2026, 11, 16),
                         received_on=date(2026, 11, 16), details={"case_name": "王某涉嫌销售伪劣产品案"}).run(engine)
    requested = item(engine, item_id)
    assert requested.due_on == date(2026, 11, 19) and requested.mechanism == "四(五)"
    assert "第9条" in requested.due_basis


def test_the_procuratorates_suggestion_to_transfer_a_case_goes_to_the_agency(engine, units):
    item_id = CreateItem(OFFICE, kind="transfer_suggestion", from_unit_id=units["procuratorate"],
                         to_unit_id=units["market_regulation"], title="建议移送李某涉嫌生产伪劣产品案",
                         sent_on=date(2026, 11, 2), received_on=date(2026, 11, 2),
                         details={"case_name": "李某涉嫌生产伪劣产品案"}).run(engine)
    suggested = item(engine, item_id)
    assert suggested.due_on == date(2026, 11, 17) and suggested.needs_feedback
    with pytest.raises(ValidationFailed) as refused:  # the case it concerns is required
        CreateItem(OFFICE, kind="transfer_suggestion", from_unit_id=units["procuratorate"],
                   to_unit_id=units["market_regulation"], title="建议移送", sent_on=date(2026, 11, 2), details={}).run(engine)
    assert set(refused.value.field_errors) == {"details.case_name"}
