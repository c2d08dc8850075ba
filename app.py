"""府检联动工作台 entry point: settings, database, sign-in, role-based navigation.

`st.navigation` is called on every run — with the sign-in page only before sign-in — so the
pages/ folder is never exposed as Streamlit's legacy navigation, and a page the role may not see
is not registered at all (its URL leads nowhere)."""
from __future__ import annotations

import logging
import uuid

import streamlit as st

from core.config import ConfigError
from core.i18n import t
from core.permissions import visible_pages
from ui import auth
from ui import session as ui_session
from ui.layout import demo_banner

st.set_page_config(page_title=t("app.title"), page_icon="⚖️", layout="wide")
st.session_state["_run_id"] = uuid.uuid4().hex

PAGES = {  # page key -> (script, title key, icon, url path, section key)
    "overview": ("pages/overview.py", "page.overview", ":material/dashboard:", "overview", "nav.section.oversight"),
    "account": ("pages/account.py", "page.account", ":material/person:", "account", "nav.section.system"),
    "admin": ("pages/admin.py", "page.admin", ":material/admin_panel_settings:", "admin", "nav.section.system"),
}


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
        st.navigation([st.Page(auth.signin_page, title=t("page.signin"), url_path="signin")],
                      position="hidden").run()
        return
    sections: dict[str, list] = {}
    for key in visible_pages(actor):
        if key not in PAGES:
            continue
        script, title_key, icon, url_path, section = PAGES[key]
        sections.setdefault(t(section), []).append(
            st.Page(script, title=t(title_key), icon=icon, url_path=url_path, default=key == "overview"))
    page = st.navigation(sections)
    with st.sidebar:
        unit = st.session_state.get("unit_name")
        st.caption(t("app.signed_in_as", name=st.session_state.get("display_name", actor.username),
                     role=t(f"role.{actor.role}"), unit=f" · {unit}" if unit else ""))
        st.button(t("app.sign_out"), key="app.sign_out", on_click=auth.sign_out)
    demo_banner()
    page.run()


try:
    main()
except Exception:  # never a traceback for the user (st.rerun/st.stop are BaseExceptions)
    logging.getLogger("app").exception("page failed")
    st.error(t("app.error"))
