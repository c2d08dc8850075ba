"""督办 page (AppTest): the escalated filter, resolving (convener), responding (the supervised unit's
liaison only), drafts (office) that only a convener issues, and a stale step."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.permissions import Actor
from db.commands.supervision import DraftSupervision, IssueSupervision, RespondSupervision
from db.engine import make_engine, read_session
from core.i18n import fmt_date
from db.models import Item, Supervision, Unit
from tests.app.conftest import open_page, signed_in_app, unit_id
from tests.conftest import TODAY
from tests.app.helpers import captions, metrics, url_param

PAGE = "app_pages/supervision.py"
OPEN = ("sent", "received", "in_progress")
SYSTEM_ADMIN = Actor(None, "system", "admin")


def supervision_page(username: str = "convener", **params):
    return open_page(username, PAGE, **params)


def sup_table(at):
    return next(d.value for d in at.dataframe if "督办要求" in d.value.columns)



def open_item_of(url, code: str) -> int:
    with read_session(make_engine(url)) as s:
        return s.scalar(select(Item.id).where(Item.to_unit_id == select(Unit.id).where(Unit.code == code)
                                              .scalar_subquery(), Item.status.in_(OPEN)).order_by(Item.id))


def issue_on(url, item_id: int, *, days: int = 10, command=IssueSupervision, instruction="请按期书面反馈。",
             level: str = "重点") -> int:
    """A 督办 on an item, made behind the page."""
    return command(SYSTEM_ADMIN, target_type="item", target_id=item_id, level=level,
                   deadline=TODAY + timedelta(days=days), instruction=instruction).run(make_engine(url))


def supervision(url, sup_id: int) -> Supervision:
    with read_session(make_engine(url)) as s:
        return s.get(Supervision, sup_id)


def button_labels(at) -> list[str]:
    return [b.label for b in at.button]


def all_text(at) -> str:
    """Every visible string: labels, markdown, captions, button and expander labels."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + button_labels(at)
    parts += [e.label for e in at.expander] + [h.value for h in at.subheader]
    return "\n".join(parts)


def submit(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    return at


def test_a_link_with_a_level_shows_only_that_level(app_env):
    at = supervision_page(level="挂牌")
    assert not at.exception
    assert at.selectbox(key="level").value == "挂牌" and url_param(at.selectbox(key="level")) == "level"
    with read_session(make_engine(app_env)) as s:
        expected = s.scalar(select(func.count()).select_from(Supervision).where(Supervision.level == "挂牌"))
    assert expected > 0
    assert len(sup_table(at)) == expected and set(sup_table(at)["督办级别"]) == {"挂牌"}


def test_escalated_filter_shows_only_unresolved_rows_past_their_deadline(app_env):
    market_item = open_item_of(app_env, "market_regulation")
    not_yet = issue_on(app_env, market_item, days=10, instruction="尚未到期的督办")
    at = supervision_page()
    assert not at.exception
    at.selectbox(key="supervision.status").set_value("escalated").run()
    assert at.query_params["status"] == "escalated"
    with read_session(make_engine(app_env)) as s:
        expected = s.scalar(select(func.count()).select_from(Supervision).where(
            Supervision.status.in_(("issued", "responded")), Supervision.deadline < TODAY))
        everything = s.scalar(select(func.count()).select_from(Supervision))
    assert 0 < expected < everything
    table = sup_table(at)
    assert len(table) == expected
    assert set(table["办理阶段"]) == {"逾期未办结"}
    assert all(d < TODAY.isoformat() for d in table["督办期限"])
    assert "尚未到期的督办" not in set(table["督办要求"])
    assert metrics(at)["逾期未办结"] == str(expected)
    assert supervision(app_env, not_yet).status == "issued"
    # a link with the filter reproduces the view
    again = supervision_page(status="escalated")
    assert again.selectbox(key="supervision.status").value == "escalated"
    assert len(sup_table(again)) == expected


def test_convener_resolves_an_issued_supervision(app_env):
    sup_id = issue_on(app_env, open_item_of(app_env, "public_security"))
    at = supervision_page(id=str(sup_id))
    assert not at.exception
    assert "回复督办" not in button_labels(at)  # responding is the unit's job
    at.text_area(key=f"supervision.{sup_id}.resolve.resolution_text").input("单位已书面反馈,督办办结。")
    submit(at, "督办办结")
    assert not at.exception and not at.error
    assert "督办已保存。" in [m.value for m in at.success]
    row = supervision(app_env, sup_id)
    assert (row.status, row.resolved_on) == ("resolved", TODAY)
    assert row.resolution_text == "单位已书面反馈,督办办结。"


def test_resolve_without_text_says_required(app_env):
    sup_id = issue_on(app_env, open_item_of(app_env, "public_security"))
    at = supervision_page(id=str(sup_id))
    submit(at, "督办办结")
    assert [e.value for e in at.error] == ["请检查标红的字段。"]
    assert ":red[必填。]" in [c.value for c in at.caption]
    assert supervision(app_env, sup_id).status == "issued"


def test_liaison_of_the_supervised_unit_responds(app_env):
    sup_id = issue_on(app_env, open_item_of(app_env, "market_regulation"))
    at = supervision_page("liaison", id=str(sup_id))
    assert not at.exception
    labels = button_labels(at)
    assert "回复督办" in labels and "督办办结" not in labels and "签发督办" not in labels
    at.text_area(key=f"supervision.{sup_id}.respond.response_text").input("已成立专班,月底前书面反馈。")
    submit(at, "回复督办")
    assert not at.exception and not at.error
    row = supervision(app_env, sup_id)
    assert (row.status, row.responded_on, row.response_text) == ("responded", TODAY, "已成立专班,月底前书面反馈。")


def test_liaison_of_another_unit_sees_no_respond_form(app_env):
    sup_id = issue_on(app_env, open_item_of(app_env, "public_security"))
    at = supervision_page("liaison", id=str(sup_id))
    assert not at.exception
    assert "请按期书面反馈。" in [x.value for x in at.text]  # the 督办 itself is readable
    assert "回复督办" not in button_labels(at)
    assert not at.get("form")


def test_office_never_sees_issue_but_drafts_from_the_item_detail(app_env):
    item_id = open_item_of(app_env, "market_regulation")
    draft = issue_on(app_env, item_id, command=DraftSupervision, instruction="办公室草拟的督办")
    at = supervision_page("office", id=str(draft))
    assert not at.exception
    assert "办公室草拟的督办" in [x.value for x in at.text]
    assert "签发督办" not in all_text(at)
    assert "限期督办" not in button_labels(at)
    # the convener, on the same draft, can issue it
    convener = supervision_page("convener", id=str(draft))
    assert "签发督办" in button_labels(convener)

    # office drafts a new 督办 from the item detail on 移送与反馈
    at = signed_in_app("office", "app_pages/referrals.py")
    at.query_params["item"] = str(item_id)
    at.run()
    assert "草拟督办(报召集人签发)" in [e.label for e in at.expander]
    assert "签发督办" not in all_text(at) and "限期督办" not in [e.label for e in at.expander]
    key = f"item_detail.{item_id}.supervise"
    at.radio(key=f"{key}.level").set_value("挂牌")
    at.date_input(key=f"{key}.deadline").set_value(TODAY + timedelta(days=14))
    at.text_area(key=f"{key}.instruction").input("请报召集人签发:限两周内反馈。")
    submit(at, "草拟督办(报召集人签发)")
    assert not at.exception
    assert not [e for e in at.error if e.icon != ":material/schedule:"]  # only the item's own "已逾期" banner
    with read_session(make_engine(app_env)) as s:
        row = s.scalar(select(Supervision).where(Supervision.instruction == "请报召集人签发:限两周内反馈。"))
    assert row is not None
    assert (row.status, row.level, row.target_type, row.target_id) == ("draft", "挂牌", "item", item_id)
    assert row.deadline == TODAY + timedelta(days=14) and row.issued_on is None


def test_convener_issues_a_draft(app_env):
    draft = issue_on(app_env, open_item_of(app_env, "market_regulation"), command=DraftSupervision)
    at = supervision_page("convener", id=str(draft))
    submit(at, "签发督办")
    assert not at.exception and not at.error
    row = supervision(app_env, draft)
    assert (row.status, row.issued_on) == ("issued", TODAY)


def test_stale_resolution_is_refused_with_a_message_and_input_kept(app_env):
    """The convener writes a resolution while the unit responds: the convener must see the
    response before closing the 督办, so the page refuses the stale step and keeps the text."""
    sup_id = issue_on(app_env, open_item_of(app_env, "market_regulation"))
    at = supervision_page(id=str(sup_id))
    field = f"supervision.{sup_id}.resolve.resolution_text"
    at.text_area(key=field).input("督办办结。")
    liaison = Actor(None, "liaison", "liaison", unit_id(app_env, "market_regulation"))
    RespondSupervision(liaison, supervision_id=sup_id, version=supervision(app_env, sup_id).version,
                       response_text="已整改完毕。").run(make_engine(app_env))
    submit(at, "督办办结")
    assert not at.exception
    assert any("已被他人修改" in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_area(key=field).value == "督办办结。"
    assert supervision(app_env, sup_id).status == "responded"


def test_the_figures_count_every_supervision_whatever_the_filters(app_env):
    with read_session(make_engine(app_env)) as s:
        def count(*conditions):
            return str(s.scalar(select(func.count()).select_from(Supervision).where(*conditions)))
        expected = {"督办中": count(Supervision.status.in_(("issued", "responded"))),
                    "逾期未办结": count(Supervision.status.in_(("issued", "responded")), Supervision.deadline < TODAY),
                    "待签发草稿": count(Supervision.status == "draft")}
    at = supervision_page(status="resolved")  # a filter narrows the list, never the figures
    assert {label: metrics(at)[label] for label in expected} == expected


def many_supervisions(url, n: int) -> list[int]:
    """n 督办 on one open item, deadlines a day apart from 100 days on (after the demo's)."""
    item_id = open_item_of(url, "market_regulation")
    return [issue_on(url, item_id, days=100 + k, instruction=f"分页督办{k}") for k in range(n)]


def total_supervisions(url, **where) -> int:
    with read_session(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(Supervision).filter_by(**where))


def test_a_long_list_is_shown_a_page_at_a_time_deadline_first(app_env):
    many_supervisions(app_env, 60)
    total = total_supervisions(app_env)
    pages = -(-total // 50)
    first = supervision_page()
    assert len(sup_table(first)) == 50 and f"共 {total} 件 · 第 1/{pages} 页" in captions(first)
    last = supervision_page(page=str(pages))
    rest = sup_table(last)
    assert len(rest) == total - 50 * (pages - 1) and f"共 {total} 件 · 第 {pages}/{pages} 页" in captions(last)
    assert "分页督办59" in set(rest["督办要求"])  # the latest deadline is on the last page
    assert list(sup_table(first)["督办期限"])[-1] <= list(rest["督办期限"])[0]
    # A filter starts again at page 1: the 挂牌 督办 fit on one page.
    last.selectbox(key="level").set_value("挂牌").run()
    assert last.number_input(key="supervision.page").value == 1 and "page" not in last.query_params
    assert set(sup_table(last)["督办级别"]) == {"挂牌"}
    assert len(sup_table(last)) == total_supervisions(app_env, level="挂牌")


def test_a_link_to_a_supervision_on_a_later_page_opens_it(app_env):
    ids = many_supervisions(app_env, 55)
    at = supervision_page(id=str(ids[-1]))  # the latest deadline: not on the first page
    assert not at.exception
    assert "分页督办54" not in set(sup_table(at)["督办要求"])
    # its detail, under the first page of the list: its deadline, and its instruction
    assert f"督办期限 {fmt_date(TODAY + timedelta(days=154))}" in all_text(at)
    assert "分页督办54" in [x.value for x in at.text]


def test_a_link_to_a_supervision_outside_the_filters_opens_it_under_the_list(app_env):
    general = issue_on(app_env, open_item_of(app_env, "market_regulation"), days=30, level="一般",
                       instruction="一般督办:请月底前反馈。")
    at = supervision_page(level="挂牌", id=str(general))  # the list shows 挂牌 only
    assert not at.exception and set(sup_table(at)["督办级别"]) == {"挂牌"}
    assert "一般督办:请月底前反馈。" in [x.value for x in at.text]
    assert f"督办期限 {fmt_date(TODAY + timedelta(days=30))}" in all_text(at)
