"""Meetings and their follow-up items (议定事项), DESIGN §4: a clerk enters a meeting and its
decisions in one command; the lead or assisting units report progress and completion; office
staff cancel. Follow-up due dates come from core.deadlines (calendar or working days)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from core import lifecycles as lc
from core.clock import today
from core.deadlines import compute_due
from core.i18n import t
from core.kinds import MEETING_KINDS, UNIT_LABELS
from db.calendar import work_calendar
from db.commands.base import Command, NotFound, snapshot, text_errors
from db.models import FollowUp, FollowUpAssist, FollowUpNote, Meeting, MeetingAttendance, Unit
from db.stored_values import fitted

PERIOD_UNITS = ("days", "working_days")
PERIOD_MAX = 365  # a follow-up is due within a year of its meeting at the latest


def _known_units(session: Session, unit_ids) -> bool:
    ids = set(unit_ids)
    if None in ids:
        return False
    if not ids:
        return True
    found = set(session.scalars(select(Unit.id).where(Unit.id.in_(ids), Unit.active.is_(True))))
    return found == ids


def follow_up_due(session: Session, held_on: date, fu: dict) -> tuple[date | None, str | None]:
    """A follow-up's due date: an explicit date, or N (working) days from the meeting."""
    if fu.get("due_on"):
        return fu["due_on"], None
    amount, unit = fu.get("period_amount"), fu.get("period_unit")
    if amount and unit in PERIOD_UNITS:
        due = compute_due(held_on, int(amount), unit, calendar=work_calendar(session))
        return due.due_on, t("follow_up.due_rule", amount=amount, unit=UNIT_LABELS[unit])
    return None, None


class _MeetingFields:
    def meeting_errors(self, session: Session) -> dict[str, str]:
        d = self.data
        errors = text_errors(d, {"title": (True, Meeting.title), "place": (False, Meeting.place),
                                 "convened_by": (False, Meeting.convened_by), "topics": (False, Meeting.topics),
                                 "minutes_summary": (False, Meeting.minutes_summary)})
        if d.get("kind") not in MEETING_KINDS:
            errors["kind"] = t("error.required")
        held_on = d.get("held_on")
        if not isinstance(held_on, date):
            errors["held_on"] = t("error.required")
        if not _known_units(session, d.get("attending_unit_ids") or []):
            errors["attending_unit_ids"] = t("error.unknown_unit")
        for i, fu in enumerate(d.get("follow_ups") or []):
            prefix = f"follow_ups.{i}"
            errors.update({f"{prefix}.{field}": message for field, message in text_errors(
                fu, {"text": (True, FollowUp.text), "external_ref": (False, FollowUp.external_ref)}).items()})
            if fu.get("lead_unit_id") is None:
                errors[f"{prefix}.lead_unit_id"] = t("error.lead_unit_required")
            elif not _known_units(session, [fu["lead_unit_id"]]):
                errors[f"{prefix}.lead_unit_id"] = t("error.unknown_unit")
            if not _known_units(session, fu.get("assisting_unit_ids") or []):
                errors[f"{prefix}.assisting_unit_ids"] = t("error.unknown_unit")
            amount = fu.get("period_amount")
            if fu.get("due_on") is not None and not isinstance(fu["due_on"], date):
                errors[f"{prefix}.due_on"] = t("error.bad_date")
            elif not fu.get("due_on") and amount is not None and (
                    not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= PERIOD_MAX):
                errors[f"{prefix}.due_on"] = t("error.period_range", max=PERIOD_MAX)
            elif isinstance(held_on, date):
                due, _ = follow_up_due(session, held_on, fu)
                if due is None:
                    errors[f"{prefix}.due_on"] = t("error.required")
                elif due < held_on:
                    errors[f"{prefix}.due_on"] = t("error.due_before_meeting")
        return errors

    def follow_up_ref_errors(self, session: Session) -> dict[str, str]:
        """A follow-up's 外部编号 names one follow-up: not one already recorded, nor twice here."""
        errors, seen = {}, set()
        for i, fu in enumerate(self.data.get("follow_ups") or []):
            ref = (fu.get("external_ref") or "").strip() if isinstance(fu.get("external_ref"), str) else ""
            if not ref or text_errors(fu, {"external_ref": (False, FollowUp.external_ref)}):
                continue  # blank, or refused by meeting_errors (and not for the database to read)
            if ref in seen or session.scalar(select(func.count()).select_from(FollowUp).where(
                    FollowUp.external_ref == ref)):
                errors[f"follow_ups.{i}.external_ref"] = t("error.external_ref_taken")
            seen.add(ref)
        return errors

    def write_meeting(self, session: Session, meeting: Meeting) -> None:
        d = self.data
        meeting.kind, meeting.title, meeting.held_on = d["kind"], d["title"].strip(), d["held_on"]
        for field in ("place", "convened_by", "topics", "minutes_summary"):
            setattr(meeting, field, (d.get(field) or "").strip() or None)
        session.flush()
        session.execute(delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))
        for unit_id in dict.fromkeys(d.get("attending_unit_ids") or []):
            session.add(MeetingAttendance(meeting_id=meeting.id, unit_id=unit_id))

    def add_follow_ups(self, session: Session, meeting: Meeting) -> list[int]:
        ids = []
        for fu in self.data.get("follow_ups") or []:
            due_on, rule = follow_up_due(session, meeting.held_on, fu)
            period = (int(fu["period_amount"]), fu["period_unit"]) if rule else (None, None)
            row = FollowUp(meeting_id=meeting.id, text=fu["text"].strip(), lead_unit_id=fu["lead_unit_id"],
                           due_on=due_on, due_rule=rule, period_amount=period[0], period_unit=period[1],
                           status=lc.FU_OPEN, version=1,
                           external_ref=(fu.get("external_ref") or "").strip() or None)
            session.add(row)
            session.flush()
            for unit_id in dict.fromkeys(fu.get("assisting_unit_ids") or []):
                if unit_id != row.lead_unit_id:
                    session.add(FollowUpAssist(follow_up_id=row.id, unit_id=unit_id))
            ids.append(row.id)
        return ids


class CreateMeeting(_MeetingFields, Command):
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


class UpdateMeeting(_MeetingFields, Command):
    """Correct a meeting's fields and attendance, and add further follow-up items. Moving the
    meeting moves the due dates counted from it; a fixed due date may not fall before it."""
    permission, action, entity = "edit_records", "meeting.update", "meeting"

    def validate(self, session):
        errors = self.meeting_errors(session)
        errors.update({k: v for k, v in self.follow_up_ref_errors(session).items() if k not in errors})
        held_on = self.data.get("held_on")
        if isinstance(held_on, date) and "held_on" not in errors:
            fixed = session.scalar(select(func.min(FollowUp.due_on)).where(
                FollowUp.meeting_id == self.data["meeting_id"], FollowUp.period_amount.is_(None),
                FollowUp.status.in_((lc.FU_OPEN, lc.FU_IN_PROGRESS))))
            if fixed is not None and fixed < held_on:
                errors["held_on"] = t("error.meeting_after_due", due=fixed.isoformat())
        return errors

    def apply(self, session):
        meeting = self.load_for_edit(session, Meeting, self.data["meeting_id"], self.data.get("version"))
        before = snapshot(meeting)
        moved = meeting.held_on != self.data["held_on"]
        self.write_meeting(session, meeting)
        if moved:
            calendar = work_calendar(session)
            for fu in session.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting.id,
                                                              FollowUp.period_amount.is_not(None))):
                fu.due_on = compute_due(meeting.held_on, fu.period_amount, fu.period_unit, calendar=calendar).due_on
        follow_up_ids = self.add_follow_ups(session, meeting)
        return meeting.id, before, snapshot(meeting) | {"added_follow_up_ids": follow_up_ids}


class _FollowUpStep(Command):
    """A step on one follow-up item by its lead or assisting units (or office staff)."""
    entity = "follow_up"
    permission = "record_feedback"
    transition: str

    def _row(self, session) -> FollowUp:
        row = session.get(FollowUp, self.data["follow_up_id"])
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
        row = self.load_for_edit(session, FollowUp, self.data["follow_up_id"], self.data.get("version"))
        before = snapshot(row)
        row.status = lc.next_status(lc.FOLLOW_UP_TRANSITIONS, row.status, self.transition)
        flag_modified(row, "status")  # every step (even a note on an item in progress) moves the version
        self.step(session, row)
        return row.id, before, snapshot(row)


class AddFollowUpProgress(_FollowUpStep):
    """A dated progress note; an open item becomes 推进中."""
    action, transition = "follow_up.progress", "progress"

    def step_errors(self, session, row):
        return text_errors(self.data, {"note": (True, FollowUpNote.note)})

    def step(self, session, row):
        session.add(FollowUpNote(follow_up_id=row.id, note=self.data["note"].strip(), noted_on=today(),
                                 actor_id=self.actor.user_id))


class CompleteFollowUp(_FollowUpStep):
    """Mark done, with the completion evidence (what was done, document numbers)."""
    action, transition = "follow_up.complete", "complete"

    def step_errors(self, session, row):
        errors = text_errors(self.data, {"evidence": (True, FollowUp.evidence)})
        done_on = self.data.get("done_on")
        held_on = session.get(Meeting, row.meeting_id).held_on
        if not isinstance(done_on, date):
            errors["done_on"] = t("error.required")
        elif done_on > today():
            errors["done_on"] = t("error.date_in_future")
        elif done_on < held_on:
            errors["done_on"] = t("error.date_before", other=t("meeting.held_on"))
        return errors

    def step(self, session, row):
        row.done_on, row.evidence = self.data["done_on"], self.data["evidence"].strip()
        session.add(FollowUpNote(follow_up_id=row.id, note=fitted(t("follow_up.completed_note", evidence=row.evidence), FollowUpNote.note),
                                 noted_on=today(), actor_id=self.actor.user_id))


class CancelFollowUp(_FollowUpStep):
    action, transition, permission = "follow_up.cancel", "cancel", "edit_records"

    def step_errors(self, session, row):
        return text_errors(self.data, {"reason": (True, FollowUp.cancel_reason)})

    def step(self, session, row):
        row.cancel_reason = self.data["reason"].strip()
