"""Create a meeting with its follow-up items in one sitting, or correct one and add decisions.
Widget keys: meeting_form.<field> and meeting_form.follow_ups.<n>.<field> (new meeting);
meeting_edit.<id>.<field> … (editing meeting <id>)."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.kinds import MEETING_KINDS
from db.commands.meetings import CreateMeeting, UpdateMeeting
from db.queries.common import units
from ui.session import FieldErrors, actor, read, run_command, saved
from ui.state import edit_version

DUE_MODES = ("date", "days", "working_days")


def new_meeting_form() -> None:
    meeting_form(None)


def meeting_form(existing: dict | None) -> None:
    """The whole meeting in one form; `existing` (a meeting_detail dict) switches to editing. Once
    it is saved, the page is drawn anew with the form empty (or showing the saved meeting)."""
    FORM = f"meeting_edit.{existing['id']}" if existing else "meeting_form"
    old = existing or {}
    unit_rows = [u for u in read(units) if u["active"]]
    names = {u["id"]: u["name"] for u in unit_rows}
    errs = FieldErrors(FORM)
    kinds = list(MEETING_KINDS)
    c1, c2 = st.columns(2)
    kind = c1.selectbox(t("meeting.kind"), kinds, key=f"{FORM}.kind", format_func=MEETING_KINDS.get,
                        index=kinds.index(old["kind"]) if old else 0)
    held_on = c2.date_input(t("meeting.held_on"), key=f"{FORM}.held_on", value=old.get("held_on", today()),
                            format="YYYY-MM-DD")
    with c2:
        errs.slot("held_on")
    title = st.text_input(t("meeting.title") + " *", key=f"{FORM}.title", max_chars=200, value=old.get("title", ""))
    errs.slot("title")
    c3, c4 = st.columns(2)
    place = c3.text_input(t("meeting.place"), key=f"{FORM}.place", max_chars=200, value=old.get("place") or "")
    convened_by = c4.text_input(t("meeting.convened_by"), key=f"{FORM}.convened_by", max_chars=100,
                                value=old.get("convened_by") or "")
    attending = st.multiselect(t("meeting.attending_units"), list(names), key=f"{FORM}.attending_unit_ids",
                               format_func=names.get, placeholder=t("item_form.choose"),
                               default=[u for u in old.get("attending_unit_ids", []) if u in names])
    errs.slot("attending_unit_ids")
    topics = st.text_area(t("meeting.topics"), key=f"{FORM}.topics", max_chars=2000, height=80,
                          value=old.get("topics") or "")
    minutes = st.text_area(t("meeting.minutes_summary"), key=f"{FORM}.minutes_summary", max_chars=2000, height=100,
                           value=old.get("minutes_summary") or "")

    st.markdown(f"**{t('meeting.add_follow_ups') if existing else t('meeting.follow_ups')}**")
    count = st.number_input(t("meeting.follow_up_count"), min_value=0, max_value=20, step=1,
                            key=f"{FORM}.follow_up_count", value=0 if existing else 1)
    follow_ups = []
    for i in range(int(count)):
        p = f"{FORM}.follow_ups.{i}"
        with st.container(border=True):
            text = st.text_area(t("follow_up.text") + f" {i + 1} *", key=f"{p}.text", max_chars=2000, height=70)
            errs.slot(f"follow_ups.{i}.text")
            c5, c6 = st.columns(2)
            lead = c5.selectbox(t("follow_up.lead_unit") + " *", [None] + list(names), key=f"{p}.lead_unit_id",
                                format_func=lambda u: names.get(u, t("item_form.choose")))
            with c5:
                errs.slot(f"follow_ups.{i}.lead_unit_id")
            assisting = c6.multiselect(t("follow_up.assisting_units"), list(names), key=f"{p}.assisting_unit_ids",
                                       format_func=names.get, placeholder=t("common.none"))
            c7, c8 = st.columns(2)
            mode = c7.radio(t("follow_up.due_mode"), DUE_MODES, key=f"{p}.due_mode", horizontal=True,
                            format_func=lambda m: t(f"follow_up.due_mode.{m}"))
            entry = {"text": text, "lead_unit_id": lead, "assisting_unit_ids": assisting}
            if mode == "date":
                entry["due_on"] = c8.date_input(t("follow_up.due_on"), key=f"{p}.due_on", value=None,
                                                format="YYYY-MM-DD")
            else:
                entry["period_amount"] = c8.number_input(t(f"follow_up.period.{mode}"), min_value=1, max_value=365,
                                                         value=15, step=1, key=f"{p}.period_amount")
                entry["period_unit"] = mode
            with c8:
                errs.slot(f"follow_ups.{i}.due_on")
            follow_ups.append(entry)

    fields = dict(kind=kind, held_on=held_on, title=title, place=place, convened_by=convened_by,
                  attending_unit_ids=attending, topics=topics, minutes_summary=minutes, follow_ups=follow_ups)
    if existing:
        fields |= {"meeting_id": existing["id"], "version": edit_version(FORM, existing["version"])}
    if st.button(t("meeting.save"), type="primary", key=f"{FORM}.submit"):
        command = UpdateMeeting(actor(), **fields) if existing else CreateMeeting(actor(), **fields)
        if run_command(command, form_key=FORM):
            saved(FORM, t("meeting.saved"), clear=True)
    errs.show()
