"""管理 page (AppTest): create user, edit role/unit/active, reset password, bad input, stale edit."""
from sqlalchemy import select

from core.passwords import check_password
from core.permissions import Actor
from db.commands.users import UpdateUser
from db.engine import make_engine, read_session
from db.models import User
from tests.app.conftest import signed_in_app
from tests.app.helpers import captions


def admin_page(username="admin"):
    return signed_in_app(username, "app_pages/admin.py").run()


def user_row(url, username):
    with read_session(make_engine(url)) as s:
        return s.scalar(select(User).where(User.username == username))


def fill_create(at, **values):
    for field, value in values.items():
        widget_key = f"admin.create.{field}"
        if field in ("role", "unit_id"):
            at.selectbox(key=widget_key).set_value(value)
        else:
            at.text_input(key=widget_key).input(value)
    return at


def submit_create(at):
    next(b for b in at.button if b.label == "创建账户").click().run()
    return at


def test_admin_lists_accounts_with_roles(app_env):
    at = admin_page()
    table = at.dataframe[0].value
    assert {"admin", "convener", "office", "liaison", "viewer"} <= set(table["用户名"])
    assert "系统管理员" in set(table["角色"])


def test_create_user(app_env):
    at = fill_create(admin_page(), username="wangwu", display_name="王五", password="Wangwu-2025", role="viewer")
    submit_create(at)
    assert not at.exception and not at.error
    assert "wangwu" in set(at.dataframe[0].value["用户名"])
    row = user_row(app_env, "wangwu")
    assert row.role == "viewer" and check_password("Wangwu-2025", row.password_hash)


def test_create_user_bad_input_shows_messages_and_keeps_input(app_env):
    at = fill_create(admin_page(), username="Bad Name", display_name="赵六", password="short", role="liaison")
    submit_create(at)
    assert at.error[0].value == "请检查标红的字段。"
    text = " ".join(captions(at))
    assert "用户名须为" in text and "密码至少 8 位" in text and "联络员账户必须指定所属单位" in text
    assert at.text_input(key="admin.create.username").value == "Bad Name"
    assert at.text_input(key="admin.create.display_name").value == "赵六"
    assert user_row(app_env, "bad name") is None


def test_duplicate_username(app_env):
    at = fill_create(admin_page(), username="office", display_name="重复", password="Office-2025x", role="office")
    submit_create(at)
    assert "该用户名已存在。" in " ".join(captions(at))


def test_deactivate_and_change_role(app_env):
    at = admin_page()
    user_id = user_row(app_env, "viewer").id
    at.selectbox(key="admin.edit.user_id").set_value(user_id).run()
    form = f"admin.edit.{user_id}"
    at.selectbox(key=f"{form}.role").set_value("office")
    at.checkbox(key=f"{form}.active").uncheck()
    next(b for b in at.button if b.label == "保存修改").click().run()
    assert not at.error
    row = user_row(app_env, "viewer")
    assert row.role == "office" and not row.active
    assert "已停用" in set(at.dataframe[0].value["状态"])


def test_stale_edit_is_refused_and_input_kept(app_env):
    at = admin_page()
    user_id = user_row(app_env, "viewer").id
    at.selectbox(key="admin.edit.user_id").set_value(user_id).run()
    form = f"admin.edit.{user_id}"
    # someone else saves a change meanwhile
    UpdateUser(Actor(None, "system", "admin"), user_id=user_id, version=1, display_name="别人改过",
               role="viewer", unit_id=None, active=True).run(make_engine(app_env))
    at.text_input(key=f"{form}.display_name").input("我的修改")
    next(b for b in at.button if b.label == "保存修改").click().run()
    assert "已被他人修改" in at.error[0].value
    assert at.text_input(key=f"{form}.display_name").value == "我的修改"
    assert user_row(app_env, "viewer").display_name == "别人改过"


def test_reset_password(app_env):
    at = admin_page()
    user_id = user_row(app_env, "viewer").id
    at.selectbox(key="admin.edit.user_id").set_value(user_id).run()
    at.text_input(key=f"admin.edit.{user_id}.new_password").input("weak")
    next(b for b in at.button if b.label == "重置密码").click().run()
    assert "密码至少 8 位" in " ".join(captions(at))
    at.text_input(key=f"admin.edit.{user_id}.new_password").input("Viewer-new-9")
    next(b for b in at.button if b.label == "重置密码").click().run()
    assert not at.error
    assert check_password("Viewer-new-9", user_row(app_env, "viewer").password_hash)


def test_a_write_elsewhere_shows_on_the_next_rerun(app_env):
    """Reads are cached on the data version: another session's write appears on the next rerun."""
    from db.commands.users import CreateUser
    at = admin_page()
    before = len(at.dataframe[0].value)
    CreateUser(Actor(None, "system", "admin"), username="elsewhere", display_name="别处创建", password="Else-where-1",
               role="viewer", unit_id=None).run(make_engine(app_env))
    at.run()
    assert len(at.dataframe[0].value) == before + 1


def test_only_the_open_tab_is_drawn_and_the_address_keeps_it(app_env):
    """管理 draws its open tab alone (the accounts at first); the tab chosen is in the address, so a
    reload or a shared link opens it again, and it stays open across the page's reruns."""
    from tests.app.conftest import admin_page as open_admin
    at = admin_page()
    assert {"账户", "期限规则", "节假日", "待办与催办"} <= {t.label for t in at.tabs}
    assert at.text_input(key="admin.create.username") and not [s for s in at.selectbox if s.key == "settings.rule.kind"]
    at = open_admin("admin", "期限规则")
    assert at.selectbox(key="settings.rule.kind") and not [w for w in at.text_input if w.key == "admin.create.username"]
    at.run()
    assert at.selectbox(key="settings.rule.kind") and at.query_params["tab"] == "期限规则"
