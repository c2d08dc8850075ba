"""待办: what waits on me, overdue first, each with its action in place (the liaison's landing page)."""
import streamlit as st

from core.i18n import t
from db.queries.todo import LIMIT
from db.queries.reminder_settings import todo_thresholds
from ui import state
from ui.session import actor, read
from ui.todo import INTRO_ROLE, PAGE, todo_row, todo_rows

me = actor()
rows = todo_rows(me)
st.title(t("todo.title"))
thresholds, _, _ = read(todo_thresholds)  # the office's and the convener's lists say theirs
st.caption(t(f"todo.intro.{INTRO_ROLE.get(me.role, me.role)}", **thresholds.as_stored()))
if not rows:
    st.success(t("todo.empty"), icon=":material/task_alt:")
# Drawn a page at a time, most urgent first: a city district's office can have hundreds of rows,
# each with its buttons, and drawing them all took half a second on every run.
shown = state.get(state.TODO_SHOWN, PAGE)
for row in rows[:shown]:
    todo_row(row)
if len(rows) > shown:
    st.button(t("todo.show_more", n=min(PAGE, len(rows) - shown), left=len(rows) - shown), key="todo.show_more",
              on_click=state.put, args=(state.TODO_SHOWN, shown + PAGE), icon=":material/expand_more:")
elif len(rows) >= LIMIT:
    st.caption(t("todo.more", n=LIMIT))
