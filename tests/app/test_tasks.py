"""十四项重点工作 page (AppTest): the board with derived statuses and group roll-ups, one task's detail,
the assignment, milestone and progress forms with good and bad input, a stale edit, roles."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from core.permissions import Actor
from db.commands.tasks import AssignTaskUnits, EditMilestone
from db.engine import make_engine, read_session
from db.models import KeyTask, Milestone, ProgressUpdate, TaskAssignment, TaskGroup
from db.queries.tasks import task_board
from tests.app.conftest import open_page, unit_id
from tests.conftest import TODAY
from tests.app.helpers import caption_after, errors, metrics

PAGE = "app_pages/tasks.py"
SYSTEM_ADMIN = Actor(None, "system", "admin")
STATUS_LABELS = {"not_started": "未启动", "in_progress": "推进中", "late": "滞后", "done": "已完成"}
NUMERALS = "一二三四五六七八九十"


# -- helpers -----------------------------------------------------------------------------------

def tasks_page(username: str = "office", **params):
    return open_page(username, PAGE, **params)


def engine(url):
    return make_engine(url)



def assignments(url, task_id: int) -> tuple[set[int], set[int]]:
    """(lead unit ids, participating unit ids)."""
    with read_session(engine(url)) as s:
        rows = s.execute(select(TaskAssignment.unit_id, TaskAssignment.role)
                         .where(TaskAssignment.task_id == task_id)).all()
    return {u for u, r in rows if r == "lead"}, {u for u, r in rows if r == "participating"}


def task_assigned_to(url, unit: int, assigned: bool = True) -> KeyTask:
    with read_session(engine(url)) as s:
        mine = select(TaskAssignment.task_id).where(TaskAssignment.unit_id == unit)
        condition = KeyTask.id.in_(mine) if assigned else KeyTask.id.not_in(mine)
        return s.scalars(select(KeyTask).where(condition).order_by(KeyTask.number)).first()


def late_task(url) -> tuple[KeyTask, Milestone]:
    """A task with a milestone past its planned date and not done, and with progress updates."""
    with read_session(engine(url)) as s:
        with_updates = select(ProgressUpdate.task_id)
        milestone = s.scalars(select(Milestone).where(Milestone.done_on.is_(None), Milestone.planned_on < TODAY,
                                                      Milestone.task_id.in_(with_updates))
                              .order_by(Milestone.task_id, Milestone.planned_on, Milestone.id)).first()
        return s.get(KeyTask, milestone.task_id), milestone


def board_table(at):
    return next(d.value for d in at.dataframe if "序号" in d.value.columns)


def milestone_table(at):
    return next(d.value for d in at.dataframe if "计划完成日期" in d.value.columns)


def update_table(at):
    return next(d.value for d in at.dataframe if "报告日期" in d.value.columns)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def progress_count(url, task_id: int) -> int:
    with read_session(engine(url)) as s:
        return s.scalar(select(func.count()).select_from(ProgressUpdate).where(ProgressUpdate.task_id == task_id))


def has_form(at, key: str) -> bool:
    widgets = list(at.text_area) + list(at.text_input) + list(at.selectbox) + list(at.number_input)
    return any(str(w.key).startswith(f"{key}.") for w in widgets)


# -- the board ----------------------------------------------------------------------------------

def test_board_lists_all_tasks_with_their_derived_status(app_env):
    at = tasks_page()
    assert not at.exception
    table = board_table(at)
    expected = task_board(engine(app_env), TODAY)
    assert len(expected) == 14
    assert list(table["序号"]) == list(range(1, 15))
    assert list(table["重点工作"]) == list(expected["title"])
    assert list(table["办理阶段"]) == [STATUS_LABELS[s] for s in expected["status"]]
    assert list(table["进度(%)"]) == list(expected["percent"])
    assert {"滞后", "已完成"} <= set(table["办理阶段"]) <= set(STATUS_LABELS.values())


def test_group_metrics_show_the_mean_latest_percent_per_group(app_env):
    at = tasks_page()
    with read_session(engine(app_env)) as s:
        tasks = s.execute(select(KeyTask.id, TaskGroup.number, TaskGroup.title)
                          .join(TaskGroup, TaskGroup.id == KeyTask.group_id)).all()
        leads = set(s.execute(select(TaskAssignment.task_id, TaskAssignment.unit_id)
                              .where(TaskAssignment.role == "lead")).all())
        latest: dict[int, int] = {}  # a task's progress: its lead unit's latest report, else anyone's
        from_lead: dict[int, int] = {}
        for task_id, reporter, percent in s.execute(
                select(ProgressUpdate.task_id, ProgressUpdate.unit_id, ProgressUpdate.percent)
                .order_by(ProgressUpdate.reported_on, ProgressUpdate.id)):
            latest[task_id] = percent
            if (task_id, reporter) in leads:
                from_lead[task_id] = percent
        latest |= from_lead
    groups: dict[tuple[int, str], list[int]] = {}
    for task_id, number, title in tasks:
        groups.setdefault((number, title), []).append(latest.get(task_id, 0))
    assert len(groups) == 5
    expected = {f"({NUMERALS[n - 1]}){title}": f"{sum(p) / len(p):.0f}%" for (n, title), p in groups.items()}
    every = [latest.get(task_id, 0) for task_id, _, _ in tasks]
    expected["总体进度"] = f"{sum(every) / len(every):.0f}%"
    assert metrics(at) == expected


def test_without_a_chosen_task_the_page_says_how_to_choose(app_env):
    at = tasks_page()
    assert "点选一项重点工作,查看原文、工作节点和进展。" in [c.value for c in at.caption]
    assert not [d for d in at.dataframe if "计划完成日期" in d.value.columns]


# -- one task -----------------------------------------------------------------------------------

def test_task_detail_shows_full_text_late_milestone_and_updates(app_env):
    task, late = late_task(app_env)
    at = tasks_page(task=str(task.id))
    assert not at.exception
    assert f"{task.number}. {task.title}" in [h.value for h in at.subheader]
    assert task.full_text in [x.value for x in at.text]
    milestones = milestone_table(at)
    with read_session(engine(app_env)) as s:
        n_milestones = s.scalar(select(func.count()).select_from(Milestone).where(Milestone.task_id == task.id))
    assert len(milestones) == n_milestones
    row = milestones[(milestones["工作节点名称"] == late.title) & (milestones["计划完成日期"] == late.planned_on.isoformat())]
    assert list(row["办理阶段"]) == ["已滞后"]
    assert list(row["实际完成日期"]) == ["—"]
    updates = update_table(at)
    assert len(updates) == progress_count(app_env, task.id) > 0
    with read_session(engine(app_env)) as s:
        newest = s.scalars(select(ProgressUpdate).where(ProgressUpdate.task_id == task.id)
                           .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())).first()
    assert (updates.iloc[0]["报告日期"], updates.iloc[0]["进展情况"]) == (newest.reported_on.isoformat(), newest.text)


# -- office forms -------------------------------------------------------------------------------

def test_office_assigns_lead_and_participating_units(app_env):
    task = task_assigned_to(app_env, unit_id(app_env, "market_regulation"), assigned=False)
    lead, part = unit_id(app_env, "market_regulation"), [unit_id(app_env, "taxation"), unit_id(app_env, "justice")]
    old_lead, _ = assignments(app_env, task.id)
    assert lead not in old_lead
    at = tasks_page(task=str(task.id))
    form = f"task.{task.id}.assign"
    at.selectbox(key=f"{form}.lead_unit_id").set_value(lead)
    at.multiselect(key=f"{form}.participating").set_value(part)
    button(at, "保存分工").click().run()
    assert not at.exception and not at.error, errors(at)
    assert "重点工作已更新。" in [m.value for m in at.success]
    assert assignments(app_env, task.id) == ({lead}, set(part))
    assert "区市场监管局" in [x.value for x in at.text]  # the page shows the new lead unit


def save_milestone(at, form: str, label: str, title: str, planned_on: date) -> None:
    """Fill a milestone form (new or edit), press its button and see it saved."""
    at.text_input(key=f"{form}.title").input(title)
    at.date_input(key=f"{form}.planned_on").set_value(planned_on)
    button(at, label).click().run()
    assert not at.exception and not at.error, errors(at)
    assert "重点工作已更新。" in [m.value for m in at.success]


def test_office_adds_a_milestone_and_marks_it_done(app_env):
    task, _ = late_task(app_env)
    at = tasks_page(task=str(task.id))
    save_milestone(at, f"task.{task.id}.milestone", "新增工作节点", "完成年度工作总结", date(2026, 12, 31))
    with read_session(engine(app_env)) as s:
        added = s.scalar(select(Milestone).where(Milestone.task_id == task.id, Milestone.title == "完成年度工作总结"))
    assert added is not None and (added.planned_on, added.done_on) == (date(2026, 12, 31), None)
    milestones = milestone_table(at)
    assert list(milestones[milestones["工作节点名称"] == "完成年度工作总结"]["办理阶段"]) == ["未到期"]

    done_form = f"task.{task.id}.milestone_done"
    at.selectbox(key=f"{done_form}.milestone_id").set_value(added.id)
    at.date_input(key=f"{done_form}.done_on").set_value(TODAY)
    button(at, "工作节点完成").click().run()
    assert not at.exception and not at.error, errors(at)
    with read_session(engine(app_env)) as s:
        assert s.get(Milestone, added.id).done_on == TODAY
    milestones = milestone_table(at)
    assert list(milestones[milestones["工作节点名称"] == "完成年度工作总结"]["办理阶段"]) == ["按期完成"]


def test_milestone_without_title_is_refused_and_input_kept(app_env):
    task, _ = late_task(app_env)
    at = tasks_page(task=str(task.id))
    form = f"task.{task.id}.milestone"
    at.date_input(key=f"{form}.planned_on").set_value(date(2026, 12, 31))
    button(at, "新增工作节点").click().run()
    assert not at.exception
    assert errors(at) == ["请检查标红的字段。"]
    assert caption_after(at, at.text_input(key=f"{form}.title")) == ":red[必填。]"
    assert at.date_input(key=f"{form}.planned_on").value == date(2026, 12, 31)


def choose_milestone_to_edit(at, task, milestone) -> str:
    """Pick the milestone in the edit chooser; returns the key of its edit form."""
    at.selectbox(key=f"task.{task.id}.milestone_edit").set_value(milestone.id).run()
    return f"task.{task.id}.milestone_edit.{milestone.id}"


def test_office_renames_and_reschedules_a_milestone(app_env):
    task, late = late_task(app_env)
    at = tasks_page(task=str(task.id))
    form = choose_milestone_to_edit(at, task, late)
    assert at.text_input(key=f"{form}.title").value == late.title  # filled with the current values
    assert at.date_input(key=f"{form}.planned_on").value == late.planned_on
    save_milestone(at, form, "保存工作节点", "调整后的节点", date(2026, 12, 31))
    with read_session(engine(app_env)) as s:
        row = s.get(Milestone, late.id)
    assert (row.title, row.planned_on, row.version) == ("调整后的节点", date(2026, 12, 31), late.version + 1)
    milestones = milestone_table(at)
    assert list(milestones[milestones["工作节点名称"] == "调整后的节点"]["办理阶段"]) == ["未到期"]  # no longer late


def test_milestone_edit_offers_the_first_unfinished_milestone_first(app_env):
    task, late = late_task(app_env)  # the task's earliest unfinished milestone
    at = tasks_page(task=str(task.id))
    assert at.selectbox(key=f"task.{task.id}.milestone_edit").value == late.id


def test_stale_milestone_edit_is_refused_and_input_kept(app_env):
    task, late = late_task(app_env)
    at = tasks_page(task=str(task.id))
    form = choose_milestone_to_edit(at, task, late)
    EditMilestone(SYSTEM_ADMIN, milestone_id=late.id, version=late.version, title="他人修改",
                  planned_on=late.planned_on).run(engine(app_env))  # meanwhile someone else edits it
    at.text_input(key=f"{form}.title").input("我的修改")
    button(at, "保存工作节点").click().run()
    assert not at.exception
    assert any("已被他人修改" in e for e in errors(at)), errors(at)
    assert at.text_input(key=f"{form}.title").value == "我的修改"
    with read_session(engine(app_env)) as s:
        assert s.get(Milestone, late.id).title == "他人修改"


def test_milestone_edit_without_title_is_refused(app_env):
    task, late = late_task(app_env)
    at = tasks_page(task=str(task.id))
    form = choose_milestone_to_edit(at, task, late)
    at.text_input(key=f"{form}.title").input("  ")
    button(at, "保存工作节点").click().run()
    assert not at.exception
    assert caption_after(at, at.text_input(key=f"{form}.title")) == ":red[必填。]"
    with read_session(engine(app_env)) as s:
        assert s.get(Milestone, late.id).title == late.title


def test_progress_outside_0_to_100_is_refused_and_input_kept(app_env):
    task, _ = late_task(app_env)
    before = progress_count(app_env, task.id)
    at = tasks_page(task=str(task.id))
    form = f"task.{task.id}.progress"
    at.number_input(key=f"{form}.percent").set_value(120)
    at.text_area(key=f"{form}.text").input("本月完成专项检查三次。")
    button(at, "报告进展").click().run()
    assert not at.exception
    assert errors(at) == ["请检查标红的字段。"]
    assert caption_after(at, at.number_input(key=f"{form}.percent")) == ":red[进度须在 0–100 之间。]"
    assert at.text_area(key=f"{form}.text").value == "本月完成专项检查三次。"
    assert at.number_input(key=f"{form}.percent").value == 120
    assert progress_count(app_env, task.id) == before


def test_stale_assignment_is_refused_and_input_kept(app_env):
    market, police, justice = (unit_id(app_env, c) for c in ("market_regulation", "public_security", "justice"))
    task = task_assigned_to(app_env, market, assigned=False)
    at = tasks_page(task=str(task.id))
    form = f"task.{task.id}.assign"
    # meanwhile someone else changes the assignment
    with read_session(engine(app_env)) as s:
        version = s.get(KeyTask, task.id).version
    AssignTaskUnits(SYSTEM_ADMIN, task_id=task.id, version=version, lead_unit_id=justice,
                    participating_unit_ids=[]).run(engine(app_env))
    at.selectbox(key=f"{form}.lead_unit_id").set_value(market)
    at.multiselect(key=f"{form}.participating").set_value([police])
    button(at, "保存分工").click().run()
    assert not at.exception
    assert any("已被他人修改" in e for e in errors(at)), errors(at)
    assert "重点工作已更新。" not in [m.value for m in at.success]
    assert at.selectbox(key=f"{form}.lead_unit_id").value == market
    assert at.multiselect(key=f"{form}.participating").value == [police]
    assert assignments(app_env, task.id) == ({justice}, set())


# -- liaison and viewer -------------------------------------------------------------------------

def test_liaison_of_an_assigned_unit_reports_progress(app_env):
    market = unit_id(app_env, "market_regulation")
    task = task_assigned_to(app_env, market)
    assert task is not None
    before = progress_count(app_env, task.id)
    at = tasks_page("liaison", task=str(task.id))
    assert not at.exception
    form = f"task.{task.id}.progress"
    assert at.selectbox(key=f"{form}.unit_id").options == ["区市场监管局"]  # only their own unit
    assert not has_form(at, f"task.{task.id}.assign") and not has_form(at, f"task.{task.id}.milestone")
    at.number_input(key=f"{form}.percent").set_value(60)
    at.text_area(key=f"{form}.text").input("区市场监管局完成专项检查并报送阶段总结。")
    button(at, "报告进展").click().run()
    assert not at.exception and not at.error, errors(at)
    assert "重点工作已更新。" in [m.value for m in at.success]
    assert progress_count(app_env, task.id) == before + 1
    with read_session(engine(app_env)) as s:
        row = s.scalars(select(ProgressUpdate).where(ProgressUpdate.task_id == task.id)
                        .order_by(ProgressUpdate.id.desc())).first()
    assert (row.unit_id, row.percent, row.reported_on, row.text) == (
        market, 60, TODAY, "区市场监管局完成专项检查并报送阶段总结。")


def test_liaison_of_an_unassigned_unit_sees_no_progress_form(app_env):
    task = task_assigned_to(app_env, unit_id(app_env, "market_regulation"), assigned=False)
    at = tasks_page("liaison", task=str(task.id))
    assert not at.exception
    assert task.full_text in [x.value for x in at.text]  # readable
    assert not has_form(at, f"task.{task.id}.progress")
    assert not [b for b in at.button if b.label == "报告进展"]
    assert not at.get("form")


def test_liaison_sees_the_progress_form_once_their_unit_is_assigned(app_env):
    market = unit_id(app_env, "market_regulation")
    task = task_assigned_to(app_env, market, assigned=False)
    lead, part = assignments(app_env, task.id)
    with read_session(engine(app_env)) as s:
        version = s.get(KeyTask, task.id).version
    AssignTaskUnits(SYSTEM_ADMIN, task_id=task.id, version=version, lead_unit_id=next(iter(lead)),
                    participating_unit_ids=sorted(part | {market})).run(engine(app_env))
    at = tasks_page("liaison", task=str(task.id))
    assert not at.exception
    assert has_form(at, f"task.{task.id}.progress")


def test_viewer_sees_no_forms(app_env):
    task, _ = late_task(app_env)
    at = tasks_page("viewer", task=str(task.id))
    assert not at.exception
    assert task.full_text in [x.value for x in at.text]
    assert not at.get("form")
    assert [b.key for b in at.button] == ["app.sign_out"]
