"""移送与反馈: filters, the unit × stage matrix, the paginated item list, charts, item detail,
and the new-item form."""

import streamlit as st

from core.clock import today
from core.i18n import t
from core.lifecycles import ITEM_STATUSES
from core.permissions import can
from db.queries import referrals as q
from db.queries.common import page_count
from ui.charts import median_days_by_kind, monthly_by_kind, show, stacked_status_by_unit
from ui.item_detail import render_item
from ui.item_form import new_item_form
from ui.referral_filters import referral_filters
from ui import state
from ui.session import actor, read, reader_for_click
from ui.tables import download_buttons, for_display, pick_table
from ui.url_state import set_param, url_int, url_selectbox, url_selection

LIST_COLUMNS = {"doc_number": "item.doc_number", "title": "item.title", "kind": "item.kind",
                "from_unit": "item.from_unit", "to_unit": "item.to_unit", "sent_on": "item.sent_on",
                "due_on": "item.due_on", "status": "item.status", "outcome": "item.outcome",
                "feedback_on": "item.feedback_on"}
day = today()
me = actor()

st.title(t("referrals.title"))
if can(me, "edit_records"):
    with st.expander(t("item_form.title"), icon=":material/add:"):
        new_item_form()

f = referral_filters()

# Unit × stage matrix: choosing a unit filters the list below to items it received.
matrix = read(q.unit_status_matrix, f, day)
st.subheader(t("referrals.matrix"))
if matrix.empty:
    st.info(t("referrals.empty"))
else:
    shown = matrix.copy()
    for status in ITEM_STATUSES:
        if status not in shown:
            shown[status] = 0
    shown = shown[["unit"] + list(ITEM_STATUSES) + ["total", "overdue", "answered_late"]]
    shown.columns = [t("overview.col.unit")] + [t(f"status.{s}") for s in ITEM_STATUSES] + [
        t("overview.col.total"), t("status.overdue"), t("item.answered_late")]

    def choose_unit(unit_id: int | None) -> None:
        if unit_id:
            set_param("referrals.to", "to", unit_id)
            set_param("referrals.page", "page", 1)

    pick_table(shown, matrix["unit_id"].tolist(), key="referrals.matrix", on_pick=choose_unit,
               height=min(420, 38 + 35 * len(shown)))
    st.caption(t("referrals.matrix_hint"))

# The list, one page at a time.
st.subheader(t("referrals.list"))
c1, c2, c3 = st.columns([2, 1, 3])
sort = url_selectbox(t("referrals.sort"), list(q.SORTS), key="referrals.sort", param="sort",
                     format_func=lambda s: t(f"referrals.sort.{s}"), container=c1)
if state.changed(state.REFERRAL_FILTERS, (f, sort)):  # new filters: back to page 1
    set_param("referrals.page", "page", 1)
page = url_int(t("referrals.page"), key="referrals.page", param="page", default=1, min_value=1, container=c2)
rows, total = read(q.item_page, f, day, page, sort=sort)
pages = page_count(total)
c3.caption(t("referrals.count", total=total, page=min(page, pages), pages=pages))
if rows.empty:
    st.info(t("referrals.no_match"))
else:
    pick_table(for_display(rows, LIST_COLUMNS), rows["id"].tolist(), key="referrals.list",
               on_pick=lambda item: item and set_param("referrals.item", "item", item))
    fetch = reader_for_click()
    download_buttons(lambda: for_display(fetch(q.item_export, f, day, sort),
                                         LIST_COLUMNS | {"summary": "item.summary", "feedback_text": "item.feedback_text",
                                                         "due_rule": "item.due_rule"}),
                     f"items-{day.isoformat()}", key="referrals.download")

item_id = url_selection("item")
if item_id:
    st.divider()
    render_item(int(item_id))

with st.expander(t("referrals.charts"), icon=":material/bar_chart:"):
    monthly = read(q.monthly_by_kind, f, day)
    if not monthly.empty:
        st.markdown(f"**{t('charts.monthly_by_kind')}**")
        show(monthly_by_kind, monthly)
    if not matrix.empty:
        long = matrix.melt(id_vars=["unit_id", "unit"], value_vars=[s for s in ITEM_STATUSES if s in matrix],
                           var_name="status", value_name="count")
        st.markdown(f"**{t('charts.status_by_unit')}**")
        show(stacked_status_by_unit, long[long["count"] > 0], matrix["unit"].tolist())
    medians = read(q.median_days_to_feedback, f, day)
    if not medians.empty:
        st.markdown(f"**{t('charts.median_days_by_kind')}**")
        show(median_days_by_kind, medians)
