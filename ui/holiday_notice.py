"""管理 → 节假日: paste the State Council's notice of a year, see its days beside the calendar as it
is, and save them (EnterHolidayNotice). Widget keys: settings.notice.text, settings.notice.year,
settings.notice.save."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.clock import today
from core.holiday_notice import MAX_CHARS, parse_notice
from core.i18n import t
from db.commands.settings import EnterHolidayNotice
from db.queries.settings import notice_preview
from ui.session import actor, run_command, saved, settings_engine
from ui.tables import escape_markdown

FORM = "settings.notice"


def _kind(workday: bool) -> str:
    return t("settings.holiday.kind.workday" if workday else "settings.holiday.kind.holiday")


def notice_section(expanded: bool, city_layer: bool = False) -> None:
    """The paste box in an expander (open when next year is not yet covered); its days become the
    district's entries, or the city layer's."""
    with st.expander(t("settings.notice.title"), icon=":material/content_paste:", expanded=expanded):
        st.caption(t("settings.notice.caption"))
        text = st.text_area(t("settings.notice.text"), key=f"{FORM}.text", height=220, max_chars=MAX_CHARS,
                            placeholder=t("settings.notice.placeholder"))
        year = st.number_input(t("settings.notice.year"), key=f"{FORM}.year", min_value=2000, max_value=2100,
                               value=today().year + 1, step=1, help=t("settings.notice.year_help"))
        if not text.strip():
            return
        try:
            entries = parse_notice(text, int(year))
        except ValueError as exc:
            st.error(escape_markdown(str(exc)), icon=":material/error:")
            return
        preview = notice_preview(settings_engine(city_layer), entries)
        rows = preview["rows"]
        st.markdown(t("settings.notice.preview", year=preview["year"], holidays=sum(not r["workday"] for r in rows),
                      workdays=sum(r["workday"] for r in rows), changes=sum(r["changes"] for r in rows)))
        st.dataframe(pd.DataFrame({
            t("settings.holidays.col.day"): [r["day"].isoformat() for r in rows],
            t("settings.holidays.col.weekday"): [t("settings.holidays.weekday", d=t("settings.holidays.weekdays")[r["day"].weekday()])
                                                 for r in rows],
            t("settings.notice.col.name"): [r["name"] for r in rows],
            t("settings.notice.col.notice"): [_kind(r["workday"]) for r in rows],
            t("settings.notice.col.now"): [t("settings.notice.now.workday" if r["now_workday"] else "settings.notice.now.rest")
                                           for r in rows],
            t("settings.notice.col.change"): [t("settings.notice.changes") if r["changes"] else "" for r in rows],
        }), hide_index=True, width="stretch", key=f"{FORM}.preview")
        if preview["removed"]:
            st.warning(t("settings.notice.removed", days="、".join(d.isoformat() for d in preview["removed"])),
                       icon=":material/warning:")
        if st.button(t("settings.notice.save", year=preview["year"]), key=f"{FORM}.save", type="primary"):
            command = EnterHolidayNotice(actor(), text=text, year=int(year))
            if run_command(command, city_layer=city_layer):
                saved(FORM, t("settings.notice.saved", year=preview["year"], n=len(rows)), clear=("text",))
