"""Navigation is built per role on every run: a forbidden page cannot be reached by URL either."""
from datetime import timedelta

import pytest

from core.clock import utcnow

from tests.app.conftest import new_app, signed_in_app


def titles(at):
    return [t.value for t in at.title]


def test_pages_need_sign_in(app_env):
    at = new_app()
    at.switch_page("app_pages/admin.py")
    at.run()
    assert titles(at) == ["登录府检联动工作台"]
    assert not at.dataframe or "用户名" in at.dataframe[0].value.columns  # only the demo-accounts table


def test_admin_reaches_admin_page(app_env):
    at = signed_in_app("admin", "app_pages/admin.py").run()
    assert not at.exception
    assert titles(at) == ["管理"]


@pytest.mark.parametrize("username", ["convener", "office", "liaison", "viewer"])
def test_other_roles_cannot_reach_admin_page(app_env, username):
    at = signed_in_app(username, "app_pages/admin.py").run()
    assert "管理" not in titles(at)
    assert not at.text_input  # no account form anywhere


@pytest.mark.parametrize("username", ["admin", "convener", "office", "viewer"])
def test_every_role_but_the_liaison_lands_on_the_overview(app_env, username):
    at = signed_in_app(username).run()
    assert not at.exception
    assert titles(at) == ["总览"]


def test_a_liaison_lands_on_their_todo_list(app_env):
    at = signed_in_app("liaison").run()
    assert not at.exception
    assert titles(at) == ["待办"]


def test_sign_out_returns_to_sign_in_and_revokes_other_sessions(app_env):
    issued = utcnow() - timedelta(seconds=1)
    at = new_app()
    at.session_state["auth"] = {"username": "office", "issued_at": issued}
    at.run()
    assert titles(at) == ["总览"]
    at.button(key="app.sign_out").click().run()
    assert titles(at) == ["登录府检联动工作台"]
    # another browser signed in before the sign-out (same cookie issue time) is out too
    other = new_app()
    other.session_state["auth"] = {"username": "office", "issued_at": issued}
    other.run()
    assert titles(other) == ["登录府检联动工作台"]
