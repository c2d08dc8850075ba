"""逾期反馈: every overdue item oldest first (one page at a time; the downloads hold them all), aging,
per-unit reliability, due soon and late answers (their first page; their downloads hold them all)."""
import pandas as pd
import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from db.queries import overdue as q
from db.queries.common import PAGE_SIZE
from db.queries.overview import PERIODS
from ui.charts import aging_buckets, show
from ui.overview_links import CATEGORIES, category_label
from ui.session import engine, read
from ui.supervision_forms import supervision_issue_form
from ui.tables import download_buttons, escape_markdown, for_display, pick_table, table_or_note, whole_list_download
from ui.url_state import set_param, url_page, url_selectbox, url_selection

day = today()
eng = engine()  # the downloads are made when clicked, outside this run: they take the engine with them
st.title(t("overdue.title"))
st.caption(t("overview.caption", today=fmt_date(day)))
c1, c2 = st.columns(2)
category = url_selectbox(t("overview.filter.category"), CATEGORIES, key="overdue.category", param="category",
                         format_func=category_label, container=c1) or None
late_period = url_selectbox(t("overdue.late_period"), PERIODS, key="overdue.period", param="period", default="90d",
                            format_func=lambda p: t(f"overview.period.{p}"), container=c2)

summary = read(q.overdue_summary, day, category, late_period)
soon = read(q.due_soon, day, 7, None, category, PAGE_SIZE)  # the side lists: their first page, and a download
m = st.columns(4, border=True)
m[0].metric(t("overdue.kpi.overdue"), summary["overdue"])
m[1].metric(t("overdue.kpi.oldest"), t("overdue.days", n=summary["oldest_days"]) if summary["overdue"] else t("common.none"))
m[2].metric(t("overdue.kpi.due_7"), summary["due_soon"])
m[3].metric(t("overdue.kpi.answered_late"), summary["answered_late"])


def shown_table(rows: pd.DataFrame) -> pd.DataFrame:
    shown = for_display(rows, {"title": "item.title", "kind": "item.kind", "to_unit": "item.to_unit",
                               "from_unit": "item.from_unit", "due_on": "item.due_on"})
    shown[t("item.days_overdue")] = rows["days_overdue"]
    shown[t("item.working_days_overdue")] = rows["working_days_overdue"].map(
        lambda v: t("common.none") if v is None or pd.isna(v) else int(v))
    shown[t("overdue.col.supervised")] = rows["open_supervision"].map(lambda n: t("common.yes") if n else "")
    return shown


def soon_table(rows: pd.DataFrame) -> pd.DataFrame:
    table = for_display(rows, {"title": "item.title", "to_unit": "item.to_unit", "due_on": "item.due_on"})
    table[t("item.days_left")] = rows["days_left"]
    return table


def late_table(rows: pd.DataFrame) -> pd.DataFrame:
    table = for_display(rows, {"title": "item.title", "kind": "item.kind", "to_unit": "item.to_unit",
                               "due_on": "item.due_on", "feedback_on": "item.feedback_on"})
    table[t("overdue.col.days_late")] = rows["days_late"]
    return table


st.subheader(t("overdue.list"))
if not summary["overdue"]:
    st.success(t("overview.no_overdue"))
else:  # the list one page at a time, oldest first; the downloads hold every row
    page = url_page(summary["overdue"], key="overdue.page")
    overdue = read(q.overdue_page, day, category, page)
    shown = shown_table(overdue)
    pick_table(shown, overdue["id"].tolist(), key="overdue.list", height=min(460, 38 + 35 * len(shown)),
               on_pick=lambda item: set_param("overdue.item", "item", item or 0))
    download_buttons(lambda: shown_table(q.overdue_items(eng, day, None, category)), f"overdue-{day.isoformat()}",
                     key="overdue.download")
    chosen = url_selection("item")
    row = overdue[overdue["id"] == chosen]
    if chosen and row.empty:  # a link to an item on another page of the list
        row = read(q.overdue_item, day, chosen)
    if chosen and not row.empty:
        r = row.iloc[0]
        st.markdown(f"**{escape_markdown(r['title'])}** · {escape_markdown(r['to_unit'])} · "
                    f"{t('item.overdue_by', n=int(r['days_overdue']))}")
        st.page_link("app_pages/referrals.py", label=t("overdue.open_detail"), icon=":material/open_in_new:",
                     query_params={"item": str(int(r["id"]))})
        supervision_issue_form("item", int(r["id"]), int(r["to_unit_id"]), key=f"overdue.supervise.{int(r['id'])}")
    else:
        st.caption(t("overdue.choose_hint"))

left, right = st.columns(2)
with left:
    st.subheader(t("overdue.aging"))
    show(aging_buckets, summary["aging"])
with right:
    st.subheader(t("overdue.due_soon"))
    table_or_note(soon_table(soon), "overdue.none_due_soon")
    whole_list_download(soon, summary["due_soon"], lambda: soon_table(q.due_soon(eng, day, 7, None, category)),
                        f"due-soon-{day.isoformat()}", key="overdue.download_soon")

st.subheader(t("overdue.by_unit"))
units = read(q.unit_reliability, day, category)
if not units.empty:
    table = for_display(units, {"unit": "overview.col.unit", "overdue": "status.overdue",
                                "oldest_due_on": "overdue.col.oldest", "answered": "overdue.col.answered"})
    table[t("overdue.col.on_time_rate")] = units["on_time_rate"].map(
        lambda r: t("common.none") if r is None or pd.isna(r) else f"{r:.0%}")
    table[t("overdue.col.median_days")] = units["median_days"].map(
        lambda d: t("common.none") if d is None or pd.isna(d) else f"{d:g}")
    st.caption(t("overdue.by_unit_caption"))
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(lambda: table, f"unit-reliability-{day.isoformat()}", key="overdue.download_units")

st.subheader(t("overdue.answered_late"))
late = read(q.answered_late, day, late_period, None, category, PAGE_SIZE)
table_or_note(late_table(late), "overdue.none_late")
whole_list_download(late, summary["answered_late"],
                    lambda: late_table(q.answered_late(eng, day, late_period, None, category)),
                    f"answered-late-{day.isoformat()}", key="overdue.download_late")
