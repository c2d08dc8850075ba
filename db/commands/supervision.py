"""限期督办 (DESIGN §4–§5): office staff draft, conveners (and admins) issue and resolve, the
supervised unit responds. Supervision can target an item, a follow-up item or a key task."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import lifecycles as lc
from core.clock import today
from core.i18n import t
from db.commands.base import Command, NotFound, snapshot, text_errors
from db.models import FollowUp, Item, ItemEvent, KeyTask, Supervision, TaskAssignment

TARGETS = ("item", "follow_up", "key_task")


def owing_unit(session: Session, target_type: str, target_id: int) -> int | None:
    """The unit a supervision is addressed to: the item's receiving unit, the follow-up's lead
    unit, or the key task's lead unit."""
    if target_type == "item":
        item = session.get(Item, target_id)
        return item.to_unit_id if item else None
    if target_type == "follow_up":
        fu = session.get(FollowUp, target_id)
        return fu.lead_unit_id if fu else None
    if target_type == "key_task" and session.get(KeyTask, target_id):
        return session.scalar(select(TaskAssignment.unit_id).where(
            TaskAssignment.task_id == target_id, TaskAssignment.role == "lead").limit(1))
    return None


class _NewSupervision(Command):
    entity = "supervision"
    status: str

    def validate(self, session):
        d = self.data
        errors = text_errors(d, {"instruction": (True, Supervision.instruction)})
        if d.get("target_type") not in TARGETS or owing_unit(session, d["target_type"], d.get("target_id") or 0) is None:
            errors["target_id"] = t("error.supervision_target")
        if d.get("level") not in lc.SUPERVISION_LEVELS:
            errors["level"] = t("error.required")
        deadline = d.get("deadline")
        if not isinstance(deadline, date):
            errors["deadline"] = t("error.required")
        elif deadline < today():
            errors["deadline"] = t("error.deadline_past")
        return errors

    def apply(self, session):
        d = self.data
        sup = Supervision(target_type=d["target_type"], target_id=d["target_id"],
                          unit_id=owing_unit(session, d["target_type"], d["target_id"]), level=d["level"],
                          deadline=d["deadline"], instruction=d["instruction"].strip(), status=self.status,
                          version=1)
        if self.status == lc.SUP_ISSUED:
            sup.issued_on, sup.issued_by = today(), self.actor.user_id
        session.add(sup)
        session.flush()
        if self.status == lc.SUP_ISSUED:
            _note_on_item(session, sup, self.actor, t("supervision.event_issued", level=sup.level))
        return sup.id, None, snapshot(sup)


class DraftSupervision(_NewSupervision):
    """Office staff prepare a 督办 for a convener to issue."""
    permission, action, status = "draft_supervision", "supervision.draft", lc.SUP_DRAFT


class IssueSupervision(_NewSupervision):
    permission, action, status = "issue_supervision", "supervision.issue", lc.SUP_ISSUED


def _note_on_item(session, sup: Supervision, actor, note: str) -> None:
    if sup.target_type == "item":
        session.add(ItemEvent(item_id=sup.target_id, event_type="supervision", note=note,
                              occurred_on=today(), actor_id=actor.user_id))


class _SupervisionStep(Command):
    entity = "supervision"
    from_statuses: tuple[str, ...]

    def _sup(self, session) -> Supervision:
        sup = session.get(Supervision, self.data["supervision_id"])
        if sup is None:
            raise NotFound()
        return sup

    def validate(self, session):
        sup = self._sup(session)
        if sup.status not in self.from_statuses:
            return {"action": t("error.supervision_state", status=t(f"sup_status.{sup.status}"))}
        return self.step_errors(sup)

    def step_errors(self, sup) -> dict[str, str]:
        return {}

    def apply(self, session):
        sup = self.load_for_edit(session, Supervision, self.data["supervision_id"], self.data.get("version"))
        before = snapshot(sup)
        self.step(session, sup)
        return sup.id, before, snapshot(sup)


class IssueDraftSupervision(_SupervisionStep):
    permission, action, from_statuses = "issue_supervision", "supervision.issue_draft", (lc.SUP_DRAFT,)

    def step_errors(self, sup):
        return {"deadline": t("error.deadline_past")} if sup.deadline < today() else {}

    def step(self, session, sup):
        sup.status, sup.issued_on, sup.issued_by = lc.SUP_ISSUED, today(), self.actor.user_id
        _note_on_item(session, sup, self.actor, t("supervision.event_issued", level=sup.level))


class RespondSupervision(_SupervisionStep):
    """The supervised unit reports what it did."""
    permission, action, from_statuses = "respond_supervision", "supervision.respond", (lc.SUP_ISSUED, lc.SUP_RESPONDED)

    def owner_unit_ids(self, session):
        return [self._sup(session).unit_id]

    def step_errors(self, sup):
        return text_errors(self.data, {"response_text": (True, Supervision.response_text)})

    def step(self, session, sup):
        sup.status, sup.responded_on = lc.SUP_RESPONDED, today()
        sup.response_text = self.data["response_text"].strip()
        _note_on_item(session, sup, self.actor, t("supervision.event_responded"))


class ResolveSupervision(_SupervisionStep):
    permission, action, from_statuses = "resolve_supervision", "supervision.resolve", (lc.SUP_ISSUED, lc.SUP_RESPONDED)

    def step_errors(self, sup):
        return text_errors(self.data, {"resolution_text": (True, Supervision.resolution_text)})

    def step(self, session, sup):
        sup.status, sup.resolved_on = lc.SUP_RESOLVED, today()
        sup.resolution_text = self.data["resolution_text"].strip()
        _note_on_item(session, sup, self.actor, t("supervision.event_resolved"))
