"""AppTest helpers: run app.py against a copy of a prepared database, signed in as a role."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.clock import utcnow
from db.engine import make_engine, read_session
from db.models import Unit
from tests.conftest import ROOT, copy_db


@pytest.fixture
def app_env(monkeypatch, tmp_path, demo_template):
    """Point the app at a fresh copy of the demo database (demo mode)."""
    url = copy_db(demo_template, tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FJLD_DEMO", "1")
    monkeypatch.delenv("COOKIE_KEY", raising=False)
    return url


@pytest.fixture
def empty_env(monkeypatch, tmp_path, empty_template):
    """Production mode on a database with reference data only."""
    url = copy_db(empty_template, tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FJLD_DEMO", "0")
    monkeypatch.setenv("COOKIE_KEY", "k" * 8 + "0123456789abcdefghijklmnopqrstuvwxyz")
    return url


def new_app(default_timeout: float = 30) -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=default_timeout)


def signed_in_app(username: str, page: str | None = None) -> AppTest:
    """An AppTest whose browser session is already signed in as `username`."""
    at = new_app()
    at.session_state["auth"] = {"username": username, "issued_at": utcnow()}
    if page:
        at.switch_page(page)
    return at


def open_page(username: str, script: str, /, **params) -> AppTest:
    """The page `script` run once, signed in as `username`, with `params` in its URL."""
    at = signed_in_app(username, script)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def admin_page(username: str = "admin", tab: str | None = None) -> AppTest:
    """管理 run once, signed in as `username`, with the tab labelled `tab` open (only the open tab
    is drawn; the first when None)."""
    return open_page(username, "app_pages/admin.py", **({"tab": tab} if tab else {}))


def unit_id(url: str, code: str) -> int:
    """The id of the member unit with this seed code."""
    with read_session(make_engine(url)) as s:
        return s.scalar(select(Unit.id).where(Unit.code == code))
