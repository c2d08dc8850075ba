"""The daily reminders (催办), on SQLite and PostgreSQL, against a real SMTP server and a robot
server on loopback: each unit's liaison gets one digest with its overdue, due-today and
soon-due records; running again sends nothing; the next days bring only what is new; a failed
send is recorded and retried; a run stopped half-way sends nothing twice; robots get markdown."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.base import PermissionDenied, ValidationFailed
from db.commands.items import CreateItem
from db.commands.reminders import RemindUnit
from db.engine import read_session, session_factory
from db.models import AuditLog, ItemEvent, Liaison, Reminder, Unit
from db.reminders import plan
from jobs import remind
from jobs.remind import send_claimed
from tests.conftest import TODAY, count
from tests.servers import RobotServer, SmtpServer, free_port

OFFICE = Actor(None, "office1", "office")
BASE = "https://fjld.example.invalid"


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("FJLD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FJLD_SMTP_PORT", str(server.port))
    monkeypatch.setenv("FJLD_SMTP_SECURITY", "none")
    monkeypatch.setenv("FJLD_SMTP_FROM", "fjld@example.invalid")
    monkeypatch.setenv("FJLD_BASE_URL", BASE)
    yield server
    server.stop()


def liaison(engine, unit_id: int, email: str) -> None:
    with session_factory(engine)() as s, s.begin():
        s.add(Liaison(unit_id=unit_id, name="联络员", phone="1", email=email, start_on=date(2026, 1, 5)))


def item(engine, units, to: str, title: str, due_on: date) -> int:
    return CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                      to_unit_id=units[to], doc_number=f"硚检建〔2026〕{title}号", title=title,
                      sent_on=date(2026, 10, 9), received_on=date(2026, 10, 10), details={},
                      due_on_override=due_on, override_reason="建议书载明期限").run(engine)


@pytest.fixture
def records(engine, units):
    """区市场监管局: overdue (11-20), due today (11-26), due in 2 working days (11-30), not yet
    (12-10); 区教育局: one overdue item. Both have a liaison with an e-mail address."""
    liaison(engine, units["market_regulation"], "market@example.invalid")
    liaison(engine, units["education"], "edu@example.invalid")
    return {"late": item(engine, units, "market_regulation", "超期事项", date(2026, 11, 20)),
            "today": item(engine, units, "market_regulation", "今日到期事项", date(2026, 11, 26)),
            "soon": item(engine, units, "market_regulation", "即将到期事项", date(2026, 11, 30)),
            "later": item(engine, units, "market_regulation", "下月到期事项", date(2026, 12, 10)),
            "edu": item(engine, units, "education", "教育局超期事项", date(2026, 11, 2))}


def planned(engine, day: date) -> dict[str, list[int]]:
    return {d.recipient: d.ids("item") for d in plan(engine, day)}


def test_each_unit_gets_one_digest_overdue_first_then_by_due_date(engine, records):
    assert planned(engine, TODAY) == {
        "market@example.invalid": [records["late"], records["today"], records["soon"]],
        "edu@example.invalid": [records["edu"]]}
    [market] = [d for d in plan(engine, TODAY) if d.recipient.startswith("market")]
    assert [e.stage for e in market.entries] == ["overdue", "due_today", "due_soon"]
    assert market.as_plan()["unit"] == "区市场监管局"


def test_the_digest_arrives_by_email_once_with_titles_due_dates_and_links(engine, records, smtp):
    report = remind.run(engine, TODAY)
    assert (report.sent, report.failed) == (2, 0)
    mails = {tuple(rcpt): mail for rcpt, mail in smtp.mails}
    mail = mails[("market@example.invalid",)]
    assert mail["Subject"] == "【催办】区市场监管局:3项待办理(1项已超期)"
    body = mail.get_content()
    assert "超期事项(期限 2026-11-20,已超期6天)" in body and "即将到期事项(期限 2026-11-30)" in body
    assert f"{BASE}/referrals?item={records['late']}" in body
    assert "下月到期事项" not in body
    with read_session(engine) as s:
        events = s.scalars(select(ItemEvent.item_id).where(ItemEvent.event_type == "reminded")).all()
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "reminder.send")).all()
    assert sorted(events) == sorted([records["late"], records["today"], records["soon"], records["edu"]])
    assert len(audit) == 2 and {a.after["outcome"] for a in audit} == {"sent"}

    again = remind.run(engine, TODAY)
    assert (again.sent, len(smtp.mails)) == (0, 2)
    assert planned(engine, TODAY) == {}


def test_the_next_days_bring_only_what_is_new_and_a_weekly_still_overdue(engine, records, smtp):
    remind.run(engine, TODAY)
    # Fri 11-27: the item due yesterday is newly overdue; the others were told already
    assert planned(engine, date(2026, 11, 27)) == {"market@example.invalid": [records["today"]]}
    remind.run(engine, date(2026, 11, 27))
    assert planned(engine, date(2026, 11, 30)) == {"market@example.invalid": [records["soon"]]}
    # a week after the first overdue reminder: still overdue, once
    week = {d.recipient: [(e.entity_id, e.stage) for e in d.entries] for d in plan(engine, date(2026, 12, 3))}
    assert week["edu@example.invalid"] == [(records["edu"], "still_overdue")]
    assert (records["late"], "still_overdue") in week["market@example.invalid"]


def test_a_failed_send_is_recorded_and_retried_by_the_next_run(engine, records, monkeypatch):
    down = free_port()
    monkeypatch.setenv("FJLD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FJLD_SMTP_PORT", str(down))
    monkeypatch.setenv("FJLD_SMTP_SECURITY", "none")
    report = remind.run(engine, TODAY)
    assert (report.sent, report.failed) == (0, 2)
    with read_session(engine) as s:
        rows = s.scalars(select(Reminder)).all()
    assert {r.status for r in rows} == {"failed"} and all(r.error for r in rows)
    assert count(engine, ItemEvent, ItemEvent.event_type == "reminded") == 0

    server = SmtpServer(port=down).start()
    try:
        retry = remind.run(engine, TODAY)
    finally:
        server.stop()
    assert (retry.sent, retry.failed) == (2, 0) and len(server.mails) == 2
    with read_session(engine) as s:
        rows = s.scalars(select(Reminder)).all()
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {2}


def test_a_run_stopped_half_way_sends_nothing_twice_when_run_again(engine, records, units, smtp, monkeypatch):
    liaison(engine, units["health"], "health@example.invalid")
    item(engine, units, "health", "卫健超期事项", date(2026, 11, 3))
    deliver, calls = remind._deliver, []

    def stops_at_second(digest, message, settings):
        calls.append(digest.recipient)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is killed while sending the second digest
        deliver(digest, message, settings)

    monkeypatch.setattr(remind, "_deliver", stops_at_second)
    with pytest.raises(KeyboardInterrupt):
        remind.run(engine, TODAY)
    monkeypatch.setattr(remind, "_deliver", deliver)
    remind.run(engine, TODAY)
    received = sorted(r for rcpt, _ in smtp.mails for r in rcpt)
    assert len(received) == len(set(received)) == 2  # the first and the third, each once
    assert calls[1] not in received  # the interrupted one may have gone out: never again


def test_a_unit_robot_gets_the_digest_as_wecom_markdown(engine, records, units, monkeypatch):
    robot = RobotServer()
    try:
        with session_factory(engine)() as s, s.begin():
            unit = s.get(Unit, units["market_regulation"])
            unit.robot_channel, unit.robot_webhook = "wecom", f"{robot.url}/cgi-bin/webhook/send?key=k1"
        monkeypatch.delenv("FJLD_SMTP_HOST", raising=False)
        report = remind.run(engine, TODAY)
    finally:
        robot.close()
    assert report.sent == 1 and report.failed == 2  # e-mail has no SMTP server configured
    [(path, _, body)] = robot.received
    assert body["msgtype"] == "markdown" and "超期事项" in body["markdown"]["content"]
    assert "k1" not in str(report.planned)


def test_dry_run_plans_and_sends_nothing(engine, records, smtp):
    report = remind.run(engine, TODAY, dry_run=True)
    assert {p["recipient"]: p["item_ids"] for p in report.planned}["edu@example.invalid"] == [records["edu"]]
    assert smtp.mails == [] and count(engine, Reminder) == 0


# -- 催办 by hand -----------------------------------------------------------------------------------

def test_the_office_reminds_a_unit_of_all_its_overdue_items_once_a_day(engine, records, units, smtp):
    command = RemindUnit(OFFICE, unit_id=units["market_regulation"])
    command.run(engine)
    report = send_claimed(engine, command)
    assert (report.sent, report.failed) == (1, 0)
    (rcpt, mail), = smtp.mails
    assert rcpt == ["market@example.invalid"]
    body = mail.get_content()
    assert "【催办】事项:超期事项(期限 2026-11-20,已超期6天)" in body
    assert "今日到期事项" not in body and "即将到期事项" not in body  # not overdue
    with read_session(engine) as s:
        request = s.scalars(select(AuditLog).where(AuditLog.action == "reminder.request")).one()
        events = s.scalars(select(ItemEvent.item_id).where(ItemEvent.event_type == "reminded")).all()
    assert request.after["item_ids"] == [records["late"]] and request.username == "office1"
    assert events == [records["late"]]

    again = RemindUnit(OFFICE, unit_id=units["market_regulation"])
    again.run(engine)
    assert again.claimed == [] and len(smtp.mails) == 1  # the same day: nothing twice


def test_a_reminder_by_hand_names_only_open_items_of_that_unit(engine, records, units, smtp):
    command = RemindUnit(OFFICE, unit_id=units["market_regulation"], item_ids=[records["soon"], records["edu"]])
    command.run(engine)
    assert [[e.entity_id for e in entries] for _, entries in command.claimed] == [[records["soon"]]]
    with pytest.raises(ValidationFailed) as refused:
        RemindUnit(OFFICE, unit_id=units["market_regulation"], item_ids=[records["edu"]]).run(engine)
    assert "没有需要催办的事项" in refused.value.field_errors["item_ids"]


def test_a_unit_without_recipients_or_overdue_items_is_told_so_and_nothing_is_logged(engine, units):
    item(engine, units, "justice", "司法局超期事项", date(2026, 11, 2))
    with pytest.raises(ValidationFailed) as refused:
        RemindUnit(OFFICE, unit_id=units["justice"]).run(engine)
    assert "请电话联系" in refused.value.field_errors["unit_id"]
    with pytest.raises(ValidationFailed) as refused:
        RemindUnit(OFFICE, unit_id=units["education"]).run(engine)
    assert "item_ids" in refused.value.field_errors
    assert count(engine, Reminder) == 0


@pytest.mark.parametrize("role", ["viewer", "convener", "liaison"])
def test_only_office_staff_and_admins_remind_by_hand(engine, records, units, role):
    with pytest.raises(PermissionDenied):
        RemindUnit(Actor(None, "someone", role, units["market_regulation"]),
                   unit_id=units["market_regulation"]).run(engine)
    assert count(engine, Reminder) == 0


def test_a_mail_setting_that_cannot_be_used_strands_nothing(engine, records, units, monkeypatch):
    monkeypatch.setenv("FJLD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FJLD_SMTP_SECURITY", "tls1.0")
    with pytest.raises(ValueError):  # the daily run stops before it claims anything
        remind.run(engine, TODAY)
    assert count(engine, Reminder) == 0
    command = RemindUnit(OFFICE, unit_id=units["market_regulation"])
    command.run(engine)
    report = send_claimed(engine, command)  # claimed by hand: recorded as failed, sent by the next run
    assert (report.sent, report.failed) == (0, 1)
    with read_session(engine) as s:
        assert {(r.status, r.error.startswith("settings:")) for r in s.scalars(select(Reminder))} == {("failed", True)}
