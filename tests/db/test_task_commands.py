"""Commands on the fourteen key tasks (DESIGN §4–§5) on SQLite and PostgreSQL: the office assigns one
lead and the participating units and keeps the milestones; an assigned unit (or the office) reports
dated progress with a percentage. Validation per field, stale edits, and the permission of every role.
"Today" is pinned to 2026-11-26."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.base import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from db.commands.tasks import AddMilestone, AddProgressUpdate, AssignTaskUnits, CompleteMilestone, EditMilestone
from db.engine import read_session
from db.models import AuditLog, KeyTask, Milestone, ProgressUpdate, TaskAssignment
from tests.conftest import TODAY, audits, count

OFFICE = Actor(None, "office1", "office")
ADMIN = Actor(None, "admin1", "admin")
CONVENER = Actor(None, "convener1", "convener")
VIEWER = Actor(None, "viewer1", "viewer")


def liaison(units, code) -> Actor:
    return Actor(None, f"liaison_{code}", "liaison", units[code])


def assignments(engine, task_id) -> dict[int, str]:
    with read_session(engine) as s:
        rows = s.execute(select(TaskAssignment.unit_id, TaskAssignment.role)
                         .where(TaskAssignment.task_id == task_id)).all()
    assert len(rows) == len({u for u, _ in rows})  # a unit appears once
    return dict(rows)


def task_version(engine, task_id) -> int:
    with read_session(engine) as s:
        return s.get(KeyTask, task_id).version


def get_ms(engine, ms_id) -> Milestone:
    with read_session(engine) as s:
        return s.get(Milestone, ms_id)


def updates(engine, task_id) -> list[ProgressUpdate]:
    with read_session(engine) as s:
        return list(s.scalars(select(ProgressUpdate).where(ProgressUpdate.task_id == task_id)
                              .order_by(ProgressUpdate.id)))


def all_counts(engine):
    return tuple(count(engine, m) for m in (TaskAssignment, Milestone, ProgressUpdate, AuditLog))


def assign(engine, units, task_id, lead="justice", participating=("procuratorate", "public_security"),
           actor=OFFICE, **extra) -> None:
    AssignTaskUnits(actor, task_id=task_id, lead_unit_id=units[lead] if lead else None,
                    participating_unit_ids=[units[c] for c in participating], **extra).run(engine)


@pytest.fixture
def task_id(engine, units, tasks):
    """Task 3, led by the justice bureau with the procuratorate and the police participating."""
    assign(engine, units, tasks[3])
    return tasks[3]


def progress(actor, task_id, unit_id, **overrides):
    values = dict(task_id=task_id, unit_id=unit_id, reported_on=date(2026, 11, 20), percent=40,
                  text="已完成制度起草")
    values.update(overrides)
    return AddProgressUpdate(actor, **values)


# --- assignment -------------------------------------------------------------------------------------

def test_reference_data_has_fourteen_tasks(engine, tasks):
    assert sorted(tasks) == list(range(1, 15))


def test_assign_sets_exactly_one_lead_and_the_participating_units(engine, units, tasks):
    task = tasks[3]
    version = task_version(engine, task)
    assign(engine, units, task, participating=("procuratorate", "justice", "public_security", "procuratorate"),
           version=version)
    assert assignments(engine, task) == {units["justice"]: "lead", units["procuratorate"]: "participating",
                                         units["public_security"]: "participating"}
    assert task_version(engine, task) == version + 1
    [audit] = audits(engine, "task.assign")
    assert (audit.entity, audit.entity_id, audit.username) == ("key_task", task, "office1")
    assert audit.before == {"assignments": []}
    assert audit.after["lead"] == units["justice"]


def test_reassigning_replaces_never_duplicates(engine, units, tasks, task_id):
    assign(engine, units, task_id, lead="procuratorate", participating=("justice", "education"))
    assert assignments(engine, task_id) == {units["procuratorate"]: "lead", units["justice"]: "participating",
                                            units["education"]: "participating"}
    assign(engine, units, task_id, lead="procuratorate", participating=())
    assert assignments(engine, task_id) == {units["procuratorate"]: "lead"}
    # assigning another task leaves this one alone
    assign(engine, units, tasks[4], lead="education", participating=())
    assert assignments(engine, task_id) == {units["procuratorate"]: "lead"}
    assert assignments(engine, tasks[4]) == {units["education"]: "lead"}


def test_assignment_without_lead_is_refused(engine, units, task_id):
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        assign(engine, units, task_id, lead=None, participating=("education",))
    assert exc.value.field_errors["lead_unit_id"] == "须指定一个牵头单位。"
    assert all_counts(engine) == before
    assert assignments(engine, task_id)[units["justice"]] == "lead"


def test_assignment_with_unknown_unit_or_task_is_refused(engine, units, tasks, task_id):
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        AssignTaskUnits(OFFICE, task_id=task_id, lead_unit_id=units["justice"],
                        participating_unit_ids=[999999]).run(engine)
    assert exc.value.field_errors["participating_unit_ids"] == "未知单位。"
    with pytest.raises(ValidationFailed) as exc:
        AssignTaskUnits(OFFICE, task_id=999999, lead_unit_id=units["justice"], participating_unit_ids=[]).run(engine)
    assert exc.value.field_errors["task_id"] == "未知重点工作。"
    assert all_counts(engine) == before


def test_stale_assignment_is_refused_and_changes_nothing(engine, units, tasks):
    task = tasks[5]
    seen = task_version(engine, task)
    assign(engine, units, task, lead="education", participating=(), version=seen)
    before = all_counts(engine)
    with pytest.raises(StaleEdit):
        assign(engine, units, task, lead="justice", participating=("procuratorate",), version=seen)
    assert all_counts(engine) == before
    assert assignments(engine, task) == {units["education"]: "lead"}


# --- milestones -------------------------------------------------------------------------------------

def test_add_edit_and_complete_a_milestone(engine, units, task_id):
    ms_id = AddMilestone(OFFICE, task_id=task_id, title=" 制定工作细则 ", planned_on=date(2026, 12, 15)).run(engine)
    ms = get_ms(engine, ms_id)
    assert (ms.task_id, ms.title, ms.planned_on, ms.done_on, ms.version) == (
        task_id, "制定工作细则", date(2026, 12, 15), None, 1)
    EditMilestone(OFFICE, milestone_id=ms_id, version=1, title="印发工作细则", planned_on=date(2026, 11, 30)).run(engine)
    ms = get_ms(engine, ms_id)
    assert (ms.title, ms.planned_on, ms.version) == ("印发工作细则", date(2026, 11, 30), 2)
    CompleteMilestone(OFFICE, milestone_id=ms_id, version=2, done_on=TODAY).run(engine)
    ms = get_ms(engine, ms_id)
    assert (ms.done_on, ms.version) == (TODAY, 3)
    assert [a.action for a in audits(engine) if a.entity == "milestone"] == [
        "milestone.create", "milestone.update", "milestone.complete"]
    [done] = audits(engine, "milestone.complete")
    assert done.before["done_on"] is None and done.after["done_on"] == TODAY.isoformat()


@pytest.mark.parametrize("data,field", [
    (dict(title=""), "title"),
    (dict(title="   "), "title"),
    (dict(title=None), "title"),
    (dict(title="长" * 201), "title"),
    (dict(planned_on=None), "planned_on"),
    (dict(planned_on="2026-12-15"), "planned_on"),
    (dict(task_id=999999), "task_id"),
])
def test_add_milestone_refuses_bad_input(engine, units, task_id, data, field):
    values = dict(task_id=task_id, title="制定工作细则", planned_on=date(2026, 12, 15))
    values.update(data)
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        AddMilestone(OFFICE, **values).run(engine)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    assert all_counts(engine) == before


@pytest.fixture
def ms_id(engine, task_id):
    return AddMilestone(OFFICE, task_id=task_id, title="制定工作细则", planned_on=date(2026, 12, 15)).run(engine)


@pytest.mark.parametrize("data,field", [(dict(title=""), "title"), (dict(planned_on=None), "planned_on")])
def test_edit_milestone_refuses_bad_input(engine, ms_id, data, field):
    values = dict(milestone_id=ms_id, version=1, title="改名", planned_on=date(2027, 1, 15))
    values.update(data)
    with pytest.raises(ValidationFailed) as exc:
        EditMilestone(OFFICE, **values).run(engine)
    assert exc.value.field_errors[field] == "必填。"
    ms = get_ms(engine, ms_id)
    assert (ms.title, ms.planned_on, ms.version) == ("制定工作细则", date(2026, 12, 15), 1)


def test_stale_milestone_edit_is_refused(engine, ms_id):
    EditMilestone(OFFICE, milestone_id=ms_id, version=1, title="第一次修改", planned_on=date(2026, 12, 20)).run(engine)
    with pytest.raises(StaleEdit):
        EditMilestone(OFFICE, milestone_id=ms_id, version=1, title="过期修改", planned_on=date(2026, 12, 1)).run(engine)
    ms = get_ms(engine, ms_id)
    assert (ms.title, ms.planned_on) == ("第一次修改", date(2026, 12, 20))


@pytest.mark.parametrize("done_on,message", [
    (TODAY + timedelta(days=1), "不能晚于今天。"),
    (None, "必填。"),
    ("2026-11-20", "必填。"),
])
def test_complete_milestone_needs_a_done_date_not_in_the_future(engine, ms_id, done_on, message):
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        CompleteMilestone(OFFICE, milestone_id=ms_id, done_on=done_on).run(engine)
    assert exc.value.field_errors == {"done_on": message}
    assert get_ms(engine, ms_id).done_on is None
    assert all_counts(engine) == before


def test_completing_a_milestone_twice_is_refused(engine, ms_id):
    CompleteMilestone(OFFICE, milestone_id=ms_id, done_on=date(2026, 11, 20)).run(engine)
    with pytest.raises(ValidationFailed) as exc:
        CompleteMilestone(OFFICE, milestone_id=ms_id, done_on=TODAY).run(engine)
    assert exc.value.field_errors == {"action": "该工作节点已完成。"}
    assert get_ms(engine, ms_id).done_on == date(2026, 11, 20)


def test_stale_milestone_completion_is_refused(engine, ms_id):
    EditMilestone(OFFICE, milestone_id=ms_id, version=1, title="改期", planned_on=date(2026, 12, 31)).run(engine)
    with pytest.raises(StaleEdit):
        CompleteMilestone(OFFICE, milestone_id=ms_id, version=1, done_on=TODAY).run(engine)
    assert get_ms(engine, ms_id).done_on is None


def test_unknown_milestone_is_not_found(engine):
    with pytest.raises(NotFound):
        CompleteMilestone(OFFICE, milestone_id=999999, done_on=TODAY).run(engine)
    with pytest.raises(NotFound):
        EditMilestone(OFFICE, milestone_id=999999, version=1, title="x", planned_on=TODAY).run(engine)


# --- progress updates -------------------------------------------------------------------------------

def test_office_reports_progress_for_an_assigned_unit(engine, units, task_id):
    progress(OFFICE, task_id, units["procuratorate"], text=" 已召开推进会 ", percent=35).run(engine)
    [u] = updates(engine, task_id)
    assert (u.unit_id, u.reported_on, u.percent, u.text) == (units["procuratorate"], date(2026, 11, 20), 35,
                                                             "已召开推进会")
    [audit] = audits(engine, "task.progress")
    assert (audit.entity, audit.entity_id, audit.username) == ("key_task", task_id, "office1")
    assert audit.after["percent"] == 35


@pytest.mark.parametrize("percent", [0, 100])
def test_percent_bounds_are_accepted(engine, units, task_id, percent):
    progress(OFFICE, task_id, units["justice"], percent=percent, reported_on=TODAY).run(engine)
    assert updates(engine, task_id)[-1].percent == percent


@pytest.mark.parametrize("percent", [-1, 101, 250, None, "50", 50.5, True])
def test_percent_outside_0_to_100_is_refused(engine, units, task_id, percent):
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        progress(OFFICE, task_id, units["justice"], percent=percent).run(engine)
    assert exc.value.field_errors == {"percent": "进度须在 0–100 之间。"}
    assert all_counts(engine) == before


@pytest.mark.parametrize("data,field", [
    (dict(text=""), "text"),
    (dict(text="长" * 2001), "text"),
    (dict(reported_on=None), "reported_on"),
    (dict(reported_on=TODAY + timedelta(days=1)), "reported_on"),
])
def test_progress_refuses_bad_input(engine, units, task_id, data, field):
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        progress(OFFICE, task_id, units["justice"], **data).run(engine)
    assert set(exc.value.field_errors) == {field}
    assert all_counts(engine) == before


def test_progress_for_a_unit_not_assigned_is_refused(engine, units, task_id):
    before = all_counts(engine)
    with pytest.raises(ValidationFailed) as exc:
        progress(OFFICE, task_id, units["education"]).run(engine)
    assert exc.value.field_errors == {"unit_id": "该单位不是这项工作的牵头或参与单位。"}
    with pytest.raises(ValidationFailed) as exc:
        progress(OFFICE, task_id, None).run(engine)
    assert "unit_id" in exc.value.field_errors
    assert all_counts(engine) == before


def test_progress_on_an_unassigned_task(engine, units, tasks):
    task = tasks[14]
    with pytest.raises(ValidationFailed) as exc:
        progress(OFFICE, task, units["justice"]).run(engine)
    assert "unit_id" in exc.value.field_errors
    with pytest.raises(PermissionDenied):
        progress(liaison(units, "justice"), task, units["justice"]).run(engine)
    assert updates(engine, task) == []


@pytest.mark.parametrize("code", ["justice", "procuratorate"])
def test_liaison_of_an_assigned_unit_reports_for_it(engine, units, task_id, code):
    progress(liaison(units, code), task_id, units[code], percent=60).run(engine)
    [u] = updates(engine, task_id)
    assert (u.unit_id, u.percent) == (units[code], 60)
    assert audits(engine, "task.progress")[-1].username == f"liaison_{code}"


def test_liaison_of_another_unit_may_not_report(engine, units, task_id):
    before = all_counts(engine)
    for unit_id in (units["education"], units["justice"]):
        with pytest.raises(PermissionDenied):
            progress(liaison(units, "education"), task_id, unit_id).run(engine)
    assert all_counts(engine) == before


def test_liaison_may_not_report_in_the_name_of_another_assigned_unit(engine, units, task_id):
    """The procuratorate participates, the justice bureau leads. The procuratorate's liaison may report for
    the procuratorate only (DESIGN §5: 'own unit only'); a report filed under the justice bureau's name
    would show on the board as the lead unit's own word."""
    before = all_counts(engine)
    with pytest.raises((PermissionDenied, ValidationFailed)):
        progress(liaison(units, "procuratorate"), task_id, units["justice"], percent=90,
                 text="牵头单位已完成").run(engine)
    assert all_counts(engine) == before
    assert updates(engine, task_id) == []


# --- permissions: every role for every action --------------------------------------------------------

def actor_for(units, who) -> Actor:
    return {
        "admin": ADMIN, "office": OFFICE, "convener": CONVENER, "viewer": VIEWER,
        "liaison_lead": liaison(units, "justice"),
        "liaison_participating": liaison(units, "procuratorate"),
        "liaison_other": liaison(units, "education"),
    }[who]


ACTORS = ["admin", "office", "convener", "viewer", "liaison_lead", "liaison_participating", "liaison_other"]
ACTIONS = ["assign", "add_milestone", "edit_milestone", "complete_milestone", "progress"]
ALLOWED = {
    "admin": set(ACTIONS), "office": set(ACTIONS),
    "liaison_lead": {"progress"}, "liaison_participating": {"progress"},
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ACTORS)
def test_permission_of_every_role_for_every_action(engine, units, task_id, ms_id, who, action):
    actor = actor_for(units, who)
    own = actor.unit_id or units["justice"]
    command = {
        "assign": lambda: AssignTaskUnits(actor, task_id=task_id, lead_unit_id=units["education"],
                                          participating_unit_ids=[]),
        "add_milestone": lambda: AddMilestone(actor, task_id=task_id, title="新节点", planned_on=date(2027, 3, 1)),
        "edit_milestone": lambda: EditMilestone(actor, milestone_id=ms_id, version=1, title="改名",
                                                planned_on=date(2026, 12, 31)),
        "complete_milestone": lambda: CompleteMilestone(actor, milestone_id=ms_id, version=1, done_on=TODAY),
        "progress": lambda: progress(actor, task_id, own),
    }[action]()
    before = all_counts(engine)
    ms_before = get_ms(engine, ms_id)
    if action in ALLOWED.get(who, set()):
        command.run(engine)
        assert audits(engine)[-1].username == actor.username
        assert count(engine, AuditLog) == before[-1] + 1
    else:
        with pytest.raises(PermissionDenied):
            command.run(engine)
        assert all_counts(engine) == before
        ms = get_ms(engine, ms_id)
        assert (ms.title, ms.planned_on, ms.done_on, ms.version) == (
            ms_before.title, ms_before.planned_on, ms_before.done_on, ms_before.version)
        assert assignments(engine, task_id)[units["justice"]] == "lead"
