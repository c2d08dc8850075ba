"""待办: what waits on me, overdue first, each with its action in place (the liaison's landing page)."""
import streamlit as st

from core.i18n import t
from db.queries.todo import LIMIT
from db.queries.reminder_settings import todo_thresholds
from ui.session import actor, read
from ui.todo import INTRO_ROLE, todo_row, todo_rows

me = actor()
rows = todo_rows(me)
st.title(t("todo.title"))
thresholds, _ = read(todo_thresholds)  # the office's and the convener's lists say theirs
st.caption(t(f"todo.intro.{INTRO_ROLE.get(me.role, me.role)}", **thresholds.as_stored()))
if not rows:
    st.success(t("todo.empty"), icon=":material/task_alt:")
for row in rows:
    todo_row(row)
if len(rows) >= LIMIT:
    st.caption(t("todo.more", n=LIMIT))
