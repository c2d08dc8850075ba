"""Meetings and their follow-up items (议定事项), DESIGN §4: a clerk enters a meeting and its
decisions in one command; the lead or assisting units report progress and completion; office
staff cancel. Follow-up due dates come from core.deadlines (calendar or working days)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from core import lifecycles as lc
from core.clock import today
from core.deadlines import compute_due
from core.i18n import t
from core.kinds import MEETING_KINDS, UNIT_LABELS
from db.calendar import work_calendar
from core.permissions import Actor
from db.commands.base import REQUIRED, Command, Input, NotFound, snapshot, stored, typed
from db.models import FollowUp, FollowUpAssist, FollowUpNote, Meeting, MeetingAttendance, Unit
from db.stored_values import fitted

PERIOD_UNITS = ("days", "working_days")
PERIOD_MAX = 365  # a follow-up is due within a year of its meeting at the latest
UNKNOWN_UNIT = ("error.unknown_unit", {})


def _known_units(session: Session, unit_ids) -> bool:
    ids = set(unit_ids)
    if None in ids:
        return False
    if not ids:
        return True
    found = set(session.scalars(select(Unit.id).where(Unit.id.in_(ids), Unit.active.is_(True))))
    return found == ids


@dataclass(frozen=True, kw_only=True)
class FollowUpInput(Input):
    """One follow-up item (议定事项) of a meeting: due on a date, or N (working) days after it."""
    text: str | None = stored(FollowUp.text, required=True)
    lead_unit_id: int | None = typed(wrong_type=UNKNOWN_UNIT)
    assisting_unit_ids: list[int] | None = typed(wrong_type=UNKNOWN_UNIT)
    due_on: date | None = None
    period_amount: int | None = typed(wrong_type=("error.period_range", {"max": PERIOD_MAX}))
    period_unit: str | None = None
    external_ref: str | None = stored(FollowUp.external_ref)


def follow_up_due(session: Session, held_on: date, fu: FollowUpInput) -> tuple[date | None, str | None]:
    """A follow-up's due date: an explicit date, or N (working) days from the meeting."""
    if fu.due_on:
        return fu.due_on, None
    amount, unit = fu.period_amount, fu.period_unit
    if amount and unit in PERIOD_UNITS:
        due = compute_due(held_on, int(amount), unit, calendar=work_calendar(session))
        return due.due_on, t("follow_up.due_rule", amount=amount, unit=UNIT_LABELS[unit])
    return None, None


@dataclass(frozen=True, kw_only=True)
class _MeetingInput(Command):
    """A meeting's fields, its attending units and the follow-up items it adds (given as
    FollowUpInput or as dicts of its fields): shared by CreateMeeting and UpdateMeeting."""
    kind: str | None = typed(wrong_type=REQUIRED)
    title: str | None = stored(Meeting.title, required=True)
    held_on: date | None = typed(wrong_type=REQUIRED)
    place: str | None = stored(Meeting.place)
    convened_by: str | None = stored(Meeting.convened_by)
    topics: str | None = stored(Meeting.topics)
    minutes_summary: str | None = stored(Meeting.minutes_summary)
    attending_unit_ids: list[int] | None = typed(wrong_type=UNKNOWN_UNIT)
    follow_ups: tuple[FollowUpInput, ...] | None = ()

    def __post_init__(self):
        if isinstance(self.follow_ups, (list, tuple)):
            object.__setattr__(self, "follow_ups", tuple(
                FollowUpInput(**fu) if isinstance(fu, dict) else fu for fu in self.follow_ups))

    def meeting_errors(self, session: Session) -> dict[str, str]:
        errors = self.text_errors()
        if self.kind not in MEETING_KINDS:
            errors["kind"] = t("error.required")
        held_on = self.held_on
        if held_on is None:
            errors["held_on"] = t("error.required")
        if not _known_units(session, self.attending_unit_ids or []):
            errors["attending_unit_ids"] = t("error.unknown_unit")
        for i, fu in enumerate(self.follow_ups or ()):
            prefix = f"follow_ups.{i}"
            errors.update({f"{prefix}.{name}": message for name, message in fu.text_errors().items()})
            if fu.lead_unit_id is None:
                errors[f"{prefix}.lead_unit_id"] = t("error.lead_unit_required")
            elif not _known_units(session, [fu.lead_unit_id]):
                errors[f"{prefix}.lead_unit_id"] = t("error.unknown_unit")
            if not _known_units(session, fu.assisting_unit_ids or []):
                errors[f"{prefix}.assisting_unit_ids"] = t("error.unknown_unit")
            amount = fu.period_amount
            if not fu.due_on and amount is not None and not 1 <= amount <= PERIOD_MAX:
                errors[f"{prefix}.due_on"] = t("error.period_range", max=PERIOD_MAX)
            elif held_on is not None:
                due, _ = follow_up_due(session, held_on, fu)
                if due is None:
                    errors[f"{prefix}.due_on"] = t("error.required")
                elif due < held_on:
                    errors[f"{prefix}.due_on"] = t("error.due_before_meeting")
        return errors

    def follow_up_ref_errors(self, session: Session) -> dict[str, str]:
        """A follow-up's 外部编号 names one follow-up: not one already recorded, nor twice here."""
        errors, seen = {}, set()
        for i, fu in enumerate(self.follow_ups or ()):
            ref = (fu.external_ref or "").strip()
            if not ref or fu.text_errors("external_ref"):
                continue  # blank, or refused by meeting_errors (and not for the database to read)
            if ref in seen or session.scalar(select(func.count()).select_from(FollowUp).where(
                    FollowUp.external_ref == ref)):
                errors[f"follow_ups.{i}.external_ref"] = t("error.external_ref_taken")
            seen.add(ref)
        return errors

    def write_meeting(self, session: Session, meeting: Meeting) -> None:
        meeting.kind, meeting.title, meeting.held_on = self.kind, self.title.strip(), self.held_on
        for name in ("place", "convened_by", "topics", "minutes_summary"):
            setattr(meeting, name, (getattr(self, name) or "").strip() or None)
        session.flush()
        session.execute(delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))
        for unit_id in dict.fromkeys(self.attending_unit_ids or []):
            session.add(MeetingAttendance(meeting_id=meeting.id, unit_id=unit_id))

    def add_follow_ups(self, session: Session, meeting: Meeting) -> list[int]:
        ids = []
        for fu in self.follow_ups or ():
            due_on, rule = follow_up_due(session, meeting.held_on, fu)
            period = (int(fu.period_amount), fu.period_unit) if rule else (None, None)
            row = FollowUp(meeting_id=meeting.id, text=fu.text.strip(), lead_unit_id=fu.lead_unit_id,
                           due_on=due_on, due_rule=rule, period_amount=period[0], period_unit=period[1],
                           status=lc.FU_OPEN, version=1,
                           external_ref=(fu.external_ref or "").strip() or None)
            session.add(row)
            session.flush()
            for unit_id in dict.fromkeys(fu.assisting_unit_ids or []):
                if unit_id != row.lead_unit_id:
                    session.add(FollowUpAssist(follow_up_id=row.id, unit_id=unit_id))
            ids.append(row.id)
        return ids


@dataclass(frozen=True, kw_only=True)
class CreateMeeting(_MeetingInput):
    """A meeting with its attending units and its follow-up items, in one sitting."""
    permission, action, entity = "edit_records", "meeting.create", "meeting"

    def validate(self, session):
        errors = self.meeting_errors(session)
        return errors | {k: v for k, v in self.follow_up_ref_errors(session).items() if k not in errors}

    def apply(self, session):
        meeting = Meeting(version=1)
        session.add(meeting)
        self.write_meeting(session, meeting)
        follow_up_ids = self.add_follow_ups(session, meeting)
        return meeting.id, None, snapshot(meeting) | {"follow_up_ids": follow_up_ids}


@dataclass(frozen=True, kw_only=True)
class UpdateMeeting(_MeetingInput):
    """Correct a meeting's fields and attendance, and add further follow-up items. Moving the
    meeting moves the due dates counted from it; a fixed due date may not fall before it."""
    permission, action, entity = "edit_records", "meeting.update", "meeting"
    meeting_id: int | None = None
    version: int | None = None

    def validate(self, session):
        errors = self.meeting_errors(session)
        errors.update({k: v for k, v in self.follow_up_ref_errors(session).items() if k not in errors})
        if self.held_on is not None and "held_on" not in errors:
            fixed = session.scalar(select(func.min(FollowUp.due_on)).where(
                FollowUp.meeting_id == self.meeting_id, FollowUp.period_amount.is_(None),
                FollowUp.status.in_((lc.FU_OPEN, lc.FU_IN_PROGRESS))))
            if fixed is not None and fixed < self.held_on:
                errors["held_on"] = t("error.meeting_after_due", due=fixed.isoformat())
        return errors

    def apply(self, session):
        meeting = self.load_for_edit(session, Meeting, self.meeting_id, self.version)
        before = snapshot(meeting)
        moved = meeting.held_on != self.held_on
        self.write_meeting(session, meeting)
        if moved:
            calendar = work_calendar(session)
            for fu in session.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting.id,
                                                              FollowUp.period_amount.is_not(None))):
                fu.due_on = compute_due(meeting.held_on, fu.period_amount, fu.period_unit, calendar=calendar).due_on
        follow_up_ids = self.add_follow_ups(session, meeting)
        return meeting.id, before, snapshot(meeting) | {"added_follow_up_ids": follow_up_ids}


# -- the steps of a follow-up item, shared by the commands and the follow-up import ------------------

def _advance(row: FollowUp, action: str) -> None:
    row.status = lc.next_status(lc.FOLLOW_UP_TRANSITIONS, row.status, action)
    flag_modified(row, "status")  # every step (even a note on an item in progress) moves the version


def progress_follow_up(row: FollowUp) -> None:
    """An open follow-up becomes 推进中 (one in progress stays so)."""
    _advance(row, "progress")


def set_completion(row: FollowUp, done_on: date, evidence: str) -> None:
    row.done_on, row.evidence = done_on, evidence.strip()


def complete_follow_up(row: FollowUp, done_on: date, evidence: str) -> None:
    """已完成, with the completion date and evidence (what was done, document numbers)."""
    _advance(row, "complete")
    set_completion(row, done_on, evidence)


def completion_note(row: FollowUp, actor: Actor) -> dict:
    """The FollowUpNote a completion leaves on the follow-up's history (its column values)."""
    return dict(follow_up_id=row.id, note=fitted(t("follow_up.completed_note", evidence=row.evidence), FollowUpNote.note),
                noted_on=today(), actor_id=actor.user_id)


def cancel_follow_up(row: FollowUp, reason: str) -> None:
    """已取消, with the reason."""
    _advance(row, "cancel")
    row.cancel_reason = reason.strip()


@dataclass(frozen=True, kw_only=True)
class _FollowUpStep(Command):
    """A step on one follow-up item by its lead or assisting units (or office staff)."""
    entity: ClassVar[str] = "follow_up"
    permission: ClassVar[str] = "record_feedback"
    transition: ClassVar[str]

    follow_up_id: int | None = None
    version: int | None = None

    def _row(self, session) -> FollowUp:
        row = self.find(session, FollowUp, self.follow_up_id)
        if row is None:
            raise NotFound()
        return row

    def owner_unit_ids(self, session):
        row = self._row(session)
        assisting = session.scalars(select(FollowUpAssist.unit_id).where(FollowUpAssist.follow_up_id == row.id))
        return [row.lead_unit_id, *assisting]

    def validate(self, session):
        row = self._row(session)
        if self.transition not in lc.allowed_actions(lc.FOLLOW_UP_TRANSITIONS, row.status):
            return {"action": t("error.follow_up_state", status=t(f"fu_status.{row.status}"))}
        return self.step_errors(session, row)

    def step_errors(self, session, row) -> dict[str, str]:
        return {}

    def apply(self, session):
        row = self.load_for_edit(session, FollowUp, self.follow_up_id, self.version)
        before = snapshot(row)
        self.step(session, row)
        return row.id, before, snapshot(row)


@dataclass(frozen=True, kw_only=True)
class AddFollowUpProgress(_FollowUpStep):
    """A dated progress note; an open item becomes 推进中."""
    action, transition = "follow_up.progress", "progress"
    note: str | None = stored(FollowUpNote.note, required=True)

    def step_errors(self, session, row):
        return self.text_errors()

    def step(self, session, row):
        progress_follow_up(row)
        session.add(FollowUpNote(follow_up_id=row.id, note=self.note.strip(), noted_on=today(),
                                 actor_id=self.actor.user_id))


@dataclass(frozen=True, kw_only=True)
class CompleteFollowUp(_FollowUpStep):
    """Mark done, with the completion evidence (what was done, document numbers)."""
    action, transition = "follow_up.complete", "complete"
    done_on: date | None = typed(wrong_type=REQUIRED)
    evidence: str | None = stored(FollowUp.evidence, required=True)

    def step_errors(self, session, row):
        errors = self.text_errors()
        held_on = session.get(Meeting, row.meeting_id).held_on
        if self.done_on is None:
            errors["done_on"] = t("error.required")
        elif self.done_on > today():
            errors["done_on"] = t("error.date_in_future")
        elif held_on is not None and self.done_on < held_on:
            errors["done_on"] = t("error.date_before", other=t("meeting.held_on"))
        return errors

    def step(self, session, row):
        complete_follow_up(row, self.done_on, self.evidence)
        session.add(FollowUpNote(**completion_note(row, self.actor)))


@dataclass(frozen=True, kw_only=True)
class CancelFollowUp(_FollowUpStep):
    action, transition, permission = "follow_up.cancel", "cancel", "edit_records"
    reason: str | None = stored(FollowUp.cancel_reason, required=True)

    def step_errors(self, session, row):
        return self.text_errors()

    def step(self, session, row):
        cancel_follow_up(row, self.reason)
