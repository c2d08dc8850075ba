"""Two app processes on one PostgreSQL database, as deploy/ runs them behind nginx (production
mode, one COOKIE_KEY from the environment file): a write in one is seen in the other on its next
rerun; sign-in failures made on both count towards one lockout; a sign-out in one refuses the
cookie in the other; two edits of the same item, one per process, end with one saved and the
other refused with its input kept."""
from __future__ import annotations

import os
from contextlib import ExitStack
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import today
from core.permissions import Actor
from db.commands.items import CreateItem
from db.commands.users import CreateUser
from db.engine import migrate, read_session
from db.models import Item, Unit, User
from seed.reference import load_reference
from tests.conftest import empty_database
from tests.e2e.conftest import app_process, choose_action, press, settle, sign_in_form_shown

pytestmark = pytest.mark.browser

COOKIE_KEY = "two-processes-test-key-0123456789abcdefghij"  # a test value, not a secret
PASSWORD = "Clerk-pass-2026"
ADMIN = Actor(None, "system", "admin")
TITLE = "关于农贸市场计量器具管理的检察建议"


@pytest.fixture
def two_apps(tmp_path):
    """(URL of process A, URL of process B, engine) on one fresh PostgreSQL database."""
    with empty_database("postgresql", tmp_path) as engine, ExitStack() as apps:
        migrate(engine)
        load_reference(engine)
        with read_session(engine) as s:
            units = dict(s.execute(select(Unit.code, Unit.id)).all())
        for name in ("clerk_a", "clerk_b"):
            CreateUser(ADMIN, username=name, display_name=name, password=PASSWORD, role="office",
                       unit_id=units["procuratorate"]).run(engine)
        CreateItem(ADMIN, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                   to_unit_id=units["market_regulation"], doc_number="硚检行建〔2026〕31号", title=TITLE,
                   sent_on=today() - timedelta(days=5), details={}).run(engine)
        env = dict(os.environ, DATABASE_URL=engine.url.render_as_string(hide_password=False), FJLD_DEMO="0",
                   COOKIE_KEY=COOKIE_KEY)
        a = apps.enter_context(app_process(env, tmp_path / "a.log"))
        b = apps.enter_context(app_process(env, tmp_path / "b.log"))
        yield a, b, engine


def item_id(engine) -> int:
    with read_session(engine) as s:
        return s.scalar(select(Item.id).where(Item.title == TITLE))


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def signed_in(page):
    from playwright.sync_api import expect
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def test_a_write_in_one_process_is_seen_in_the_other_on_its_next_rerun(two_apps, browser):
    from playwright.sync_api import expect
    a, b, engine = two_apps
    pa, pb = browser.new_context().new_page(), browser.new_context().new_page()
    sign_in(pa, a, "clerk_a")
    sign_in(pb, b, "clerk_b")
    signed_in(pa), signed_in(pb)
    detail = f"/referrals?item={item_id(engine)}"
    pb.goto(b + detail)
    expect(pb.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(pb.get_by_text("· 已发出").first).to_be_visible()  # B has read the item (and cached it)
    pa.goto(a + detail)
    choose_action(pa, "签收", pa.get_by_role("button", name="提交"))
    press(pa, "提交")
    expect(pa.get_by_text("已签收。").first).to_be_visible()
    pb.reload()
    expect(pb.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(pb.get_by_text("· 已签收").first).to_be_visible()


def test_failed_sign_ins_on_both_processes_count_towards_one_lockout(two_apps, browser):
    from playwright.sync_api import expect
    a, b, engine = two_apps
    pa, pb = browser.new_context().new_page(), browser.new_context().new_page()
    for page, base in ((pa, a), (pb, b), (pa, a), (pb, b)):
        sign_in(page, base, "clerk_a", "Wrong-pass-1")
        expect(page.get_by_text("用户名或密码不正确。")).to_be_visible()
    sign_in(pb, b, "clerk_a", "Wrong-pass-1")  # the fifth failure, on B
    expect(pb.get_by_text("账户已锁定", exact=False)).to_be_visible()
    sign_in(pa, a, "clerk_a")  # the right password on A is refused while locked
    expect(pa.get_by_text("账户已锁定", exact=False)).to_be_visible()
    with read_session(engine) as s:
        assert s.scalar(select(User.locked_until).where(User.username == "clerk_a")) is not None


def test_signing_out_in_one_process_refuses_the_cookie_in_the_other(two_apps, browser):
    from playwright.sync_api import expect
    a, b, _ = two_apps
    first = browser.new_context()
    pa = first.new_page()
    sign_in(pa, a, "clerk_a")
    signed_in(pa)
    cookie = [c for c in first.cookies() if c["name"] == "fjld_auth"]
    assert cookie  # the pages appear only once the browser holds it
    second = browser.new_context()
    second.add_cookies(cookie)
    pb = second.new_page()
    pb.goto(f"{b}/overdue")
    expect(pb.get_by_role("heading", name="逾期反馈", exact=True)).to_be_visible()  # B takes A's cookie
    pa.get_by_role("button", name="退出登录").click()
    sign_in_form_shown(pa)
    pb.reload()  # B's next run: the session the cookie carries was ended in A
    sign_in_form_shown(pb)
    expect(pb.get_by_role("heading", name="逾期反馈", exact=True)).to_have_count(0)


def test_two_edits_of_one_item_from_the_two_processes_save_one_and_refuse_the_other(two_apps, browser):
    from playwright.sync_api import expect
    a, b, engine = two_apps
    edited = item_id(engine)
    pages = []
    for base, user in ((a, "clerk_a"), (b, "clerk_b")):
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        sign_in(page, base, user)
        signed_in(page)
        page.goto(f"{base}/referrals?item={edited}")
        page.get_by_text("修改事项信息").click()
        page.get_by_label("标题 *").last.wait_for(state="visible")
        pages.append(page)
    pa, pb = pages
    for page, title in ((pa, "由进程A修改的标题"), (pb, "由进程B修改的标题")):
        page.get_by_label("标题 *").last.fill(title)
        settle(page)
    press(pa, "保存修改")
    expect(pa.get_by_text("事项信息已修改。").first).to_be_visible()
    press(pb, "保存修改")
    expect(pb.get_by_text("该记录已被他人修改", exact=False).first).to_be_visible()
    expect(pb.get_by_label("标题 *").last).to_have_value("由进程B修改的标题")  # B's input is kept
    with read_session(engine) as s:
        assert s.get(Item, edited).title == "由进程A修改的标题"
