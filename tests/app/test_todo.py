"""待办 page (AppTest), per role: the liaison lands on it and sees only their unit's work, overdue
first, and signs for an item in one tap; the office sees feedback to review and overdue items
to chase (催办 without a mail server says it could not be sent and logs the failure); the
convener drafts a 督办 from an item in one click; a viewer sees no work and no buttons."""
from __future__ import annotations

from sqlalchemy import func, select

from core import lifecycles as lc
from core.permissions import Actor
from db.commands.items import CreateItem
from db.commands.tasks import AssignTaskUnits
from db.engine import make_engine, read_session
from db.models import Item, KeyTask, ProgressUpdate, Reminder, Supervision, TaskAssignment
from tests.app.conftest import open_page, signed_in_app, unit_id
from tests.conftest import TODAY

PAGE = "app_pages/todo.py"
SYSTEM_ADMIN = Actor(None, "system", "admin")


def badges(at) -> set[str]:
    return {m.value.split(" ")[-1].rstrip("]").split("[")[-1] for m in at.markdown if "-badge[" in m.value}


def rows_shown(at) -> list[str]:
    return [m.value.strip("*") for m in at.markdown if m.value.startswith("**")]


def buttons(at, suffix: str) -> list:
    return [b for b in at.button if str(b.key).endswith(suffix)]


def test_the_liaison_lands_on_their_units_work_with_its_count_and_signs_in_one_tap(app_env):
    market = unit_id(app_env, "market_regulation")
    engine = make_engine(app_env)
    CreateItem(SYSTEM_ADMIN, kind="procuratorial_suggestion", from_unit_id=unit_id(app_env, "procuratorate"),
               to_unit_id=market, doc_number="硚检建〔2026〕950号", title="待签收的检察建议", details={},
               sent_on=TODAY).run(engine)
    with read_session(engine) as s:
        to_sign = s.scalars(select(Item).where(Item.to_unit_id == market, Item.status == lc.SENT)
                            .order_by(Item.id)).all()
        other_titles = set(s.scalars(select(Item.title).where(Item.to_unit_id != market)))
    at = signed_in_app("liaison").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["待办"]
    shown = rows_shown(at)
    assert shown and not (set(shown) & other_titles - {i.title for i in to_sign})
    assert all(i.title in shown for i in to_sign)
    sign = buttons(at, ".sign")
    assert len(sign) == len(to_sign) > 0
    sign[0].click().run()
    assert not at.exception
    assert "已签收。" in [m.value for m in at.success]
    with read_session(engine) as s:
        item = s.get(Item, int(sign[0].key.split(".")[2]))
    assert (item.status, item.received_on) == (lc.RECEIVED, TODAY)


def test_overdue_rows_come_first_and_say_how_late(app_env):
    at = open_page("liaison", PAGE)
    captions = [c.value for c in at.caption if "期限" in c.value]
    late = [i for i, c in enumerate(captions) if "已超期" in c]
    assert late and late == list(range(len(late)))  # the overdue rows lead the list


def test_the_office_reviews_feedback_and_a_reminder_without_mail_server_is_logged_as_failed(app_env, monkeypatch):
    monkeypatch.delenv("FJLD_SMTP_HOST", raising=False)
    engine = make_engine(app_env)
    at = open_page("office", PAGE)
    assert not at.exception
    while more := [b for b in at.button if b.label.startswith("显示后")]:  # the list, a page at a time
        more[0].click().run()
    assert {"反馈待审核销号", "超期待催办"} <= badges(at)
    remind = buttons(at, ".remind")
    assert remind
    remind[0].click().run()
    assert not at.exception
    assert any("催办未能发出" in w.value for w in at.warning)
    with read_session(engine) as s:
        failed = s.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == "failed"))
    assert failed >= 1


def test_the_convener_drafts_a_supervision_from_a_long_overdue_item(app_env):
    engine = make_engine(app_env)
    with read_session(engine) as s:
        before = s.scalar(select(func.count()).select_from(Supervision).where(Supervision.status == lc.SUP_DRAFT))
    at = open_page("convener", PAGE)
    draft = buttons(at, ".draft")
    assert draft
    draft[0].click().run()
    assert not at.exception
    assert "督办草稿已拟制,请在督办页签发。" in [m.value for m in at.success]
    with read_session(engine) as s:
        new = s.scalars(select(Supervision).where(Supervision.status == lc.SUP_DRAFT)
                        .order_by(Supervision.id.desc())).first()
        count = s.scalar(select(func.count()).select_from(Supervision).where(Supervision.status == lc.SUP_DRAFT))
    assert count == before + 1
    assert (new.target_type, new.target_id) == ("item", int(draft[0].key.split(".")[2]))


def test_a_viewer_has_no_work_and_no_buttons(app_env):
    at = open_page("viewer", PAGE)
    assert not at.exception
    assert "暂无待办事项。" in [m.value for m in at.success]
    assert not [b for b in at.button if str(b.key).startswith("todo.")]


def test_the_liaison_reports_progress_on_a_key_task_in_place(app_env):
    market = unit_id(app_env, "market_regulation")
    engine = make_engine(app_env)
    with read_session(engine) as s:
        # an unfinished task the unit does not report on yet: once it joins, its report is due today
        reported = select(ProgressUpdate.task_id).where(
            (ProgressUpdate.unit_id == market) | (ProgressUpdate.percent >= 100))
        task = s.scalars(select(KeyTask).where(KeyTask.id.not_in(reported)).order_by(KeyTask.number)).first()
        lead = s.scalar(select(TaskAssignment.unit_id).where(TaskAssignment.task_id == task.id,
                                                             TaskAssignment.role == "lead"))
        participating = list(s.scalars(select(TaskAssignment.unit_id).where(TaskAssignment.task_id == task.id,
                                                                            TaskAssignment.role != "lead")))
    AssignTaskUnits(SYSTEM_ADMIN, task_id=task.id, version=task.version,
                    lead_unit_id=lead or unit_id(app_env, "justice"),
                    participating_unit_ids=sorted(set(participating) | {market})).run(engine)
    at = signed_in_app("liaison").run()
    form = f"todo.key_task.{task.id}.report"
    at.number_input(key=f"{form}.percent").set_value(30)
    at.text_area(key=f"{form}.text").input("已完成摸底排查")
    next(b for b in at.button if b.label == "报送进展" and str(b.key).startswith(f"FormSubmitter:{form}")).click().run()
    assert not at.exception
    assert "进展已报送。" in [m.value for m in at.success]
    with read_session(engine) as s:
        update = s.scalars(select(ProgressUpdate).where(ProgressUpdate.task_id == task.id,
                                                        ProgressUpdate.unit_id == market)).one()
    assert (update.percent, update.text, update.reported_on) == (30, "已完成摸底排查", TODAY)
    assert f"{form}.percent" not in [n.key for n in at.number_input]  # no longer due: the row is gone


def test_a_long_todo_is_drawn_a_page_at_a_time_most_urgent_first(app_env):
    """The office's 待办 of a busy district holds hundreds of rows: the first 30 are drawn, 显示更多
    adds the next ones."""
    from ui.todo import PAGE
    from db.queries.todo import office_todo
    rows = office_todo(make_engine(app_env), TODAY)
    at = signed_in_app("office", "app_pages/todo.py").run()
    more = [b for b in at.button if b.label.startswith("显示后")]
    assert len(rows) > PAGE  # the demo office's year
    assert more and f"还有 {len(rows) - PAGE} 项" in more[0].label
    first = {m.value for m in at.markdown}
    assert any(rows[0]["title"] in v for v in first) and not any(rows[PAGE]["title"] in v for v in first)
    more[0].click().run()
    assert any(rows[PAGE]["title"] in m.value for m in at.markdown)
