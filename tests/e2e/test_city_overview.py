"""The city demo in a real browser (FJLD_DEMO=city): the city convener signs in, lands on 全市总览
with three districts, chooses 示例甲区 in the sidebar and reads its overview and its member
units (its own office, not 硚口区's); 硚口区's admin sees neither the city page nor the choice."""
import pytest

from tests.e2e.conftest import demo_server, pick_option, screenshot, settle, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def city_server(tmp_path, demo_template):
    with demo_server(tmp_path, demo_template, demo="city") as (url, _):
        yield url


def test_the_city_convener_compares_districts_and_opens_one(city_server, page):
    from playwright.sync_api import expect
    sign_in(page, city_server, "city", "Demo-city-2025")
    expect(page.get_by_role("heading", name="全市总览", exact=True)).to_be_visible()
    districts = page.get_by_test_id("stMetric").filter(has_text="区数")
    expect(districts).to_contain_text("3")
    expect(page.get_by_text("各区按时反馈率(按月)")).to_be_visible()
    settle(page)
    screenshot(page, "city-overview")

    sidebar = page.get_by_test_id("stSidebar")
    pick_option(page, sidebar.get_by_test_id("stSelectbox"), "示例甲区", typed="示例甲")
    page.get_by_role("link", name="总览", exact=True).click()
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    settle(page)
    expect(page.get_by_text("操作未能完成")).to_have_count(0)
    # the district's own mechanism: its office's (invented) telephone, not 硚口区's
    page.get_by_role("link", name="成员单位", exact=True).click()
    expect(page.get_by_role("heading", name="成员单位", exact=True)).to_be_visible()
    expect(page.get_by_text("027-00000000")).to_be_visible()
    expect(page.get_by_text("68839462")).to_have_count(0)
    settle(page)
    screenshot(page, "city-district-units")


def test_a_districts_admin_has_no_city_page(city_server, page):
    from playwright.sync_api import expect
    sign_in(page, city_server, "admin", "Demo-admin-2025")
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="全市总览")).to_have_count(0)
    expect(page.get_by_text("所属区:硚口区")).to_be_visible()
