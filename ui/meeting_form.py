"""Create a meeting with its follow-up items in one sitting, or correct one and add decisions.
Widget keys: meeting_form.<field> and meeting_form.follow_ups.<n>.<field> (new meeting);
meeting_edit.<id>.<field> … (editing meeting <id>)."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.kinds import MEETING_KINDS
from db.commands.meetings import PERIOD_MAX, CreateMeeting, FollowUpInput, UpdateMeeting
from db.queries.common import units
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, read, run_command, saved
from ui.state import edit_version

DUE_MODES = ("date", "days", "working_days")
# The meeting's fields (UpdateMeeting declares the same) and those of each follow-up item.
FIELDS = form_fields(
    CreateMeeting, kind=("meeting.kind", "select"), held_on=("meeting.held_on", "date"),
    title=("meeting.title", "text"), place=("meeting.place", "text"), convened_by=("meeting.convened_by", "text"),
    attending_unit_ids=("meeting.attending_units", "multiselect"), topics=("meeting.topics", "area"),
    minutes_summary=("meeting.minutes_summary", "area"))
FOLLOW_UP_FIELDS = form_fields(
    FollowUpInput, text=("follow_up.text", "area"), lead_unit_id=("follow_up.lead_unit", "select", {"required": True}),
    assisting_unit_ids=("follow_up.assisting_units", "multiselect"), due_on=("follow_up.due_on", "date"),
    period_amount=("follow_up.period.days", "number"))


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
    data: dict = {}  # the command's input, by field name
    kinds = list(MEETING_KINDS)
    c1, c2 = st.columns(2)
    draw(FIELDS["kind"], FORM, errs, into=data, container=c1, options=kinds, format_func=MEETING_KINDS.get,
         index=kinds.index(old["kind"]) if old else 0)
    draw(FIELDS["held_on"], FORM, errs, into=data, container=c2, value=old.get("held_on", today()))
    draw(FIELDS["title"], FORM, errs, into=data, value=old.get("title", ""))
    c3, c4 = st.columns(2)
    draw(FIELDS["place"], FORM, errs, into=data, container=c3, value=old.get("place") or "")
    draw(FIELDS["convened_by"], FORM, errs, into=data, container=c4, value=old.get("convened_by") or "")
    draw(FIELDS["attending_unit_ids"], FORM, errs, into=data, options=list(names), format_func=names.get,
         placeholder=t("item_form.choose"), value=[u for u in old.get("attending_unit_ids", []) if u in names])
    draw(FIELDS["topics"], FORM, errs, into=data, height=80, value=old.get("topics") or "")
    draw(FIELDS["minutes_summary"], FORM, errs, into=data, height=100, value=old.get("minutes_summary") or "")

    st.markdown(f"**{t('meeting.add_follow_ups') if existing else t('meeting.follow_ups')}**")
    count = st.number_input(t("meeting.follow_up_count"), min_value=0, max_value=20, step=1,
                            key=f"{FORM}.follow_up_count", value=0 if existing else 1)
    data["follow_ups"] = [_follow_up(FORM, i, errs, names) for i in range(int(count))]

    if existing:
        data |= {"meeting_id": existing["id"], "version": edit_version(FORM, existing["version"])}
    if st.button(t("meeting.save"), type="primary", key=f"{FORM}.submit"):
        command = UpdateMeeting(actor(), **data) if existing else CreateMeeting(actor(), **data)
        if run_command(command, form_key=FORM):
            saved(FORM, t("meeting.saved"), clear=True)
    errs.show()


def _follow_up(form: str, i: int, errs: FieldErrors, names: dict[int, str]) -> dict:
    """Follow-up item i of the meeting form: widget keys and error slots follow_ups.<i>.<field>."""
    fields, prefix, entry = FOLLOW_UP_FIELDS, f"follow_ups.{i}.", {}
    with st.container(border=True):
        draw(fields["text"], form, errs, into=entry, prefix=prefix, suffix=f" {i + 1}", height=70)
        c5, c6 = st.columns(2)
        draw(fields["lead_unit_id"], form, errs, into=entry, prefix=prefix, container=c5, options=[None] + list(names),
             format_func=lambda u: names.get(u, t("item_form.choose")))
        draw(fields["assisting_unit_ids"], form, errs, into=entry, prefix=prefix, container=c6, options=list(names),
             format_func=names.get, placeholder=t("common.none"))
        c7, c8 = st.columns(2)
        mode = c7.radio(t("follow_up.due_mode"), DUE_MODES, key=f"{form}.{prefix}due_mode", horizontal=True,
                        format_func=lambda m: t(f"follow_up.due_mode.{m}"))
        if mode == "date":
            draw(fields["due_on"], form, errs, into=entry, prefix=prefix, container=c8, value=None)
        else:  # N (working) days after the meeting; a problem with it is the due date's
            draw(fields["period_amount"], form, errs, into=entry, prefix=prefix, container=c8, slot="due_on",
                 label_key=f"follow_up.period.{mode}", min_value=1, max_value=PERIOD_MAX, value=15, step=1)
            entry["period_unit"] = mode
    return entry
