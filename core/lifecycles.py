"""Lifecycles of DESIGN §4: which transitions are allowed, and derived states. The rules for one row
in hand; db/queries/predicates.py holds the same rules as SQL conditions for sets of rows."""
from __future__ import annotations

from datetime import date

# Referral-type items.
SENT, RECEIVED, IN_PROGRESS, RESPONDED, CLOSED, RETURNED, WITHDRAWN = (
    "sent", "received", "in_progress", "responded", "closed", "returned", "withdrawn")
ITEM_STATUSES = (SENT, RECEIVED, IN_PROGRESS, RESPONDED, CLOSED, RETURNED, WITHDRAWN)
OPEN_ITEM_STATUSES = (SENT, RECEIVED, IN_PROGRESS)
ANSWERED_ITEM_STATUSES = (RESPONDED, CLOSED)
# status -> action -> new status
ITEM_TRANSITIONS: dict[str, dict[str, str]] = {
    SENT: {"receive": RECEIVED, "start": IN_PROGRESS, "respond": RESPONDED, "return": RETURNED, "withdraw": WITHDRAWN},
    RECEIVED: {"start": IN_PROGRESS, "respond": RESPONDED, "return": RETURNED, "withdraw": WITHDRAWN},
    IN_PROGRESS: {"respond": RESPONDED, "withdraw": WITHDRAWN},
    RESPONDED: {"close": CLOSED},
    CLOSED: {}, RETURNED: {}, WITHDRAWN: {},
}

# Meeting follow-up items.
FU_OPEN, FU_IN_PROGRESS, FU_DONE, FU_CANCELLED = "open", "in_progress", "done", "cancelled"
FOLLOW_UP_STATUSES = (FU_OPEN, FU_IN_PROGRESS, FU_DONE, FU_CANCELLED)
OPEN_FOLLOW_UP_STATUSES = (FU_OPEN, FU_IN_PROGRESS)
FOLLOW_UP_TRANSITIONS: dict[str, dict[str, str]] = {
    FU_OPEN: {"progress": FU_IN_PROGRESS, "complete": FU_DONE, "cancel": FU_CANCELLED},
    FU_IN_PROGRESS: {"progress": FU_IN_PROGRESS, "complete": FU_DONE, "cancel": FU_CANCELLED},
    FU_DONE: {}, FU_CANCELLED: {},
}

# Supervision (督办).
SUP_DRAFT, SUP_ISSUED, SUP_RESPONDED, SUP_RESOLVED = "draft", "issued", "responded", "resolved"
SUPERVISION_STATUSES = (SUP_DRAFT, SUP_ISSUED, SUP_RESPONDED, SUP_RESOLVED)
OPEN_SUPERVISION_STATUSES = (SUP_ISSUED, SUP_RESPONDED)
SUPERVISION_LEVELS = ("一般", "重点", "挂牌")
# A draft is issued; the supervised unit responds (again, if need be) until the convener resolves.
SUPERVISION_TRANSITIONS: dict[str, dict[str, str]] = {
    SUP_DRAFT: {"issue_draft": SUP_ISSUED},
    SUP_ISSUED: {"respond": SUP_RESPONDED, "resolve": SUP_RESOLVED},
    SUP_RESPONDED: {"respond": SUP_RESPONDED, "resolve": SUP_RESOLVED},
    SUP_RESOLVED: {},
}

# Key tasks (derived, never stored).
TASK_NOT_STARTED, TASK_IN_PROGRESS, TASK_LATE, TASK_DONE = "not_started", "in_progress", "late", "done"
# Milestones (derived): not yet due, past its planned date and not done, done on time, done late.
MS_PENDING, MS_LATE, MS_DONE, MS_DONE_LATE = "pending", "late", "done", "done_late"


class TransitionRefused(ValueError):
    pass


def next_status(transitions: dict[str, dict[str, str]], status: str, action: str) -> str:
    try:
        return transitions[status][action]
    except KeyError:
        raise TransitionRefused(f"{status} -/-> {action}") from None


def allowed_actions(transitions: dict[str, dict[str, str]], status: str) -> tuple[str, ...]:
    return tuple(transitions.get(status, {}))


def is_overdue(needs_feedback: bool, status: str, due_on: date | None, today: date) -> bool:
    """Needs feedback, not responded/closed (nor ended otherwise), and today is past the due date."""
    return bool(needs_feedback and due_on and status in OPEN_ITEM_STATUSES and today > due_on)


def answered_late(due_on: date | None, feedback_on: date | None) -> bool:
    return bool(due_on and feedback_on and feedback_on > due_on)


def left_overdue(needs_feedback: bool, status: str, due_on: date | None, feedback_on: date | None,
                 today: date) -> bool:
    """Overdue now, or answered after its due date: what may be referred for accountability
    (移送追责); never a returned or withdrawn item."""
    return bool(needs_feedback and status not in (RETURNED, WITHDRAWN)
                and (is_overdue(needs_feedback, status, due_on, today) or answered_late(due_on, feedback_on)))


def follow_up_overdue(status: str, due_on: date | None, today: date) -> bool:
    return bool(due_on and status in OPEN_FOLLOW_UP_STATUSES and today > due_on)


def supervision_escalated(status: str, deadline: date | None, today: date) -> bool:
    return bool(deadline and status in OPEN_SUPERVISION_STATUSES and today > deadline)


def milestone_state(planned_on: date, done_on: date | None, today: date) -> str:
    if done_on is not None:
        return MS_DONE_LATE if done_on > planned_on else MS_DONE
    return MS_LATE if planned_on < today else MS_PENDING


def task_status(milestones: list[tuple[date, date | None]], latest_percent: int | None, today: date) -> str:
    """milestones: (planned_on, done_on). Late when a milestone is past its planned date and not
    done; done when every milestone is done (or progress reached 100 with none pending); in
    progress once anything happened; otherwise not started."""
    pending = [planned for planned, done in milestones if done is None]
    if any(milestone_state(planned, None, today) == MS_LATE for planned in pending):
        return TASK_LATE
    if (milestones and not pending) or ((latest_percent or 0) >= 100 and not pending):
        return TASK_DONE
    if len(pending) < len(milestones) or (latest_percent or 0) > 0:
        return TASK_IN_PROGRESS
    return TASK_NOT_STARTED
