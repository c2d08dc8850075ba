"""周例会: one week on one screen — what changed, with each figure against the week before —
a presentation mode for the screen shared in the meeting, and the 周报 as Word and Excel."""
from datetime import date, timedelta

import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from db.queries.weekly import SECTIONS, week_of, weekly_review
from db.stored_values import FIRST_DAY, LAST_DAY
from core.permissions import can
from ui.session import actor, read
from ui.tables import literal_table
from ui import state
from ui.url_state import parse_date, parse_int, set_params
from ui.weekly import FIGURES, section_tables, weekly_report_docx, weekly_report_xlsx

PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header {display: none !important;}
.block-container {max-width: 100% !important; padding-top: 1rem !important;}
[data-testid="stMetricValue"] {font-size: 4rem !important;}
[data-testid="stMetricLabel"] p {font-size: 1.6rem !important;}
[data-testid="stMetricDelta"] {font-size: 1.4rem !important;}
h1 {font-size: 3.2rem !important;} h2 {font-size: 2.4rem !important;}
[data-testid="stTable"] td, [data-testid="stTable"] th {font-size: 1.5rem !important; padding: 0.5rem 0.8rem !important;}
</style>"""

day = today()


def _week() -> date:
    """The Monday of the week in the URL (a date in range), else of this week."""
    return week_of(parse_date(st.query_params.get("week")) or day)


monday = _week()
review = read(weekly_review, monday, day)
tables = section_tables(review)
figures, previous = review["figures"], review["previous"]
week_label = t("weekly.week_label", start=fmt_date(review["monday"]), end=fmt_date(review["sunday"]))
presenting = st.query_params.get("present") == "1"


def figure_row(keys, columns: int = 5) -> None:
    cols = st.columns(columns, border=True)
    for i, key in enumerate(keys):
        cols[i % columns].metric(t(f"weekly.figure.{key}"), figures[key],
                                 delta=t("weekly.change", delta=figures[key] - previous[key]),
                                 delta_color="off", delta_arrow="off")


def section(key: str) -> None:
    st.subheader(t(f"weekly.section.{key}"), anchor=False)
    if key == "summary":
        figure_row(FIGURES[:5])
        figure_row(FIGURES[5:], columns=4)
    elif tables[key].empty:
        st.caption(t("weekly.none"))
    elif presenting:
        st.table(literal_table(tables[key].head(15)), hide_index=True)  # static, large, text shown literally
    else:
        st.dataframe(tables[key], hide_index=True, width="stretch")


if presenting:
    st.html(PRESENTATION_CSS)  # our own constant style sheet; no user text
    slides = SECTIONS
    slide = parse_int(st.query_params.get("slide"), 0, len(slides) - 1) or 0
    st.title(f"{t('weekly.title')} · {week_label}")
    st.caption(t("weekly.section_of", n=slide + 1, total=len(slides)) + " · " +
               t("weekly.as_of", day=fmt_date(review["as_of"])))
    section(slides[slide])
    c1, c2, c3 = st.columns([1, 1, 4])
    c1.button(t("weekly.prev_section"), key="weekly.prev_section", disabled=slide == 0,
              on_click=set_params, kwargs={"slide": slide - 1}, icon=":material/chevron_left:")
    c2.button(t("weekly.next_section"), key="weekly.next_section", disabled=slide == len(slides) - 1,
              on_click=set_params, kwargs={"slide": slide + 1}, icon=":material/chevron_right:")
    c3.button(t("weekly.exit_present"), key="weekly.exit_present", on_click=set_params,
              kwargs={"present": None, "slide": None}, icon=":material/close_fullscreen:")
    st.stop()

st.title(t("weekly.title"))
c1, c2, c3, c4 = st.columns([2, 1, 1, 2])


def _pick_week() -> None:
    picked = state.get(state.WEEKLY_WEEK)
    if picked:
        set_params(week=week_of(picked).isoformat())


state.put(state.WEEKLY_WEEK, monday)  # the picker shows the week in the URL
c1.date_input(t("weekly.week"), key=state.WEEKLY_WEEK, format="YYYY-MM-DD", help=week_label, on_change=_pick_week,
              min_value=FIRST_DAY, max_value=LAST_DAY)
c2.button(t("weekly.previous_week"), key="weekly.previous", on_click=set_params,
          kwargs={"week": (monday - timedelta(days=7)).isoformat()}, icon=":material/chevron_left:")
c3.button(t("weekly.next_week"), key="weekly.next", on_click=set_params,
          kwargs={"week": (monday + timedelta(days=7)).isoformat()}, icon=":material/chevron_right:",
          disabled=monday >= week_of(day))
c4.button(t("weekly.present"), key="weekly.present", type="primary", help=t("weekly.present_help"),
          on_click=set_params, kwargs={"present": "1", "slide": "0"}, icon=":material/co_present:")
st.caption(f"{week_label} · {t('weekly.as_of', day=fmt_date(review['as_of']))}")

d1, d2, _ = st.columns([1, 1, 2])
may_export = can(actor(), "export_data", ())
if may_export:
    d1.download_button(t("weekly.download_docx"), lambda: weekly_report_docx(review, day),
                       file_name=f"weekly-{monday.isoformat()}.docx", key="weekly.docx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       icon=":material/description:")
    d2.download_button(t("weekly.download_xlsx"), lambda: weekly_report_xlsx(review),
                       file_name=f"weekly-{monday.isoformat()}.xlsx", key="weekly.xlsx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table:")
for key in SECTIONS + ("new_items",):
    section(key)
