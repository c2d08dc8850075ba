"""移送与反馈 page (AppTest): true totals, URL filters, the matrix click-through, pagination, item
detail, the new-item form and the lifecycle forms with good and bad input, per role."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, or_, select, update

from core.permissions import Actor
from db.commands.base import ValidationFailed
from db.commands.items import TEXT_MAX, TITLE_MAX, CreateItem, ReceiveItem, RecordFeedback
from db.engine import make_engine, read_session
from db.models import Item, ItemEvent, Unit
from tests.app.conftest import open_page, unit_id
from tests.conftest import TODAY
from tests.app.helpers import caption_after, captions, errors, hand_count, url_param

PAGE = "app_pages/referrals.py"
OPEN = ("sent", "received", "in_progress")
PERIOD_START = date(2025, 11, 26)  # default period 近12个月: today − 365 days
SYSTEM_ADMIN = Actor(None, "system", "admin")


# -- helpers -----------------------------------------------------------------------------------

def referrals(username: str = "office", **params) -> object:
    return open_page(username, PAGE, **params)



def overdue_conditions():
    return (Item.needs_feedback.is_(True), Item.status.in_(OPEN), Item.due_on < TODAY)


def item_list(at):
    """The paginated item list (the only table with a 文号 column)."""
    return next(d.value for d in at.dataframe if "文号" in d.value.columns)


def matrix(at):
    return next(d.value for d in at.dataframe if "成员单位" in d.value.columns)


def count_caption(at) -> tuple[int, int, int]:
    text = next(c.value for c in at.caption if c.value.startswith("共 "))
    total, page, pages = re.fullmatch(r"共 (\d+) 件 · 第 (\d+)/(\d+) 页", text).groups()
    return int(total), int(page), int(pages)


def new_item(url, **overrides) -> int:
    """An item recorded by the office behind the page (status 已发出, not yet received)."""
    data = dict(kind="procuratorial_suggestion", from_unit_id=unit_id(url, "procuratorate"),
                to_unit_id=unit_id(url, "market_regulation"), doc_number="硚检建〔2026〕901号",
                title="关于测试事项的检察建议", summary="", details={}, sent_on=TODAY - timedelta(days=6),
                received_on=None, urgent=False, due_on_override=None, override_reason=None, key_task_id=None,
                external_ref=None)
    data.update(overrides)
    return CreateItem(SYSTEM_ADMIN, **data).run(make_engine(url))


def choose_action(at, item_id: int, action: str):
    group = next(g for g in at.get("button_group") if g.key == f"item_detail.{item_id}.action")
    group.set_value(action)
    return at.run()


def action_labels(at, item_id: int) -> list[str]:
    return [o for g in at.get("button_group") if g.key == f"item_detail.{item_id}.action" for o in g.options]


# -- totals, filters and the URL ------------------------------------------------------------------

def test_default_total_matches_the_database(app_env):
    at = referrals()
    assert not at.exception
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START)
    assert expected > 50
    total, page, pages = count_caption(at)
    assert (total, page, pages) == (expected, 1, -(-expected // 50))
    assert len(item_list(at)) == 50


def test_kind_filter_narrows_the_list_and_is_written_to_the_url(app_env):
    at = referrals()
    at.multiselect(key="referrals.kind").set_value(["procuratorial_suggestion"]).run()
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START, Item.kind == "procuratorial_suggestion")
    assert 0 < expected < count_caption(referrals())[0]
    assert count_caption(at)[0] == expected
    assert set(item_list(at)["事项类型"]) == {"检察建议"}
    assert at.query_params["kind"] in ("procuratorial_suggestion", ["procuratorial_suggestion"])


def test_status_filter_narrows_the_list_and_is_written_to_the_url(app_env):
    at = referrals()
    at.multiselect(key="referrals.status").set_value(["in_progress"]).run()
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START, Item.status == "in_progress")
    assert expected > 0
    assert count_caption(at)[0] == expected
    assert set(item_list(at)["办理阶段"]) == {"办理中"}
    assert at.query_params["status"] in ("in_progress", ["in_progress"])


def test_overdue_only_filter_narrows_the_list_and_is_written_to_the_url(app_env):
    at = referrals()
    at.checkbox(key="overdue").check().run()
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START, *overdue_conditions())
    assert expected > 0
    assert count_caption(at)[0] == expected
    shown = item_list(at)
    assert set(shown["办理阶段"]) <= {"已发出", "已签收", "办理中"}
    assert all(d < TODAY.isoformat() for d in shown["反馈期限"])
    assert url_param(at.checkbox(key="overdue")) == "overdue"


def test_text_filter_searches_title_summary_and_doc_number(app_env):
    at = referrals()
    at.text_input(key="q").input("消防").run()
    like = "%消防%"
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START,
                          or_(Item.title.like(like), Item.summary.like(like), Item.doc_number.like(like)))
    assert 0 < expected < count_caption(referrals())[0]
    assert count_caption(at)[0] == expected
    assert url_param(at.text_input(key="q")) == "q"


def test_link_with_unit_and_overdue_reproduces_the_view(app_env):
    police = unit_id(app_env, "public_security")
    at = referrals(to=str(police), overdue="true")
    assert not at.exception
    assert at.selectbox(key="referrals.to").value == police
    assert at.checkbox(key="overdue").value is True
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START, Item.to_unit_id == police, *overdue_conditions())
    assert expected > 0
    assert count_caption(at)[0] == expected
    shown = item_list(at)
    assert len(shown) == expected and set(shown["接收单位"]) == {"区公安分局"}
    # the matrix still lists every receiving unit, so another one can be chosen
    assert len(matrix(at)) > 1


def test_link_with_outcome_and_text_reproduces_the_view(app_env):
    """outcome and q are bound to the URL by Streamlit: a link carrying them opens the list filtered."""
    at = referrals(outcome="采纳", q="建议")
    assert not at.exception
    assert at.selectbox(key="outcome").value == "采纳" and url_param(at.selectbox(key="outcome")) == "outcome"
    assert at.text_input(key="q").value == "建议"
    like = "%建议%"
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START, Item.outcome == "采纳",
                          or_(Item.title.like(like), Item.summary.like(like), Item.doc_number.like(like)))
    assert expected > 0
    assert count_caption(at)[0] == expected
    assert set(item_list(at)["办理结果"]) == {"采纳"}


def test_matrix_click_through_shows_only_the_units_received_items(app_env):
    """A click on a matrix row sets ?to=<unit>; the list then holds only that unit's received items."""
    market = unit_id(app_env, "market_regulation")
    at = referrals(to=str(market))
    expected = hand_count(app_env, Item.sent_on >= PERIOD_START, Item.to_unit_id == market)
    assert count_caption(at)[0] == expected > 0
    assert set(item_list(at)["接收单位"]) == {"区市场监管局"}
    assert at.query_params["to"] == str(market)


def test_matrix_has_a_row_per_receiving_unit_with_true_overdue_counts(app_env):
    at = referrals()
    table = matrix(at).set_index("成员单位")
    with read_session(make_engine(app_env)) as s:
        totals = dict(s.execute(select(Unit.name, func.count()).join(Item, Item.to_unit_id == Unit.id)
                                .where(Item.sent_on >= PERIOD_START).group_by(Unit.name)).all())
        overdue = dict(s.execute(select(Unit.name, func.count()).join(Item, Item.to_unit_id == Unit.id)
                                 .where(Item.sent_on >= PERIOD_START, *overdue_conditions())
                                 .group_by(Unit.name)).all())
    assert set(table.index) == set(totals)
    assert sum(overdue.values()) > 0
    for name, total in totals.items():
        assert table.at[name, "合计"] == total, name
        assert table.at[name, "逾期未反馈"] == overdue.get(name, 0), name


def test_pagination_shows_the_next_page(app_env):
    at = referrals()
    first = item_list(at)
    at.number_input(key="referrals.page").set_value(2).run()
    second = item_list(at)
    total, page, pages = count_caption(at)
    assert page == 2 and pages > 2
    assert at.query_params["page"] == "2"
    with read_session(make_engine(app_env)) as s:
        expected = s.scalars(select(Item.title).where(Item.sent_on >= PERIOD_START)
                             .order_by(Item.sent_on.desc(), Item.id.desc()).limit(50).offset(50)).all()
    assert list(second["标题"]) == expected
    assert list(first["标题"]) != list(second["标题"])


# -- item detail --------------------------------------------------------------------------------

def test_item_detail_shows_title_due_date_rule_basis_and_timeline(app_env):
    with read_session(make_engine(app_env)) as s:
        item = s.scalars(select(Item).where(Item.kind == "procuratorial_suggestion", Item.status == "in_progress",
                                            Item.received_on.is_not(None), Item.due_on >= TODAY)
                         .order_by(Item.id)).first()
        events = s.scalar(select(func.count()).select_from(ItemEvent).where(ItemEvent.item_id == item.id))
    at = referrals(item=str(item.id))
    assert not at.exception
    assert item.title in [h.value for h in at.subheader]
    texts = [x.value for x in at.text]
    assert item.due_on.isoformat() in texts or any(v.startswith(item.due_on.isoformat()) for v in texts)
    assert "收到后2个月" in texts
    assert any(v.startswith("《人民检察院检察建议工作规定》") for v in texts)
    assert any(i.value == f"还剩 {(item.due_on - TODAY).days} 天" for i in at.info)
    timeline = next(d.value for d in at.dataframe if "事件" in d.value.columns)
    assert len(timeline) == events
    assert "录入/发出" in set(timeline["事件"])


# -- the new-item form --------------------------------------------------------------------------

def test_office_records_a_procuratorial_suggestion_with_its_due_date(app_env):
    market = unit_id(app_env, "market_regulation")
    at = referrals()
    at.selectbox(key="item_form.kind").set_value("procuratorial_suggestion").run()
    assert at.selectbox(key="item_form.from_unit_id").value == unit_id(app_env, "procuratorate")
    at.selectbox(key="item_form.to_unit_id").set_value(market)
    at.text_input(key="item_form.doc_number").input("硚检行建〔2026〕88号")
    at.text_input(key="item_form.title").input("关于某农贸市场食品安全问题的检察建议")
    # sent 2026-10-12; two months later is Saturday 2026-12-12, so the period ends Monday 2026-12-14
    at.date_input(key="item_form.sent_on").set_value(date(2026, 10, 12)).run()
    assert any(i.value.startswith("反馈期限:2026-12-14(收到后2个月)") for i in at.info)
    at.button(key="item_form.submit").click().run()
    assert not at.exception and not at.error
    assert "事项已录入。" in [m.value for m in at.success]
    with read_session(make_engine(app_env)) as s:
        item = s.scalar(select(Item).where(Item.title == "关于某农贸市场食品安全问题的检察建议"))
    assert item is not None
    assert (item.kind, item.to_unit_id, item.status) == ("procuratorial_suggestion", market, "sent")
    assert item.doc_number == "硚检行建〔2026〕88号"
    assert item.sent_on == date(2026, 10, 12) and item.due_on == date(2026, 12, 14)


def test_new_item_missing_title_says_required_next_to_it_and_keeps_input(app_env):
    before = hand_count(app_env)
    at = referrals()
    at.selectbox(key="item_form.kind").set_value("procuratorial_suggestion").run()
    at.selectbox(key="item_form.to_unit_id").set_value(unit_id(app_env, "market_regulation"))
    at.text_input(key="item_form.doc_number").input("硚检行建〔2026〕89号").run()
    at.button(key="item_form.submit").click().run()
    assert not at.exception
    assert errors(at) == ["请检查标红的字段。"]
    assert caption_after(at, at.text_input(key="item_form.title")) == ":red[必填。]"
    assert caption_after(at, at.text_input(key="item_form.doc_number")) is None
    assert at.text_input(key="item_form.doc_number").value == "硚检行建〔2026〕89号"
    assert at.selectbox(key="item_form.kind").value == "procuratorial_suggestion"
    assert hand_count(app_env) == before


def test_text_limits_of_the_forms_match_the_commands_and_the_command_explains_overlong_text(app_env):
    """The widgets cannot hold more than the command accepts (Streamlit also cuts longer values
    server-side), so an overlong text only reaches a command from elsewhere: its message says why."""
    item_id = new_item(app_env)
    at = referrals(item=str(item_id))
    title = at.text_input(key="item_form.title")
    assert title.max_chars == TITLE_MAX
    title.input("标" * (TITLE_MAX + 1))  # the widget refuses what it cannot hold
    assert title.value == ""
    assert at.text_area(key="item_form.summary").max_chars == TEXT_MAX
    choose_action(at, item_id, "respond")
    assert at.text_area(key=f"item_detail.{item_id}.respond.feedback_text").max_chars == TEXT_MAX

    engine = make_engine(app_env)
    with pytest.raises(ValidationFailed) as refused:
        CreateItem(SYSTEM_ADMIN, kind="procuratorial_suggestion", from_unit_id=unit_id(app_env, "procuratorate"),
                   to_unit_id=unit_id(app_env, "market_regulation"), doc_number="硚检建〔2026〕902号",
                   title="超长摘要", summary="摘" * (TEXT_MAX + 1), details={}, sent_on=TODAY).run(engine)
    assert refused.value.field_errors == {"summary": f"不能超过 {TEXT_MAX} 个字。"}
    with read_session(engine) as s:
        version = s.get(Item, item_id).version
    with pytest.raises(ValidationFailed) as refused:
        RecordFeedback(SYSTEM_ADMIN, item_id=item_id, version=version, on=TODAY, outcome="采纳",
                       feedback_text="反" * (TEXT_MAX + 1)).run(engine)
    assert refused.value.field_errors == {"feedback_text": f"不能超过 {TEXT_MAX} 个字。"}


def test_new_item_to_a_unit_deactivated_meanwhile_says_unknown_unit(app_env):
    market = unit_id(app_env, "market_regulation")
    at = referrals()
    at.selectbox(key="item_form.kind").set_value("procuratorial_suggestion").run()
    at.selectbox(key="item_form.to_unit_id").set_value(market)
    at.text_input(key="item_form.doc_number").input("硚检行建〔2026〕91号")
    at.text_input(key="item_form.title").input("发往已停用单位的建议").run()
    engine = make_engine(app_env)
    with engine.begin() as conn:
        conn.execute(update(Unit).where(Unit.id == market).values(active=False))
    at.button(key="item_form.submit").click().run()
    assert errors(at) == ["请检查标红的字段。"]
    assert "未知单位。" in " ".join(captions(at))
    assert at.text_input(key="item_form.title").value == "发往已停用单位的建议"
    assert hand_count(app_env, Item.title == "发往已停用单位的建议") == 0


# -- lifecycle actions --------------------------------------------------------------------------

def test_feedback_dated_before_sending_is_refused_and_input_kept(app_env):
    item_id = new_item(app_env)
    at = referrals(item=str(item_id))
    choose_action(at, item_id, "respond")
    form = f"item_detail.{item_id}.respond"
    at.date_input(key=f"{form}.on").set_value(TODAY - timedelta(days=10))
    at.selectbox(key=f"{form}.outcome").set_value("采纳")
    at.text_area(key=f"{form}.feedback_text").input("已全部采纳并完成整改。")
    next(b for b in at.button if b.label == "提交").click().run()
    assert not at.exception
    assert errors(at) == ["请检查标红的字段。"]
    assert caption_after(at, at.date_input(key=f"{form}.on")) == ":red[不能早于发出日期。]"
    assert at.text_area(key=f"{form}.feedback_text").value == "已全部采纳并完成整改。"
    with read_session(make_engine(app_env)) as s:
        assert s.get(Item, item_id).status == "sent"


def test_feedback_recorded_from_the_page(app_env):
    item_id = new_item(app_env)
    at = referrals(item=str(item_id))
    choose_action(at, item_id, "respond")
    form = f"item_detail.{item_id}.respond"
    at.selectbox(key=f"{form}.outcome").set_value("部分采纳")
    at.text_area(key=f"{form}.feedback_text").input("已部分采纳,其余事项正在研究。")
    next(b for b in at.button if b.label == "提交").click().run()
    assert not at.exception and not at.error
    assert "已登记反馈。" in [m.value for m in at.success]
    with read_session(make_engine(app_env)) as s:
        item = s.get(Item, item_id)
        assert (item.status, item.outcome, item.feedback_on) == ("responded", "部分采纳", TODAY)
        assert item.feedback_text == "已部分采纳,其余事项正在研究。"


def test_stale_feedback_is_refused_with_a_message_and_input_kept(app_env):
    item_id = new_item(app_env)
    at = referrals(item=str(item_id))
    choose_action(at, item_id, "respond")
    form = f"item_detail.{item_id}.respond"
    at.selectbox(key=f"{form}.outcome").set_value("采纳")
    at.text_area(key=f"{form}.feedback_text").input("我单位已采纳建议。")
    # meanwhile someone else signs for the item (its version moves on)
    with read_session(make_engine(app_env)) as s:
        version = s.get(Item, item_id).version
    ReceiveItem(SYSTEM_ADMIN, item_id=item_id, version=version, on=TODAY).run(make_engine(app_env))
    next(b for b in at.button if b.label == "提交").click().run()
    assert not at.exception
    assert any("已被他人修改" in e for e in errors(at)), errors(at)
    assert at.text_area(key=f"{form}.feedback_text").value == "我单位已采纳建议。"
    with read_session(make_engine(app_env)) as s:
        item = s.get(Item, item_id)
        assert item.status == "received" and item.feedback_text is None


# -- roles --------------------------------------------------------------------------------------

def item_title(url, item_id: int) -> str:
    with read_session(make_engine(url)) as s:
        return s.get(Item, item_id).title


def test_liaison_has_no_new_item_form_and_no_actions_on_other_units_items(app_env):
    police = unit_id(app_env, "public_security")
    with read_session(make_engine(app_env)) as s:
        other = s.scalar(select(Item.id).where(Item.to_unit_id == police, Item.from_unit_id != unit_id(
            app_env, "market_regulation"), Item.status.in_(OPEN)).order_by(Item.id))
    at = referrals("liaison", item=str(other))
    assert not at.exception
    assert item_title(app_env, other) in [h.value for h in at.subheader]  # the detail is readable
    assert not [b for b in at.button if b.key == "item_form.submit"]
    assert "录入新事项" not in [e.label for e in at.expander]
    assert action_labels(at, other) == []
    assert not [m for m in at.markdown if m.value == "#### 办理操作"]
    assert not at.get("form")


def test_liaison_records_feedback_on_an_item_addressed_to_their_unit(app_env):
    market = unit_id(app_env, "market_regulation")
    with read_session(make_engine(app_env)) as s:
        own = s.scalar(select(Item.id).where(Item.to_unit_id == market, Item.status.in_(OPEN)).order_by(Item.id))
    at = referrals("liaison", item=str(own))
    assert not at.exception
    assert not [b for b in at.button if b.key == "item_form.submit"]
    labels = action_labels(at, own)
    assert "登记反馈" in labels
    assert "办结" not in labels and "撤回" not in labels  # office-only actions
    choose_action(at, own, "respond")
    form = f"item_detail.{own}.respond"
    outcome = at.selectbox(key=f"{form}.outcome")
    outcome.set_value(outcome.options[0])
    at.text_area(key=f"{form}.feedback_text").input("我局已书面回复。")
    next(b for b in at.button if b.label == "提交").click().run()
    assert not at.exception
    with read_session(make_engine(app_env)) as s:
        item = s.get(Item, own)
        assert (item.status, item.feedback_on, item.feedback_text) == ("responded", TODAY, "我局已书面回复。")


def test_viewer_sees_no_forms(app_env):
    market = unit_id(app_env, "market_regulation")
    with read_session(make_engine(app_env)) as s:
        item = s.scalar(select(Item.id).where(Item.to_unit_id == market, Item.status.in_(OPEN)).order_by(Item.id))
    at = referrals("viewer", item=str(item))
    assert not at.exception
    assert item_title(app_env, item) in [h.value for h in at.subheader]  # the detail is readable
    assert not at.get("button_group")
    assert not at.get("form")
    assert [b.key for b in at.button] == ["app.sign_out"]
    labels = [e.label for e in at.expander]
    assert "录入新事项" not in labels and "限期督办" not in labels and "草拟督办(报召集人签发)" not in labels
