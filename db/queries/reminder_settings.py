"""Reads for 管理 → 待办与催办: the thresholds with their version, and each unit's group robot as
the admin may see it — the channel, the webhook's host and last four characters, whether a
secret is set — never the webhook or the secret themselves."""
from __future__ import annotations

import urllib.parse

from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.todo_settings import TodoSettings
from db.engine import read_session
from db.models import Unit
from db.queries.todo import saved_todo_settings


def todo_thresholds(engine: Engine) -> tuple[TodoSettings, int, str]:
    """The thresholds in force, the version of the saved setting (0: never saved) and whose they
    are (own, city, default: db.queries.todo.saved_todo_settings)."""
    with read_session(engine) as s:
        return saved_todo_settings(s)


def masked_webhook(webhook: str | None) -> str | None:
    """https://qyapi.weixin.qq.com/…3f9a: enough to tell robots apart, not enough to use one."""
    if not webhook:
        return None
    host = urllib.parse.urlsplit(webhook).hostname or ""
    return f"{host}/…{webhook[-4:]}" if len(webhook) > 12 else "…"


def unit_robots(engine: Engine) -> list[dict]:
    """Every active unit in the plan's order: id, name, version, channel, webhook (masked),
    secret_set."""
    with read_session(engine) as s:
        rows = s.execute(select(Unit.id, Unit.name, Unit.version, Unit.robot_channel, Unit.robot_webhook,
                                Unit.robot_secret).where(Unit.active.is_(True)).order_by(Unit.sort_order, Unit.id))
        return [dict(id=i, name=name, version=version, channel=channel, webhook=masked_webhook(webhook),
                     secret_set=bool(secret)) for i, name, version, channel, webhook, secret in rows]
