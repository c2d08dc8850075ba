"""One follow-up item: its progress notes and the actions open to this user. Widget keys:
follow_up.<id>.<action>.<field>."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core import lifecycles as lc
from core.clock import today
from core.i18n import fmt_date, t
from core.permissions import can
from db.commands.meetings import AddFollowUpProgress, CancelFollowUp, CompleteFollowUp
from db.queries.meetings import follow_up_notes
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, read, run_command, saved
from ui.state import edit_version
from ui.supervision_forms import supervision_issue_form
from ui.tables import escape_markdown, labelled_text, present

STEPS = {"progress": AddFollowUpProgress, "complete": CompleteFollowUp, "cancel": CancelFollowUp}
FIELDS = {"progress": form_fields(AddFollowUpProgress, note=("follow_up.note", "area")),
          "complete": form_fields(CompleteFollowUp, done_on=("follow_up.done_on", "date"),
                                  evidence=("follow_up.evidence", "area")),
          "cancel": form_fields(CancelFollowUp, reason=("follow_up.cancel_reason", "area"))}


def render_follow_up(row: dict) -> None:
    st.subheader(escape_markdown(row["text"]), anchor=False)
    status = t(f"fu_status.{row['status']}")
    if row["overdue"]:
        st.error(f"{status} · {t('item.overdue_by', n=-int(row['days_left']))}", icon=":material/schedule:")
    else:
        st.info(f"{status} · {t('follow_up.due_on')} {fmt_date(row['due_on'])}", icon=":material/schedule:")
    c1, c2, c3 = st.columns(3)
    c1.markdown(f"**{t('follow_up.meeting')}**")
    c1.text(f"{fmt_date(row['held_on'])} {row['meeting_title']}")
    c2.markdown(f"**{t('follow_up.lead_unit')}**")
    c2.text(row["lead_unit"])
    c3.markdown(f"**{t('follow_up.assisting_units')}**")
    c3.text(row["assisting_units"] if present(row["assisting_units"]) else t("common.none"))
    labelled_text("follow_up.evidence", row["evidence"], row["done_on"])
    labelled_text("follow_up.cancel_reason", row["cancel_reason"])
    notes = read(follow_up_notes, int(row["id"]))
    st.markdown(f"**{t('follow_up.notes')}**")
    if notes.empty:
        st.caption(t("follow_up.no_notes"))
    else:
        st.dataframe(pd.DataFrame({t("detail.col.date"): notes["noted_on"].map(fmt_date),
                                   t("detail.col.note"): notes["note"],
                                   t("detail.col.actor"): notes["actor"].fillna(t("detail.system"))}),
                     hide_index=True, width="stretch")
    _actions(row)
    if row["status"] in (lc.FU_OPEN, lc.FU_IN_PROGRESS):
        supervision_issue_form("follow_up", int(row["id"]), int(row["lead_unit_id"]),
                               key=f"follow_up.{int(row['id'])}.supervise")


def _actions(row: dict) -> None:
    me = actor()
    owners = [int(row["lead_unit_id"]), *row["assisting_unit_ids"]]
    possible = [a for a in lc.allowed_actions(lc.FOLLOW_UP_TRANSITIONS, row["status"])
                if can(me, STEPS[a].permission, owners)]
    if not possible:
        return
    key = f"follow_up.{int(row['id'])}"
    action = st.segmented_control(t("detail.choose_action"), possible, key=f"{key}.action",
                                  format_func=lambda a: t(f"follow_up.action.{a}"))
    if not action:
        return
    form = f"{key}.{action}"
    errs = FieldErrors(form)
    with st.form(form):
        data = {"follow_up_id": int(row["id"]), "version": edit_version(form, row["version"])}
        extra = {"done_on": dict(value=today(), max_value=today()),
                 "evidence": dict(placeholder=t("follow_up.evidence_hint"))}
        for spec in FIELDS[action].values():
            draw(spec, form, errs, into=data, **extra.get(spec.name, {}))
        errs.slot("action")
        if st.form_submit_button(t(f"follow_up.action.{action}"), type="primary"):
            if run_command(STEPS[action](me, **data), form_key=form):  # the action chooser closes
                saved(form, t("follow_up.saved"), reset=(f"{key}.action",))
        errs.show()
