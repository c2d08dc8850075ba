"""Page furniture shared by every page."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.permissions import CITY_ROLES, can
from db.queries.common import has_demo_data
from db.queries.settings import calendar_coverage
from ui import session, state
from ui.session import read


NOTICE_MONTH = 11  # the State Council publishes next year's holidays in November or December

# Phone-sized screens (a liaison on the 待办 page): tap targets of at least 44 px, and a demo banner
# that takes one short line instead of pushing the work below the fold. Static CSS, no user text.
_PHONE_CSS = """<style>
[class*="st-key-todo"] button, [class*="st-key-todo"] summary, [data-testid="stPageLink-NavLink"] {
  min-height: 44px;
}
@media (max-width: 640px) {
  .st-key-demo_banner [data-testid="stAlert"] { padding: 0.25rem 0.5rem; }
  .st-key-demo_banner [data-testid="stAlert"] p { font-size: 0.8rem; line-height: 1.2; }
  .st-key-demo_banner [data-testid="stAlertContentWarning"] { white-space: nowrap; overflow: hidden;
    text-overflow: ellipsis; }
}
</style>"""


def demo_banner() -> None:
    if read(has_demo_data):
        with st.container(key="demo_banner"):
            st.warning(t("app.demo_banner"), icon=":material/science:")


def calendar_banner(actor) -> None:
    """For admins and office staff: the year whose State Council notice is still to be entered —
    next year from 1 November, or this year when it never was. Its due dates are estimates
    meanwhile (marked 估)."""
    if not can(actor, "edit_records"):
        return
    day = today()
    for year in (day.year, day.year + 1) if day.month >= NOTICE_MONTH else (day.year,):
        coverage = read(calendar_coverage, year)
        if not (coverage["packaged"] or coverage["entries"]):
            st.warning(t("app.calendar_banner", year=year), icon=":material/event_busy:")
            if can(actor, "manage_settings"):
                st.page_link("app_pages/admin.py", label=t("app.calendar_banner_link"), icon=":material/edit_calendar:")
            return


def phone_friendly() -> None:
    """Page CSS for phones (drawn once per run by app.py)."""
    st.html(_PHONE_CSS)


def district_in_sidebar(actor) -> None:
    """Which district the pages show, once the database holds several: a district account's own
    district, named; a city account's choice, which it may change (the pages are read only)."""
    listed = session.all_districts()
    if actor.role in CITY_ROLES and listed:
        ids = [d["id"] for d in listed]
        names = {d["id"]: d["name"] for d in listed}
        if state.get(state.CITY_DISTRICT) not in ids:
            state.put(state.CITY_DISTRICT, ids[0])
        st.selectbox(t("city.viewing"), ids, key=state.CITY_DISTRICT, format_func=names.get)
    elif len(listed) > 1:
        name = session.district_name()
        if name:
            st.caption(t("district.signed_in_district", name=name))
