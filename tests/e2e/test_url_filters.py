"""Filters live in the address, in a real browser: changing one writes it to the URL at once — a
filter kept by hand (统计期间: ?period=) as well as those Streamlit binds itself (搜索: ?q=,
仅看逾期: ?overdue=true) — loading that address again shows the same filtered list, and a page
opened from the sidebar starts with its own filters (pages share parameter names such as q)."""
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import screenshot, settle, sign_in
from tests.e2e.test_referrals_flow import choose

pytestmark = pytest.mark.browser
COUNT = re.compile(r"共 \d+ 件 · 第 \d+/\d+ 页")


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def count_text(db_url: str, **filters) -> str:
    """What the list's count line says for these filters, by the page's own query."""
    from db.engine import make_engine
    from db.queries.referrals import ItemFilter, item_page
    from tests.conftest import TODAY
    _, total = item_page(make_engine(db_url), ItemFilter(**filters), TODAY, 1, 50)
    return f"共 {total} 件 · 第 1/{max(1, -(-total // 50))} 页"


def test_filters_are_written_to_the_url_and_a_reload_restores_them(server, page):
    from playwright.sync_api import expect
    base, db_url = server
    sign_in(page, base, "office", "Demo-office-2025")
    page.goto(f"{base}/referrals")
    count = page.get_by_text(COUNT)
    unfiltered = count_text(db_url)  # the default period, 近12个月
    expect(count).to_have_text(unfiltered)

    filters = page.get_by_test_id("stExpander").filter(has_text="筛选").first
    choose(page, "统计期间", "全部", scope=filters)
    expect(page).to_have_url(re.compile(r"[?&]period=all(&|$)"))  # written while that run goes on
    settle(page)  # else its redraw can drop what is typed next (seen once in ten runs with both cores busy)
    search = page.get_by_label("搜索")
    search.fill("建议")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=%E5%BB%BA%E8%AE%AE(&|$)"))
    settle(page)
    page.get_by_text("仅看逾期", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]overdue=true(&|$)"))
    filtered = count_text(db_url, period="all", text="建议", overdue_only=True)
    expect(count).to_have_text(filtered)  # waits for the run the click set off to draw its count
    assert filtered != unfiltered
    assert params(page) == {"period": ["all"], "q": ["建议"], "overdue": ["true"]}
    screenshot(page, "url-filters-set")

    page.goto(page.url)  # the address loaded afresh, as a reload or a shared link does
    expect(page.get_by_label("搜索")).to_have_value("建议")
    expect(page.get_by_role("checkbox", name="仅看逾期")).to_be_checked()
    expect(page.get_by_text(COUNT)).to_have_text(filtered)
    assert params(page) == {"period": ["all"], "q": ["建议"], "overdue": ["true"]}

    # clearing a bound filter takes it out of the address
    page.get_by_text("仅看逾期", exact=True).click()
    expect(page).not_to_have_url(re.compile("overdue="))
    settle(page)

    # another page that also has a search: it starts empty, and q stays out of its address
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="成员单位").click()
    expect(page.get_by_role("heading", name="成员单位", exact=True)).to_be_visible()
    settle(page)
    expect(page.get_by_label("搜索")).to_have_value("")
    assert "q" not in params(page)
    screenshot(page, "url-filters-other-page")

    # back on 移送与反馈 from the sidebar: its filters start again too
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="移送与反馈").click()
    expect(page.get_by_text(COUNT)).to_have_text(unfiltered)
    expect(page.get_by_label("搜索")).to_have_value("")
    assert params(page) == {}


def test_a_link_from_the_overview_opens_the_tracker_with_its_bound_filter(server, page):
    """总览's 逾期未完成 figure links to ?view=tracker&overdue=true: the bound checkbox takes it."""
    from playwright.sync_api import expect
    base, _ = server
    sign_in(page, base, "convener", "Demo-convener-2025")
    metric = page.get_by_test_id("stColumn").filter(has=page.get_by_test_id("stMetric")).filter(has_text="逾期议定事项")
    metric.get_by_role("link").click()
    expect(page.get_by_role("checkbox", name="仅看逾期")).to_be_checked()
    assert params(page) == {"view": ["tracker"], "overdue": ["true"]}
    settle(page)
    page.get_by_label("搜索").fill("整改")
    page.get_by_label("搜索").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=%E6%95%B4%E6%94%B9(&|$)"))
    settle(page)
    # the meetings view and back: the tracker's filters come back with it
    page.get_by_role("radio", name="会议").click()
    # the URL drops the tracker's filters once the rerun has run (waited for, however slow the machine)
    expect(page).not_to_have_url(re.compile(r"[?&](q|overdue)="))
    settle(page)
    page.get_by_role("radio", name="议定事项跟踪").click()
    expect(page.get_by_label("搜索")).to_have_value("整改")
    expect(page.get_by_role("checkbox", name="仅看逾期")).to_be_checked()
    expect(page).to_have_url(re.compile(r"[?&]q=%E6%95%B4%E6%94%B9(&|$)"))
