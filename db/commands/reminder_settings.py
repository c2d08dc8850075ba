"""Settings of 待办 and the reminders (admin only, `manage_settings`): the thresholds
(core.todo_settings; a city admin's in the city layer hold in every district that has not saved
its own), and each unit's work-chat group robot.

A robot's webhook address carries its access token and its 钉钉 signing secret is a key: neither
is ever shown back in full, written to the audit log (db.commands.base SECRET_COLUMNS) or logged.
The form leaves them blank to keep what is stored; a new value replaces it."""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.channels import DINGTALK, ROBOT_CHANNELS
from core.i18n import t
from core.todo_settings import SETTING_KEY, TodoSettings, ranges
from db.commands.base import Command, StaleEdit, snapshot, stored, typed
from db.commands.settings import CityLayered
from db.models import Setting, Unit

OUT_OF_RANGE = ("settings.todo.error.range", {})


@dataclass(frozen=True, kw_only=True)
class SaveTodoSettings(CityLayered, Command):
    """Every threshold of core.todo_settings.TodoSettings, and the version of the setting the form
    showed (0: never saved)."""
    permission, action, entity = "manage_settings", "settings.todo.save", "setting"
    soon_days: int | None = typed(wrong_type=OUT_OF_RANGE)
    unsigned_after: int | None = typed(wrong_type=OUT_OF_RANGE)
    report_every_weeks: int | None = typed(wrong_type=OUT_OF_RANGE)
    escalate_after: int | None = typed(wrong_type=OUT_OF_RANGE)
    version: int | None = None

    def validate(self, session: Session) -> dict[str, str]:
        errors = {}
        for name, (low, high) in ranges().items():
            value = getattr(self, name)
            if value is None:
                errors[name] = t("error.required")
            elif not low <= value <= high:
                errors[name] = t("settings.todo.error.range", low=low, high=high)
        return errors

    def apply(self, session: Session):
        row = Setting.row(session, SETTING_KEY)
        if (row.version if row else 0) != (self.version or 0):
            raise StaleEdit()
        before = dict(row.value) if row and isinstance(row.value, dict) else None
        value = TodoSettings(**{name: getattr(self, name) for name in ranges()}).as_stored()
        Setting.put(session, SETTING_KEY, value, row)
        return None, before, value


@dataclass(frozen=True, kw_only=True)
class ResetTodoSettings(CityLayered, Command):
    """Drop the thresholds saved in this layer, so that those beneath hold again: in a district the
    city layer's (else the defaults), in the city layer the defaults. version: of the saved
    setting the form showed."""
    permission, action, entity = "manage_settings", "settings.todo.reset", "setting"
    version: int | None = None

    def apply(self, session: Session):
        row = Setting.row(session, SETTING_KEY)
        if row is None or row.version != self.version:
            raise StaleEdit()  # reset or saved again meanwhile: the form shows what holds now
        before = dict(row.value) if isinstance(row.value, dict) else None
        session.delete(row)
        return None, before, None


@dataclass(frozen=True, kw_only=True)
class SetUnitRobot(Command):
    """unit_id, unit_version; channel: one of ROBOT_CHANNELS, or None to remove the robot (its
    webhook and secret go too); webhook / secret: a new value, or blank to keep what is stored;
    clear_secret: remove the stored secret."""
    permission, action, entity = "manage_settings", "unit.robot", "unit"
    unit_id: int | None = typed(wrong_type=("error.unknown_unit", {}))
    unit_version: int | None = None
    channel: str | None = typed(wrong_type=("settings.robot.error.channel", {}))
    webhook: str | None = stored(Unit.robot_webhook, secret=True)
    secret: str | None = stored(Unit.robot_secret, secret=True)
    clear_secret: bool = False

    def validate(self, session: Session) -> dict[str, str]:
        unit = self.find(session, Unit, self.unit_id)
        if unit is None:
            return {"unit_id": t("error.unknown_unit")}
        errors = self.text_errors()
        if self.channel is not None and self.channel not in ROBOT_CHANNELS:
            errors["channel"] = t("settings.robot.error.channel")
        webhook = (self.webhook or "").strip()
        if self.channel is not None and "webhook" not in errors:
            if not webhook and (not unit.robot_webhook or unit.robot_channel != self.channel):
                errors["webhook"] = t("error.required")  # a new kind of robot has an address of its own
            elif webhook and not _is_web_address(webhook):
                errors["webhook"] = t("settings.robot.error.webhook")
        if (self.secret or "").strip() and self.channel != DINGTALK:
            errors.setdefault("secret", t("settings.robot.error.secret_dingtalk_only"))
        return errors

    def apply(self, session: Session):
        unit = self.load_for_edit(session, Unit, self.unit_id, self.unit_version)
        before = snapshot(unit) | _robot_state(unit)
        unit.robot_channel = self.channel
        if self.channel is None:
            unit.robot_webhook = unit.robot_secret = None
        else:
            unit.robot_webhook = (self.webhook or "").strip() or unit.robot_webhook
            secret = (self.secret or "").strip()
            unit.robot_secret = None if self.clear_secret or self.channel != DINGTALK else (secret or unit.robot_secret)
        session.flush()
        return unit.id, before, snapshot(unit) | _robot_state(unit)


def _is_web_address(value: str) -> bool:
    parts = urllib.parse.urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname) and " " not in value


def _robot_state(unit: Unit) -> dict:
    """What the audit row says of the secrets: whether they are set, never their value."""
    return {"robot_webhook_set": bool(unit.robot_webhook), "robot_secret_set": bool(unit.robot_secret)}

