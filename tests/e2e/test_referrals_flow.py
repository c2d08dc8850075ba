"""Main flows of 移送与反馈 in a real browser: office records a 检察建议 and its feedback; a
liaison sees the item addressed to their unit and cannot act on another unit's item."""
import re

import pytest
from sqlalchemy import select

from db.engine import make_engine, read_session
from db.models import Item, Unit
from tests.e2e.conftest import choose_action, pick_option, press, screenshot, sign_in

pytestmark = pytest.mark.browser
TITLE = "关于规范集贤路农贸市场计量器具管理的检察建议"


def choose(page, label: str, option: str, scope=None, index: int = 0) -> None:
    """Pick an option of the index-th Streamlit selectbox with this label (within `scope`). A
    unit's option may follow its name with its full name in brackets: 区市场监管局(武汉市…)."""
    box = (scope or page).get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)).nth(index)
    pick_option(page, box, re.compile(rf"^{re.escape(option)}(（.*）|\(.*\))?$"), typed=option)


def item_id(url: str, title: str) -> int:
    with read_session(make_engine(url)) as s:
        return s.scalar(select(Item.id).where(Item.title == title))


def test_office_records_suggestion_and_feedback(server, page):
    from playwright.sync_api import expect
    base, db_url = server
    sign_in(page, base, "office", "Demo-office-2025")
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    page.goto(f"{base}/referrals")
    page.get_by_text("录入新事项").click()
    form = page.get_by_test_id("stExpander").filter(has_text="录入新事项")
    choose(page, "事项类型", "四(五) 检察建议", scope=form)
    choose(page, "接收单位", "区市场监管局", scope=form)
    page.get_by_label("建议书文号 *").fill("硚检行建〔2026〕99号")
    page.get_by_label("标题 *").fill(TITLE)
    expect(page.get_by_text(re.compile("反馈期限:2027-01-26"))).to_be_visible()
    screenshot(page, "referrals-new-suggestion")
    press(page, "保存事项")
    expect(page.get_by_text("事项已录入。").first).to_be_visible()

    new_id = item_id(db_url, TITLE)
    assert new_id
    page.goto(f"{base}/referrals?item={new_id}")
    expect(page.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    choose_action(page, "登记反馈", page.get_by_label("反馈内容"))
    choose(page, "办理结果", "采纳", scope=page.get_by_test_id("stForm").last)
    page.get_by_label("反馈内容").fill("已开展计量器具专项检查,责令整改12户。")
    press(page, "提交")
    expect(page.get_by_text("已登记反馈。").first).to_be_visible()
    expect(page.get_by_text("按期反馈").first).to_be_visible()
    screenshot(page, "referrals-feedback-recorded")
    with read_session(make_engine(db_url)) as s:
        item = s.get(Item, new_id)
    assert (item.status, item.outcome) == ("responded", "采纳")


def test_liaison_acts_only_on_own_unit(server, page):
    from playwright.sync_api import expect
    base, db_url = server
    with read_session(make_engine(db_url)) as s:
        own_unit = s.scalar(select(Unit.id).where(Unit.code == "market_regulation"))
        own = s.scalar(select(Item.id).where(Item.to_unit_id == own_unit, Item.status.in_(("sent", "received", "in_progress"))))
        other = s.scalar(select(Item.id).where(Item.to_unit_id != own_unit, Item.from_unit_id != own_unit,
                                               Item.status.in_(("sent", "received", "in_progress"))))
    sign_in(page, base, "liaison", "Demo-liaison-2025")
    expect(page.get_by_role("heading", name="待办", exact=True)).to_be_visible()  # a liaison lands on 待办
    page.goto(f"{base}/referrals?item={own}")
    expect(page.get_by_text("办理操作")).to_be_visible()
    expect(page.get_by_role("radio", name="登记反馈")).to_be_visible()
    expect(page.get_by_text("录入新事项")).to_have_count(0)
    screenshot(page, "referrals-liaison-own-unit")
    page.goto(f"{base}/referrals?item={other}")
    expect(page.locator("h3").filter(has_text=re.compile(".+")).first).to_be_visible()
    expect(page.get_by_text("办理操作")).to_have_count(0)
    expect(page.get_by_role("radio", name="登记反馈")).to_have_count(0)
    screenshot(page, "referrals-liaison-other-unit")
