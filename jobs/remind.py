"""The daily reminder run: plan today's digests, claim each in the log, send it, record the
outcome. `python manage.py remind [--today D] [--dry-run] [--json]` calls `run`.

Settings come from the environment (or .streamlit/secrets.toml): FJLD_BASE_URL for links,
FJLD_SMTP_HOST, FJLD_SMTP_PORT, FJLD_SMTP_SECURITY (none | starttls | ssl), FJLD_SMTP_USER,
FJLD_SMTP_PASSWORD, FJLD_SMTP_FROM for e-mail, FJLD_REMIND_SOON_DAYS (default 3 working days).
Without SMTP settings e-mail digests are recorded as failed (with the reason) and retried."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine

from core.channels import EMAIL, SMTP_SECURITY, DeliveryFailed, SmtpSettings, send_email, send_robot
from core.config import setting
from core.reminder_messages import digest_message
from db import reminders as rm

log = logging.getLogger(__name__)
SYSTEM = "system"


@dataclass
class RunReport:
    planned: list[dict] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def outcome(self) -> str:
        return f"digests {len(self.planned)}, sent {self.sent}, failed {self.failed}, skipped {self.skipped}"


def smtp_settings() -> SmtpSettings | None:
    host = setting("FJLD_SMTP_HOST")
    if not host:
        return None
    security = (setting("FJLD_SMTP_SECURITY") or "starttls").lower()
    if security not in SMTP_SECURITY:
        raise ValueError(f"FJLD_SMTP_SECURITY must be one of {SMTP_SECURITY}")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    return SmtpSettings(host=host, port=int(setting("FJLD_SMTP_PORT") or default_port), security=security,
                        user=setting("FJLD_SMTP_USER"), password=setting("FJLD_SMTP_PASSWORD"),
                        sender=setting("FJLD_SMTP_FROM") or setting("FJLD_SMTP_USER") or f"fjld@{host}")


def _deliver(digest: rm.Digest, message, smtp: SmtpSettings | None) -> None:
    if digest.channel == EMAIL:
        if smtp is None:
            raise DeliveryFailed("SMTP is not configured (FJLD_SMTP_HOST)")
        send_email(smtp, digest.recipient, message)
    else:
        send_robot(digest.channel, digest.webhook or "", digest.secret, message)


def _send_all(engine: Engine, digests: list[rm.Digest], today: date, username: str, user_id: int | None,
              report: RunReport) -> None:
    base_url = setting("FJLD_BASE_URL") or "http://localhost:8501"
    smtp = smtp_settings()
    for digest in digests:
        entries = rm.claim(engine, digest, today, username)
        if not entries:
            report.skipped += 1
            continue
        error = None
        try:
            _deliver(digest, digest_message(digest.unit_name, entries, today, base_url), smtp)
            report.sent += 1
        except DeliveryFailed as exc:
            error = str(exc)
            report.failed += 1
            log.warning("reminder to %s by %s failed: %s", digest.unit_name, digest.channel, error)
        rm.record(engine, digest, entries, today, username, user_id, error)


def remind_now(engine: Engine, today: date, unit_id: int, item_ids: list[int], username: str,
               user_id: int | None) -> RunReport:
    """The office's 催办 by hand for some items of one unit, by the unit's channels (once a day per
    recipient and item)."""
    digests = rm.manual_digests(engine, today, unit_id, item_ids)
    report = RunReport(planned=[d.as_plan() for d in digests])
    _send_all(engine, digests, today, username, user_id, report)
    return report


def run(engine: Engine, today: date, *, dry_run: bool = False, username: str = SYSTEM,
        user_id: int | None = None) -> RunReport:
    soon = int(setting("FJLD_REMIND_SOON_DAYS") or 3)
    digests = rm.plan(engine, today, soon_days=soon)
    report = RunReport(planned=[d.as_plan() for d in digests])
    if dry_run:
        return report
    rm.job_started(engine)
    rm.forget_interrupted(engine)
    _send_all(engine, digests, today, username, user_id, report)
    rm.job_finished(engine, report.outcome)
    return report
