"""Sign-in page (AppTest): success, wrong password, lockout, inactive user, demo vs production."""
from sqlalchemy import update

from db.engine import make_engine
from db.models import User
from seed.demo import DEMO_ACCOUNTS
from tests.app.conftest import new_app
from tests.app.helpers import errors

OFFICE = next(a for a in DEMO_ACCOUNTS if a["role"] == "office")


def submit(at, username, password):
    at.text_input(key="signin.username").input(username)
    at.text_input(key="signin.password").input(password)
    at.button[0].click().run()
    return at


def test_sign_in_success_shows_overview(app_env):
    at = new_app().run()
    assert at.title[0].value == "登录府检联动工作台"
    submit(at, OFFICE["username"], OFFICE["password"])
    assert not at.exception
    assert at.title[0].value == "总览"
    assert any("演示数据" in w.value for w in at.warning)


def test_demo_accounts_listed_in_demo_mode(app_env):
    at = new_app().run()
    table = at.dataframe[0].value
    assert set(table["用户名"]) == {a["username"] for a in DEMO_ACCOUNTS}
    assert len(table) == 5


def test_wrong_password_keeps_user_out(app_env):
    at = submit(new_app().run(), OFFICE["username"], "Wrong-pass-1")
    assert errors(at) == ["用户名或密码不正确。"]
    assert at.title[0].value == "登录府检联动工作台"


def test_unknown_user_gets_the_same_message(app_env):
    at = submit(new_app().run(), "nobody", "Wrong-pass-1")
    assert errors(at) == ["用户名或密码不正确。"]


def test_five_failures_lock_the_account(app_env):
    at = new_app().run()
    for _ in range(4):
        submit(at, OFFICE["username"], "Wrong-pass-1")
        assert errors(at) == ["用户名或密码不正确。"]
    submit(at, OFFICE["username"], "Wrong-pass-1")
    assert "账户已锁定" in errors(at)[0]
    # even the right password is refused now, in a fresh browser session too
    at2 = submit(new_app().run(), OFFICE["username"], OFFICE["password"])
    assert "账户已锁定" in errors(at2)[0]
    assert at2.title[0].value == "登录府检联动工作台"


def test_inactive_user_cannot_sign_in(app_env):
    engine = make_engine(app_env)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.username == OFFICE["username"]).values(active=False))
    at = submit(new_app().run(), OFFICE["username"], OFFICE["password"])
    assert errors(at) == ["该账户已停用,请联系系统管理员。"]
    assert at.title[0].value == "登录府检联动工作台"


def test_empty_fields_are_refused_politely(app_env):
    at = submit(new_app().run(), "", "")
    assert errors(at) == ["请输入用户名和密码。"]


def test_production_mode_shows_no_demo_accounts_or_banner(empty_env):
    at = new_app().run()
    assert not at.dataframe and not any("演示" in m.value for m in at.markdown)
    submit(at, "root", "Root-pass-2025")
    assert at.title[0].value == "总览"
    assert not any("演示数据" in w.value for w in at.warning)


def test_production_mode_refuses_to_start_with_weak_cookie_key(empty_env, monkeypatch):
    monkeypatch.setenv("COOKIE_KEY", "short")
    at = new_app().run()
    assert not at.exception
    assert "COOKIE_KEY" in errors(at)[0]
    assert not at.text_input


def test_the_wait_for_the_cookie_shows_first_what_led_to_it():
    """After a password change the browser stores the new sign-in cookie; the moment's page says
    the password was changed before it says the sign-in is being saved."""
    from streamlit.testing.v1 import AppTest

    def script():
        from ui import auth, state
        state.flash("密码已修改。")
        auth.cookie_wait_page()

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert at.success[0].value == "密码已修改。" and at.info[0].value.startswith("正在保存登录状态")
