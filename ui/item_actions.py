"""The form of one lifecycle action (or a note) on one item, as on its detail page and on 待办.
Widget keys: <key>.<action>.<field>."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.kinds import KINDS
from db.commands.items import ACTIONS, AddItemNote
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, run_command, saved
from ui.state import edit_version

COMMANDS = ACTIONS | {"note": AddItemNote}
REASON = ("action.reason", "area")
OWN_FIELDS = {"respond": {"outcome": ("item.outcome", "select"), "feedback_text": ("item.feedback_text", "area")},
              "return": {"reason": REASON}, "withdraw": {"reason": REASON}}
# action -> the fields of its form: the date of a lifecycle step, then the step's own fields
FIELDS = {action: form_fields(command, on=("action.on", "date"), **OWN_FIELDS.get(action, {}))
          for action, command in ACTIONS.items()} | {"note": form_fields(AddItemNote, note=("action.note_text", "area"))}


def item_action_form(item: dict, action: str, key: str, reset: tuple[str, ...] = ()) -> None:
    """item: id, version, kind. `reset` names widgets to clear once the action is saved."""
    me = actor()
    form = f"{key}.{action}"
    errs = FieldErrors(form)
    # what each kind of widget needs besides its spec
    extra = {"date": dict(value=today(), max_value=today()),
             "select": dict(options=KINDS[item["kind"]].outcomes, index=None, placeholder=t("item_form.choose"))}
    with st.form(form):
        data: dict = {"item_id": item["id"]}
        if action in ACTIONS:  # a lifecycle step checks the version the user saw; a note changes no field
            data["version"] = edit_version(form, item["version"])
        for spec in FIELDS[action].values():
            draw(spec, form, errs, into=data, **extra.get(spec.widget, {}))
        errs.slot("action")
        if st.form_submit_button(t("action.submit"), type="primary"):
            if run_command(COMMANDS[action](me, **data), form_key=form):  # the action chooser closes
                saved(form, t("action.done", action=t(f"action.{action}")), reset=reset)
        errs.show()
