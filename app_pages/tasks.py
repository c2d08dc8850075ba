"""十四项重点工作: the five groups with their tasks, derived status and progress, roll-ups,
one task's detail with milestones, progress timeline, related items and supervision."""
import pandas as pd
import streamlit as st

from core import lifecycles as lc
from core.clock import today
from core.i18n import fmt_date, fmt_due, group_label, t
from db.queries import tasks as q
from db.queries.common import units
from ui.charts import PROGRESS_COLUMNS, milestone_timeline, progress_by_task, show
from ui.session import read
from ui.supervision_forms import supervision_issue_form
from ui.tables import download_buttons, escape_markdown, kind_label, pick_table, present, status_label, table_or_note
from ui.task_forms import assignment_form, milestone_forms, progress_form
from ui.url_state import set_param, url_selection

day = today()
st.title(t("tasks.title"))
board = read(q.task_board, day)
groups = q.group_rollup(board)
names = {u["id"]: u["name"] for u in read(units)}

m = st.columns(6, border=True)
m[0].metric(t("tasks.overall"), f"{board['percent'].mean():.0f}%",
            help=t("tasks.overall_help", late=int((board['status'] == 'late').sum()),
                   done=int((board['status'] == 'done').sum())))
for col, g in zip(m[1:], groups.itertuples()):
    col.metric(group_label(g.group_number, g.group_title), f"{g.percent:.0f}%",
               delta=t("overview.kpi.tasks_late", n=g.late) if g.late else None, delta_color="inverse",
               delta_arrow="off")

show(progress_by_task, board[PROGRESS_COLUMNS])

table = pd.DataFrame({
    t("tasks.col.number"): board["number"], t("tasks.col.group"): board["group_title"],
    t("tasks.col.title"): board["title"], t("task.lead_unit"): board["lead_units"].replace("", t("tasks.unassigned")),
    t("task.participating_units"): board["participating_units"],
    t("item.status"): board["status"].map(lambda s: t(f"task_status.{s}")),
    t("task.percent"): board["percent"], t("tasks.col.next_milestone"): board["next_milestone"].fillna(t("common.none")),
    t("tasks.col.latest_update"): [f"{fmt_date(d)} {u or ''}:{x}" if x else t("common.none")
                                   for d, u, x in zip(board["latest_update_on"], board["latest_update_unit"],
                                                      board["latest_update"])],
})
pick_table(table, board["id"].tolist(), key="tasks.board",
           on_pick=lambda task: set_param("tasks.task", "task", task or 0),
           column_config={t("task.percent"): st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100)},
           height=38 + 35 * len(table))
download_buttons(lambda: table, f"key-tasks-{day.isoformat()}", key="tasks.download")

with st.expander(t("tasks.timeline"), icon=":material/timeline:"):
    timeline = read(q.milestone_timeline, day)
    if timeline.empty:
        st.caption(t("tasks.no_milestones"))
    else:
        show(milestone_timeline, timeline, day)

task_id = url_selection("task")
task = read(q.task_detail, int(task_id)) if task_id else None
if not task:
    st.caption(t("tasks.choose_hint"))
    st.stop()

row = board.set_index("id").loc[task["id"]].to_dict() | {"id": task["id"]}
st.divider()
st.subheader(f"{task['number']}. {escape_markdown(task['title'])}", anchor=False)
st.caption(f"{escape_markdown(task['group'])} · {t('task_status.' + row['status'])} · "
           f"{row['percent']}%")
st.markdown(f"**{t('tasks.full_text')}**")
st.text(task["full_text"])
c1, c2 = st.columns(2)
c1.markdown(f"**{t('task.lead_unit')}**")
c1.text(row["lead_units"] if present(row["lead_units"]) else t("tasks.unassigned"))
c2.markdown(f"**{t('task.participating_units')}**")
c2.text(row["participating_units"] if present(row["participating_units"]) else t("common.none"))
assignment_form(task, row, names)

st.markdown(f"#### {t('tasks.milestones')}")
ms = task["milestones"]
late_label = t(f"milestone.{lc.MS_LATE}")
ms_table = pd.DataFrame({
    t("task.milestone_title"): ms["title"], t("task.planned_on"): ms["planned_on"].map(fmt_date),
    t("task.done_on"): ms["done_on"].map(lambda d: fmt_date(d) if present(d) else t("common.none")),
    t("item.status"): [t(f"milestone.{lc.milestone_state(p, d if present(d) else None, day)}")
                       for p, d in zip(ms["planned_on"], ms["done_on"])]})
table_or_note(ms_table.style.apply(
    lambda r: ["background-color: #fdecea" if r[t("item.status")] == late_label else "" for _ in r], axis=1),
    "tasks.no_milestones")
milestone_forms(task)

st.markdown(f"#### {t('tasks.updates')}")
updates = task["updates"]
table_or_note(pd.DataFrame({t("task.reported_on"): updates["reported_on"].map(fmt_date),
                            t("task.unit"): updates["unit"].fillna(""), t("task.percent"): updates["percent"],
                            t("task.progress_text"): updates["text"]}), "tasks.no_updates",
              column_config={t("task.percent"): st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100)})
progress_form(task, row, names)

st.markdown(f"#### {t('tasks.related_items')}")
items = task["items"]
table_or_note(pd.DataFrame({t("item.title"): items["title"], t("item.kind"): items["kind"].map(kind_label),
                            t("item.status"): items["status"].map(status_label),
                            t("item.due_on"): [fmt_due(d if present(d) else None, a)
                                               for d, a in zip(items["due_on"], items["due_approximate"])]}),
              "tasks.no_items")

st.markdown(f"#### {t('detail.supervision')}")
sup = task["supervision"]
table_or_note(pd.DataFrame({t("supervision.level"): sup["level"], t("supervision.deadline"): sup["deadline"].map(fmt_date),
                            t("item.status"): sup["status"].map(lambda s: t(f"sup_status.{s}")),
                            t("supervision.instruction"): sup["instruction"]}), "tasks.no_supervision")
if row["lead_unit_ids"]:
    supervision_issue_form("key_task", task["id"], row["lead_unit_ids"][0], key=f"task.{task['id']}.supervise")
