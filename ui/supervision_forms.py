"""督办 forms: issue (convener) or draft (office) on any item, follow-up or key task; issue a
draft, respond (the supervised unit), resolve (convener). Widget keys: <key>.<field>."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core import lifecycles as lc
from core.clock import today
from core.i18n import t
from core.permissions import can
from db.commands.supervision import (DraftSupervision, IssueDraftSupervision, IssueSupervision,
                                     ResolveSupervision, RespondSupervision)
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, run_command, saved
from ui.state import edit_version

# IssueSupervision declares the same fields as DraftSupervision
ISSUE_FIELDS = form_fields(DraftSupervision, level=("supervision.level", "radio"),
                           deadline=("supervision.deadline", "date"), instruction=("supervision.instruction", "area"))


def supervision_issue_form(target_type: str, target_id: int, unit_id: int | None, *, key: str) -> None:
    me = actor()
    if can(me, IssueSupervision.permission):
        command_cls, label = IssueSupervision, t("supervision.issue")
    elif can(me, DraftSupervision.permission):
        command_cls, label = DraftSupervision, t("supervision.draft")
    else:
        return
    with st.expander(label, icon=":material/gavel:"):
        errs = FieldErrors(key)
        with st.form(key):
            data: dict = {"target_type": target_type, "target_id": target_id}
            draw(ISSUE_FIELDS["level"], key, errs, into=data, options=lc.SUPERVISION_LEVELS, horizontal=True)
            draw(ISSUE_FIELDS["deadline"], key, errs, into=data, value=today() + timedelta(days=7), min_value=today())
            draw(ISSUE_FIELDS["instruction"], key, errs, into=data)
            errs.slot("target_id")
            if st.form_submit_button(label, type="primary"):
                if run_command(command_cls(me, **data), form_key=key):
                    saved(key, t("supervision.saved"))
            errs.show()


# lifecycle action -> (command, the fields of its form)
STEPS = {"issue_draft": (IssueDraftSupervision, {}),
         "respond": (RespondSupervision, form_fields(RespondSupervision,
                                                     response_text=("supervision.response_text", "area"))),
         "resolve": (ResolveSupervision, form_fields(ResolveSupervision,
                                                     resolution_text=("supervision.resolution_text", "area")))}


def supervision_step_forms(row: dict, *, key: str) -> None:
    """The next steps one 督办 allows (core.lifecycles) for this user."""
    me = actor()
    steps = []
    for step in lc.allowed_actions(lc.SUPERVISION_TRANSITIONS, row["status"]):
        command_cls, fields = STEPS[step]
        # Only the supervised unit responds; issuing and resolving are not tied to a unit.
        owners = [row["unit_id"]] if step == "respond" else None
        if can(me, command_cls.permission, owners):
            steps.append((step, command_cls, fields))
    for step, command_cls, fields in steps:
        form = f"{key}.{step}"
        errs = FieldErrors(form)
        with st.form(form):
            st.markdown(f"**{t(f'supervision.step.{step}')}**")
            data = {"supervision_id": row["id"], "version": edit_version(form, row["version"])}
            for spec in fields.values():
                draw(spec, form, errs, into=data)
            errs.slot("action")
            errs.slot("deadline")
            if st.form_submit_button(t(f"supervision.step.{step}"), type="primary"):
                if run_command(command_cls(me, **data), form_key=form):
                    saved(form, t("supervision.saved"))
            errs.show()
