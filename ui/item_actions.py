"""The form of one lifecycle action (or a note) on one item, as on its detail page and on 待办.
Widget keys: <key>.<action>.<field>."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.kinds import KINDS
from db.commands.items import ACTIONS, AddItemNote
from ui.session import FieldErrors, actor, run_command, saved
from ui.state import edit_version


def item_action_form(item: dict, action: str, key: str, reset: tuple[str, ...] = ()) -> None:
    """item: id, version, kind. `reset` names widgets to clear once the action is saved."""
    me = actor()
    form = f"{key}.{action}"
    errs = FieldErrors(form)
    with st.form(form):
        data: dict = {"item_id": item["id"], "version": edit_version(form, item["version"])}
        if action != "note":
            data["on"] = st.date_input(t("action.on"), value=today(), max_value=today(), key=f"{form}.on",
                                       format="YYYY-MM-DD")
            errs.slot("on")
        if action == "respond":
            data["outcome"] = st.selectbox(t("item.outcome"), KINDS[item["kind"]].outcomes, key=f"{form}.outcome",
                                           index=None, placeholder=t("item_form.choose"))
            errs.slot("outcome")
            data["feedback_text"] = st.text_area(t("item.feedback_text"), key=f"{form}.feedback_text", max_chars=2000)
            errs.slot("feedback_text")
        if action in ("return", "withdraw"):
            data["reason"] = st.text_area(t("action.reason"), key=f"{form}.reason", max_chars=2000)
            errs.slot("reason")
        if action == "note":
            data["note"] = st.text_area(t("action.note_text"), key=f"{form}.note", max_chars=2000)
            errs.slot("note")
        errs.slot("action")
        if st.form_submit_button(t("action.submit"), type="primary"):
            command = AddItemNote(me, **data) if action == "note" else ACTIONS[action](me, **data)
            if run_command(command, form_key=form):  # the action chooser closes
                saved(form, t("action.done", action=t(f"action.{action}")), reset=reset)
        errs.show()

