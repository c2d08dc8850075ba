"""Main flow of 会议与议定事项 in a real browser: office records a 联席会议 with two follow-up
items; the liaison of the lead unit marks one done; the tracker and the overview reflect it."""
import pytest
from sqlalchemy import func, select

from db.engine import make_engine, read_session
from db.models import FollowUp, Meeting
from tests.e2e.conftest import choose_action, press, screenshot, sign_in
from tests.e2e.test_referrals_flow import choose

pytestmark = pytest.mark.browser
TITLE = "2026年第5次府检联动工作联席会议(浏览器测试)"


def open_follow_ups(db_url: str) -> int:
    with read_session(make_engine(db_url)) as s:
        return s.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.status.in_(("open", "in_progress"))))


def test_meeting_with_two_follow_ups_and_one_done(server, page, browser):
    from playwright.sync_api import expect
    base, db_url = server
    before_open = open_follow_ups(db_url)
    sign_in(page, base, "office", "Demo-office-2025")
    page.goto(f"{base}/meetings")
    page.get_by_text("新建会议(含议定事项)").click()
    form = page.get_by_test_id("stExpander").filter(has_text="新建会议(含议定事项)")
    form.get_by_label("会议名称 *").fill(TITLE)
    form.get_by_label("议定事项数").fill("2")
    form.get_by_label("议定事项数").press("Enter")
    expect(form.get_by_label("议定事项 2 *")).to_be_visible()
    form.get_by_label("议定事项 1 *").fill("区市场监管局牵头开展电动自行车充电设施专项检查")
    choose(page, "牵头单位 *", "区市场监管局", scope=form, index=0)
    form.get_by_label("议定事项 2 *").fill("区司法局会同区检察院制定行政执法监督衔接指引")
    choose(page, "牵头单位 *", "区司法局", scope=form, index=1)
    form.get_by_text("会后N日", exact=True).nth(0).click()
    form.get_by_text("会后N个工作日", exact=True).nth(1).click()
    screenshot(page, "meetings-new-joint-meeting")
    press(page, "保存会议")
    expect(page.get_by_text("会议及议定事项已保存。").first).to_be_visible()
    with read_session(make_engine(db_url)) as s:
        meeting_id = s.scalar(select(Meeting.id).where(Meeting.title == TITLE))
        follow_ups = s.execute(select(FollowUp.id, FollowUp.due_rule).where(FollowUp.meeting_id == meeting_id)
                               .order_by(FollowUp.id)).all()
    assert [rule for _, rule in follow_ups] == ["会后15日", "会后15个工作日"]
    assert open_follow_ups(db_url) == before_open + 2

    liaison_context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    liaison = liaison_context.new_page()
    liaison.set_default_timeout(30_000)
    sign_in(liaison, base, "liaison", "Demo-liaison-2025")
    liaison.goto(f"{base}/meetings?view=tracker&fu={follow_ups[0][0]}")
    choose_action(liaison, "办结销号", liaison.get_by_label("完成情况及佐证"))
    liaison.get_by_label("完成情况及佐证").fill("已完成专项检查,检查充电点46处,整改隐患9处,报告已报办公室。")
    press(liaison, "办结销号")
    expect(liaison.get_by_text("议定事项已更新。").first).to_be_visible()
    screenshot(liaison, "meetings-liaison-marked-done")
    liaison_context.close()
    assert open_follow_ups(db_url) == before_open + 1

    page.goto(f"{base}/meetings?view=tracker&fu={follow_ups[0][0]}")
    expect(page.get_by_text("已完成 · 完成期限", exact=False).first).to_be_visible()
    page.goto(base)
    metric = page.get_by_test_id("stMetric").filter(has_text="未完成议定事项")
    expect(metric).to_contain_text(str(before_open + 1))
    screenshot(page, "overview-after-follow-up-done")
