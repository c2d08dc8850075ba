"""操作日志 page (AppTest): who may see it, filters from the URL (and back into it), server-side
pages, a row's before/after field by field (user text shown as text), downloads."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.users import CreateUser, UpdateUser
from db.engine import make_engine, read_session, session_factory
from db.models import AuditLog
from tests.app.conftest import open_page

PAGE = "app_pages/audit.py"
CHIEF = Actor(None, "chief", "admin")


def audit_page(username="admin", **params):
    return open_page(username, PAGE, **params)


def titles(at):
    return [x.value for x in at.title]


def listing(at):
    return next(d.value for d in at.dataframe if "记录号" in d.value.columns)


def make_changes(url):
    """chief creates an account, then renames it: two rows by 'chief' on entity 'user'."""
    engine = make_engine(url)
    user_id = CreateUser(CHIEF, username="clerk", display_name="文员", password="Clerk-pass-1", role="office",
                         unit_id=None).run(engine)
    UpdateUser(CHIEF, user_id=user_id, version=1, display_name="<b>新姓名</b>", role="viewer", unit_id=None,
               active=True).run(engine)
    with read_session(engine) as s:
        return s.scalar(select(AuditLog.id).where(AuditLog.action == "user.update"))


@pytest.mark.parametrize("username", ["admin", "convener", "office"])
def test_visible_to_admin_convener_office(app_env, username):
    at = audit_page(username)
    assert not at.exception
    assert titles(at) == ["操作日志"]
    table = listing(at)
    assert {"记录号", "时间", "操作人", "操作", "对象类型", "涉及字段"} <= set(table.columns)
    assert "新建账户" in set(table["操作"]) and "系统" in set(table["操作人"])
    assert table["记录号"].is_monotonic_decreasing  # newest first


@pytest.mark.parametrize("username", ["liaison", "viewer"])
def test_not_visible_to_liaison_viewer(app_env, username):
    at = audit_page(username)
    assert not at.exception
    assert "操作日志" not in titles(at)
    assert not [d for d in at.dataframe if "记录号" in d.value.columns]


def test_url_filters_narrow_the_rows(app_env):
    make_changes(app_env)
    everything = listing(audit_page())
    at = audit_page(user="chief")
    assert at.selectbox(key="audit.user").value == "chief"
    rows = listing(at)
    assert len(rows) == 2 < len(everything) and set(rows["操作人"]) == {"chief"}
    rows = listing(audit_page(user="chief", action="user.update"))
    assert rows["操作"].tolist() == ["修改账户"]
    assert set(rows.iloc[0]["涉及字段"].split("、")) == {"姓名", "角色"}
    rows = listing(audit_page(entity="reference"))
    assert rows["操作"].tolist() == ["载入参考数据"]
    at = audit_page(period="custom", to="2000-01-01")
    assert at.date_input(key="to").value.isoformat() == "2000-01-01"
    assert "没有符合条件的记录。" in [i.value for i in at.info]


def test_changing_a_filter_writes_the_url_and_restarts_at_page_one(app_env):
    make_changes(app_env)
    at = audit_page(page="2")
    assert at.number_input(key="audit.page").value == 2
    at.selectbox(key="audit.entity").set_value("user").run()
    assert at.query_params["entity"] in ("user", ["user"])
    assert at.number_input(key="audit.page").value == 1
    assert set(listing(at)["对象类型"]) == {"账户"}


def test_pages_come_from_the_server(app_env):
    with session_factory(make_engine(app_env))() as s, s.begin():
        for i in range(60):
            s.add(AuditLog(at=datetime(2026, 11, 1) + timedelta(minutes=i), username="bulk", action="item.note",
                           entity="item", entity_id=i))
    first = audit_page(user="bulk")
    assert len(listing(first)) == 50 and listing(first)["对象编号"].iloc[0] == "59"
    assert "共 60 条记录 · 第 1/2 页" in [c.value for c in first.caption]
    second = audit_page(user="bulk", page="2")
    assert listing(second)["对象编号"].tolist() == [str(i) for i in range(9, -1, -1)]
    assert "共 60 条记录 · 第 2/2 页" in [c.value for c in second.caption]


def test_a_rows_before_and_after_are_shown(app_env):
    row_id = make_changes(app_env)
    at = audit_page(row=str(row_id))
    assert not at.exception
    assert [s.value for s in at.subheader] == [f"记录 {row_id}:修改账户"]
    changes = next(d.value for d in at.dataframe if "字段" in d.value.columns).set_index("字段")
    assert changes.loc["姓名", "修改前"] == "文员" and changes.loc["姓名", "修改后"] == "<b>新姓名</b>"
    assert changes.loc["角色", "修改前"] == "协调机制办公室" and changes.loc["角色", "修改后"] == "列席/查看"
    assert "版本" not in changes.index and "version" not in changes.index
    assert at.json  # the raw before/after as well
    at.button(key="audit.row_close").click().run()
    assert "row" not in at.query_params and not at.subheader


def test_unknown_row_and_downloads(app_env):
    at = audit_page(row="999999")
    assert "所选记录不存在。" in [i.value for i in at.info]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 Excel"]
