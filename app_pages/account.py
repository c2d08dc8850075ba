"""我的账户: change own password (which signs out every other browser)."""
import streamlit as st

from core.i18n import t
from db.commands.users import ChangeOwnPassword
from ui.auth import signed_in_now
from ui.session import FieldErrors, actor, run_command, saved

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
        elif run_command(ChangeOwnPassword(actor(), current_password=current, new_password=new), form_key=form):
            # This browser stays signed in: its session is re-issued after the cut-off, and the
            # rerun draws the component that stores the new cookie.
            signed_in_now(actor().username)
            saved(form, t("account.changed"), clear=True)
    errs.show()
