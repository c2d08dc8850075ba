"""Main flow in a real browser: sign in with a demo account and see the overview."""
import pytest

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_office_signs_in_and_sees_overview(server, page):
    from playwright.sync_api import expect
    from seed.demo import DEMO_ACCOUNTS
    office = next(a for a in DEMO_ACCOUNTS if a["role"] == "office")
    page.goto(server)
    expect(page.get_by_text("演示账户(仅演示模式显示)")).to_be_visible()
    sign_in(page, server, office["username"], office["password"])
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    expect(page.get_by_text("演示数据", exact=False).first).to_be_visible()
    expect(page.get_by_text("逾期未反馈").first).to_be_visible()
    expect(page.get_by_text("各成员单位事项办理情况")).to_be_visible()
    # office staff do not see account administration
    expect(page.get_by_role("link", name="管理")).to_have_count(0)
    page.wait_for_timeout(1500)  # let the charts draw before the screenshot
    screenshot(page, "overview-office")


def test_wrong_password_is_refused(server, page):
    from playwright.sync_api import expect
    sign_in(page, server, "office", "not-the-password1")
    expect(page.get_by_text("用户名或密码不正确。")).to_be_visible()
    expect(page.get_by_role("heading", name="总览")).to_have_count(0)
