"""Reads for the 周例会 weekly review: what changed in one Monday–Sunday week, each figure with
the previous week's, computed in SQL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from db.engine import read_session
from db.models import FollowUp, Item, KeyTask, Meeting, Milestone, ProgressUpdate, Supervision, Unit
from db.queries.common import frame
from db.queries.predicates import dated_between, follow_up_open, item_overdue_on, item_owes_feedback, item_rows, \
    item_unanswered_since
from db.queries.referrals import FROM, TO

SECTIONS = ("summary", "overdue_by_unit", "follow_ups_next_week", "task_updates", "late_milestones", "open_supervision")


def week_of(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    monday: date

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def previous(self) -> "Week":
        return Week(self.monday - timedelta(days=7))

    def next(self) -> "Week":
        return Week(self.monday + timedelta(days=7))


def _between(column, week: Week):
    return dated_between(column, week.monday, week.sunday)


def _newly_overdue(week: Week, as_of: date):
    """Feedback fell due during the week (the day after the due date lies in it, and has come by
    `as_of`) and had not come by the due date."""
    return and_(item_owes_feedback(),
                dated_between(Item.due_on, week.monday - timedelta(days=1), week.sunday - timedelta(days=1)),
                Item.due_on < as_of, or_(Item.feedback_on.is_(None), Item.feedback_on > Item.due_on))


def _follow_ups_due(week: Week):
    return and_(_between(FollowUp.due_on, week.next()), follow_up_open())


def _late_milestone(week: Week, as_of: date):
    """Planned in the week (up to `as_of`: a date still ahead is not late yet) and not met on time."""
    return and_(_between(Milestone.planned_on, week), Milestone.planned_on < as_of,
                or_(Milestone.done_on.is_(None), Milestone.done_on > Milestone.planned_on))


def _supervision_open_at(day: date):
    """Issued by `day` and not resolved before it."""
    return and_(Supervision.issued_on.is_not(None), Supervision.issued_on < day,
                or_(Supervision.resolved_on.is_(None), Supervision.resolved_on >= day))


ITEM_FIGURES = ("new_items", "feedback_received", "newly_overdue", "closed", "overdue_at_end")


def _item_figures(week: Week, as_of: date):
    """The item figures of one week (ITEM_FIGURES, in order), and the rows they can take, each
    condition reachable by an index (predicates.item_rows)."""
    counts = (func.count().filter(_between(Item.sent_on, week)),
              func.count().filter(_between(Item.feedback_on, week)),
              func.count().filter(_newly_overdue(week, as_of)),
              func.count().filter(_between(Item.closed_on, week)),
              func.count().filter(item_overdue_on(as_of)))  # the plain form: on rows already chosen
    rows = (_between(Item.sent_on, week), _between(Item.feedback_on, week), _between(Item.closed_on, week),
            dated_between(Item.due_on, week.monday - timedelta(days=1), week.sunday - timedelta(days=1)))
    return counts, rows  # and what may be overdue on `as_of`: see _counts


def _counts(session, weeks: list[tuple[Week, date]], dialect: str) -> list[dict[str, int]]:
    """Every figure of the review for each (week, the day its end-of-week state is read): the item
    figures of all the weeks in one pass over the items."""
    parts = [_item_figures(week, as_of) for week, as_of in weeks]
    row = session.execute(select(*(c for counts, _ in parts for c in counts)).select_from(Item)
                          .where(item_rows(dialect, *item_unanswered_since(min(as_of for _, as_of in weeks)),
                                           *(c for _, rows in parts for c in rows)))).one()
    result = []
    for n, (week, as_of) in enumerate(weeks):
        figures = dict(zip(ITEM_FIGURES, row[n * len(ITEM_FIGURES):(n + 1) * len(ITEM_FIGURES)]))
        figures["follow_ups_next_week"] = session.scalar(select(func.count()).select_from(FollowUp)
                                                         .where(_follow_ups_due(week)))
        figures["task_updates"] = session.scalar(select(func.count()).select_from(ProgressUpdate)
                                                 .where(_between(ProgressUpdate.reported_on, week)))
        figures["late_milestones"] = session.scalar(select(func.count()).select_from(Milestone)
                                                    .where(_late_milestone(week, as_of)))
        figures["open_supervision"] = session.scalar(select(func.count()).select_from(Supervision)
                                                     .where(_supervision_open_at(as_of)))
        result.append(figures)
    return result


def weekly_review(engine: Engine, monday: date, today: date) -> dict:
    """Figures of the week and of the week before, and the tables of each section."""
    week = Week(week_of(monday))
    prev = week.previous()
    as_of = min(week.sunday + timedelta(days=1), today)  # end of the week, or today for this week
    prev_as_of = min(prev.sunday + timedelta(days=1), today)
    dialect = engine.dialect.name
    with read_session(engine) as s:
        figures, previous = _counts(s, [(week, as_of), (prev, prev_as_of)], dialect)
        now, before = item_overdue_on(as_of), item_overdue_on(prev_as_of)
        by_unit = s.execute(select(Item.to_unit_id, func.count().filter(now), func.count().filter(before),
                                   func.min(Item.due_on).filter(now))
                            .where(item_rows(dialect, *item_unanswered_since(min(as_of, prev_as_of))),
                                   or_(now, before))
                            .group_by(Item.to_unit_id)).all()
        by_unit_now = {unit: now for unit, now, _, _ in by_unit if now}
        by_unit_prev = {unit: before for unit, _, before, _ in by_unit}
        oldest = {unit: day for unit, _, _, day in by_unit}
        names = dict(s.execute(select(Unit.id, Unit.name)).all())
        follow_ups = frame(s, select(FollowUp.id, FollowUp.text, Unit.name.label("lead_unit"), FollowUp.due_on,
                                     FollowUp.status, Meeting.title.label("meeting"))
                           .join(Unit, Unit.id == FollowUp.lead_unit_id).join(Meeting, Meeting.id == FollowUp.meeting_id)
                           .where(_follow_ups_due(week)).order_by(FollowUp.due_on, FollowUp.id))
        updates = frame(s, select(KeyTask.number, KeyTask.title.label("task"), ProgressUpdate.reported_on,
                                  Unit.name.label("unit"), ProgressUpdate.percent, ProgressUpdate.text)
                        .join(KeyTask, KeyTask.id == ProgressUpdate.task_id)
                        .outerjoin(Unit, Unit.id == ProgressUpdate.unit_id)
                        .where(_between(ProgressUpdate.reported_on, week))
                        .order_by(KeyTask.number, ProgressUpdate.reported_on))
        late_ms = frame(s, select(KeyTask.number, KeyTask.title.label("task"), Milestone.title.label("milestone"),
                                  Milestone.planned_on, Milestone.done_on)
                        .join(KeyTask, KeyTask.id == Milestone.task_id)
                        .where(_late_milestone(week, as_of))
                        .order_by(Milestone.planned_on, KeyTask.number))
        supervision = frame(s, select(Supervision.id, Supervision.target_type, Unit.name.label("unit"),
                                      Supervision.level, Supervision.deadline, Supervision.status,
                                      Supervision.instruction)
                            .join(Unit, Unit.id == Supervision.unit_id)
                            .where(_supervision_open_at(as_of))
                            .order_by(Supervision.deadline, Supervision.id))
        new_items = frame(s, select(Item.id, Item.kind, Item.title, FROM.name.label("from_unit"),
                                    TO.name.label("to_unit"), Item.sent_on, Item.due_on, Item.due_approximate)
                          .join(FROM, FROM.id == Item.from_unit_id).join(TO, TO.id == Item.to_unit_id)
                          .where(_between(Item.sent_on, week)).order_by(Item.sent_on, Item.id))
    supervision["escalated"] = pd.Series([d < today for d in supervision["deadline"]], index=supervision.index,
                                         dtype=bool)
    units = sorted(by_unit_now, key=lambda u: (-by_unit_now[u], names[u]))
    overdue_units = pd.DataFrame([{"unit": names[u], "overdue": by_unit_now[u],
                                   "change": by_unit_now[u] - by_unit_prev.get(u, 0), "oldest_due_on": oldest.get(u)}
                                  for u in units], columns=["unit", "overdue", "change", "oldest_due_on"])
    return {
        "monday": week.monday, "sunday": week.sunday, "as_of": as_of,
        "figures": figures, "previous": previous,
        "new_items": new_items,
        "overdue_by_unit": overdue_units,
        "follow_ups_next_week": follow_ups,
        "task_updates": updates,
        "late_milestones": late_ms,
        "open_supervision": supervision,
    }
