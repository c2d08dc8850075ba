"""管理 → 待办与催办 (AppTest): the admin saves the thresholds (a value out of range is refused under
its field, input kept) and sets a unit's group robot, which the page then shows masked — the
webhook's token and the secret never appear on the page."""
from sqlalchemy import select

from core.todo_settings import TodoSettings
from db.engine import make_engine, read_session
from db.models import Setting, Unit
from tests.app.conftest import admin_page as open_admin
from tests.app.conftest import unit_id
from tests.app.helpers import captions, errors, walk

TOKEN = "0d5a7c9b-77aa-4c1e-9f3e-1234abcd3f9a"
WEBHOOK = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={TOKEN}"


def admin_page():
    return open_admin("admin", "待办与催办")


def click(at, label):
    next(b for b in at.button if b.label == label).click().run()
    return at


def page_text(at) -> str:
    """Everything the page shows as text (values of widgets included)."""
    out = []
    for node in walk(at._tree):
        for attr in ("value", "label", "body", "caption", "placeholder"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                out.append(value)
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
    return "\n".join(out)


def test_the_admin_saves_the_thresholds_and_a_value_out_of_range_is_refused(app_env):
    at = admin_page()
    at.number_input(key="settings.todo.unsigned_after").set_value(4)
    at.number_input(key="settings.todo.escalate_after").set_value(10)
    click(at, "保存阈值")
    assert "待办与催办的阈值已保存。" in [s.value for s in at.success]
    with read_session(make_engine(app_env)) as s:
        stored = Setting.row(s, "todo").value
    assert TodoSettings.from_stored(stored) == TodoSettings(unsigned_after=4, escalate_after=10)
    assert at.number_input(key="settings.todo.unsigned_after").value == 4


def test_the_admin_returns_to_the_default_thresholds(app_env):
    at = admin_page()
    assert not [b for b in at.button if b.label == "恢复默认值"]  # nothing saved: nothing to drop
    at.number_input(key="settings.todo.escalate_after").set_value(10)
    click(at, "保存阈值")
    click(at, "恢复默认值")
    assert "已恢复,下列为现在生效的阈值。" in [s.value for s in at.success]
    assert at.number_input(key="settings.todo.escalate_after").value == TodoSettings().escalate_after
    with read_session(make_engine(app_env)) as s:
        assert Setting.row(s, "todo") is None
    assert not [b for b in at.button if b.label == "恢复默认值"]


def save_robot(unit: int, channel: str, webhook: str):
    """The admin page with `unit`'s robot form filled in and saved."""
    at = admin_page()
    at.selectbox(key="settings.robot.unit").set_value(unit).run()
    form = f"settings.robot.{unit}"
    at.selectbox(key=f"{form}.channel").set_value(channel)
    at.text_input(key=f"{form}.webhook").input(webhook)
    return click(at, "保存机器人设置")


def test_the_admin_sets_a_units_robot_and_sees_it_only_masked(app_env):
    unit = unit_id(app_env, "market_regulation")
    form = f"settings.robot.{unit}"
    at = save_robot(unit, "wecom", WEBHOOK)
    assert "区市场监管局的工作群机器人设置已保存。" in [s.value for s in at.success]
    with read_session(make_engine(app_env)) as s:
        stored = s.scalar(select(Unit.robot_webhook).where(Unit.id == unit))
    assert stored == WEBHOOK
    at = admin_page()
    at.selectbox(key="settings.robot.unit").set_value(unit).run()
    assert any("qyapi.weixin.qq.com/…3f9a" in c.value for c in at.caption)
    assert TOKEN not in page_text(at)
    assert at.text_input(key=f"{form}.webhook").value == ""


def test_a_webhook_that_is_not_an_address_is_refused_under_its_field_and_nothing_is_stored(app_env):
    unit = unit_id(app_env, "education")
    at = save_robot(unit, "dingtalk", "oapi.dingtalk.com/robot/send")
    assert "请检查标红的字段。" in errors(at)
    assert any("请填写以 https" in c for c in captions(at))
    with read_session(make_engine(app_env)) as s:
        assert s.scalar(select(Unit.robot_channel).where(Unit.id == unit)) is None


def test_the_office_and_convener_todo_say_the_thresholds_in_force(app_env):
    from tests.app.conftest import open_page
    assert any("超过2个工作日未签收" in c.value for c in open_page("office", "app_pages/todo.py").caption)
    at = admin_page()
    at.number_input(key="settings.todo.unsigned_after").set_value(4)
    at.number_input(key="settings.todo.escalate_after").set_value(8)
    click(at, "保存阈值")
    assert any("超过4个工作日未签收" in c.value for c in open_page("office", "app_pages/todo.py").caption)
    assert any("超期超过8个工作日" in c.value for c in open_page("convener", "app_pages/todo.py").caption)
