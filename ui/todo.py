"""待办 rows: what waits on the signed-in user, each with its action right there (签收 in one tap,
反馈 and the 督办 answer in a short form in place, 催办 and 拟督办 as buttons, links for the rest).
Widget keys: todo.<entity>.<id>.<action>."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core import lifecycles as lc
from core.clock import today
from core.i18n import fmt_date, fmt_due, t
from core.permissions import CONVENER, LIAISON, VIEWER, Actor, can
from db.commands.items import CloseItem, ReceiveItem
from db.commands.supervision import DraftSupervision
from db.commands.tasks import AddProgressUpdate
from db.queries.todo import RED, liaison_todo, role_todo, role_todo_count
from ui.item_actions import item_action_form
from ui.reminder_actions import may_remind, remind
from ui.fields import draw
from ui.session import FieldErrors, actor, read, run_command, saved
from ui.task_forms import PROGRESS_FIELDS
from ui.supervision_forms import supervision_step_forms
from ui.tables import escape_markdown

PAGE = 30  # rows of 待办 drawn at first, and added by each 显示更多 (app_pages/todo.py)
INTRO_ROLE = {"admin": "office"}  # an admin's 待办 is the office's
MARK_COLOR = {"red": "red", "amber": "orange", "green": "green"}
# Where a row without an in-place action opens: page path and the parameters it needs.
LINKS = {"item": ("app_pages/referrals.py", "item"), "follow_up": ("app_pages/meetings.py", "fu"),
         "milestone": ("app_pages/tasks.py", None), "key_task": ("app_pages/tasks.py", None),
         "supervision": ("app_pages/supervision.py", None)}


def _lists_of(me: Actor) -> str:
    """Whose lists (db.queries.todo.ROLE_LISTS) an office clerk, an admin or a convener sees."""
    return "convener" if me.role == CONVENER else "office"


def todo_rows(me: Actor | None) -> list[dict]:
    """The signed-in user's 待办 (cached until a table it reads changes)."""
    if me is None or me.role == VIEWER:
        return []
    if me.role == LIAISON:
        return read(liaison_todo, me.unit_id, today()) if me.unit_id else []
    return read(role_todo, _lists_of(me), today())


def todo_count(me: Actor | None) -> int:
    """How many rows the user's 待办 holds (the number in the navigation on every page), counted
    without making the rows where the lists are plain SQL (office, convener)."""
    if me is None or me.role == VIEWER:
        return 0
    if me.role == LIAISON:
        return len(todo_rows(me))
    return read(role_todo_count, _lists_of(me), today())


def _due_text(row: dict) -> str:
    if row["days"] is None:
        return t("todo.dated", day=fmt_date(row["due_on"])) if row["due_on"] else ""
    day = fmt_due(row["due_on"], row["approximate"])
    if row["days"] < 0:
        return t("todo.overdue", day=day, n=-row["days"])
    return t("todo.due", day=day, n=row["days"])


def todo_row(row: dict) -> None:
    key = f"todo.{row['entity']}.{row['id']}"
    with st.container(border=True):
        st.badge(t(f"todo.work.{row['work']}"), color=MARK_COLOR[row["mark"]],
                 icon=":material/priority_high:" if row["mark"] == RED else None)
        st.markdown(f"**{escape_markdown(row['title'])}**")
        st.caption(" · ".join(escape_markdown(x) for x in (row["unit"], _due_text(row)) if x))
        _action(row, key)


def _report_form(row: dict, key: str) -> None:
    """A key task's progress report for the row's unit, dated today: the percentage (the unit's
    last one to start from) and what was done."""
    form = f"{key}.report"
    errs = FieldErrors(form)
    with st.form(form):
        data: dict = {"task_id": row["id"], "unit_id": row["unit_id"], "reported_on": today()}
        draw(PROGRESS_FIELDS["percent"], form, errs, into=data, value=int(row["percent"]), min_value=0,
             max_value=100, step=5)
        draw(PROGRESS_FIELDS["text"], form, errs, into=data)
        if st.form_submit_button(t("todo.action.report"), type="primary", width="stretch"):
            if run_command(AddProgressUpdate(actor(), **data), form_key=form):
                saved(form, t("todo.reported"), clear=True)
        errs.show()


def _link(row: dict) -> None:
    page, param = LINKS[row["entity"]]
    params = {param: str(row["id"])} if param else {}
    if row["entity"] == "follow_up":
        params["view"] = "tracker"
    st.page_link(page, label=t("todo.open"), icon=":material/open_in_new:", query_params=params or None)


def _action(row: dict, key: str) -> None:
    me, work = actor(), row["work"]
    if work == "sign" and can(me, ReceiveItem.permission, [row["unit_id"]]):
        if st.button(t("todo.action.sign"), key=f"{key}.sign", type="primary", width="stretch"):
            if run_command(ReceiveItem(me, item_id=row["id"], version=row["version"], on=today())):
                saved(None, t("todo.signed"))
    elif work == "feedback" and can(me, "record_feedback", [row["unit_id"]]):
        with st.expander(t("todo.action.feedback"), icon=":material/reply:"):
            item_action_form(row, "respond", key)
    elif work == "report" and can(me, AddProgressUpdate.permission, [row["unit_id"]]):
        with st.expander(t("todo.action.report"), icon=":material/trending_up:"):
            _report_form(row, key)
    elif work == "supervision":
        with st.expander(t("todo.action.answer"), icon=":material/reply:"):
            supervision_step_forms({**row, "status": lc.SUP_ISSUED}, key=key)
    elif work == "review" and can(me, CloseItem.permission):
        c1, c2 = st.columns(2)
        with c1:
            _link(row)
        if c2.button(t("todo.action.close"), key=f"{key}.close", width="stretch"):
            if run_command(CloseItem(me, item_id=row["id"], version=row["version"], on=today())):
                saved(None, t("todo.closed"))
    elif work in ("unsigned", "chase") and may_remind():
        c1, c2 = st.columns(2)
        with c1:
            _link(row)
        if c2.button(t("todo.action.remind"), key=f"{key}.remind", width="stretch"):
            remind(row["unit_id"], [row["id"]])
    elif work == "escalate" and can(me, DraftSupervision.permission):
        c1, c2 = st.columns(2)
        with c1:
            _link(row)
        if c2.button(t("todo.action.draft_supervision"), key=f"{key}.draft", width="stretch"):
            command = DraftSupervision(me, target_type="item", target_id=row["id"], level=lc.SUPERVISION_LEVELS[0],
                                       deadline=today() + timedelta(days=7),
                                       instruction=t("todo.supervision_text", unit=row["unit"], title=row["title"],
                                                     day=fmt_date(row["due_on"]), n=-(row["days"] or 0)))
            if run_command(command):
                saved(None, t("todo.drafted"))
    else:
        _link(row)


