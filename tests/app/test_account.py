"""我的账户 page (AppTest): change password, with wrong current password and mismatch kept safe."""
from sqlalchemy import select

from core.passwords import check_password
from db.engine import make_engine, read_session
from db.models import User
from seed.demo import DEMO_ACCOUNTS
from tests.app.conftest import signed_in_app

VIEWER = next(a for a in DEMO_ACCOUNTS if a["role"] == "viewer")


def fill(at, current, new, confirm):
    at.text_input(key="account.password.current").input(current)
    at.text_input(key="account.password.new").input(new)
    at.text_input(key="account.password.confirm").input(confirm)
    next(b for b in at.button if b.label == "修改密码").click().run()
    return at


def password_hash(url):
    with read_session(make_engine(url)) as s:
        return s.scalar(select(User.password_hash).where(User.username == "viewer"))


def test_change_password(app_env):
    at = fill(signed_in_app("viewer", "app_pages/account.py").run(), VIEWER["password"], "Viewer-new-77", "Viewer-new-77")
    assert not at.error
    assert at.success[0].value.startswith("密码已修改")
    assert check_password("Viewer-new-77", password_hash(app_env))
    at.run()  # this browser stays signed in
    assert at.title[0].value == "我的账户"


def test_wrong_current_password(app_env):
    at = fill(signed_in_app("viewer", "app_pages/account.py").run(), "nope", "Viewer-new-77", "Viewer-new-77")
    assert any("当前密码不正确" in c.value for c in at.caption)
    assert check_password(VIEWER["password"], password_hash(app_env))


def test_mismatch(app_env):
    at = fill(signed_in_app("viewer", "app_pages/account.py").run(), VIEWER["password"], "Viewer-new-77", "Viewer-new-78")
    assert at.error[0].value == "两次输入的新密码不一致。"
    assert check_password(VIEWER["password"], password_hash(app_env))
