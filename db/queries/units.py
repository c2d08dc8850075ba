"""Reads for 成员单位: the directory with current liaisons, each unit's liaison history and the
reporting of liaison changes, and the per-unit drill-down (items sent and received, feedback
record, follow-ups, key tasks, supervision) — counted in SQL.

Reporting rule for liaison changes (DESIGN §2 and the plan 三(一) only say "及时报送"): a change
is reported on time when the office hears of it no later than the 5th working day after the
change takes effect (start day not counted, statutory holidays skipped: `add_period(start, 5,
"working_days")`). Reported later: late. Not reported and that day has passed: missing. Not
reported and still within the period: pending (not yet late). Every appointment counts, the
first designation of a unit's liaison as well as each change."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from core.deadlines import WorkCalendar, add_period
from core.text import document_mark
from core.documents_notice import NoticeData, NoticeFollowUp, NoticeOverdue, notice_number
from core.lifecycles import ITEM_STATUSES, OPEN_FOLLOW_UP_STATUSES
from db.calendar import work_calendar
from db.engine import read_session
from db.models import FollowUp, Item, Leader, Liaison, Setting, Supervision, TaskAssignment, Unit
from db.queries.common import frame
from db.queries.meetings import FollowUpFilter, follow_up_list
from db.queries.overdue import overdue_items
from db.queries.predicates import (follow_up_done, follow_up_involves, follow_up_open, follow_up_overdue,
                                   item_answered_on_time, item_answered_since, item_feedback_record, item_involves,
                                   item_overdue, supervision_open, text_matches)
from db.queries.sql import days_between, month_of
from db.queries.tasks import task_board

REPORT_WORKING_DAYS = 5
NOTICE_REPLY_WORKING_DAYS = 5
# Report states of a liaison appointment, worst first.
REPORT_STATES = ("missing", "late", "pending", "on_time")


# -- the reporting rule --------------------------------------------------------------------------

def report_due(start_on: date, calendar: WorkCalendar | None = None) -> date:
    """Last day on which a liaison change taking effect on `start_on` is reported on time."""
    return add_period(start_on, REPORT_WORKING_DAYS, "working_days", calendar=calendar)


def report_state(start_on: date, reported_on: date | None, today: date,
                 calendar: WorkCalendar | None = None) -> tuple[str, int]:
    """(state, calendar days past the report deadline) — see the module docstring."""
    due = report_due(start_on, calendar)
    if reported_on is not None:
        return ("late", (reported_on - due).days) if reported_on > due else ("on_time", 0)
    return ("missing", (today - due).days) if today > due else ("pending", 0)


def _current(today: date):
    return and_(Liaison.start_on <= today, or_(Liaison.end_on.is_(None), Liaison.end_on >= today))


# -- the mechanism's members (附件 一、二) -------------------------------------------------------------

def mechanism_members(engine: Engine) -> dict:
    """Who leads the mechanism, as the plan's annex lists them: the conveners and the deputy
    convener in the annex's order (leaders: role, name, title), and the office (where it sits, its
    director, members, phone and e-mail; the `office` setting loaded from seed/leadership.json)."""
    with read_session(engine) as s:
        leaders = [dict(r) for r in s.execute(select(Leader.role, Leader.name, Leader.title)
                                              .order_by(Leader.sort_order, Leader.id)).mappings()]
        office = s.scalar(select(Setting.value).where(Setting.key == "office")) or {}
    return {"leaders": leaders, "office": dict(office)}


# -- directory -------------------------------------------------------------------------------------

DIRECTORY_COLUMNS = ["unit_id", "code", "name", "category", "leader_name", "leader_title", "active", "liaisons",
                     "liaison_count", "overdue"]


def unit_directory(engine: Engine, today: date, category: str | None = None, text: str = "") -> pd.DataFrame:
    """Every member unit in the plan's order: leader, current liaisons (name and phone), active
    state and items it owes feedback on past the due date. `text` matches the unit's name, its
    leader, or a current liaison's name or phone."""
    conds = []
    if category:
        conds.append(Unit.category == category)
    if text.strip():
        conds.append(or_(text_matches(text, Unit.name, Unit.leader_name, Unit.leader_title),
                         Unit.id.in_(select(Liaison.unit_id).where(
                             _current(today), text_matches(text, Liaison.name, Liaison.phone)))))
    overdue = (select(Item.to_unit_id.label("unit_id"), func.count().label("n"))
               .where(item_overdue(today)).group_by(Item.to_unit_id).subquery())
    with read_session(engine) as s:
        units = s.execute(select(Unit.id.label("unit_id"), Unit.code, Unit.name, Unit.category, Unit.leader_name,
                                 Unit.leader_title, Unit.active, func.coalesce(overdue.c.n, 0).label("overdue"))
                          .outerjoin(overdue, overdue.c.unit_id == Unit.id)
                          .where(*conds).order_by(Unit.sort_order, Unit.id)).mappings().all()
        ids = [u["unit_id"] for u in units]
        liaisons = s.execute(select(Liaison.unit_id, Liaison.name, Liaison.phone)
                             .where(_current(today), Liaison.unit_id.in_(ids))
                             .order_by(Liaison.unit_id, Liaison.start_on, Liaison.id)).all() if ids else []
    by_unit: dict[int, list[str]] = {}
    for x in liaisons:
        by_unit.setdefault(x.unit_id, []).append(f"{x.name} {x.phone}" if x.phone else x.name)
    rows = [{**u, "active": bool(u["active"]), "liaisons": "、".join(by_unit.get(u["unit_id"], [])),
             "liaison_count": len(by_unit.get(u["unit_id"], [])), "overdue": int(u["overdue"])} for u in units]
    return pd.DataFrame(rows, columns=DIRECTORY_COLUMNS)  # by name: the order of the page's columns


def unit_profile(engine: Engine, unit_id: int) -> dict | None:
    with read_session(engine) as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            return None
        return {c: getattr(unit, c) for c in ("id", "code", "name", "category", "leader_name", "leader_title",
                                              "active", "version")} | {"aliases": list(unit.aliases or [])}


# -- liaisons --------------------------------------------------------------------------------------

HISTORY_COLUMNS = ["id", "name", "phone", "email", "start_on", "end_on", "reported_on", "report_due", "report_state",
                   "days_late", "current", "version"]


def liaison_history(engine: Engine, unit_id: int, today: date) -> pd.DataFrame:
    """Every liaison the unit has had, newest first: who, from, to, reported on, and the
    report's state under the reporting rule."""
    with read_session(engine) as s:
        rows = s.execute(select(Liaison.id, Liaison.name, Liaison.phone, Liaison.email, Liaison.start_on, Liaison.end_on,
                                Liaison.reported_on, Liaison.version)
                         .where(Liaison.unit_id == unit_id)
                         .order_by(Liaison.start_on.desc(), Liaison.id.desc())).mappings().all()
        calendar = work_calendar(s)
    out = []
    for r in rows:
        state, days = report_state(r["start_on"], r["reported_on"], today, calendar)
        out.append({**r, "report_due": report_due(r["start_on"], calendar), "report_state": state, "days_late": days,
                    "current": r["start_on"] <= today and (r["end_on"] is None or r["end_on"] >= today)})
    return pd.DataFrame(out, columns=HISTORY_COLUMNS)  # by name: the order of the page's columns


LATE_COLUMNS = ["liaison_id", "unit_id", "unit", "category", "name", "start_on", "report_due", "reported_on",
                "report_state", "days_late"]


def late_liaison_reports(engine: Engine, today: date, category: str | None = None) -> pd.DataFrame:
    """Liaison appointments reported late or not at all (past the report deadline), worst first:
    most days past the deadline first; on a tie, the unreported before the late."""
    # 5 working days are at least 5 calendar days, so SQL keeps only the candidates.
    late_enough = or_(Liaison.reported_on.is_(None),
                      days_between(engine, Liaison.reported_on, Liaison.start_on) > REPORT_WORKING_DAYS)
    with read_session(engine) as s:
        rows = s.execute(select(Liaison.id.label("liaison_id"), Unit.id.label("unit_id"), Unit.name.label("unit"),
                                Unit.category, Liaison.name, Liaison.start_on, Liaison.reported_on)
                         .join(Unit, Unit.id == Liaison.unit_id)
                         .where(late_enough, Unit.category == category if category else True)
                         .order_by(Unit.sort_order, Liaison.id)).mappings().all()
        calendar = work_calendar(s)
    out = []
    for r in rows:
        state, days = report_state(r["start_on"], r["reported_on"], today, calendar)
        if state in ("late", "missing"):
            out.append({**r, "report_due": report_due(r["start_on"], calendar), "report_state": state,
                        "days_late": days, "_rank": REPORT_STATES.index(state)})
    df = pd.DataFrame(out, columns=LATE_COLUMNS + ["_rank"])
    # a stable sort: on a tie, the units' order and the liaison id, as selected
    df = df.sort_values(["days_late", "_rank"], ascending=[False, True], kind="stable")
    return df.drop(columns="_rank").reset_index(drop=True)


# -- drill-down --------------------------------------------------------------------------------------

def unit_item_counts(engine: Engine, unit_id: int) -> pd.DataFrame:
    """Items the unit sent and received, counted by lifecycle stage (every stage, zeros kept)."""
    with read_session(engine) as s:
        df = frame(s, select(Item.status, func.count().filter(Item.from_unit_id == unit_id).label("sent"),
                             func.count().filter(Item.to_unit_id == unit_id).label("received"))
                   .where(item_involves(unit_id)).group_by(Item.status))
    # every stage in lifecycle order, zeros where the unit has none
    return (df.set_index("status").reindex(pd.Index(ITEM_STATUSES, name="status"), fill_value=0)
            .astype("int64").reset_index())


def unit_feedback_stats(engine: Engine, unit_id: int, today: date) -> dict:
    """Over the last 12 months (as on 逾期反馈): answered items with a due date, on time, late,
    the on-time rate; and the items the unit owes past their due date now."""
    with read_session(engine) as s:
        answered, on_time = s.execute(
            select(func.count(), func.count().filter(item_answered_on_time()))
            .where(Item.to_unit_id == unit_id, item_feedback_record(today))).one()
        overdue = s.scalar(select(func.count()).select_from(Item)
                           .where(Item.to_unit_id == unit_id, item_overdue(today)))
    return {"answered": answered, "on_time": on_time, "late": answered - on_time, "overdue": overdue,
            "on_time_rate": on_time / answered if answered else None}


def trend_months(today: date, months: int = 12) -> list[str]:
    """The last `months` calendar months up to and including today's, as YYYY-MM."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def unit_monthly_feedback(engine: Engine, unit_id: int, today: date, months: int = 12) -> pd.DataFrame:
    """Per calendar month of feedback (the last `months`, this one included): items the unit
    answered, answered on time, and the on-time rate (None in a month without answers)."""
    labels = trend_months(today, months)
    start = date(int(labels[0][:4]), int(labels[0][5:]), 1)
    month = month_of(engine, Item.feedback_on)
    with read_session(engine) as s:
        df = frame(s, select(month.label("month"), func.count().label("answered"),
                             func.count().filter(item_answered_on_time()).label("on_time"))
                   .where(Item.to_unit_id == unit_id, item_answered_since(start), Item.feedback_on <= today)
                   .group_by(month))
    # every month of the window, zeros where nothing was answered
    df = df.set_index("month").reindex(pd.Index(labels, name="month"), fill_value=0).astype("int64").reset_index()
    df["on_time_rate"] = [ok / n if n else None for n, ok in zip(df["answered"], df["on_time"])]
    return df


def unit_follow_ups(engine: Engine, unit_id: int, today: date) -> pd.DataFrame:
    """Meeting follow-up items the unit leads or assists (role: lead | assist), due date first."""
    df = follow_up_list(engine, FollowUpFilter(unit_id=unit_id), today)
    df["role"] = ["lead" if lead == unit_id else "assist" for lead in df["lead_unit_id"]]
    return df


def unit_follow_up_counts(engine: Engine, unit_id: int, today: date) -> dict:
    """Open, overdue and done follow-ups the unit leads or assists, counted in SQL."""
    with read_session(engine) as s:
        open_, overdue, done = s.execute(select(
            func.count().filter(follow_up_open()),
            func.count().filter(follow_up_overdue(today)),
            func.count().filter(follow_up_done())).select_from(FollowUp).where(follow_up_involves(unit_id))).one()
    return {"open": open_, "overdue": overdue, "done": done}


def unit_tasks(engine: Engine, unit_id: int, today: date) -> pd.DataFrame:
    """Key tasks the unit leads or takes part in, with the board's derived status and progress."""
    with read_session(engine) as s:
        roles = dict(s.execute(select(TaskAssignment.task_id, TaskAssignment.role)
                               .where(TaskAssignment.unit_id == unit_id)).all())
    board = task_board(engine, today)
    cols = ["id", "number", "title", "role", "status", "percent", "next_milestone", "late_milestones"]
    if board.empty or not roles:
        return pd.DataFrame(columns=cols)
    mine = board[board["id"].isin(roles)].copy()
    mine["role"] = mine["id"].map(roles)
    return mine[cols].reset_index(drop=True)


def unit_open_supervision(engine: Engine, unit_id: int) -> int:
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(Supervision).where(
            Supervision.unit_id == unit_id, supervision_open()))


# -- 督办通知单 ----------------------------------------------------------------------------------------

def notice_data(engine: Engine, unit_id: int, today: date) -> NoticeData | None:
    """Everything the 督办通知单 (and, NoticeData.as_form, the 催办单) of a unit prints: its overdue items (oldest first), its open
    follow-ups (lead or assisting, due date first), the reply deadline (5 working days from
    today) and the office's contact details from the `office` setting."""
    profile = unit_profile(engine, unit_id)
    if profile is None:
        return None
    overdue = overdue_items(engine, today, unit_id=unit_id)
    follow_ups = unit_follow_ups(engine, unit_id, today)
    follow_ups = follow_ups[follow_ups["status"].isin(OPEN_FOLLOW_UP_STATUSES)]
    with read_session(engine) as s:
        office = s.scalar(select(Setting.value).where(Setting.key == "office")) or {}
        plan = s.scalar(select(Setting.value).where(Setting.key == "plan_document")) or {}
        reply_by = add_period(today, NOTICE_REPLY_WORKING_DAYS, "working_days", calendar=work_calendar(s))
    fu_rows = [NoticeFollowUp(text=r.text, meeting=r.meeting_title, due_on=r.due_on, status=r.status,
                              days_overdue=(today - r.due_on).days if r.overdue else 0, assisting=r.role != "lead")
               for r in follow_ups.itertuples()]
    return NoticeData(
        unit_id=unit_id, unit_name=profile["name"], issued_on=today, reply_by=reply_by,
        number=notice_number(unit_id, today, "notice", document_mark(str(plan.get("number") or ""))),
        overdue=[NoticeOverdue(title=r.title, from_unit=r.from_unit, due_on=r.due_on, days_overdue=int(r.days_overdue),
                               approximate=bool(r.due_approximate))
                 for r in overdue.itertuples()],
        follow_ups=fu_rows,
        office_phone=str(office.get("phone") or ""), office_email=str(office.get("email") or ""),
        plan_number=str(plan.get("number") or ""), plan_title=str(plan.get("title") or ""))

