"""Next year's calendar in a real browser: an item due in the 2027 Spring Festival shows an
estimated date; the admin pastes the State Council notice, checks the preview, saves it, and the
item's due date moves to the make-up working day the notice sets, the estimate mark gone."""
from datetime import date

import pytest

from core.permissions import Actor
from db.commands.items import CreateItem
from db.commands.settings import SaveDeadlineRule
from db.engine import make_engine, read_session
from db.models import Unit
from tests.db.test_holiday_notice_entry import NOTICE_2027
from tests.e2e.conftest import screenshot, settle, sign_in

pytestmark = pytest.mark.browser
SYSTEM = Actor(None, "system", "admin")
TITLE = "春节期间到期的检察建议"


def spring_festival_item(db_url: str) -> int:
    """Answered within 80 days (an admin's rule) of 2026-11-20: due in the 2027 Spring Festival."""
    engine = make_engine(db_url)
    SaveDeadlineRule(SYSTEM, kind="procuratorial_suggestion", amount=80, unit="days", version=0).run(engine)
    with read_session(engine) as s:
        ids = {code: i for code, i in s.query(Unit.code, Unit.id)}
    return CreateItem(SYSTEM, kind="procuratorial_suggestion", from_unit_id=ids["procuratorate"],
                      to_unit_id=ids["market_regulation"], doc_number="硚检建〔2026〕980号", title=TITLE,
                      sent_on=date(2026, 11, 20), received_on=date(2026, 11, 20), details={}).run(engine)


def test_the_admin_pastes_the_notice_and_the_due_date_moves(server, page):
    from playwright.sync_api import expect
    base, db_url = server
    item_id = spring_festival_item(db_url)
    sign_in(page, base, "admin", "Demo-admin-2025")
    page.goto(f"{base}/referrals?item={item_id}")
    expect(page.get_by_text("2027-02-09(估算:", exact=False)).to_be_visible()

    page.goto(f"{base}/admin")
    page.get_by_role("tab", name="节假日").click()
    box = page.get_by_label("通知全文")
    expect(box).to_be_visible()
    box.fill(NOTICE_2027)
    settle(page)
    expect(page.get_by_text("识别出 2027 年放假 28 天、调休上班 5 天", exact=False)).to_be_visible()
    screenshot(page, "holiday-notice-preview")
    page.get_by_role("button", name="按通知保存 2027 年安排").click()
    expect(page.get_by_text("已按通知保存 2027 年的 33 天安排", exact=False)).to_be_visible()

    page.goto(f"{base}/referrals?item={item_id}")
    expect(page.get_by_text("2027-02-13", exact=True)).to_be_visible()
    expect(page.get_by_text("估算", exact=False)).to_have_count(0)
    screenshot(page, "holiday-notice-due-moved")
