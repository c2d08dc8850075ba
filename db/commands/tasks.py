"""Commands on the fourteen key tasks (DESIGN §4): office staff assign lead and participating
units and keep the milestones; an assigned unit (or office staff) reports dated progress."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from core.clock import today
from core.i18n import t
from core.permissions import LIAISON
from db.commands.base import REQUIRED, Command, NotFound, snapshot, stored, typed
from db.models import KeyTask, Milestone, ProgressUpdate, TaskAssignment, Unit


UNKNOWN_UNIT = ("error.unknown_unit", {})


@dataclass(frozen=True, kw_only=True)
class AssignTaskUnits(Command):
    """Set a task's lead unit and participating units (replacing the previous assignment)."""
    permission, action, entity = "edit_records", "task.assign", "key_task"
    task_id: int | None = typed(wrong_type=("error.unknown_task", {}))
    version: int | None = None
    lead_unit_id: int | None = typed(wrong_type=UNKNOWN_UNIT)
    participating_unit_ids: list[int] | None = typed(wrong_type=UNKNOWN_UNIT)

    def validate(self, session):
        errors = {}
        if session.get(KeyTask, self.task_id or 0) is None:
            errors["task_id"] = t("error.unknown_task")
        if self.lead_unit_id is None:
            errors["lead_unit_id"] = t("error.one_lead")
        ids = {self.lead_unit_id, *(self.participating_unit_ids or [])} - {None}
        if ids and set(session.scalars(select(Unit.id).where(Unit.id.in_(ids)))) != ids:
            errors["participating_unit_ids"] = t("error.unknown_unit")
        return errors

    def apply(self, session):
        task = self.load_for_edit(session, KeyTask, self.task_id, self.version)
        before = sorted((a.unit_id, a.role) for a in session.scalars(
            select(TaskAssignment).where(TaskAssignment.task_id == task.id)))
        session.execute(delete(TaskAssignment).where(TaskAssignment.task_id == task.id))
        session.add(TaskAssignment(task_id=task.id, unit_id=self.lead_unit_id, role="lead"))
        for unit_id in dict.fromkeys(self.participating_unit_ids or []):
            if unit_id != self.lead_unit_id:
                session.add(TaskAssignment(task_id=task.id, unit_id=unit_id, role="participating"))
        flag_modified(task, "title")  # an assignment edits the task: its version moves, so a concurrent one fails
        return task.id, {"assignments": before}, {"lead": self.lead_unit_id,
                                                  "participating": list(self.participating_unit_ids or [])}


@dataclass(frozen=True, kw_only=True)
class _MilestoneInput(Command):
    title: str | None = stored(Milestone.title, required=True)
    planned_on: date | None = typed(wrong_type=REQUIRED)

    def milestone_errors(self) -> dict[str, str]:
        errors = self.text_errors()
        if self.planned_on is None:
            errors["planned_on"] = t("error.required")
        return errors


@dataclass(frozen=True, kw_only=True)
class AddMilestone(_MilestoneInput):
    permission, action, entity = "edit_records", "milestone.create", "milestone"
    task_id: int | None = typed(wrong_type=("error.unknown_task", {}))

    def validate(self, session):
        errors = self.milestone_errors()
        if session.get(KeyTask, self.task_id or 0) is None:
            errors["task_id"] = t("error.unknown_task")
        return errors

    def apply(self, session):
        row = Milestone(task_id=self.task_id, title=self.title.strip(), planned_on=self.planned_on, version=1)
        session.add(row)
        session.flush()
        return row.id, None, snapshot(row)


@dataclass(frozen=True, kw_only=True)
class EditMilestone(_MilestoneInput):
    permission, action, entity = "edit_records", "milestone.update", "milestone"
    milestone_id: int | None = None
    version: int | None = None

    def validate(self, session):
        return self.milestone_errors()

    def apply(self, session):
        row = self.load_for_edit(session, Milestone, self.milestone_id, self.version)
        before = snapshot(row)
        row.title, row.planned_on = self.title.strip(), self.planned_on
        return row.id, before, snapshot(row)


@dataclass(frozen=True, kw_only=True)
class CompleteMilestone(Command):
    permission, action, entity = "edit_records", "milestone.complete", "milestone"
    milestone_id: int | None = None
    version: int | None = None
    done_on: date | None = typed(wrong_type=REQUIRED)

    def validate(self, session):
        row = session.get(Milestone, self.milestone_id or 0)
        if row is None:
            raise NotFound()
        if row.done_on is not None:
            return {"action": t("error.milestone_state")}
        if self.done_on is None:
            return {"done_on": t("error.required")}
        if self.done_on > today():
            return {"done_on": t("error.date_in_future")}
        return {}

    def apply(self, session):
        row = self.load_for_edit(session, Milestone, self.milestone_id, self.version)
        before = snapshot(row)
        row.done_on = self.done_on
        return row.id, before, snapshot(row)


@dataclass(frozen=True, kw_only=True)
class AddProgressUpdate(Command):
    """A dated progress report with a percentage, by an assigned unit (or office staff for one)."""
    permission, action, entity = "record_feedback", "task.progress", "key_task"
    task_id: int | None = typed(wrong_type=("error.unknown_task", {}))
    unit_id: int | None = typed(wrong_type=("error.unit_not_assigned", {}))
    reported_on: date | None = typed(wrong_type=REQUIRED)
    percent: int | None = typed(wrong_type=("error.percent_range", {}))
    text: str | None = stored(ProgressUpdate.text, required=True)

    def owner_unit_ids(self, session):
        return list(session.scalars(select(TaskAssignment.unit_id).where(
            TaskAssignment.task_id == self.task_id)))

    def validate(self, session):
        errors = self.text_errors()
        if session.get(KeyTask, self.task_id or 0) is None:
            errors["task_id"] = t("error.unknown_task")
        if self.percent is None or not 0 <= self.percent <= 100:
            errors["percent"] = t("error.percent_range")
        assigned = self.owner_unit_ids(session)
        if self.unit_id is None or self.unit_id not in assigned:
            errors["unit_id"] = t("error.unit_not_assigned")
        elif self.actor.role == LIAISON and self.unit_id != self.actor.unit_id:
            errors["unit_id"] = t("error.own_unit_only")  # a liaison reports for their own unit
        if self.reported_on is None:
            errors["reported_on"] = t("error.required")
        elif self.reported_on > today():
            errors["reported_on"] = t("error.date_in_future")
        return errors

    def apply(self, session):
        row = ProgressUpdate(task_id=self.task_id, unit_id=self.unit_id, reported_on=self.reported_on,
                             percent=self.percent, text=self.text.strip(), created_by=self.actor.user_id)
        session.add(row)
        session.flush()
        return self.task_id, None, {"progress_update_id": row.id, "percent": row.percent, "text": row.text}
