"""我的账户: change own password (which signs out every other browser)."""
import streamlit as st

from core.clock import utcnow
from core.i18n import t
from db.commands.users import ChangeOwnPassword
from ui.session import actor, FieldErrors, run_command

st.title(t("page.account"))
st.subheader(t("account.change_password"))
form = "account.password"
errs = FieldErrors(form)
with st.form(form, clear_on_submit=False):
    current = st.text_input(t("account.current_password"), type="password", key=f"{form}.current")
    errs.slot("current_password")
    new = st.text_input(t("account.new_password"), type="password", key=f"{form}.new")
    errs.slot("new_password")
    confirm = st.text_input(t("account.confirm_password"), type="password", key=f"{form}.confirm")
    if st.form_submit_button(t("account.submit"), type="primary"):
        if new != confirm:
            st.error(t("account.mismatch"))
        elif run_command(ChangeOwnPassword(actor(), current_password=current, new_password=new),
                         success=t("account.changed"), form_key=form):
            # This browser stays signed in: its session is re-issued after the cut-off, and the
            # rerun draws the component that stores the new cookie.
            st.session_state["auth"] = {"username": actor().username, "issued_at": utcnow()}
            st.session_state["_set_cookie"] = True
            for field in ("current", "new", "confirm"):
                st.session_state.pop(f"{form}.{field}", None)
            st.rerun()
    errs.show()
