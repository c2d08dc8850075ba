"""Browser end-to-end: a real `streamlit run` server on a free port, driven by Playwright in
Debian's Chromium (/usr/bin/chromium). Screenshots go to test-artifacts/."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

import pytest

from bench.load import app_process as bench_app_process
from tests.conftest import ROOT, copy_db, skip_or_fail

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


@contextmanager
def app_process(env: dict, log_path):
    """The app served on a free port with `env` (bench.load.app_process); yields its base URL."""
    with bench_app_process(env, log_path) as (url, _):
        yield url


@contextmanager
def demo_server(tmp_path, template, demo: str = "1"):
    """The app in demo mode (FJLD_DEMO=`demo`) on a copy of `template`; yields (base URL, database URL)."""
    db_url = copy_db(template, tmp_path)
    env = dict(os.environ, DATABASE_URL=db_url, FJLD_DEMO=demo)
    env.pop("COOKIE_KEY", None)
    with app_process(env, tmp_path / "streamlit.log") as url:
        yield url, db_url


@pytest.fixture
def server(tmp_path, demo_template):
    """The app in demo mode on a copy of the demo database; yields (base URL, database URL)."""
    with demo_server(tmp_path, demo_template) as served:
        yield served


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        skip_or_fail("Debian's Chromium is not installed (apt-get install -y chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install -r requirements-dev.txt)")
    expect.set_options(timeout=30_000)  # a shared two-core machine: first renders can be slow
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base_url: str, username: str, password: str, *, expect_cookie: bool = True) -> None:
    """Sign in through the form; by default wait until the browser holds the sign-in cookie, so
    that the test may then open other addresses directly."""
    page.goto(base_url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if expect_cookie:
        for _ in range(300):
            if any(c["name"] == "fjld_auth" for c in page.context.cookies()):
                return
            page.wait_for_timeout(100)
        raise AssertionError("the sign-in cookie was never set")


def sign_in_form_shown(page) -> None:
    """Wait for the sign-in page. While Streamlit redraws after a sign-out, the page may hold the
    heading twice for a moment (the one of the run before, not yet removed): either one will do."""
    from playwright.sync_api import expect
    expect(page.get_by_role("heading", name="登录府检联动工作台", exact=True).first).to_be_visible()


def settle(page, timeout: int = 30_000) -> None:
    """Commit the focused field, as leaving it would, and wait until the script run this sets off
    has finished, so that the next click is not raced by a rerun redrawing the page."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    try:  # the run it sets off starts within a moment, later on a busy machine
        page.locator('[data-testid="stApp"]:not([data-test-script-state="notRunning"])').wait_for(timeout=1_000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: no run was set off, or it is over
        pass
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout)


def press(page, button: str) -> None:
    """Click a button once the field just filled in has been committed (see settle)."""
    settle(page)
    page.get_by_role("button", name=button).click()


def pick_option(page, box, shown, *, typed: str, touch: bool = False) -> None:
    """Open the Streamlit selectbox `box`, type `typed` and pick the option named `shown` (a string
    or a pattern), once the rerun set off by leaving the previous field has finished; with `touch`,
    by tapping as on a phone. A rerun that started late anyway (a busy machine) redraws the page
    and closes the open list: then open it again."""
    from playwright.sync_api import expect
    for attempt in range(3):
        settle(page)
        combobox = box.get_by_role("combobox")
        combobox.tap() if touch else box.click()
        page.keyboard.press("Control+A")  # what an earlier attempt typed is replaced
        page.keyboard.type(typed)
        option = page.get_by_role("option", name=shown, exact=True) if isinstance(shown, str) else \
            page.get_by_role("option", name=shown)
        try:
            option.tap(timeout=10_000) if touch else option.click(timeout=10_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    expect(box.get_by_role("combobox")).to_have_value(shown)


def open_expander(page, title, then_visible) -> None:
    """Open an expander by its title (a locator) and wait for `then_visible` inside it. A rerun
    that is still redrawing the page (a busy machine) can draw the expander again closed after
    the click: then click again, only while what it holds is still hidden."""
    for _ in range(3):
        settle(page)
        if then_visible.is_visible():
            return
        title.click()
        try:
            then_visible.wait_for(state="visible", timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; look again
            pass
    then_visible.wait_for(state="visible")


def choose_action(page, action: str, then_visible) -> None:
    """Pick an action in a segmented control and wait for its form. A rerun that the page is still
    finishing (e.g. the cookie component reporting back) can swallow the first click: retry."""
    for _ in range(3):
        page.get_by_role("radio", name=action).click()
        try:
            then_visible.wait_for(state="visible", timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; try the click again
            page.wait_for_timeout(500)
    then_visible.wait_for(state="visible")
