"""Commands on the fourteen key tasks (DESIGN §4): office staff assign lead and participating
units and keep the milestones; an assigned unit (or office staff) reports dated progress."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from core.clock import today
from core.i18n import t
from core.permissions import LIAISON
from db.commands.base import Command, NotFound, snapshot, text_errors
from db.models import KeyTask, Milestone, ProgressUpdate, TaskAssignment, Unit



class AssignTaskUnits(Command):
    """Set a task's lead unit and participating units (replacing the previous assignment)."""
    permission, action, entity = "edit_records", "task.assign", "key_task"

    def validate(self, session):
        d = self.data
        errors = {}
        if session.get(KeyTask, d.get("task_id") or 0) is None:
            errors["task_id"] = t("error.unknown_task")
        if d.get("lead_unit_id") is None:
            errors["lead_unit_id"] = t("error.one_lead")
        ids = {d.get("lead_unit_id"), *(d.get("participating_unit_ids") or [])} - {None}
        if ids and set(session.scalars(select(Unit.id).where(Unit.id.in_(ids)))) != ids:
            errors["participating_unit_ids"] = t("error.unknown_unit")
        return errors

    def apply(self, session):
        d = self.data
        task = self.load_for_edit(session, KeyTask, d["task_id"], d.get("version"))
        before = sorted((a.unit_id, a.role) for a in session.scalars(
            select(TaskAssignment).where(TaskAssignment.task_id == task.id)))
        session.execute(delete(TaskAssignment).where(TaskAssignment.task_id == task.id))
        session.add(TaskAssignment(task_id=task.id, unit_id=d["lead_unit_id"], role="lead"))
        for unit_id in dict.fromkeys(d.get("participating_unit_ids") or []):
            if unit_id != d["lead_unit_id"]:
                session.add(TaskAssignment(task_id=task.id, unit_id=unit_id, role="participating"))
        flag_modified(task, "title")  # an assignment edits the task: its version moves, so a concurrent one fails
        return task.id, {"assignments": before}, {"lead": d["lead_unit_id"],
                                                  "participating": list(d.get("participating_unit_ids") or [])}


def _milestone_errors(data: dict) -> dict[str, str]:
    errors = text_errors(data, {"title": (True, Milestone.title)})
    if not isinstance(data.get("planned_on"), date):
        errors["planned_on"] = t("error.required")
    return errors


class AddMilestone(Command):
    permission, action, entity = "edit_records", "milestone.create", "milestone"

    def validate(self, session):
        errors = _milestone_errors(self.data)
        if session.get(KeyTask, self.data.get("task_id") or 0) is None:
            errors["task_id"] = t("error.unknown_task")
        return errors

    def apply(self, session):
        row = Milestone(task_id=self.data["task_id"], title=self.data["title"].strip(),
                        planned_on=self.data["planned_on"], version=1)
        session.add(row)
        session.flush()
        return row.id, None, snapshot(row)


class EditMilestone(Command):
    permission, action, entity = "edit_records", "milestone.update", "milestone"

    def validate(self, session):
        return _milestone_errors(self.data)

    def apply(self, session):
        row = self.load_for_edit(session, Milestone, self.data["milestone_id"], self.data.get("version"))
        before = snapshot(row)
        row.title, row.planned_on = self.data["title"].strip(), self.data["planned_on"]
        return row.id, before, snapshot(row)


class CompleteMilestone(Command):
    permission, action, entity = "edit_records", "milestone.complete", "milestone"

    def validate(self, session):
        row = session.get(Milestone, self.data.get("milestone_id") or 0)
        if row is None:
            raise NotFound()
        if row.done_on is not None:
            return {"action": t("error.milestone_state")}
        done_on = self.data.get("done_on")
        if not isinstance(done_on, date):
            return {"done_on": t("error.required")}
        if done_on > today():
            return {"done_on": t("error.date_in_future")}
        return {}

    def apply(self, session):
        row = self.load_for_edit(session, Milestone, self.data["milestone_id"], self.data.get("version"))
        before = snapshot(row)
        row.done_on = self.data["done_on"]
        return row.id, before, snapshot(row)


class AddProgressUpdate(Command):
    """A dated progress report with a percentage, by an assigned unit (or office staff for one)."""
    permission, action, entity = "record_feedback", "task.progress", "key_task"

    def owner_unit_ids(self, session):
        return list(session.scalars(select(TaskAssignment.unit_id).where(
            TaskAssignment.task_id == self.data.get("task_id"))))

    def validate(self, session):
        d = self.data
        errors = text_errors(d, {"text": (True, ProgressUpdate.text)})
        if session.get(KeyTask, d.get("task_id") or 0) is None:
            errors["task_id"] = t("error.unknown_task")
        percent = d.get("percent")
        if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
            errors["percent"] = t("error.percent_range")
        unit_id = d.get("unit_id")
        assigned = self.owner_unit_ids(session)
        if unit_id is None or unit_id not in assigned:
            errors["unit_id"] = t("error.unit_not_assigned")
        elif self.actor.role == LIAISON and unit_id != self.actor.unit_id:
            errors["unit_id"] = t("error.own_unit_only")  # a liaison reports for their own unit
        reported_on = d.get("reported_on")
        if not isinstance(reported_on, date):
            errors["reported_on"] = t("error.required")
        elif reported_on > today():
            errors["reported_on"] = t("error.date_in_future")
        return errors

    def apply(self, session):
        d = self.data
        row = ProgressUpdate(task_id=d["task_id"], unit_id=d["unit_id"], reported_on=d["reported_on"],
                             percent=d["percent"], text=d["text"].strip(), created_by=self.actor.user_id)
        session.add(row)
        session.flush()
        return d["task_id"], None, {"progress_update_id": row.id, "percent": row.percent, "text": row.text}
