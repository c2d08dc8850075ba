"""The weekly review shared on screen: presentation mode in a real browser."""
import pytest

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_weekly_review_in_presentation_mode(server, page):
    from playwright.sync_api import expect
    base, _ = server
    sign_in(page, base, "viewer", "Demo-viewer-2025")
    page.goto(f"{base}/weekly")
    expect(page.get_by_role("heading", name="周例会", exact=True)).to_be_visible()
    page.get_by_role("button", name="投屏模式").click()
    expect(page.get_by_text("第 1/6 部分", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
    expect(page.get_by_text("新增事项").first).to_be_visible()
    page.wait_for_timeout(800)
    screenshot(page, "weekly-presentation-summary")
    page.get_by_role("button", name="下一部分").click()
    expect(page.get_by_text("第 2/6 部分", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="仍逾期未反馈(按单位)", exact=True)).to_be_visible()
    page.wait_for_timeout(800)
    screenshot(page, "weekly-presentation-overdue")
    page.get_by_role("button", name="退出演示").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    expect(page.get_by_role("button", name="投屏模式")).to_be_visible()
