"""The item detail (AppTest): the police extend a transfer's review from the page, office staff link
two items and see the link from both, and refer an overdue item for accountability, then record
the result."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.permissions import Actor
from db.commands.users import CreateUser
from db.engine import make_engine, read_session
from db.models import Accountability, Item, ItemLink
from tests.app.conftest import open_page, unit_id
from tests.app.test_referrals import PAGE, action_labels, choose_action, new_item
from tests.conftest import TODAY


def police_liaison(url: str) -> str:
    """A liaison account of the district police (the demo has only the market regulator's)."""
    CreateUser(Actor(None, "system", "admin"), username="police", display_name="公安联络员", password="Police-pass-1",
               role="liaison", unit_id=unit_id(url, "public_security")).run(make_engine(url))
    return "police"


def submit(at):
    return next(b for b in at.button if b.label == "提交").click().run()


def successes(at) -> list[str]:
    return [m.value for m in at.success]


def test_the_police_extend_a_transfers_review_and_the_item_is_no_longer_overdue(app_env):
    received = TODAY - timedelta(days=8)
    item_id = new_item(app_env, kind="crime_transfer", from_unit_id=unit_id(app_env, "market_regulation"),
                       to_unit_id=unit_id(app_env, "public_security"), doc_number=None, title="王某涉嫌销售伪劣产品案移送",
                       sent_on=received, received_on=received,
                       details={"case_name": "王某涉嫌销售伪劣产品案", "suspected_offence": "销售伪劣产品罪"})
    at = open_page(police_liaison(app_env), PAGE, item=str(item_id))
    assert any("已逾期" in e.value for e in at.error)
    assert "延长审查期限" in action_labels(at, item_id)
    choose_action(at, item_id, "extend")
    form = f"item_detail.{item_id}.extend"
    at.date_input(key=f"{form}.approved_on").set_value(received + timedelta(days=2))  # within the 3 days
    at.date_input(key=f"{form}.new_due_on").set_value(received + timedelta(days=10))
    submit(at)
    assert at.text_area(key=f"{form}.reason") is not None and not successes(at)  # the reason is required
    at.text_area(key=f"{form}.reason").input("案情复杂,经分局负责人批准延长审查期限至10日")
    submit(at)
    assert not at.exception and "已延长审查期限。" in successes(at)
    with read_session(make_engine(app_env)) as s:
        assert s.get(Item, item_id).due_on == received + timedelta(days=10)
    assert not any("已逾期" in e.value for e in at.error)
    assert "依法延长审查期限" in [t.value for t in at.text]


def test_office_links_two_items_and_each_shows_the_other(app_env):
    first = new_item(app_env, title="关于食品安全的检察建议")
    second = new_item(app_env, title="关于食品安全检察建议的督办", doc_number="硚检建〔2026〕902号")
    at = open_page("office", PAGE, item=str(first))
    choose_action(at, first, "link")
    form = f"item_detail.{first}.link"
    picker = at.selectbox(key=f"{form}.to_item_id")
    picker.set_value(second)
    at.radio(key=f"{form}.direction").set_value("led_to")
    submit(at)
    assert not at.exception and "已关联事项。" in successes(at)
    with read_session(make_engine(app_env)) as s:
        assert s.execute(select(ItemLink.from_item_id, ItemLink.to_item_id)).all() == [(first, second)]
    labels = [link.label for link in at.get("page_link")]
    assert any(f"#{second} 关于食品安全检察建议的督办" in label and "后续事项" in label for label in labels)
    back = open_page("office", PAGE, item=str(second))
    assert any(f"#{first} 关于食品安全的检察建议" in link.label and "源于" in link.label
               for link in back.get("page_link"))


def test_office_refers_an_overdue_item_for_accountability_and_records_the_result(app_env):
    item_id = new_item(app_env, sent_on=date(2026, 8, 3), received_on=date(2026, 8, 3))  # due 2026-10-09
    at = open_page("office", PAGE, item=str(item_id))
    choose_action(at, item_id, "accountability")
    form = f"item_detail.{item_id}.accountability"
    at.text_input(key=f"{form}.referred_to").input("区纪委监委")
    at.text_input(key=f"{form}.reference").input("硚府检联〔2026〕5号")
    submit(at)
    assert not at.exception and "已移送追责。" in successes(at)
    table = next(d.value for d in at.dataframe if "移送单位(追责机关)" in d.value.columns)
    assert table.iloc[0].tolist()[:4] == [TODAY.isoformat(), "区纪委监委", "硚府检联〔2026〕5号", "待反馈结果"]
    with read_session(make_engine(app_env)) as s:
        record = s.scalars(select(Accountability)).one()
    result_form = f"item_detail.{item_id}.accountability_result.{record.id}"
    at.text_area(key=f"{result_form}.result").input("已对分管负责人诫勉谈话")
    next(b for b in at.button if b.label == "提交" and result_form in str(b.form_id)).click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "移送单位(追责机关)" in d.value.columns)
    assert table.iloc[0]["追责结果"] == "已对分管负责人诫勉谈话"


def test_an_item_not_overdue_offers_no_accountability_and_a_liaison_no_link(app_env):
    item_id = new_item(app_env)  # sent six days ago: not yet due
    office = open_page("office", PAGE, item=str(item_id))
    assert "移送追责" not in action_labels(office, item_id) and "关联事项" in action_labels(office, item_id)
    liaison = open_page("liaison", PAGE, item=str(item_id))
    assert "关联事项" not in action_labels(liaison, item_id)


def test_a_note_is_added_from_the_detail_page(app_env):
    item_id = new_item(app_env)
    at = open_page("office", PAGE, item=str(item_id))
    choose_action(at, item_id, "note")
    at.text_area(key=f"item_detail.{item_id}.note.note").input("已电话联系承办人")
    submit(at)
    assert not at.exception and not at.error and "已添加备注。" in successes(at)
    timeline = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    assert "已电话联系承办人" in timeline["说明"].tolist()
