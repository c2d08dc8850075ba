"""管理 → 待办与催办, on SQLite and PostgreSQL: the admin's thresholds change what 待办 lists and
marks and what the daily reminders call due soon; a unit's group robot is set, kept, replaced and
removed, and its webhook token and secret never reach the audit log or the page's reads."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from core.permissions import Actor
from core.todo_settings import TodoSettings
from db.commands.base import PermissionDenied, StaleEdit, ValidationFailed
from db.commands.reminder_settings import SaveTodoSettings, SetUnitRobot
from db.engine import read_session
from db.models import AuditLog, Unit
from db.queries.reminder_settings import todo_thresholds, unit_robots
from db.queries.todo import liaison_todo, office_todo
from db.reminders import plan
from tests.conftest import TODAY
from tests.db.test_todo import work  # noqa: F401 (fixture)
from tests.db.test_reminders import liaison

ADMIN = Actor(None, "admin1", "admin")
TOKEN = "7c1f0a92-5b1e-4d1a-9f3e-0d5a7c9b3f9a"
WEBHOOK = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={TOKEN}"
SECRET = "SEC0123456789abcdef0123456789abcdef"


def save(engine, version: int = 0, **values) -> None:
    given = TodoSettings().as_stored() | values
    SaveTodoSettings(ADMIN, version=version, **given).run(engine)


def test_thresholds_start_at_their_defaults_and_the_saved_ones_apply_at_once(engine, units, work):
    assert todo_thresholds(engine) == (TodoSettings(), 0, "default")
    unsigned = [r["id"] for r in office_todo(engine, TODAY) if r["work"] == "unsigned"]
    assert unsigned == [work["unsigned"]]  # sent 11-20, four working days ago; 11-25 is too fresh
    soon = {r["id"]: r["mark"] for r in liaison_todo(engine, units["market_regulation"], TODAY)}
    assert soon[work["soon"]] == "amber"  # due in 3 working days

    save(engine, unsigned_after=5, soon_days=2)
    assert todo_thresholds(engine) == (TodoSettings(unsigned_after=5, soon_days=2), 1, "own")
    assert [r["id"] for r in office_todo(engine, TODAY) if r["work"] == "unsigned"] == []
    marks = {r["id"]: r["mark"] for r in liaison_todo(engine, units["market_regulation"], TODAY)}
    assert marks[work["soon"]] == "green"


def test_the_reminders_due_soon_window_is_the_saved_one(engine, units, work):
    liaison(engine, units["market_regulation"], "market@example.invalid")
    before = {e.entity_id for d in plan(engine, TODAY) for e in d.entries}
    assert work["soon"] in before
    save(engine, soon_days=1)
    assert work["soon"] not in {e.entity_id for d in plan(engine, TODAY) for e in d.entries}


@pytest.mark.parametrize("values,field", [(dict(soon_days=0), "soon_days"), (dict(escalate_after=61), "escalate_after"),
                                          (dict(report_every_weeks=None), "report_every_weeks")])
def test_a_threshold_out_of_its_range_is_refused_under_its_field(engine, values, field):
    with pytest.raises(ValidationFailed) as refused:
        save(engine, **values)
    assert set(refused.value.field_errors) == {field}
    assert todo_thresholds(engine)[1] == 0


def test_thresholds_saved_meanwhile_refuse_a_stale_form_and_only_admins_save(engine):
    save(engine, soon_days=4)
    with pytest.raises(StaleEdit):
        save(engine, version=0, soon_days=5)
    with pytest.raises(PermissionDenied):
        SaveTodoSettings(Actor(None, "office1", "office"), version=1, **TodoSettings().as_stored()).run(engine)
    assert todo_thresholds(engine) == (TodoSettings(soon_days=4), 1, "own")


def version(engine, unit_id: int) -> int:
    with read_session(engine) as s:
        return s.get(Unit, unit_id).version


def robot(engine, unit_id: int) -> tuple:
    with read_session(engine) as s:
        unit = s.get(Unit, unit_id)
        return unit.robot_channel, unit.robot_webhook, unit.robot_secret


def test_a_robot_is_set_kept_replaced_and_removed_and_its_secrets_stay_out_of_the_audit(engine, units):
    unit = units["market_regulation"]
    SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), channel="dingtalk",
                 webhook=f" {WEBHOOK} ", secret=SECRET).run(engine)
    assert robot(engine, unit) == ("dingtalk", WEBHOOK, SECRET)
    # blank webhook and secret: kept
    SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), channel="dingtalk").run(engine)
    assert robot(engine, unit) == ("dingtalk", WEBHOOK, SECRET)
    # another kind of robot has an address of its own, and a secret belongs to 钉钉 only
    with pytest.raises(ValidationFailed) as refused:
        SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), channel="wecom").run(engine)
    assert set(refused.value.field_errors) == {"webhook"}
    SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), channel="wecom", webhook=WEBHOOK).run(engine)
    assert robot(engine, unit) == ("wecom", WEBHOOK, None)
    assert TOKEN not in repr(SetUnitRobot(ADMIN, unit_id=unit, channel="wecom", webhook=WEBHOOK, secret=SECRET))
    SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), channel=None).run(engine)
    assert robot(engine, unit) == (None, None, None)
    with read_session(engine) as s:
        audits = s.scalars(select(AuditLog).where(AuditLog.action == "unit.robot").order_by(AuditLog.id)).all()
    assert len(audits) == 4
    dumped = json.dumps([[a.before, a.after] for a in audits])
    assert TOKEN not in dumped and SECRET not in dumped
    assert audits[0].after["robot_channel"] == "dingtalk" and audits[0].after["robot_secret_set"] is True


def test_the_settings_read_shows_the_robot_masked(engine, units):
    unit = units["education"]
    SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), channel="wecom", webhook=WEBHOOK).run(engine)
    row = next(r for r in unit_robots(engine) if r["id"] == unit)
    assert (row["channel"], row["webhook"], row["secret_set"]) == ("wecom", "qyapi.weixin.qq.com/…3f9a", False)
    assert TOKEN not in json.dumps(unit_robots(engine), default=str)


@pytest.mark.parametrize("values,field", [
    (dict(channel="wecom"), "webhook"),  # none stored yet
    (dict(channel="wecom", webhook="qyapi.weixin.qq.com/send?key=1"), "webhook"),
    (dict(channel="wecom", webhook="http://qyapi.weixin.qq.com/send?key=1"), "webhook"),  # the token in clear
    (dict(channel="wecom", webhook=WEBHOOK, secret=SECRET), "secret"),
    (dict(channel="sms", webhook=WEBHOOK), "channel"),
])
def test_a_robot_that_cannot_be_used_is_refused_under_its_field(engine, units, values, field):
    unit = units["justice"]
    with pytest.raises(ValidationFailed) as refused:
        SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), **values).run(engine)
    assert field in refused.value.field_errors
    assert robot(engine, unit) == (None, None, None)


def test_a_robot_set_receives_the_units_digest(engine, units, work, monkeypatch):
    unit = units["market_regulation"]
    SetUnitRobot(ADMIN, unit_id=unit, unit_version=version(engine, unit), channel="webhook",
                 webhook="https://robot.example.invalid/hook").run(engine)
    digests = [d for d in plan(engine, TODAY) if d.unit_id == unit]
    assert [(d.channel, d.recipient) for d in digests] == [("webhook", "robot:market_regulation")]
    assert date(2026, 11, 20) in {e.due_on for e in digests[0].entries}
