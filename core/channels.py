"""Delivery of one message by one channel: e-mail over SMTP, or a work-chat group robot
(企业微信 markdown, 钉钉 markdown with its HMAC signature, or a plain JSON POST).

A send returns nothing or raises DeliveryFailed with a short reason that never contains a
password, a robot secret or a webhook's access token (the reminder log stores the reason)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from core.i18n import t

EMAIL, WECOM, DINGTALK, WEBHOOK = "email", "wecom", "dingtalk", "webhook"
CHANNELS = (EMAIL, WECOM, DINGTALK, WEBHOOK)
ROBOT_CHANNELS = (WECOM, DINGTALK, WEBHOOK)  # a unit's group robot
SMTP_SECURITY = ("none", "starttls", "ssl")
TIMEOUT_S = 15
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>#!|~>-])")


class DeliveryFailed(Exception):
    """The channel refused or could not be reached; str(exc) is safe to store and show."""


@dataclass(frozen=True)
class Message:
    """One digest: a subject line, a plain-text body (e-mail, JSON) and a markdown body (robots),
    the links it carries, and the e-mail address or robot that receives it."""
    subject: str
    text: str
    markdown: str
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # none | starttls | ssl
    user: str | None
    password: str | None
    sender: str

    def __repr__(self) -> str:  # never print the password
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, "
                f"user={self.user!r}, sender={self.sender!r})")


def markdown_text(value: str) -> str:
    """User text (titles, unit names) made inert in a robot's markdown: no links, no emphasis."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def send_email(settings: SmtpSettings, to: str, message: Message) -> None:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = formataddr((t("app.title"), settings.sender))
    mail["To"] = to
    mail.set_content(message.text, charset="utf-8")
    try:
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.user:
                client.login(settings.user, settings.password or "")
            client.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(_safe_reason(exc, settings.password)) from None


def dingtalk_url(webhook: str, secret: str | None, now_ms: int | None = None) -> str:
    """The robot URL with 钉钉's signature: base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    if not secret:
        return webhook
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{webhook}{'&' if '?' in webhook else '?'}timestamp={timestamp}&sign={sign}"


def robot_payload(channel: str, message: Message) -> dict:
    if channel == WECOM:
        return {"msgtype": "markdown", "markdown": {"content": message.markdown}}
    if channel == DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": message.subject, "text": message.markdown}}
    return {"title": message.subject, "text": message.text, "links": list(message.links)}


def send_robot(channel: str, webhook: str, secret: str | None, message: Message) -> None:
    """POST the message to a group robot; 企业微信 and 钉钉 answer errcode 0 when they accept it."""
    url = dingtalk_url(webhook, secret) if channel == DINGTALK else webhook
    body = json.dumps(robot_payload(channel, message), ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            answer = response.read(65536)
    except (OSError, urllib.error.URLError) as exc:
        raise DeliveryFailed(_safe_reason(exc, secret, webhook)) from None
    if channel in (WECOM, DINGTALK):
        try:
            code = json.loads(answer or b"{}").get("errcode", -1)
        except (ValueError, AttributeError):
            code = -1
        if code != 0:
            raise DeliveryFailed(f"errcode {code}: {answer[:200].decode('utf-8', 'replace')}")


def _safe_reason(exc: BaseException, *secrets: str | None) -> str:
    """A one-line reason with every secret (and any URL's query string) left out."""
    reason = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]
    for secret in secrets:
        if secret:
            reason = reason.replace(secret, "***")
            query = urllib.parse.urlsplit(secret).query if "://" in secret else ""
            if query:
                reason = reason.replace(query, "***")
    return reason
