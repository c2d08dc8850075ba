"""SQLAlchemy models for the whole domain (DESIGN §2–§4). Migrations live in db/migrations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, select, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from core.clock import utcnow
from db.districts import insert_default

# Text columns are multi-line and hold up to db.stored_values.TEXT_MAX characters unless their
# info names another max_length; String(n) columns are one line of at most n characters.
SUPERVISION_TEXT_MAX = 1000


class Base(DeclarativeBase):
    pass


class District(Base):
    """A district with its own mechanism: its plan, member units, accounts and records
    (db/districts.py scopes every read and write to one)."""
    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InDistrict:
    """A row of one district: reads see only the session's district, inserts take it (db/districts.py)."""
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True, default=insert_default)


class KeyedInDistrict(InDistrict):
    """A district's row found by one key (a setting's key, a job's name, a kind, a day): the
    primary key is the district and that key."""
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), primary_key=True, default=insert_default)

    @classmethod
    def _key(cls):
        return next(c for c in cls.__table__.primary_key if c.name != "district_id")

    @classmethod
    def row(cls, session, key):
        """The row of that key in the session's district, or None."""
        return session.scalar(select(cls).where(cls._key() == key))

    @classmethod
    def in_layers(cls, session, *where) -> dict:
        """Per key, (the row of the session's own layer, the city layer's beneath it), each None
        where there is none: in a district its own and the city's; in the city layer its own and
        None (db.districts.layers). The only place the two layers' rows are told apart."""
        from db import districts
        order = districts.layers(session)
        own, key = order[-1], cls._key().key
        found: dict = {}
        for r in session.scalars(select(cls).where(cls.district_id.in_(order), *where)
                                 .execution_options(**districts.ACROSS)):
            found.setdefault(getattr(r, key), [None, None])[0 if r.district_id == own else 1] = r
        return {k: (mine, city) for k, (mine, city) in found.items()}

    @classmethod
    def in_force(cls, session, *where) -> dict:
        """Per key, the row that holds in the session's district: its own, else the city layer's."""
        return {k: mine if mine is not None else city for k, (mine, city) in cls.in_layers(session, *where).items()}

    @classmethod
    def layered(cls, session, key):
        """The row of that key that holds in the session's district (`in_force`), or None."""
        return cls.in_force(session, cls._key() == key).get(key)


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps `version`."""
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Unit(Base, InDistrict, Versioned):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("district_id", "code", name="uq_unit_district_code"),
                      UniqueConstraint("district_id", "name", name="uq_unit_district_name"))
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32))
    leader_name: Mapped[str | None] = mapped_column(String(50))
    leader_title: Mapped[str | None] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Other names the unit goes by (武汉市硚口区住房和城市更新局, 区住更局 …): imports and forms accept them
    aliases: Mapped[list | None] = mapped_column(JSON, info={"max_length": 100})
    # The unit's work-chat group robot for reminders (core.channels: wecom, dingtalk, webhook); the webhook
    # (its token) and the signing secret are never shown back in full nor written to the audit log.
    robot_channel: Mapped[str | None] = mapped_column(String(16))
    robot_webhook: Mapped[str | None] = mapped_column(String(500))
    robot_secret: Mapped[str | None] = mapped_column(String(200))


class Leader(Base, InDistrict):
    """Conveners and deputy convener of the mechanism (附件 一)."""
    __tablename__ = "leader"
    __table_args__ = (UniqueConstraint("district_id", "key", name="uq_leader_district_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Liaison(Base, InDistrict, Versioned):
    __tablename__ = "liaison"
    __table_args__ = (UniqueConstraint("district_id", "external_ref", name="uq_liaison_district_external_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(254))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    external_ref: Mapped[str | None] = mapped_column(String(100))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class TaskGroup(Base, InDistrict):
    __tablename__ = "task_group"
    __table_args__ = (UniqueConstraint("district_id", "number", name="uq_task_group_district_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))


class KeyTask(Base, InDistrict, Versioned):
    __tablename__ = "key_task"
    __table_args__ = (UniqueConstraint("district_id", "number", name="uq_key_task_district_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int] = mapped_column(ForeignKey("task_group.id"))
    title: Mapped[str] = mapped_column(String(100))
    full_text: Mapped[str] = mapped_column(Text)


class TaskAssignment(Base, InDistrict):
    __tablename__ = "task_assignment"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("key_task.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    role: Mapped[str] = mapped_column(String(16))  # lead | participating
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Milestone(Base, InDistrict, Versioned):
    __tablename__ = "milestone"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("key_task.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    planned_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class ProgressUpdate(Base, InDistrict):
    __tablename__ = "progress_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("key_task.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    reported_on: Mapped[date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


# The columns the item figures count by, beyond the unit, status and date an index is ordered by.
FIGURE_COLUMNS = ("needs_feedback", "due_on", "feedback_on", "received_on", "closed_on", "kind", "mechanism",
                  "due_approximate")


class Item(Base, InDistrict, Versioned):
    """A tracked item of any kind in DESIGN §3 (referral, suggestion, notice, consultation…)."""
    __tablename__ = "item"
    __table_args__ = (
        # Every read is one district's (db/districts.py), so each index starts with the district: an
        # index without it sends every matching entry to the table row to check the district. The
        # two wide ones hold every column the figures count by, so the per-unit and period figures
        # are read from the index alone, not from 26,000 rows of the table (migration 0014).
        Index("ix_item_status_due", "district_id", "status", "due_on"),
        Index("ix_item_status_feedback", "district_id", "status", "feedback_on"),  # 待办: answers to confirm
        Index("ix_item_to_unit_status_sent", "district_id", "to_unit_id", "status", "sent_on", *FIGURE_COLUMNS),
        Index("ix_item_from_unit_status", "district_id", "from_unit_id", "status", "sent_on"),
        Index("ix_item_sent_on", "district_id", "sent_on", "to_unit_id", "from_unit_id", "status", *FIGURE_COLUMNS),
        # the period figures (weekly review, 通报): answered, closed, due in a span of days
        Index("ix_item_feedback_on", "district_id", "feedback_on"),
        Index("ix_item_closed_on", "district_id", "closed_on"),
        Index("ix_item_due_on", "district_id", "due_on"),
        Index("ix_item_kind", "district_id", "kind"),
        UniqueConstraint("district_id", "external_ref", name="uq_item_district_external_ref"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    mechanism: Mapped[str] = mapped_column(String(16))
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    # kind-specific fields (案件名称, 涉嫌罪名 …): one line each, up to max_length
    details: Mapped[dict] = mapped_column(JSON, default=dict, info={"max_length": 200})
    sent_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    needs_feedback: Mapped[bool] = mapped_column(Boolean, default=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_rule: Mapped[str | None] = mapped_column(String(200))  # e.g. "2 months from receipt"
    due_basis: Mapped[str | None] = mapped_column(Text)
    due_override_reason: Mapped[str | None] = mapped_column(Text)
    due_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(50))
    feedback_on: Mapped[date | None] = mapped_column(Date)
    feedback_text: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    key_task_id: Mapped[int | None] = mapped_column(ForeignKey("key_task.id"))
    external_ref: Mapped[str | None] = mapped_column(String(100))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ItemLink(Base, InDistrict):
    """One item led to another (a 行政执法移送 and the 立案监督 that followed; a 检察建议 and its
    督办): shown on both items' details, as 后续事项 on the first and 源于 on the second."""
    __tablename__ = "item_link"
    __table_args__ = (UniqueConstraint("from_item_id", "to_item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    to_item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Accountability(Base, InDistrict, Versioned):
    """移送追责 (plan 五(二)): an item left overdue or unanswered referred to the body that holds
    the people responsible to account — to whom, when, under which reference, with what result."""
    __tablename__ = "accountability"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    referred_to: Mapped[str] = mapped_column(String(100))
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    reference: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[str | None] = mapped_column(Text)
    result_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class ItemEvent(Base, InDistrict):
    """Timeline of an item: status changes, feedback, notes, supervision."""
    __tablename__ = "item_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    occurred_on: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Meeting(Base, InDistrict, Versioned):
    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    convened_by: Mapped[str | None] = mapped_column(String(100))
    topics: Mapped[str | None] = mapped_column(Text)
    minutes_summary: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class MeetingAttendance(Base, InDistrict):
    __tablename__ = "meeting_attendance"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class FollowUp(Base, InDistrict, Versioned):
    """A meeting follow-up item (议定事项)."""
    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("district_id", "external_ref", name="uq_follow_up_district_external_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    due_rule: Mapped[str | None] = mapped_column(String(200))
    # When the due date is "N (working) days after the meeting": kept, so moving the meeting moves it.
    period_amount: Mapped[int | None] = mapped_column(Integer)
    period_unit: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    external_ref: Mapped[str | None] = mapped_column(String(100))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class FollowUpAssist(Base, InDistrict):
    __tablename__ = "follow_up_assist"
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_up.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class FollowUpNote(Base, InDistrict):
    __tablename__ = "follow_up_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_up.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    noted_on: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Supervision(Base, InDistrict, Versioned):
    """限期督办 on an item, a follow-up or a key task."""
    __tablename__ = "supervision"
    # a record's 督办 (its detail; the overdue list's "督办中" mark, per row of the page)
    __table_args__ = (Index("ix_supervision_target", "district_id", "target_type", "target_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))  # item | follow_up | key_task
    target_id: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    level: Mapped[str] = mapped_column(String(8))
    deadline: Mapped[date] = mapped_column(Date)
    instruction: Mapped[str] = mapped_column(Text, info={"max_length": SUPERVISION_TEXT_MAX})
    status: Mapped[str] = mapped_column(String(16))
    issued_on: Mapped[date | None] = mapped_column(Date)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    response_text: Mapped[str | None] = mapped_column(Text, info={"max_length": SUPERVISION_TEXT_MAX})
    responded_on: Mapped[date | None] = mapped_column(Date)
    resolution_text: Mapped[str | None] = mapped_column(Text, info={"max_length": SUPERVISION_TEXT_MAX})
    resolved_on: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base, InDistrict, Versioned):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a city account (core.permissions.CITY_ROLES), which no district's pages list
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True, default=insert_default)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Cookies issued before this instant are refused (logout, password change).
    sessions_valid_after: Mapped[datetime | None] = mapped_column(DateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditLog(Base, InDistrict):
    """Append-only: who did what to which row, with before/after. Its newest id is the data version."""
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_username", "username"), Index("ix_audit_log_action", "action"),
                      Index("ix_audit_log_entity", "entity", "entity_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    # None: done at the city level (a city account created), which no district's log lists
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True, default=insert_default)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class Setting(Base, KeyedInDistrict, Versioned):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict | list | str | int | bool | None] = mapped_column(JSON)

    @classmethod
    def put(cls, session, key: str, value, row: "Setting | None") -> None:
        """Store `value` under `key` in the session's district: into `row`, the district's own row the
        command read (and checked the version of), or into a new row when it has none."""
        if row is None:
            session.add(cls(key=key, value=value, version=1))
        else:
            row.value = value


class DeadlineRuleSetting(Base, KeyedInDistrict, Versioned):
    """A district admin's override of a kind's default deadline (amount and unit); the default and
    the basis stay in core.kinds, the same for every district."""
    __tablename__ = "deadline_rule"
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(16))


class HolidayEntry(Base, KeyedInDistrict):
    """A district admin's statutory holiday or make-up working day; takes precedence over the
    package, which is the same for every district."""
    __tablename__ = "holiday_entry"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(100))


class Reminder(Base, InDistrict):
    """One reminder (催办) of one record to one recipient by one channel for one stage and day: the
    unique key is what makes the daily run idempotent. status: pending (claimed, being sent),
    sent, failed (retried by the next run) or unknown (a run stopped between sending and
    recording; never sent again)."""
    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("recipient", "channel", "entity", "entity_id", "stage", "day",
                                       name="uq_reminder_once"),
                      Index("ix_reminder_status", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    stage: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    channel: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    username: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class JobRun(Base, KeyedInDistrict):
    """When a scheduled job (e.g. the daily reminders) last started and finished in a district, and how."""
    __tablename__ = "job_run"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(300))


class TableVersion(Base):
    """How many committed transactions have changed each table (`*`: every table), in each scope,
    counted by the engine (db/table_versions.py) so the read cache can tell which reads a write
    made stale."""
    __tablename__ = "table_version"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # "all" (every write), a district's id (its writes to its rows), "shared" (the other writes)
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
