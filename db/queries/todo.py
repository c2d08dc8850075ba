"""Reads for 待办: what waits on the signed-in user, per role, overdue first then by due date.

- liaison (own unit): items to sign for, items in hand awaiting feedback, meeting follow-ups the
  unit leads, progress reports due on key tasks it leads or joins, 督办 awaiting its answer;
- office: feedback to review or close (销号), items not signed for after N working days, overdue
  items to chase (催办), follow-ups and milestones past due;
- convener: escalated 督办 and items overdue by more than the escalation threshold.

Each row: work (what to do), entity and id, title, unit, due_on, days (working days left, negative
when overdue), mark (red overdue / amber due within the soon window / green), version."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core import lifecycles as lc
from core.deadlines import WorkdayIndex
from core.todo_settings import SETTING_KEY, TodoSettings
from db.calendar import work_calendar
from db.engine import read_session
from db.models import FollowUp, Item, KeyTask, Milestone, ProgressUpdate, Setting, Supervision, TaskAssignment, Unit
from db.queries.predicates import follow_up_overdue, item_not_overdue, item_overdue, supervision_escalated

RED, AMBER, GREEN = "red", "amber", "green"
WORKS = ("sign", "feedback", "follow_up", "report", "supervision",  # liaison
         "review", "unsigned", "chase", "milestone",  # office (also follow_up)
         "escalated", "escalate")  # convener
LIMIT = 200  # rows per list: the page says when there are more


def saved_todo_settings(s: Session) -> tuple[TodoSettings, int, str]:
    """The thresholds in force (core.todo_settings: the district's own, else the city layer's, else
    the defaults), the version of the district's own saved setting (0: never saved), and whose
    they are ("own", "city" or "default")."""
    own, city = Setting.in_layers(s, Setting.key == SETTING_KEY).get(SETTING_KEY, (None, None))
    in_force = own if own is not None else city
    source = "own" if own is not None else "city" if city is not None else "default"
    return TodoSettings.from_stored(in_force.value if in_force else None), own.version if own else 0, source


def todo_settings(s: Session) -> TodoSettings:
    return saved_todo_settings(s)[0]


def days_left(due_on: date | None, today: date, index: WorkdayIndex) -> int | None:
    """Working days from today to the due date; negative: working days overdue."""
    if due_on is None:
        return None
    return index.between(today, due_on) if due_on >= today else -index.between(due_on, today)


def mark(days: int | None, settings: TodoSettings) -> str:
    if days is None:
        return GREEN
    return RED if days < 0 else AMBER if days <= settings.soon_days else GREEN


def _rows(s, work: str, entity: str, query, today: date, cal, settings, unit_names, dated: bool = True) -> list[dict]:
    """dated=False: the row's date is not a deadline (e.g. the day feedback came): no days, no mark."""
    out = []
    for row in s.execute(query.limit(LIMIT)).mappings():
        days = days_left(row["due_on"], today, cal) if dated else None
        out.append(dict(work=work, entity=entity, id=row["id"], title=" ".join((row["title"] or "").split()),
                        unit=unit_names.get(row["unit_id"], ""), unit_id=row["unit_id"], due_on=row["due_on"],
                        days=days, mark=mark(days, settings), version=row["version"], kind=row.get("kind"),
                        approximate=bool(row.get("approximate"))))
    return out


def _listed(id_, title, unit_id, due_on, version, *more):
    """A 待办 list's select, its columns named as _rows reads them (kind and approximate optional)."""
    return select(id_.label("id"), title.label("title"), unit_id.label("unit_id"), due_on.label("due_on"),
                  version.label("version"), *more)


def _sorted(rows: list[dict]) -> list[dict]:
    """Overdue first, then by due date; rows without a deadline last, oldest first."""
    return sorted(rows, key=lambda r: (r["days"] is None, r["due_on"] or date.max, r["id"]))


def _item(*conditions):
    return (_listed(Item.id, Item.title, Item.to_unit_id, Item.due_on, Item.version, Item.kind.label("kind"),
                    Item.due_approximate.label("approximate")).where(*conditions)
            .order_by(Item.due_on.is_(None), Item.due_on, Item.id))


def liaison_todo(engine: Engine, unit_id: int, today: date, settings: TodoSettings | None = None) -> list[dict]:
    with read_session(engine) as s:
        settings = settings or todo_settings(s)
        cal = WorkdayIndex(work_calendar(s))
        names = dict(s.execute(select(Unit.id, Unit.name)).all())
        rows = _rows(s, "sign", "item", _item(Item.to_unit_id == unit_id, Item.status == lc.SENT),
                     today, cal, settings, names)
        rows += _rows(s, "feedback", "item", _item(Item.to_unit_id == unit_id, Item.needs_feedback.is_(True),
                                                   Item.status.in_((lc.RECEIVED, lc.IN_PROGRESS))),
                      today, cal, settings, names)
        rows += _rows(s, "follow_up", "follow_up",
                      _listed(FollowUp.id, FollowUp.text, FollowUp.lead_unit_id, FollowUp.due_on, FollowUp.version)
                      .where(FollowUp.lead_unit_id == unit_id, FollowUp.status.in_(lc.OPEN_FOLLOW_UP_STATUSES))
                      .order_by(FollowUp.due_on, FollowUp.id), today, cal, settings, names)
        rows += _rows(s, "supervision", "supervision",
                      _listed(Supervision.id, Supervision.instruction, Supervision.unit_id, Supervision.deadline,
                             Supervision.version)
                      .where(Supervision.unit_id == unit_id, Supervision.status == lc.SUP_ISSUED)
                      .order_by(Supervision.deadline, Supervision.id), today, cal, settings, names)
        rows += _reports_due(s, unit_id, today, cal, settings, names)
    return _sorted(rows)


def _reports_due(s, unit_id: int, today: date, cal, settings: TodoSettings, names) -> list[dict]:
    """A progress report is due on each open key task the unit leads or joins, every
    `report_every_weeks` weeks after its last one (or after the assignment, when it never wrote)."""
    every = timedelta(weeks=settings.report_every_weeks)
    last = (select(ProgressUpdate.task_id, func.max(ProgressUpdate.reported_on).label("last"))
            .where(ProgressUpdate.unit_id == unit_id).group_by(ProgressUpdate.task_id).subquery())
    finished = select(ProgressUpdate.task_id).where(ProgressUpdate.percent >= 100)
    last_percent = (select(ProgressUpdate.percent)
                    .where(ProgressUpdate.task_id == KeyTask.id, ProgressUpdate.unit_id == unit_id)
                    .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc()).limit(1).scalar_subquery())
    query = (select(KeyTask.id, KeyTask.title, KeyTask.version, last.c.last, last_percent)
             .join(TaskAssignment, TaskAssignment.task_id == KeyTask.id)
             .outerjoin(last, last.c.task_id == KeyTask.id)
             .where(TaskAssignment.unit_id == unit_id, KeyTask.id.not_in(finished))
             .order_by(KeyTask.number))
    out = []
    for task_id, title, version, last_on, percent in s.execute(query):
        due_on = (last_on or today - every) + every
        days = days_left(due_on, today, cal)
        if days is not None and days <= settings.soon_days:
            out.append(dict(work="report", entity="key_task", id=task_id, title=title, unit=names.get(unit_id, ""),
                            unit_id=unit_id, due_on=due_on, days=days, mark=mark(days, settings), version=version,
                            kind=None, approximate=False, percent=percent or 0))
    return out


def _office_lists(today: date, cal: WorkdayIndex, settings: TodoSettings) -> list[tuple[str, str, object, bool]]:
    """The office's lists: (work, entity, select, dated) each."""
    unsigned_before = _working_days_back(today, settings.unsigned_after, cal)
    lead = (select(TaskAssignment.unit_id).where(TaskAssignment.task_id == Milestone.task_id,
                                                 TaskAssignment.role == "lead").limit(1).scalar_subquery())
    return [
        ("review", "item", _listed(Item.id, Item.title, Item.to_unit_id, Item.feedback_on, Item.version,
                                   Item.kind.label("kind")).where(Item.status == lc.RESPONDED)
         .order_by(Item.feedback_on, Item.id), False),
        # an item both unsigned and overdue is listed once, with the overdue ones to chase (red)
        ("unsigned", "item", _item(Item.status == lc.SENT, Item.sent_on < unsigned_before, item_not_overdue(today)),
         True),
        ("chase", "item", _item(item_overdue(today)), True),
        ("follow_up", "follow_up", _listed(FollowUp.id, FollowUp.text, FollowUp.lead_unit_id, FollowUp.due_on,
                                           FollowUp.version)
         .where(follow_up_overdue(today)).order_by(FollowUp.due_on, FollowUp.id), True),
        ("milestone", "milestone", _listed(Milestone.id, Milestone.title, lead, Milestone.planned_on, Milestone.version)
         .where(Milestone.done_on.is_(None), Milestone.planned_on < today).order_by(Milestone.planned_on, Milestone.id),
         True),
    ]


def _convener_lists(today: date, cal: WorkdayIndex, settings: TodoSettings) -> list[tuple[str, str, object, bool]]:
    threshold = _working_days_back(today, settings.escalate_after, cal)
    return [
        ("escalated", "supervision", _listed(Supervision.id, Supervision.instruction, Supervision.unit_id,
                                             Supervision.deadline, Supervision.version)
         .where(supervision_escalated(today)).order_by(Supervision.deadline, Supervision.id), True),
        ("escalate", "item", _item(item_overdue(today), Item.due_on < threshold), True),
    ]


ROLE_LISTS = {"office": _office_lists, "convener": _convener_lists}


def role_todo(engine: Engine, role: str, today: date, settings: TodoSettings | None = None) -> list[dict]:
    """The 待办 of the office or of a convener (ROLE_LISTS)."""
    with read_session(engine) as s:
        settings = settings or todo_settings(s)
        cal = WorkdayIndex(work_calendar(s))
        names = dict(s.execute(select(Unit.id, Unit.name)).all())
        rows = []
        for work, entity, query, dated in ROLE_LISTS[role](today, cal, settings):
            rows += _rows(s, work, entity, query, today, cal, settings, names, dated=dated)
    return _sorted(rows)


def role_todo_count(engine: Engine, role: str, today: date) -> int:
    """How many rows role_todo lists (each list holds at most LIMIT), counted in SQL: the number
    beside 待办 in the navigation of every page."""
    with read_session(engine) as s:
        lists = ROLE_LISTS[role](today, WorkdayIndex(work_calendar(s)), todo_settings(s))
        if not lists:
            return 0
        # one statement; each list counted only up to LIMIT, which is all it shows
        counts = [select(func.count()).select_from(query.order_by(None).limit(LIMIT).subquery()).scalar_subquery()
                  for _, _, query, _ in lists]
        return sum(s.execute(select(*counts)).one())


def office_todo(engine: Engine, today: date, settings: TodoSettings | None = None) -> list[dict]:
    return role_todo(engine, "office", today, settings)


def convener_todo(engine: Engine, today: date, settings: TodoSettings | None = None) -> list[dict]:
    return role_todo(engine, "convener", today, settings)


def _working_days_back(today: date, n: int, index: WorkdayIndex) -> date:
    """The day n working days before today (a date earlier than it is more than n working days ago)."""
    day = today
    for _ in range(n):
        day -= timedelta(days=1)
        while not index.cal.is_workday(day):
            day -= timedelta(days=1)
    return day

