"""待办 on a phone (390×844) in a real browser: the liaison signs in and lands on 待办, with no
horizontal scrolling and tap targets of at least 44 px; signs for one item in one tap and
records feedback for another in place; the office's 待办 then lists that feedback for review."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.items import CreateItem
from db.engine import make_engine, read_session
from db.models import Item, Unit
from tests.conftest import TODAY
from tests.e2e.conftest import open_expander, pick_option, press, screenshot, settle, sign_in

pytestmark = pytest.mark.browser
SYSTEM_ADMIN = Actor(None, "system", "admin")
TO_SIGN, TO_ANSWER = "关于某菜市场计量器具问题的检察建议", "关于某超市临期食品问题的检察建议"


def new_item(url: str, title: str, received: bool) -> int:
    engine = make_engine(url)
    with read_session(engine) as s:
        ids = dict(s.execute(select(Unit.code, Unit.id)).all())
    return CreateItem(SYSTEM_ADMIN, kind="procuratorial_suggestion", from_unit_id=ids["procuratorate"],
                      to_unit_id=ids["market_regulation"], doc_number=f"硚检建〔2026〕{title[-8:]}号", title=title,
                      details={}, sent_on=TODAY - timedelta(days=3),
                      received_on=TODAY - timedelta(days=2) if received else None).run(engine)


def row(page, title: str):
    return page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text(title, exact=True)).last


def test_a_liaison_on_a_phone_signs_and_answers_and_the_office_sees_it(server, browser):
    from playwright.sync_api import expect
    base, db_url = server
    to_sign, to_answer = new_item(db_url, TO_SIGN, received=False), new_item(db_url, TO_ANSWER, received=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, base, "liaison", "Demo-liaison-2025")
    expect(page.get_by_role("heading", name="待办", exact=True)).to_be_visible()
    sign = row(page, TO_SIGN).get_by_role("button", name="签收")
    expect(sign).to_be_visible()
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # the page's phone CSS (ui.layout.phone_friendly) may be drawn a moment after the button
    expect(sign).to_have_css("min-height", "44px")
    assert sign.bounding_box()["height"] >= 44
    heading_top = page.get_by_role("heading", name="待办", exact=True).bounding_box()["y"]
    assert heading_top < 844 / 2  # the demo banner leaves the work above the fold
    screenshot(page, "todo-phone-liaison")

    sign.click()
    expect(page.get_by_text("已签收。").first).to_be_visible()
    answer = row(page, TO_ANSWER)
    box = answer.get_by_test_id("stSelectbox")
    open_expander(page, answer.get_by_text("填写反馈"), box.get_by_role("combobox"))
    pick_option(page, box, "采纳", typed="采纳", touch=True)
    answer.get_by_label("反馈内容").fill("已对涉事超市开展检查,下架临期食品并立案查处。")
    settle(page)
    answer.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已登记反馈。").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.close()

    with read_session(make_engine(db_url)) as s:
        assert s.get(Item, to_sign).status == "received"
        assert (s.get(Item, to_answer).status, s.get(Item, to_answer).outcome) == ("responded", "采纳")

    desk = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    office = desk.new_page()
    office.set_default_timeout(30_000)
    sign_in(office, base, "office", "Demo-office-2025")
    office.goto(f"{base}/todo")
    expect(office.get_by_role("heading", name="待办", exact=True)).to_be_visible()
    more = office.get_by_role("button", name=re.compile("^显示后"))
    for _ in range(10):  # 待办 is drawn 30 rows at a time: the feedback to review comes after the overdue rows
        settle(office)
        if office.get_by_text(TO_ANSWER, exact=True).count() or not more.count():
            break
        more.click()
    expect(row(office, TO_ANSWER).get_by_text("反馈待审核销号")).to_be_visible()
    expect(office.get_by_role("link", name="待办 · ", exact=False).first).to_be_visible()
    desk.close()
