"""我的账户: change own password (which signs out every other browser)."""
import streamlit as st

from core.i18n import t
from db.commands.users import ChangeOwnPassword
from ui.auth import signed_in_now
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, run_command, saved

FIELDS = form_fields(ChangeOwnPassword, current_password=("account.current_password", "password", {"key": "current"}),
                     new_password=("account.new_password", "password", {"key": "new"}))

st.title(t("page.account"))
st.subheader(t("account.change_password"))
form = "account.password"
errs = FieldErrors(form)
with st.form(form, clear_on_submit=False):
    data: dict = {}
    for spec in FIELDS.values():
        draw(spec, form, errs, into=data)
    confirm = st.text_input(t("account.confirm_password"), type="password", key=f"{form}.confirm")
    if st.form_submit_button(t("account.submit"), type="primary"):
        if data["new_password"] != confirm:
            st.error(t("account.mismatch"))
        elif run_command(ChangeOwnPassword(actor(), **data), form_key=form):
            # This browser stays signed in: its session is re-issued after the cut-off, and the
            # rerun draws the component that stores the new cookie.
            signed_in_now(actor().username)
            saved(form, t("account.changed"), clear=True)
    errs.show()
