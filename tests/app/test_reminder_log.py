"""催办记录 page (AppTest): the office sees each reminder tried, with its unit, recipient, channel,
stage and outcome (a failure with its reason), and a warning while the daily run has not run;
liaisons and viewers cannot open it."""
from __future__ import annotations

from core.permissions import Actor
from db.engine import make_engine
from jobs import remind
from tests.app.conftest import open_page, unit_id
from tests.conftest import TODAY

PAGE = "app_pages/reminders.py"


def test_the_office_sees_the_daily_run_missing_then_each_reminder_with_its_outcome(app_env, monkeypatch):
    at = open_page("office", PAGE)
    assert not at.exception
    assert any("从未运行" in w.value for w in at.warning)
    assert "暂无催办记录。" in [i.value for i in at.info]

    monkeypatch.setenv("FJLD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FJLD_SMTP_PORT", "9")  # nothing listens: every e-mail fails, and is logged
    monkeypatch.setenv("FJLD_SMTP_SECURITY", "none")
    report = remind.run(make_engine(app_env), TODAY)
    assert report.failed > 0
    at = open_page("office", PAGE)
    assert not any("从未运行" in w.value for w in at.warning)
    log = at.dataframe[0].value
    assert len(log) >= report.failed
    assert set(log["结果"]) == {"发送失败(下次重试)"} and set(log["渠道"]) == {"电子邮件"}
    assert all(log["错误原因"]) and "区市场监管局" in set(log["单位"])
    assert set(log["发起人"]) == {"system"}


def test_liaisons_and_viewers_cannot_open_the_log(app_env):
    for username in ("liaison", "viewer"):
        at = open_page(username, PAGE)
        assert "催办记录" not in [t.value for t in at.title]
