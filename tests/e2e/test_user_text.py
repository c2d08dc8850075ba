"""In a real browser: an item whose title is a web address shows it as plain text — no link to
the address anywhere on the item detail, the words themselves readable."""
from datetime import timedelta

import pytest

from core.permissions import Actor
from db.commands.items import CreateItem
from db.engine import make_engine
from tests.app.conftest import unit_id
from tests.conftest import TODAY
from tests.e2e.conftest import screenshot, settle, sign_in

pytestmark = pytest.mark.browser
TITLE = "https://evil.example/login"


def test_an_address_as_item_title_is_not_a_link(server, page):
    from playwright.sync_api import expect
    base, db_url = server
    item = CreateItem(Actor(None, "system", "admin"), kind="investigation_assistance",
                      from_unit_id=unit_id(db_url, "procuratorate"), to_unit_id=unit_id(db_url, "justice"),
                      title=TITLE, summary="详见 www.evil.example 或联系 x@evil.example",
                      sent_on=TODAY - timedelta(days=60), details={}).run(make_engine(db_url))
    sign_in(page, base, "office", "Demo-office-2025")
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    page.goto(f"{base}/referrals?item={item}")
    heading = page.get_by_role("heading", name="evil.example/login")
    expect(heading).to_be_visible()
    settle(page)
    expect(heading).to_contain_text("evil.example/login")
    assert heading.inner_text().replace("\u2060", "") == TITLE  # reads exactly as typed
    expect(page.locator('a[href*="evil.example"]')).to_have_count(0)
    heading.scroll_into_view_if_needed()
    screenshot(page, "user-text-address-title")
