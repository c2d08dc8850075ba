"""督办: every 限期督办 with filters, one page at a time (the downloads hold them all); issue drafts,
respond, resolve."""
from dataclasses import asdict

import streamlit as st

from core import lifecycles as lc
from core.clock import today
from core.i18n import fmt_date, t
from db.queries.common import units
from db.queries.supervision import (SupervisionFilter, supervision_counts, supervision_list, supervision_one,
                                    supervision_page, supervision_total)
from ui import state
from ui.session import read, reader_for_click
from ui.supervision_forms import supervision_step_forms
from ui.tables import download_buttons, escape_markdown, labelled_text, pick_table, present
from ui.url_state import set_param, url_option, url_page, url_selectbox, url_selection

STATUSES = ("", "escalated") + lc.SUPERVISION_STATUSES
TARGETS = ("", "item", "follow_up", "key_task")
day = today()

st.title(t("supervision.title"))
unit_rows = read(units)
names = {u["id"]: u["name"] for u in unit_rows}
c1, c2, c3, c4 = st.columns(4)
status = url_selectbox(t("item.status"), STATUSES, key="supervision.status", param="status", container=c1,
                       format_func=lambda s: t(f"sup_status.{s}") if s else t("common.all"))
level = url_option(t("supervision.level"), ("",) + lc.SUPERVISION_LEVELS, param="level", container=c2)
unit_id = url_selectbox(t("supervision.unit"), [None] + list(names), key="supervision.unit", param="unit",
                        container=c3, format_func=lambda u: names.get(u, t("common.all")))
target = url_selectbox(t("supervision.target_type"), TARGETS, key="supervision.target", param="target",
                       container=c4, format_func=lambda v: t(f"supervision.target.{v}") if v else t("common.all"))

f = SupervisionFilter(status or None, level or None, unit_id, target or None)
total = read(supervision_total, day, f)
m = st.columns(3, border=True)
figures = read(supervision_counts, day)
m[0].metric(t("supervision.kpi.open"), figures["open"])
m[1].metric(t("supervision.kpi.escalated"), figures["escalated"])
m[2].metric(t("supervision.kpi.drafts"), figures["drafts"])

# The list one page at a time; changed filters start again at page 1.
if state.changed(state.SUPERVISION_FILTERS, f):
    set_param("supervision.page", "page", 1)
if not total:
    st.info(t("supervision.empty"))
    st.stop()
page = url_page(total, key="supervision.page")
rows = read(supervision_page, day, f, page)


def state_label(status: str, escalated: bool) -> str:
    """A supervision's state as shown: escalated, over its status, when past its deadline unresolved."""
    return t("sup_status.escalated") if escalated else t(f"sup_status.{status}")


def shown_table(rows):
    table = rows.assign(
        target=rows["target_type"].map(lambda v: t(f"supervision.target.{v}")),
        state=[state_label(s, e) for s, e in zip(rows["status"], rows["escalated"])],
        deadline_text=rows["deadline"].map(fmt_date),
        issued=rows["issued_on"].map(fmt_date),
    )[["target", "target_title", "unit", "level", "deadline_text", "state", "issued", "instruction"]]
    table.columns = [t("supervision.target_type"), t("supervision.target_title"), t("supervision.unit"),
                     t("supervision.level"), t("supervision.deadline"), t("item.status"), t("supervision.issued_on"),
                     t("supervision.instruction")]
    return table


pick_table(shown_table(rows), rows["id"].tolist(), key="supervision.list",
           on_pick=lambda chosen: set_param("supervision.chosen", "id", chosen or 0))
fetch = reader_for_click()  # the download holds every matching row, read when it is clicked
download_buttons(lambda: shown_table(fetch(supervision_list, day, **asdict(f))),
                 f"supervision-{day.isoformat()}", key="supervision.download")

chosen = url_selection("id")
match = rows[rows["id"] == chosen]
if chosen and match.empty:  # a link to a 督办 on another page of the list, or outside the filters
    match = read(supervision_one, day, chosen)
if chosen and not match.empty:
    row = match.iloc[0].to_dict()
    st.divider()
    st.subheader(escape_markdown(row["target_title"]) if present(row["target_title"]) else t("common.none"), anchor=False)
    target_label = t("supervision.target." + row["target_type"])
    st.caption(f"{target_label} · {escape_markdown(row['unit'])} · {row['level']} · "
               f"{t('supervision.deadline')} {fmt_date(row['deadline'])} · {state_label(row['status'], row['escalated'])}")
    labelled_text("supervision.instruction", row["instruction"])
    labelled_text("supervision.response_text", row["response_text"], row["responded_on"])
    labelled_text("supervision.resolution_text", row["resolution_text"], row["resolved_on"])
    if row["target_type"] == "item":
        st.page_link("app_pages/referrals.py", label=t("overdue.open_detail"), icon=":material/open_in_new:",
                     query_params={"item": str(int(row["target_id"]))})
    supervision_step_forms(row, key=f"supervision.{int(row['id'])}")
else:
    st.caption(t("supervision.choose_hint"))
