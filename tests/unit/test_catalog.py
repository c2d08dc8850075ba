"""The one catalog: parts merge without clashes, and every audited action has a Chinese name."""
import importlib
import pkgutil

import pytest

import db.commands
from core import i18n
from db.commands.base import Command


def all_commands():
    for info in pkgutil.iter_modules(db.commands.__path__):
        importlib.import_module(f"db.commands.{info.name}")
    seen, todo = [], list(Command.__subclasses__())
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in seen if isinstance(c.__dict__.get("action", getattr(c, "action", None)), str)]


def test_every_audited_action_has_a_name_in_the_audit_log():
    missing = sorted({c.action for c in all_commands() if f"audit.action.{c.action}" not in i18n.CATALOG})
    assert missing == []


def test_a_key_defined_twice_is_refused(monkeypatch):
    monkeypatch.setattr(i18n, "CATALOG", {"weekly.title": "重复"})  # as if the base defined it too
    with pytest.raises(KeyError, match="weekly.title"):
        i18n._merge_parts()


def test_format_placeholders_are_filled():
    assert i18n.t("item.overdue_by", n=3) == "已逾期 3 天"
    assert i18n.group_label(2, "服务保障经济社会高质量发展") == "二、服务保障经济社会高质量发展"
