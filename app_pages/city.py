"""全市总览 (city accounts): each district's figures side by side and the trend of its on-time
answers; choosing a district opens its pages, read only; the city 通报 of a period (Word, Excel)."""
import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from db.queries import city as q
from db.queries.bulletin import PRESETS, preset_period
from ui import state
from ui.charts import district_on_time_trend, show
from ui.city import SECTIONS, city_docx, city_xlsx, comparison
from ui.session import city_reader_for_click, read_city

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

day = today()
st.title(t("city.title"))
st.caption(t("city.caption", today=fmt_date(day)))

figures = q.with_task_progress(read_city(q.district_figures, day), read_city(q.district_task_progress, day))
if figures.empty:
    st.info(t("city.empty"))
    st.stop()
m = st.columns(4, border=True)
m[0].metric(t("city.kpi.districts"), len(figures))
m[1].metric(t("overview.kpi.open_items"), int(figures["open_items"].sum()))
m[2].metric(t("overview.kpi.overdue"), int(figures["overdue"].sum()))
m[3].metric(t("city.kpi.escalated"), int(figures["supervision_escalated"].sum()))

table = figures.drop(columns=["district_id", "answered", "answered_on_time"]).rename(columns={
    c: t(f"city.col.{c}") for c in figures.columns})
picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="city.table", column_config={
                          t("city.col.on_time_rate"): st.column_config.NumberColumn(format="percent"),
                          t("city.col.task_progress"): st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                                                       format="%.0f%%")})
st.caption(t("city.open_hint"))
rows = picked.selection.rows if picked else []
if rows:
    state.put(state.CITY_OPEN, int(figures.iloc[rows[0]]["district_id"]))
    state.clear_selection("city.table")
    st.switch_page("app_pages/overview.py")

st.subheader(t("city.trend"))
trend = read_city(q.monthly_on_time, day)
if trend.empty:
    st.info(t("city.trend_empty"))
else:
    show(district_on_time_trend, trend)

st.subheader(t("city.bulletin.title"))
st.caption(t("city.bulletin.caption"))
c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
preset = c1.selectbox(t("bulletin.period"), PRESETS, key="city.period", format_func=lambda p: t(f"bulletin.preset.{p}"))
start, end = preset_period(preset, day)
fetch = city_reader_for_click()  # each district's 通报 figures are counted when a file is asked for
c2.download_button(t("city.bulletin.download_docx"),
                   lambda: city_docx(fetch(q.district_bulletins, start, end, day), start, end, day), key="city.docx",
                   file_name=t("city.bulletin.file_docx", start=start.isoformat(), end=end.isoformat()),
                   on_click="ignore", mime=DOCX, icon=":material/description:")
c3.download_button(t("city.bulletin.download_xlsx"), lambda: city_xlsx(fetch(q.district_bulletins, start, end, day)),
                   key="city.xlsx",
                   file_name=t("city.bulletin.file_xlsx", start=start.isoformat(), end=end.isoformat()),
                   on_click="ignore", mime=XLSX, icon=":material/table:")
if st.toggle(t("city.bulletin.show"), key="city.bulletin.show"):  # off by default: it counts every district's period
    rows = read_city(q.district_bulletins, start, end, day)
    st.dataframe(comparison(rows, next(iter(SECTIONS.values()))), hide_index=True, width="stretch")
