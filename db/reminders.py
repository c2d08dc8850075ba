"""Reminders (催办) as data: who must hear about which records today, and the log that makes each
reminder go out once.

A unit hears about the items it must answer, the meeting follow-ups it leads and the 督办 it must
answer, at these stages: due within N working days (once), due today, newly overdue (once),
and still overdue (once a week after that). Its recipients are the e-mail addresses of its
current liaisons and of its liaison accounts, and its group robot. A reminder is claimed in the
log (status pending) before it is sent, under a unique key (recipient, channel, record, stage,
day); one that failed is claimed again by the next run."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import lifecycles as lc
from core.channels import EMAIL
from core.clock import utcnow
from core.deadlines import compute_due
from core.permissions import LIAISON
from db.calendar import work_calendar
from db.engine import read_session, session_factory
from db.models import AuditLog, FollowUp, Item, ItemEvent, JobRun, Liaison, Reminder, Supervision, Unit, User
from db.queries.predicates import follow_up_open, item_open
from db.queries.todo import todo_settings

DUE_SOON, DUE_TODAY, OVERDUE, STILL_OVERDUE, MANUAL = "due_soon", "due_today", "overdue", "still_overdue", "manual"
STAGES = (OVERDUE, STILL_OVERDUE, DUE_TODAY, DUE_SOON, MANUAL)
PENDING, SENT, FAILED, UNKNOWN = "pending", "sent", "failed", "unknown"
ITEM, FOLLOW_UP, SUPERVISION = "item", "follow_up", "supervision"
STILL_OVERDUE_EVERY = timedelta(days=7)
JOB = "remind"


@dataclass(frozen=True)
class Entry:
    """One record in a digest."""
    entity: str
    entity_id: int
    title: str
    due_on: date
    stage: str


@dataclass
class Digest:
    """What one recipient of one unit hears today, by one channel."""
    unit_id: int
    unit_name: str
    channel: str
    recipient: str  # an e-mail address, or "robot:<unit code>"
    webhook: str | None = None
    secret: str | None = None
    entries: list[Entry] = field(default_factory=list)

    def ids(self, entity: str) -> list[int]:
        return [e.entity_id for e in self.entries if e.entity == entity]

    def as_plan(self) -> dict:
        """The digest as `remind --dry-run --json` prints it (no webhook, no secret)."""
        return {"recipient": self.recipient, "channel": self.channel, "unit": self.unit_name,
                "item_ids": self.ids(ITEM), "follow_up_ids": self.ids(FOLLOW_UP),
                "supervision_ids": self.ids(SUPERVISION)}


def _stage(due_on: date, today: date, soon_until: date) -> str | None:
    if due_on < today:
        return OVERDUE
    if due_on == today:
        return DUE_TODAY
    return DUE_SOON if due_on <= soon_until else None


def _records(s: Session, today: date, soon_until: date) -> dict[int, list[Entry]]:
    """Per unit, the open records due by `soon_until`, each at its stage before the log is read."""
    per_unit: dict[int, list[Entry]] = {}
    queries = (
        (ITEM, select(Item.to_unit_id, Item.id, Item.title, Item.due_on)
         .where(Item.needs_feedback.is_(True), item_open(), Item.due_on <= soon_until)),
        (FOLLOW_UP, select(FollowUp.lead_unit_id, FollowUp.id, FollowUp.text, FollowUp.due_on)
         .where(follow_up_open(), FollowUp.due_on <= soon_until)),
        (SUPERVISION, select(Supervision.unit_id, Supervision.id, Supervision.instruction, Supervision.deadline)
         .where(Supervision.status == lc.SUP_ISSUED, Supervision.deadline <= soon_until)),
    )
    for entity, query in queries:
        for unit_id, row_id, title, due_on in s.execute(query):
            stage = _stage(due_on, today, soon_until)
            if stage:
                per_unit.setdefault(unit_id, []).append(Entry(entity, row_id, " ".join(title.split())[:80], due_on,
                                                              stage))
    return per_unit


def _recipients(s: Session, today: date, unit_ids) -> dict[int, list[tuple[str, str, str | None, str | None]]]:
    """Per unit: (channel, recipient, webhook, secret), e-mail addresses once each."""
    out: dict[int, list] = {u: [] for u in unit_ids}
    seen: set[tuple[int, str]] = set()
    current = and_(Liaison.start_on <= today, or_(Liaison.end_on.is_(None), Liaison.end_on >= today))
    rows = list(s.execute(select(Liaison.unit_id, Liaison.email).where(current, Liaison.email.is_not(None))))
    rows += list(s.execute(select(User.unit_id, User.email).where(User.role == LIAISON, User.active.is_(True),
                                                                   User.email.is_not(None))))
    for unit_id, email in rows:
        address = (email or "").strip().lower()
        if unit_id in out and address and (unit_id, address) not in seen:
            seen.add((unit_id, address))
            out[unit_id].append((EMAIL, address, None, None))
    for unit in s.scalars(select(Unit).where(Unit.id.in_(list(out)), Unit.robot_channel.is_not(None),
                                             Unit.robot_webhook.is_not(None))):
        out[unit.id].append((unit.robot_channel, f"robot:{unit.code}", unit.robot_webhook, unit.robot_secret))
    return out


def _log(s: Session) -> dict[tuple, list[Reminder]]:
    """Earlier reminders that decide what is due again: by (recipient, channel, entity, id)."""
    out: dict[tuple, list[Reminder]] = {}
    for r in s.scalars(select(Reminder).where(Reminder.stage != MANUAL)):
        out.setdefault((r.recipient, r.channel, r.entity, r.entity_id), []).append(r)
    return out


def _still_due(entry: Entry, earlier: list[Reminder], today: date) -> Entry | None:
    """The entry at the stage it is due today for this recipient, or None when already told: a
    soon-due record once, an overdue one once and then weekly as still overdue, others once a day."""
    told = [r for r in earlier if r.status != FAILED]
    if entry.stage == OVERDUE and any(r.stage == OVERDUE for r in told):
        last = max(r.day for r in told if r.stage in (OVERDUE, STILL_OVERDUE))
        if today - last < STILL_OVERDUE_EVERY:
            return None
        entry = replace(entry, stage=STILL_OVERDUE)
    elif entry.stage == DUE_SOON and any(r.stage == DUE_SOON for r in told):
        return None
    return None if any(r.day == today and r.stage == entry.stage for r in told) else entry


def plan(engine: Engine, today: date) -> list[Digest]:
    """Today's digests, one per unit and recipient, overdue first then by due date ("due soon":
    within the admin's soon_days working days, as 待办 marks it amber)."""
    with read_session(engine) as s:
        soon_days = todo_settings(s).soon_days
        soon_until = compute_due(today, soon_days, "working_days", calendar=work_calendar(s)).due_on
        records = _records(s, today, soon_until)
        recipients = _recipients(s, today, records)
        names = dict(s.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(records)))).all())
        log = _log(s)
    digests = []
    for unit_id, entries in sorted(records.items(), key=lambda kv: names.get(kv[0], "")):
        for channel, recipient, webhook, secret in recipients.get(unit_id, []):
            due = [e for e in (_still_due(e, log.get((recipient, channel, e.entity, e.entity_id), []), today)
                               for e in entries) if e]
            if due:
                due.sort(key=lambda e: (STAGES.index(e.stage), e.due_on, e.entity_id))
                digests.append(Digest(unit_id, names.get(unit_id, ""), channel, recipient, webhook, secret, due))
    return digests


def manual_entries(s: Session, unit_id: int, item_ids: list[int]) -> list[Entry]:
    """A 催办 the office sends by hand: those of the named items that the unit must still answer
    (stage manual), by due date."""
    items = s.execute(select(Item.id, Item.title, Item.due_on)
                      .where(Item.id.in_(item_ids), Item.to_unit_id == unit_id, item_open(), Item.due_on.is_not(None))
                      .order_by(Item.due_on, Item.id)).all()
    return [Entry(ITEM, i, " ".join(title.split())[:80], due_on, MANUAL) for i, title, due_on in items]


def unit_digests(s: Session, today: date, unit_id: int, entries: list[Entry]) -> list[Digest]:
    """The entries as one digest per recipient of the unit (none when it has no recipient)."""
    name = s.scalar(select(Unit.name).where(Unit.id == unit_id)) or ""
    return [Digest(unit_id, name, channel, recipient, webhook, secret, list(entries))
            for channel, recipient, webhook, secret in _recipients(s, today, [unit_id])[unit_id]]


# -- the log ---------------------------------------------------------------------------------------

def claim_in(session: Session, digest: Digest, today: date, username: str) -> list[Entry]:
    """Record the digest's reminders as pending, in the session's transaction, before sending;
    return the entries that may be sent (a reminder another run claimed meanwhile is left out; a
    failed one is claimed again)."""
    claimed: list[Entry] = []
    for entry in digest.entries:
        key = dict(recipient=digest.recipient, channel=digest.channel, entity=entry.entity,
                   entity_id=entry.entity_id, stage=entry.stage, day=today)
        retry = session.execute(update(Reminder).where(*(getattr(Reminder, k) == v for k, v in key.items()),
                                                       Reminder.status == FAILED)
                                .values(status=PENDING, attempts=Reminder.attempts + 1, error=None))
        if retry.rowcount:
            claimed.append(entry)
            continue
        try:
            with session.begin_nested():
                session.add(Reminder(**key, unit_id=digest.unit_id, status=PENDING, attempts=1, username=username))
            claimed.append(entry)
        except IntegrityError:
            pass  # already claimed or sent
    return claimed


def claim(engine: Engine, digest: Digest, today: date, username: str) -> list[Entry]:
    """claim_in, committed at once (the daily run claims one digest at a time)."""
    with session_factory(engine)() as session, session.begin():
        return claim_in(session, digest, today, username)


def record(engine: Engine, digest: Digest, entries: list[Entry], today: date, username: str,
           user_id: int | None, error: str | None) -> None:
    """After sending: mark the claimed reminders sent or failed; a sent one is a 催办 event on each
    item's timeline and one audit row for the digest."""
    status = FAILED if error else SENT
    session = session_factory(engine)()
    try:
        with session.begin():
            for entry in entries:
                session.execute(update(Reminder).where(
                    Reminder.recipient == digest.recipient, Reminder.channel == digest.channel,
                    Reminder.entity == entry.entity, Reminder.entity_id == entry.entity_id,
                    Reminder.stage == entry.stage, Reminder.day == today)
                    .values(status=status, error=error, sent_at=None if error else utcnow()))
                if not error and entry.entity == ITEM:
                    session.add(ItemEvent(item_id=entry.entity_id, event_type="reminded", occurred_on=today,
                                          note=f"{digest.channel}:{digest.recipient}", actor_id=user_id))
            session.add(AuditLog(user_id=user_id, username=username, action="reminder.send", entity="unit",
                                 entity_id=digest.unit_id, before=None,
                                 after={**digest.as_plan(), "stages": [e.stage for e in entries],
                                        "outcome": status, "error": error}))
    finally:
        session.close()


def forget_interrupted(engine: Engine, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Reminders a stopped run left pending may or may not have gone out: shown as unknown in the
    log and never sent again (their key stays taken; a reminder twice is worse than one the office
    sees as unknown). Only old ones: a run in progress elsewhere keeps its own."""
    with session_factory(engine)() as session, session.begin():
        return session.execute(update(Reminder).where(Reminder.status == PENDING,
                                                      Reminder.created_at < utcnow() - older_than)
                               .values(status=UNKNOWN, error="interrupted")).rowcount


def job_started(engine: Engine, name: str = JOB) -> None:
    _job(engine, name, started_at=utcnow(), finished_at=None, outcome=None)


def job_finished(engine: Engine, outcome: str, name: str = JOB) -> None:
    _job(engine, name, finished_at=utcnow(), outcome=outcome[:300])


def _job(engine: Engine, name: str, **values) -> None:
    with session_factory(engine)() as session, session.begin():
        row = session.scalar(select(JobRun).where(JobRun.name == name)) or JobRun(name=name)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
