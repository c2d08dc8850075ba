"""Reads for the 通报 (bulletin) and the yearly 府检联动工作情况报告: the work of any period — a month,
a quarter, a year or chosen dates — computed in SQL (aggregates grouped by mechanism, unit,
supervision level and task group), with the conditions of db.queries.predicates.

The day the period is read on (`as_of`) is the first day after it — the state at its close — or
today while the period is still running (the state at the start of today, as the weekly review
reads its current week). What happened on or after `as_of` is not counted: an answer given after
the period is, for the period, still owed; a running period's figures are those up to yesterday.
Statuses that end an item's or follow-up's duty (withdrawn, returned, cancelled) are read as they
are now, so a 通报 of a past period drops an item withdrawn since.

The counts, each for the period [start, end] (both days included):
- received: items sent in the period, by the unit that received them (`Item.to_unit_id`, the one
  that owes the feedback) and by mechanism 四(一)…(八); meetings held count under 四(二).
- on time / late / still overdue: items owing feedback whose due date lies in the period, answered
  by `as_of` on or before the due date, answered by `as_of` after it, or not answered by `as_of`
  though due before it (predicates.item_overdue_on). The on-time rate is on time ÷ (on time + late
  + still overdue); None when nothing fell to be judged.
- overdue at the end: every item overdue on `as_of`, whatever its due date; the units owing them
  are named (the 通报 names the laggards, also those whose items fell due earlier).
- 督办: issued in the period, with their outcome on `as_of` (resolved — on time or not — responded
  and awaiting resolution, no response yet; escalated: unresolved past the deadline).
- 移送追责 (Accountability): records referred in the period, per unit of the item referred.
- follow-ups (议定事项): due in the period (cancelled ones left out), done by `as_of` (on time or not), overdue on `as_of`;
  the list names every follow-up overdue on `as_of`.
- key tasks: status and progress per group (db.queries.tasks.task_board read on `as_of`), progress
  reports in the period, and milestones late on `as_of` (planned before it and not done before it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from core.kinds import MECHANISMS, MEETINGS_MECHANISM
from core.lifecycles import FU_CANCELLED, SUPERVISION_LEVELS
from db.engine import read_session
from db.models import (Accountability, FollowUp, Item, KeyTask, Meeting, Milestone, ProgressUpdate, Supervision,
                       TaskGroup, Unit)
from db.queries.common import frame
from db.queries.predicates import (dated_between, follow_up_done, follow_up_done_on_time, follow_up_overdue,
                                   item_answered_late, item_answered_on_time, item_overdue_on, item_owes_feedback)
from db.queries.tasks import group_rollup, task_board
from seed.reference import mechanism_titles

PRESETS = ("month", "last_month", "quarter", "last_quarter", "year", "last_year")
CUSTOM = "custom"

# the figures of Bulletin.figures, in the order the page and the documents show them
FIGURES = ("received", "answered", "on_time", "late", "overdue", "overdue_at_end", "overdue_units",
           "meetings", "fu_due", "fu_done", "fu_done_on_time", "fu_overdue", "fu_overdue_at_end",
           "sup_issued", "sup_resolved", "sup_resolved_on_time", "sup_responded", "sup_no_response", "sup_escalated",
           "referred", "referred_with_result", "task_updates", "tasks_late", "tasks_done", "late_milestones")


# -- periods ---------------------------------------------------------------------------------------

def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _quarter_end(first: date) -> date:
    return _month_end(date(first.year, first.month + 2, 1))


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """The first and last day of 本月 / 上月 / 本季度 / 上季度 / 本年 / 上年 as seen from `today`."""
    month = today.replace(day=1)
    quarter = _quarter_start(today)
    if preset == "month":
        return month, _month_end(month)
    if preset == "last_month":
        last = (month - timedelta(days=1)).replace(day=1)
        return last, _month_end(last)
    if preset == "quarter":
        return quarter, _quarter_end(quarter)
    if preset == "last_quarter":
        last = _quarter_start(quarter - timedelta(days=1))
        return last, _quarter_end(last)
    if preset == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(f"unknown period {preset!r}")


def preset_of(start: date, end: date, today: date) -> str:
    """The preset whose days these are as seen from `today`, else CUSTOM."""
    return next((p for p in PRESETS if preset_period(p, today) == (start, end)), CUSTOM)


def period_kind(start: date, end: date) -> str:
    """"month", "quarter" or "year" when the days are exactly one calendar month, quarter or year;
    else "range" (how the title names the period)."""
    if start.day == 1 and start.month == 1 and end == date(start.year, 12, 31):
        return "year"
    if start.day == 1 and start.month % 3 == 1 and end == _quarter_end(start):
        return "quarter"
    if start.day == 1 and end == _month_end(start):
        return "month"
    return "range"


def as_of_for(end: date, today: date) -> date:
    """The day the period is read on: the day after it, or today while it runs (module docstring)."""
    return min(end + timedelta(days=1), today)


# -- the figures -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bulletin:
    start: date
    end: date
    as_of: date
    figures: dict[str, int]
    on_time_rate: float | None  # 0–1; None when nothing was due and judged
    by_mechanism: pd.DataFrame  # mechanism, title, items, meetings, answered, overdue_at_end
    by_unit: pd.DataFrame  # unit_id, unit, received, on_time, late, overdue, judged, on_time_rate, referred
    overdue_units: pd.DataFrame  # unit_id, unit, overdue, oldest_due_on, oldest_due_approximate
    supervision: pd.DataFrame  # level, issued, resolved, resolved_on_time, responded, no_response, escalated
    follow_ups_overdue: pd.DataFrame  # id, text, lead_unit, meeting, due_on, status
    task_groups: pd.DataFrame  # group_number, group_title, tasks, percent, late, done, updates, late_milestones
    late_milestones: pd.DataFrame  # group_number, number, task, milestone, planned_on, done_on

    @property
    def through(self) -> date:
        """The last day the figures cover, as the documents say 截至: the period's last day once it
        is over, else yesterday (today is read at its start)."""
        return min(self.end, self.as_of - timedelta(days=1))


def _rate(on_time: int, judged: int) -> float | None:
    return on_time / judged if judged else None


def bulletin(engine: Engine, start: date, end: date, today: date) -> Bulletin:
    """Every figure and table of the 通报 for the days start…end (see the module docstring)."""
    if start > end:
        raise ValueError("the period starts after it ends")
    as_of = as_of_for(end, today)
    last = min(end, as_of - timedelta(days=1))  # a running period counts up to yesterday, as it is read
    sent = dated_between(Item.sent_on, start, last)
    # judged: due in the period and answered, or overdue, by `as_of` (one due later is not judged yet)
    due = and_(item_owes_feedback(), dated_between(Item.due_on, start, end))
    answered_by = Item.feedback_on < as_of
    on_time = and_(due, item_answered_on_time(), answered_by)
    late = and_(due, item_answered_late(), answered_by)
    overdue_at_end = item_overdue_on(as_of, engine.dialect.name)
    overdue = and_(due, overdue_at_end)
    fu_due = and_(dated_between(FollowUp.due_on, start, last), FollowUp.status != FU_CANCELLED)
    fu_done = and_(follow_up_done(), FollowUp.done_on < as_of)
    fu_overdue = or_(follow_up_overdue(as_of), and_(follow_up_done(), FollowUp.done_on >= as_of,
                                                     FollowUp.due_on < as_of))
    issued = and_(Supervision.issued_on.is_not(None), dated_between(Supervision.issued_on, start, last))
    resolved = and_(Supervision.resolved_on.is_not(None), Supervision.resolved_on < as_of)
    responded = and_(~resolved, Supervision.responded_on.is_not(None), Supervision.responded_on < as_of)
    late_ms = and_(Milestone.planned_on < as_of, or_(Milestone.done_on.is_(None), Milestone.done_on >= as_of))
    referred = dated_between(Accountability.referred_on, start, last)

    with read_session(engine) as s:
        # items: one row per receiving unit
        units = frame(s, select(Item.to_unit_id.label("unit_id"),
                                func.count().filter(sent).label("received"),
                                func.count().filter(on_time).label("on_time"),
                                func.count().filter(late).label("late"),
                                func.count().filter(overdue).label("overdue"))
                      .where(or_(sent, due)).group_by(Item.to_unit_id))
        referred_by_unit = frame(s, select(Item.to_unit_id.label("unit_id"), func.count().label("referred"),
                                           func.count().filter(and_(Accountability.result_on.is_not(None),
                                                                    Accountability.result_on < as_of))
                                           .label("with_result"))
                                 .select_from(Accountability).join(Item, Item.id == Accountability.item_id)
                                 .where(referred).group_by(Item.to_unit_id))
        # overdue at the end, by unit and due date (the oldest date per unit, marked when estimated)
        at_end = frame(s, select(Item.to_unit_id.label("unit_id"), Item.due_on,
                                 func.count().label("overdue"),
                                 func.count().filter(Item.due_approximate.is_(True)).label("approximate"))
                       .where(overdue_at_end).group_by(Item.to_unit_id, Item.due_on))
        names = frame(s, select(Unit.id.label("unit_id"), Unit.name.label("unit"), Unit.sort_order))
        answered_in = dated_between(Item.feedback_on, start, last)
        mechanisms = frame(s, select(Item.mechanism, func.count().filter(sent).label("items"),
                                     func.count().filter(answered_in).label("answered"),
                                     func.count().filter(overdue_at_end).label("overdue_at_end"))
                           .where(or_(sent, answered_in, overdue_at_end))  # only rows a count can take
                           .group_by(Item.mechanism))
        meetings = s.scalar(select(func.count()).select_from(Meeting).where(dated_between(Meeting.held_on, start, last)))
        answered = s.scalar(select(func.count()).select_from(Item).where(answered_in))
        fu = s.execute(select(func.count().filter(fu_due), func.count().filter(and_(fu_due, fu_done)),
                              func.count().filter(and_(fu_due, fu_done, follow_up_done_on_time())),
                              func.count().filter(and_(fu_due, fu_overdue)),
                              func.count().filter(fu_overdue)).select_from(FollowUp)).one()
        follow_ups = frame(s, select(FollowUp.id, FollowUp.text, Unit.name.label("lead_unit"),
                                     Meeting.title.label("meeting"), FollowUp.due_on, FollowUp.status)
                           .join(Unit, Unit.id == FollowUp.lead_unit_id).join(Meeting, Meeting.id == FollowUp.meeting_id)
                           .where(fu_overdue, FollowUp.status != FU_CANCELLED)
                           .order_by(FollowUp.due_on, FollowUp.id))
        supervision = frame(s, select(Supervision.level, func.count().label("issued"),
                                      func.count().filter(resolved).label("resolved"),
                                      func.count().filter(and_(resolved, Supervision.resolved_on <= Supervision.deadline))
                                      .label("resolved_on_time"),
                                      func.count().filter(responded).label("responded"),
                                      func.count().filter(and_(~resolved, ~responded)).label("no_response"),
                                      func.count().filter(and_(~resolved, Supervision.deadline < as_of))
                                      .label("escalated"))
                            .where(issued).group_by(Supervision.level))
        updates = dict(s.execute(select(KeyTask.group_id, func.count()).select_from(ProgressUpdate)
                                 .join(KeyTask, KeyTask.id == ProgressUpdate.task_id)
                                 .where(dated_between(ProgressUpdate.reported_on, start, last))
                                 .group_by(KeyTask.group_id)).all())
        group_numbers = dict(s.execute(select(TaskGroup.id, TaskGroup.number)).all())
        late_milestones = frame(s, select(TaskGroup.number.label("group_number"), KeyTask.number,
                                          KeyTask.title.label("task"), Milestone.title.label("milestone"),
                                          Milestone.planned_on, Milestone.done_on)
                                .join(KeyTask, KeyTask.id == Milestone.task_id)
                                .join(TaskGroup, TaskGroup.id == KeyTask.group_id)
                                .where(late_ms).order_by(Milestone.planned_on, KeyTask.number, Milestone.id))
    titles = mechanism_titles(engine)
    rollup = group_rollup(task_board(engine, as_of))

    # per unit: the aggregates joined to the names, units in the plan's order
    by_unit = units.merge(referred_by_unit, on="unit_id", how="outer").fillna(0)
    by_unit = names.merge(by_unit, on="unit_id", how="inner").sort_values(["sort_order", "unit"])
    counts = ["received", "on_time", "late", "overdue", "referred", "with_result"]
    by_unit[counts] = by_unit[counts].astype(int)
    by_unit = by_unit[(by_unit[counts] > 0).any(axis=1)].reset_index(drop=True)
    by_unit["judged"] = by_unit["on_time"] + by_unit["late"] + by_unit["overdue"]
    by_unit["on_time_rate"] = pd.Series([_rate(o, j) for o, j in zip(by_unit["on_time"], by_unit["judged"])],
                                        index=by_unit.index, dtype=object)
    by_unit = by_unit[["unit_id", "unit", "received", "on_time", "late", "overdue", "judged", "on_time_rate",
                       "referred", "with_result"]]

    # the units with items overdue at the end: most first, then the plan's order
    at_end = at_end.sort_values(["unit_id", "due_on"])
    oldest = at_end.groupby("unit_id", as_index=False).first()[["unit_id", "due_on", "approximate"]]
    totals = at_end.groupby("unit_id", as_index=False)["overdue"].sum()
    overdue_units = names.merge(totals.merge(oldest, on="unit_id"), on="unit_id", how="inner")
    overdue_units = overdue_units.sort_values(["overdue", "sort_order"], ascending=[False, True]).reset_index(drop=True)
    overdue_units = pd.DataFrame({"unit_id": overdue_units["unit_id"], "unit": overdue_units["unit"],
                                  "overdue": overdue_units["overdue"].astype(int),
                                  "oldest_due_on": overdue_units["due_on"],
                                  "oldest_due_approximate": overdue_units["approximate"] > 0})

    per_mechanism = mechanisms.set_index("mechanism")
    by_mechanism = pd.DataFrame({
        "mechanism": list(MECHANISMS),
        "title": [titles.get(m, "") for m in MECHANISMS],
        "items": [int(per_mechanism["items"].get(m, 0)) for m in MECHANISMS],
        "meetings": [meetings if m == MEETINGS_MECHANISM else 0 for m in MECHANISMS],
        "answered": [int(per_mechanism["answered"].get(m, 0)) for m in MECHANISMS],
        "overdue_at_end": [int(per_mechanism["overdue_at_end"].get(m, 0)) for m in MECHANISMS],
    })

    rank = {level: i for i, level in enumerate(SUPERVISION_LEVELS)}  # 一般, 重点, 挂牌
    supervision = supervision.sort_values("level", key=lambda s: s.map(lambda v: rank.get(v, len(rank))))

    late_per_group = late_milestones.groupby("group_number").size().to_dict()
    updates_per_group = {group_numbers[g]: n for g, n in updates.items()}
    task_groups = rollup.assign(
        updates=[int(updates_per_group.get(g, 0)) for g in rollup["group_number"]],
        late_milestones=[int(late_per_group.get(g, 0)) for g in rollup["group_number"]])

    totals_row = {c: int(by_unit[c].sum()) for c in ("on_time", "late", "overdue")}
    sup = {c: int(supervision[c].sum()) for c in ("issued", "resolved", "resolved_on_time", "responded",
                                                   "no_response", "escalated")}
    figures = {
        "received": int(by_unit["received"].sum()), "answered": int(answered or 0), **totals_row,
        "overdue_at_end": int(overdue_units["overdue"].sum()), "overdue_units": len(overdue_units),
        "meetings": int(meetings or 0),
        "fu_due": fu[0], "fu_done": fu[1], "fu_done_on_time": fu[2], "fu_overdue": fu[3], "fu_overdue_at_end": fu[4],
        **{f"sup_{k}": v for k, v in sup.items()},
        "referred": int(by_unit["referred"].sum()), "referred_with_result": int(by_unit["with_result"].sum()),
        "task_updates": int(sum(updates.values())),
        "tasks_late": int(task_groups["late"].sum()), "tasks_done": int(task_groups["done"].sum()),
        "late_milestones": len(late_milestones),
    }
    assert set(figures) == set(FIGURES)
    return Bulletin(start=start, end=end, as_of=as_of, figures=figures,
                    on_time_rate=_rate(totals_row["on_time"], sum(totals_row.values())),
                    by_mechanism=by_mechanism, by_unit=by_unit, overdue_units=overdue_units,
                    supervision=supervision.reset_index(drop=True), follow_ups_overdue=follow_ups,
                    task_groups=task_groups.reset_index(drop=True), late_milestones=late_milestones)
