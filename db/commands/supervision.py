"""限期督办 (DESIGN §4–§5): office staff draft, conveners (and admins) issue and resolve, the
supervised unit responds. Supervision can target an item, a follow-up item or a key task."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import lifecycles as lc
from core.clock import today
from core.i18n import t
from db.commands.base import REQUIRED, Command, NotFound, snapshot, stored, typed
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


@dataclass(frozen=True, kw_only=True)
class _NewSupervision(Command):
    entity: ClassVar[str] = "supervision"
    status: ClassVar[str]

    target_type: str | None = typed(wrong_type=("error.supervision_target", {}))
    target_id: int | None = typed(wrong_type=("error.supervision_target", {}))
    level: str | None = typed(wrong_type=REQUIRED)
    deadline: date | None = typed(wrong_type=REQUIRED)
    instruction: str | None = stored(Supervision.instruction, required=True)

    def validate(self, session):
        errors = self.text_errors()
        if self.target_type not in TARGETS or owing_unit(session, self.target_type, self.target_id or 0) is None:
            errors["target_id"] = t("error.supervision_target")
        if self.level not in lc.SUPERVISION_LEVELS:
            errors["level"] = t("error.required")
        if self.deadline is None:
            errors["deadline"] = t("error.required")
        elif self.deadline < today():
            errors["deadline"] = t("error.deadline_past")
        return errors

    def apply(self, session):
        sup = Supervision(target_type=self.target_type, target_id=self.target_id,
                          unit_id=owing_unit(session, self.target_type, self.target_id), level=self.level,
                          deadline=self.deadline, instruction=self.instruction.strip(), status=self.status,
                          version=1)
        if self.status == lc.SUP_ISSUED:
            sup.issued_on, sup.issued_by = today(), self.actor.user_id
        session.add(sup)
        session.flush()
        if self.status == lc.SUP_ISSUED:
            _note_on_item(session, sup, self.actor, t("supervision.event_issued", level=sup.level))
        return sup.id, None, snapshot(sup)


@dataclass(frozen=True, kw_only=True)
class DraftSupervision(_NewSupervision):
    """Office staff prepare a 督办 for a convener to issue."""
    permission, action, status = "draft_supervision", "supervision.draft", lc.SUP_DRAFT


@dataclass(frozen=True, kw_only=True)
class IssueSupervision(_NewSupervision):
    permission, action, status = "issue_supervision", "supervision.issue", lc.SUP_ISSUED


def _note_on_item(session, sup: Supervision, actor, note: str) -> None:
    if sup.target_type == "item":
        session.add(ItemEvent(item_id=sup.target_id, event_type="supervision", note=note,
                              occurred_on=today(), actor_id=actor.user_id))


@dataclass(frozen=True, kw_only=True)
class _SupervisionStep(Command):
    """One step of core.lifecycles.SUPERVISION_TRANSITIONS on a 督办; the statuses it may start
    from are the lifecycle's."""
    entity: ClassVar[str] = "supervision"
    transition: ClassVar[str]

    supervision_id: int | None = None
    version: int | None = None

    def _sup(self, session) -> Supervision:
        sup = self.find(session, Supervision, self.supervision_id)
        if sup is None:
            raise NotFound()
        return sup

    def validate(self, session):
        sup = self._sup(session)
        if self.transition not in lc.allowed_actions(lc.SUPERVISION_TRANSITIONS, sup.status):
            return {"action": t("error.supervision_state", status=t(f"sup_status.{sup.status}"))}
        return self.step_errors(sup)

    def step_errors(self, sup) -> dict[str, str]:
        return {}

    def apply(self, session):
        sup = self.load_for_edit(session, Supervision, self.supervision_id, self.version)
        before = snapshot(sup)
        sup.status = lc.next_status(lc.SUPERVISION_TRANSITIONS, sup.status, self.transition)
        self.step(session, sup)
        return sup.id, before, snapshot(sup)


@dataclass(frozen=True, kw_only=True)
class IssueDraftSupervision(_SupervisionStep):
    permission, action, transition = "issue_supervision", "supervision.issue_draft", "issue_draft"

    def step_errors(self, sup):
        return {"deadline": t("error.deadline_past")} if sup.deadline < today() else {}

    def step(self, session, sup):
        sup.issued_on, sup.issued_by = today(), self.actor.user_id
        _note_on_item(session, sup, self.actor, t("supervision.event_issued", level=sup.level))


@dataclass(frozen=True, kw_only=True)
class RespondSupervision(_SupervisionStep):
    """The supervised unit reports what it did (again, if need be, until it is resolved)."""
    permission, action, transition = "respond_supervision", "supervision.respond", "respond"
    response_text: str | None = stored(Supervision.response_text, required=True)

    def owner_unit_ids(self, session):
        return [self._sup(session).unit_id]

    def step_errors(self, sup):
        return self.text_errors()

    def step(self, session, sup):
        sup.responded_on, sup.response_text = today(), self.response_text.strip()
        _note_on_item(session, sup, self.actor, t("supervision.event_responded"))


@dataclass(frozen=True, kw_only=True)
class ResolveSupervision(_SupervisionStep):
    permission, action, transition = "resolve_supervision", "supervision.resolve", "resolve"
    resolution_text: str | None = stored(Supervision.resolution_text, required=True)

    def step_errors(self, sup):
        return self.text_errors()

    def step(self, session, sup):
        sup.resolved_on, sup.resolution_text = today(), self.resolution_text.strip()
        _note_on_item(session, sup, self.actor, t("supervision.event_resolved"))
