"""Main flow in a real browser: sign in with a demo account and see the overview."""
import pytest

from tests.e2e.conftest import screenshot, sign_in, sign_in_form_shown

pytestmark = pytest.mark.browser


def test_office_signs_in_and_sees_overview(server, page):
    from playwright.sync_api import expect
    from seed.demo import DEMO_ACCOUNTS
    office = next(a for a in DEMO_ACCOUNTS if a["role"] == "office")
    server, _ = server
    page.goto(server)
    expect(page.get_by_text("演示账户(仅演示模式显示)")).to_be_visible()
    sign_in(page, server, office["username"], office["password"])
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    expect(page.get_by_text("演示数据", exact=False).first).to_be_visible()
    expect(page.get_by_text("逾期未反馈").first).to_be_visible()
    expect(page.get_by_text("各成员单位事项办理情况")).to_be_visible()
    # office staff do not see account administration
    expect(page.get_by_role("link", name="管理")).to_have_count(0)
    page.wait_for_timeout(1500)  # let the charts draw before the screenshot
    screenshot(page, "overview-office")


def test_wrong_password_is_refused(server, page):
    from playwright.sync_api import expect
    server, _ = server
    sign_in(page, server, "office", "not-the-password1", expect_cookie=False)
    expect(page.get_by_text("用户名或密码不正确。")).to_be_visible()
    expect(page.get_by_role("heading", name="总览", exact=True)).to_have_count(0)


def test_cookie_keeps_session_and_sign_out_revokes_it(server, page, browser):
    """A reload stays signed in through the cookie; after sign-out a copy of the old cookie is refused."""
    from playwright.sync_api import expect
    server, _ = server
    sign_in(page, server, "viewer", "Demo-viewer-2025")
    page.goto(f"{server}/overdue")
    expect(page.get_by_role("heading", name="逾期反馈", exact=True)).to_be_visible()
    stolen = [c for c in page.context.cookies() if c["name"] == "fjld_auth"]
    page.get_by_role("button", name="退出登录").click()
    sign_in_form_shown(page)
    other = browser.new_context()
    other.add_cookies(stolen)
    replay = other.new_page()
    replay.goto(f"{server}/overdue")
    sign_in_form_shown(replay)
    expect(replay.get_by_role("heading", name="逾期反馈", exact=True)).to_have_count(0)
    other.close()



def test_a_reload_the_moment_the_pages_appear_keeps_the_user_signed_in(server, page):
    """The pages appear only once the browser has stored the sign-in: a reload, or another page's
    address opened, at once after the navigation shows keeps the user signed in."""
    from playwright.sync_api import expect
    server, _ = server
    for leave in ("reload", "address"):
        sign_in(page, server, "viewer", "Demo-viewer-2025", expect_cookie=False)
        nav = page.get_by_role("link", name="逾期反馈")
        nav.wait_for(state="visible", timeout=30_000)  # no pause: straight on
        if leave == "reload":
            page.reload()
            expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
        else:
            page.goto(f"{server}/overdue")
            expect(page.get_by_role("heading", name="逾期反馈", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="登录府检联动工作台", exact=True)).to_have_count(0)
        page.get_by_role("button", name="退出登录").click()
        sign_in_form_shown(page)
