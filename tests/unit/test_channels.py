"""Delivery channels against real servers on loopback: an SMTP server (aiosmtpd) receives the
e-mail with its Chinese body; an HTTP server receives the 企业微信, 钉钉 (signature checked) and
JSON robot messages; refusals and unreachable servers fail with a reason that holds no secret."""
from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse

import pytest

from core.channels import (DINGTALK, WEBHOOK, WECOM, DeliveryFailed, Message, SmtpSettings, dingtalk_url,
                           markdown_text, send_email, send_robot)
from tests.servers import RobotServer, SmtpServer, free_port

MESSAGE = Message(subject="【催办】区市场监管局:2件事项已超期", text="您好:\n以下事项已超期:\n1. 关于某农贸市场的检察建议",
                  markdown="### 催办\n1. 关于某农贸市场的检察建议", links=("http://app.example/?item=7",))


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


def settings_for(port: int, **overrides) -> SmtpSettings:
    values = dict(host="127.0.0.1", port=port, security="none", user=None, password=None, sender="fjld@example.invalid")
    values.update(overrides)
    return SmtpSettings(**values)


def test_an_email_arrives_with_its_chinese_subject_body_and_recipient(smtp_server):
    send_email(settings_for(smtp_server.port), "liaison@example.invalid", MESSAGE)
    [(rcpt, mail)] = smtp_server.mails
    assert rcpt == ["liaison@example.invalid"]
    assert mail["Subject"] == MESSAGE.subject
    assert "fjld@example.invalid" in mail["From"]
    assert mail.get_content().replace("\r\n", "\n").strip() == MESSAGE.text.strip()


def test_an_unreachable_smtp_server_fails_with_a_reason_and_no_password():
    with pytest.raises(DeliveryFailed) as failed:
        send_email(settings_for(free_port(), user="u", password="s3cret-pw"), "a@example.invalid", MESSAGE)
    assert "s3cret-pw" not in str(failed.value) and str(failed.value)
    assert "s3cret-pw" not in repr(settings_for(1, password="s3cret-pw"))


@pytest.fixture
def robot():
    server = RobotServer()
    yield server
    server.close()


def test_wecom_gets_a_markdown_message(robot):
    send_robot(WECOM, f"{robot.url}/cgi-bin/webhook/send?key=abc", None, MESSAGE)
    [(path, content_type, body)] = robot.received
    assert path == "/cgi-bin/webhook/send?key=abc" and content_type.startswith("application/json")
    assert body == {"msgtype": "markdown", "markdown": {"content": MESSAGE.markdown}}


def test_dingtalk_gets_a_markdown_message_signed_with_its_secret(robot):
    secret = "SEC0123456789"
    send_robot(DINGTALK, f"{robot.url}/robot/send?access_token=tok", secret, MESSAGE)
    [(path, _, body)] = robot.received
    assert body == {"msgtype": "markdown", "markdown": {"title": MESSAGE.subject, "text": MESSAGE.markdown}}
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["access_token"] == ["tok"] and sign == expected


def test_dingtalk_signature_matches_the_documented_example():
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "secret", now_ms=1577262236757)
    sign = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["sign"][0]
    digest = hmac.new(b"secret", b"1577262236757\nsecret", hashlib.sha256).digest()
    assert sign == base64.b64encode(digest).decode()


def test_a_plain_webhook_gets_json_with_title_text_and_links(robot):
    send_robot(WEBHOOK, f"{robot.url}/hook", None, MESSAGE)
    [(_, _, body)] = robot.received
    assert body == {"title": MESSAGE.subject, "text": MESSAGE.text, "links": list(MESSAGE.links)}


def test_a_robot_that_answers_an_error_code_is_a_failure(robot):
    robot.answer = b'{"errcode":310000,"errmsg":"sign not match"}'
    with pytest.raises(DeliveryFailed, match="310000"):
        send_robot(DINGTALK, f"{robot.url}/robot/send?access_token=tok", "SECRET", MESSAGE)


def test_an_unreachable_robot_fails_without_showing_its_token():
    url = f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=very-secret-key"
    with pytest.raises(DeliveryFailed) as failed:
        send_robot(WECOM, url, None, MESSAGE)
    assert "very-secret-key" not in str(failed.value)


def test_user_text_in_a_robot_message_cannot_make_links_or_headings():
    assert markdown_text("[点我](http://evil.example) **粗**") == r"\[点我\]\(http://evil.example\) \*\*粗\*\*"
    assert markdown_text("# 标题\n> 引用") == r"\# 标题 \> 引用"
