"""总览: KPIs, referral status by member unit, overdue by unit, activity by mechanism."""
import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from db.queries import overview as q
from seed.reference import mechanism_titles
from ui.charts import bars, show, stacked_status_by_unit
from ui.overview_links import CATEGORIES, category_label, chart_to_list, kpi_link
from ui.tables import download_buttons, escape_markdown
from ui.session import actor, read
from ui.url_state import url_selectbox

SORTS = ("total", "overdue")

day = today()
st.title(t("overview.title"))
st.caption(t("overview.caption", today=fmt_date(day)))

c1, c2, c3 = st.columns(3)
period = url_selectbox(t("overview.filter.period"), q.PERIODS, key="overview.period", param="period",
                       format_func=lambda p: t(f"overview.period.{p}"), container=c1)
category = url_selectbox(t("overview.filter.category"), CATEGORIES, key="overview.category", param="category",
                         format_func=category_label, container=c2)
sort = url_selectbox(t("overview.filter.sort"), SORTS, key="overview.sort", param="sort",
                     format_func=lambda s: t(f"overview.sort.{s}"), container=c3)
category = category or None

k = read(q.kpis, day, period, category)
scope = {"category": category} if category else {}
m = st.columns(6, border=True)
m[0].metric(t("overview.kpi.open_items"), k.open_items, help=t("overview.kpi.items_in_period", n=k.items_in_period))
kpi_link(m[0], "referrals", {"period": "all", "status": ["sent", "received", "in_progress"], **scope})
m[1].metric(t("overview.kpi.overdue"), k.overdue)
kpi_link(m[1], "overdue", scope)
m[2].metric(t("overview.kpi.due_7"), k.due_within_7)
kpi_link(m[2], "referrals", {"period": "all", "due_within": "7", **scope})
m[3].metric(t("overview.kpi.open_follow_ups"), k.open_follow_ups)
kpi_link(m[3], "meetings", {"view": "tracker", "status": ["open", "in_progress"]})
m[4].metric(t("overview.kpi.overdue_follow_ups"), k.overdue_follow_ups)
kpi_link(m[4], "meetings", {"view": "tracker", "overdue": "true"})
m[5].metric(t("overview.kpi.task_progress"), f"{k.task_progress:.0f}%",
            delta=t("overview.kpi.tasks_late", n=k.tasks_late) if k.tasks_late else None, delta_color="inverse",
            delta_arrow="off")
kpi_link(m[5], "tasks", {})

by_unit = read(q.status_by_unit, day, period, category)
if by_unit.empty:
    st.info(t("overview.empty"))
else:
    totals = (by_unit.groupby(["unit", "category", "sort_order"], as_index=False)
              .agg(total=("count", "sum"), overdue=("overdue", "first"), sent=("sent", "first")))
    totals = totals.sort_values([sort, "total" if sort == "overdue" else "overdue", "sort_order"],
                                ascending=[False, False, True])
    me = actor()
    if me and me.unit_id:  # a unit's own staff see their row first
        own = by_unit[by_unit["unit_id"] == me.unit_id]
        if not own.empty:
            st.info(t("overview.own_unit", unit=escape_markdown(own["unit"].iloc[0]), received=int(own["count"].sum()),
                      overdue=int(own["overdue"].iloc[0])), icon=":material/home_work:")
            kpi_link(st, "referrals", {"period": period, "to": str(me.unit_id)})
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("overview.by_unit"))
        st.caption(t("overview.by_unit_caption"))
        chart_to_list("overview.chart_units", {"period": period, **scope}, stacked_status_by_unit, by_unit,
                      totals["unit"].tolist())
    with right:
        st.subheader(t("overview.overdue_by_unit"))
        overdue = read(q.overdue_by_unit, day, category)
        if overdue.empty:
            st.success(t("overview.no_overdue"))
        else:
            chart_to_list("overview.chart_overdue", {"period": "all", "overdue": "true"}, bars, overdue, "overdue",
                          "unit", t("overview.col.overdue"), t("overview.col.unit"))
    matrix = by_unit.set_index(["unit", "status"])["count"].unstack(fill_value=0)
    matrix.columns = [t(f"status.{c}") for c in matrix.columns]
    table = totals.set_index("unit")[["category", "sent", "total", "overdue"]].join(matrix).reset_index()
    table["category"] = table["category"].map(lambda c: t(f"category.{c}"))
    table = table.rename(columns={"unit": t("overview.col.unit"), "category": t("overview.col.category"),
                                  "sent": t("overview.col.sent"), "total": t("overview.col.received"),
                                  "overdue": t("overview.col.overdue")})
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(lambda: table, f"units-{day.isoformat()}", key="overview.download_units")

st.subheader(t("overview.by_mechanism"))
activity = read(q.activity_by_mechanism, day, period, category)
titles = read(mechanism_titles)
activity["label"] = [f"{code} {titles.get(code, '')}" for code in activity["mechanism"]]
show(bars, activity, "count", "label", t("overview.col.count"), t("overview.col.mechanism"), color="#2c7fb8")
