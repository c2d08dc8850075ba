"""府检联动工作台 entry point: settings, database, sign-in, role-based navigation.

`st.navigation` is called on every run — with the sign-in page only before sign-in — and a page
the role may not see is not registered at all, so its URL leads nowhere. The page scripts live in
app_pages/, not pages/: a folder named pages/ beside this file makes Streamlit start each process
(and every AppTest run) in its legacy multipage mode, which serves those scripts by URL without
running this file, i.e. without sign-in."""
from __future__ import annotations

import logging
import uuid

import streamlit as st

from core.config import ConfigError
from core.i18n import t
from db.queries.common import units
from ui import auth
from ui import session as ui_session
from ui import state
from ui.layout import calendar_banner, demo_banner, district_in_sidebar, phone_friendly
from ui.navigation import navigation_for, signin_navigation
from ui.tables import escape_markdown

st.set_page_config(page_title=t("app.title"), page_icon=":material/balance:", layout="wide")  # not an emoji: that loads all of them
state.start_run(uuid.uuid4().hex)


def _config_error_page(detail: str):
    def page():
        st.error(t("app.config_error", detail=detail))
    return page


def main() -> None:
    try:
        ui_session.settings()
        ui_session.engine()
    except ConfigError as exc:
        st.navigation([st.Page(_config_error_page(str(exc)), title=t("app.title"))]).run()
        return
    auth.delete_cookie_if_asked()
    actor = auth.current_user()
    if actor is None:
        signin_navigation(auth.signin_page).run()
        return
    if auth.cookie_pending():  # the pages appear once the browser has stored the sign-in
        signin_navigation(auth.cookie_wait_page).run()
        return
    # Presentation mode (the weekly review on the shared screen): no navigation, no sidebar.
    presenting = st.query_params.get("present") == "1"
    if state.has(state.CITY_OPEN):  # a district opened from 全市总览 on the last run
        state.put(state.CITY_DISTRICT, state.take(state.CITY_OPEN))
    page = navigation_for(actor, hidden=presenting)
    state.enter_page(page.url_path)
    if presenting:
        demo_banner()
        page.run()
        return
    with st.sidebar:
        unit = next((u["name"] for u in ui_session.read(units) if u["id"] == actor.unit_id), None)
        st.caption(t("app.signed_in_as", name=escape_markdown(state.get(state.DISPLAY_NAME, actor.username)),
                     role=t(f"role.{actor.role}"), unit=f" · {escape_markdown(unit)}" if unit else ""))
        district_in_sidebar(actor)
        st.button(t("app.sign_out"), key="app.sign_out", on_click=auth.sign_out)
    demo_banner()
    calendar_banner(actor)
    phone_friendly()
    flash = state.take_flash()  # the outcome of a save, which was followed by a rerun
    if flash:
        st.success(flash, icon=":material/check_circle:")  # user values in it are escaped where it is made
    page.run()


try:
    main()
except Exception:  # never a traceback for the user (st.rerun/st.stop are BaseExceptions)
    logging.getLogger("app").exception("page failed")
    st.error(t("app.error"))
