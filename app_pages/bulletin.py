"""通报: the work of a period — this or last month, quarter or year, or chosen dates — by mechanism,
by member unit, 督办 and 移送追责, meeting follow-ups and key tasks; the 通报 as Word and Excel and
the yearly 工作情况报告 to the 联席会议 as Word (for the roles that may export).

The period lives in the URL as its days, ?start=YYYY-MM-DD&end=YYYY-MM-DD (absent: this month), so
a link reopens the same period whenever it is opened; ?period=custom keeps the chooser on 自定义
while the days are chosen by hand. Widget keys: bulletin.period (the chooser), bulletin.start and
bulletin.end (the custom dates), bulletin.number (the 文号's serial), bulletin.docx, bulletin.xlsx,
bulletin.annual (the downloads)."""
from datetime import date

import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from core.permissions import can
from db.queries.common import district_words
from db.queries.bulletin import CUSTOM, PRESETS, bulletin, preset_of, preset_period
from db.stored_values import FIRST_DAY, LAST_DAY
from ui import state
from ui.bulletin import SERIAL_DIGITS, FIGURE_KEYS, SECTION_KEYS, annual_docx, bulletin_docx, bulletin_xlsx, rate_text, section_tables
from ui.session import actor, engine, read
from ui.url_state import parse_date, set_params

PERIOD, START, END = "bulletin.period", "bulletin.start", "bulletin.end"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRESET_LABELS = {"month": "bulletin.preset.month", "last_month": "bulletin.preset.last_month",
                 "quarter": "bulletin.preset.quarter", "last_quarter": "bulletin.preset.last_quarter",
                 "year": "bulletin.preset.year", "last_year": "bulletin.preset.last_year",
                 CUSTOM: "bulletin.preset.custom"}

day = today()
custom = st.query_params.get("period") == CUSTOM
raw_start, raw_end = st.query_params.get("start"), st.query_params.get("end")
start, end = parse_date(raw_start), parse_date(raw_end)
if not custom and (start is None or end is None):
    start, end = preset_period("month", day)  # the default, also for days the URL cannot give


def _choose() -> None:
    choice = state.get(PERIOD)
    if choice == CUSTOM:
        set_params(period=CUSTOM)
    elif choice in PRESETS:
        first, last = preset_period(choice, day)
        set_params(start=first.isoformat(), end=last.isoformat(), period=None)


def _pick_dates() -> None:
    picked = [state.get(key) for key in (START, END)]
    set_params(start=picked[0].isoformat() if isinstance(picked[0], date) else None,
               end=picked[1].isoformat() if isinstance(picked[1], date) else None, period=CUSTOM)


st.title(t("bulletin.title"))
st.caption(t("bulletin.intro"))
c1, c2, c3 = st.columns([2, 1, 1])
state.put(PERIOD, CUSTOM if custom or start is None or end is None else preset_of(start, end, day))
choice = c1.selectbox(t("bulletin.period"), (*PRESETS, CUSTOM), key=PERIOD, on_change=_choose,
                      format_func=lambda p: t(PRESET_LABELS[p]))
if choice == CUSTOM:
    state.put(START, start)
    state.put(END, end)
    c2.date_input(t("bulletin.from"), value=None, key=START, format="YYYY-MM-DD", min_value=FIRST_DAY,
                  max_value=LAST_DAY, on_change=_pick_dates)
    c3.date_input(t("bulletin.to"), value=None, key=END, format="YYYY-MM-DD", min_value=FIRST_DAY,
                  max_value=LAST_DAY, on_change=_pick_dates)
    if (raw_start and start is None) or (raw_end and end is None):
        st.error(t("bulletin.error.range", first=fmt_date(FIRST_DAY), last=fmt_date(LAST_DAY)))
        st.stop()
    if start is None or end is None:
        st.error(t("bulletin.error.incomplete"))
        st.stop()
if start > end:
    st.error(t("bulletin.error.order"))
    st.stop()

b = read(bulletin, start, end, day)
tables = section_tables(b)
st.caption(t("bulletin.period_caption", start=fmt_date(b.start), end=fmt_date(b.end), as_of=fmt_date(b.through)),
           help=t("bulletin.as_of_help"))

if can(actor(), "export_data", ()):  # the downloads cover every unit: not for a liaison's own-unit export
    eng = engine()  # the yearly report is made when its button is clicked (outside this run)
    words = read(district_words)  # how the documents name the district
    n1, d1, d2, d3 = st.columns([1, 1, 1, 1.4], vertical_alignment="bottom")
    serial = n1.text_input(t("bulletin.number"), key="bulletin.number", max_chars=SERIAL_DIGITS,
                           placeholder=t("bulletin.number_placeholder"),
                           help=t("bulletin.number_help", mark=words["mark"])).strip()
    if serial and not (serial.isascii() and serial.isdigit()):
        st.error(t("bulletin.error.number"))
        serial = ""
    d1.download_button(t("bulletin.download_docx"), lambda: bulletin_docx(b, day, words, serial or None),
                       file_name=t("bulletin.file_docx", start=start.isoformat(), end=end.isoformat()),
                       key="bulletin.docx", on_click="ignore", mime=DOCX, icon=":material/description:")
    d2.download_button(t("bulletin.download_xlsx"), lambda: bulletin_xlsx(b),
                       file_name=t("bulletin.file_xlsx", start=start.isoformat(), end=end.isoformat()),
                       key="bulletin.xlsx", on_click="ignore", mime=XLSX, icon=":material/table:")
    d3.download_button(t("bulletin.download_annual"), lambda: annual_docx(bulletin(eng, date(end.year, 1, 1), date(end.year, 12, 31), day), day, words),
                       file_name=t("bulletin.file_annual", year=end.year), key="bulletin.annual",
                       on_click="ignore", mime=DOCX, icon=":material/summarize:",
                       help=t("bulletin.download_annual_help", year=end.year))

f = b.figures
for keys in (("received", "answered", "on_time_rate", "overdue_at_end", "overdue_units"),
             ("sup_issued", "sup_escalated", "fu_overdue", "referred", "late_milestones")):
    for column, key in zip(st.columns(len(keys), border=True), keys):
        if key == "on_time_rate":
            column.metric(t("bulletin.figure.on_time_rate"), rate_text(b.on_time_rate))
        else:
            column.metric(t(FIGURE_KEYS[key]), f[key])

captions = {"units": t("bulletin.units_caption", span=t("bulletin.span")),
            "overdue_units": t("bulletin.overdue_units_caption", as_of=fmt_date(b.through)),
            "follow_ups": t("bulletin.follow_ups_caption", as_of=fmt_date(b.through))}
for key, heading in SECTION_KEYS.items():
    st.subheader(t(heading), anchor=False)
    if key in captions:
        st.caption(captions[key])
    if tables[key].empty:
        st.caption(t("bulletin.none"))
    else:  # user text shown as data, never as markup; the summary's figures and rate as one text column
        st.dataframe(tables[key].astype(str) if key == "summary" else tables[key], hide_index=True, width="stretch")
