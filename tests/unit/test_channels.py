"""Delivery channels against real servers on loopback: an SMTP server (aiosmtpd) receives the
e-mail with its Chinese body; an HTTP server receives the 企业微信, 钉钉 (signature checked) and
JSON robot messages; refusals and unreachable servers fail with a reason that holds no secret."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from core.channels import (DINGTALK, WEBHOOK, WECOM, DeliveryFailed, Message, SmtpSettings, dingtalk_url,
                           markdown_text, send_email, send_robot)

MESSAGE = Message(subject="【催办】区市场监管局:2件事项已超期", text="您好:\n以下事项已超期:\n1. 关于某农贸市场的检察建议",
                  markdown="### 催办\n1. 关于某农贸市场的检察建议", links=("http://app.example/?item=7",))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.mails: list = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def settings_for(port: int, **overrides) -> SmtpSettings:
    values = dict(host="127.0.0.1", port=port, security="none", user=None, password=None, sender="fjld@example.invalid")
    values.update(overrides)
    return SmtpSettings(**values)


def test_an_email_arrives_with_its_chinese_subject_body_and_recipient(smtp_server):
    controller, inbox = smtp_server
    send_email(settings_for(controller.port), "liaison@example.invalid", MESSAGE)
    [(rcpt, mail)] = inbox.mails
    assert rcpt == ["liaison@example.invalid"]
    assert mail["Subject"] == MESSAGE.subject
    assert "fjld@example.invalid" in mail["From"]
    assert mail.get_content().replace("\r\n", "\n").strip() == MESSAGE.text.strip()


def test_an_unreachable_smtp_server_fails_with_a_reason_and_no_password():
    with pytest.raises(DeliveryFailed) as failed:
        send_email(settings_for(free_port(), user="u", password="s3cret-pw"), "a@example.invalid", MESSAGE)
    assert "s3cret-pw" not in str(failed.value) and str(failed.value)
    assert "s3cret-pw" not in repr(settings_for(1, password="s3cret-pw"))


class Robot(BaseHTTPRequestHandler):
    received: list = []
    answer: bytes = b'{"errcode":0,"errmsg":"ok"}'

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(type(self).answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    Robot.received, Robot.answer = [], b'{"errcode":0,"errmsg":"ok"}'
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_wecom_gets_a_markdown_message(robot):
    send_robot(WECOM, f"{robot}/cgi-bin/webhook/send?key=abc", None, MESSAGE)
    [(path, content_type, body)] = Robot.received
    assert path == "/cgi-bin/webhook/send?key=abc" and content_type.startswith("application/json")
    assert body == {"msgtype": "markdown", "markdown": {"content": MESSAGE.markdown}}


def test_dingtalk_gets_a_markdown_message_signed_with_its_secret(robot):
    secret = "SEC0123456789"
    send_robot(DINGTALK, f"{robot}/robot/send?access_token=tok", secret, MESSAGE)
    [(path, _, body)] = Robot.received
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
    send_robot(WEBHOOK, f"{robot}/hook", None, MESSAGE)
    [(_, _, body)] = Robot.received
    assert body == {"title": MESSAGE.subject, "text": MESSAGE.text, "links": list(MESSAGE.links)}


def test_a_robot_that_answers_an_error_code_is_a_failure(robot):
    Robot.answer = b'{"errcode":310000,"errmsg":"sign not match"}'
    with pytest.raises(DeliveryFailed, match="310000"):
        send_robot(DINGTALK, f"{robot}/robot/send?access_token=tok", "SECRET", MESSAGE)


def test_an_unreachable_robot_fails_without_showing_its_token():
    url = f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=very-secret-key"
    with pytest.raises(DeliveryFailed) as failed:
        send_robot(WECOM, url, None, MESSAGE)
    assert "very-secret-key" not in str(failed.value)


def test_user_text_in_a_robot_message_cannot_make_links_or_headings():
    assert markdown_text("[点我](http://evil.example) **粗**") == r"\[点我\]\(http://evil.example\) \*\*粗\*\*"
    assert markdown_text("# 标题\n> 引用") == r"\# 标题 \> 引用"
