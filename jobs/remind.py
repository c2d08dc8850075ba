"""The daily reminder run: plan today's digests, claim each in the log, send it, record the
outcome. `python manage.py remind [--today D] [--dry-run] [--json]` calls `run`.

Settings come from the environment (or .streamlit/secrets.toml): FJLD_BASE_URL for links,
FJLD_SMTP_HOST, FJLD_SMTP_PORT, FJLD_SMTP_SECURITY (none | starttls | ssl), FJLD_SMTP_USER,
FJLD_SMTP_PASSWORD, FJLD_SMTP_FROM for e-mail. How early "due soon" starts is the admin's setting
(core.todo_settings soon_days, default 3 working days).
Without SMTP settings e-mail digests are recorded as failed (with the reason) and retried."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine

from core.channels import EMAIL, SMTP_SECURITY, DeliveryFailed, SmtpSettings, send_email, send_robot
from core.config import setting
from core.reminder_messages import digest_message
from core.permissions import ADMIN, Actor
from db import reminders as rm
from db.commands.settings import refresh_estimates
from db.commands.reminders import RemindUnit

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


@dataclass(frozen=True)
class Outbox:
    """How messages leave, read once per run: the mail settings, the app's address for links and
    the district whose office signs them."""
    smtp: SmtpSettings | None
    base_url: str
    district: str


def outbox(engine: Engine) -> Outbox:
    """Raises ValueError for a mail setting that cannot be used (its message names the setting)."""
    from db.queries.common import district_words
    return Outbox(smtp_settings(), setting("FJLD_BASE_URL") or "http://localhost:8501",
                  district_words(engine)["district"])


def _send(engine: Engine, digest: rm.Digest, entries: list[rm.Entry], today: date, username: str,
          user_id: int | None, report: RunReport, box: Outbox | None, error: str | None = None) -> None:
    """Send the claimed entries of one digest (unless `error` already says why they cannot go) and
    record the outcome."""
    try:
        if error is None:
            _deliver(digest, digest_message(digest.unit_name, entries, today, box.base_url, box.district), box.smtp)
            report.sent += 1
    except DeliveryFailed as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - whatever it was, the claimed reminder is recorded, not stranded
        error = type(exc).__name__
    if error:
        report.failed += 1
        log.warning("reminder to %s by %s failed: %s", digest.unit_name, digest.channel, error)
    rm.record(engine, digest, entries, today, username, user_id, error)


def send_claimed(engine: Engine, command: RemindUnit) -> RunReport:
    """After the office's 催办 by hand (RemindUnit, run): send what it claimed."""
    report = RunReport(planned=[d.as_plan() for d, _ in command.claimed])
    box, error = None, None
    try:
        box = outbox(engine)
    except ValueError as exc:  # recorded as failed, so the next run sends them
        error = f"settings: {exc}"[:300]
    for digest, entries in command.claimed:
        _send(engine, digest, entries, command.day, command.actor.username, command.actor.user_id, report, box, error)
    return report


def run(engine: Engine, today: date, *, dry_run: bool = False, username: str = SYSTEM,
        user_id: int | None = None) -> RunReport:
    if not dry_run:  # estimated due dates the calendar now moves are moved before anything is planned
        refresh_estimates(engine, Actor(user_id, username, ADMIN), always=True)
    digests = rm.plan(engine, today)
    report = RunReport(planned=[d.as_plan() for d in digests])
    if dry_run:
        return report
    box = outbox(engine)  # mail settings that cannot be used stop the run before anything is claimed
    rm.job_started(engine)
    rm.forget_interrupted(engine)
    for digest in digests:
        entries = rm.claim(engine, digest, today, username)
        if entries:
            _send(engine, digest, entries, today, username, user_id, report, box)
        else:
            report.skipped += 1
    rm.job_finished(engine, report.outcome)
    return report
