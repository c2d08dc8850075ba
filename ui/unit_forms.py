"""Widgets of 成员单位: the liaison change and edit forms (office staff and admins), the unit's
actions (催办 of all its overdue items, the 催办单 and 督办通知单 downloads), and the feedback trend
chart.

Widget keys: units.<unit id>.liaison_change.<field> (name, phone, email, start_on, reported_on,
additional, replaces_id); units.<unit id>.liaison_edit.choose; units.<unit id>.liaison_edit.<liaison
id>.<field> (name, phone, email, reported_on, end_on); units.<unit id>.remind; units.<unit id>.reminder_notice and
units.<unit id>.notice (the download buttons)."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from core.clock import today
from core.documents_notice import NoticeData, build_notice, file_name
from core.i18n import fmt_date, t
from core.permissions import can
from db.commands.liaisons import ChangeLiaison, UpdateLiaison
from db.commands.units import SetUnitAliases
from db.queries.units import REPORT_WORKING_DAYS
from ui.fields import draw, form_fields
from ui.reminder_actions import may_remind, remind
from ui.session import FieldErrors, actor, run_command, saved
from ui.state import edit_version
from ui.tables import escape_markdown

NAME, PHONE = ("liaison.name", "text"), ("liaison.phone", "text")
EMAIL = ("liaison.email", "text", {"help_key": "liaison.email_help"})
REPORTED_ON = ("liaison.reported_on", "date", {"help_key": "liaison.reported_on_help"})
CHANGE_FIELDS = form_fields(
    ChangeLiaison, name=NAME, phone=PHONE, email=EMAIL,
    start_on=("liaison.start_on", "date", {"required": True, "help_key": "liaison.start_on_help"}),
    reported_on=REPORTED_ON, additional=("liaison.additional", "checkbox", {"help_key": "liaison.additional_help"}),
    replaces_id=("liaison.replaces", "select"))
EDIT_FIELDS = form_fields(UpdateLiaison, name=NAME, phone=PHONE, email=EMAIL, reported_on=REPORTED_ON,
                          end_on=("liaison.end_on", "date"))
REPORT_DAYS = {"n": REPORT_WORKING_DAYS}  # the report date's help names the period


def liaison_change_form(unit: dict, history: pd.DataFrame) -> None:
    """Record a new liaison of `unit`; shown to roles that may edit records only."""
    me = actor()
    if not can(me, ChangeLiaison.permission):
        return
    form = f"units.{unit['id']}.liaison_change"
    current = history[history["end_on"].isna()] if not history.empty else history
    errs = FieldErrors(form)
    with st.expander(t("liaison.change"), icon=":material/person_add:"), st.form(form):
        st.caption(t("liaison.change_intro"))
        version = edit_version(form, unit["version"])
        data: dict = {"unit_id": unit["id"], "unit_version": version, "replaces_id": None}
        c1, c2 = st.columns(2)
        draw(CHANGE_FIELDS["name"], form, errs, into=data, container=c1)
        draw(CHANGE_FIELDS["phone"], form, errs, into=data, container=c2)
        draw(CHANGE_FIELDS["email"], form, errs, into=data)
        c3, c4 = st.columns(2)
        draw(CHANGE_FIELDS["start_on"], form, errs, into=data, container=c3, value=today(), max_value=today())
        draw(CHANGE_FIELDS["reported_on"], form, errs, into=data, container=c4, value=today(), max_value=today(),
             help_args=REPORT_DAYS)
        draw(CHANGE_FIELDS["additional"], form, errs, into=data)
        if len(current) > 1:
            labels = {int(r.id): f"{r.name}({fmt_date(r.start_on)})" for r in current.itertuples()}
            draw(CHANGE_FIELDS["replaces_id"], form, errs, into=data, options=[None, *labels],
                 format_func=lambda i: labels.get(i, t("liaison.replaces_all")))
        errs.slot("unit_id")
        if st.form_submit_button(t("liaison.change_submit"), type="primary"):
            if run_command(ChangeLiaison(me, **data), form_key=form):  # the form starts empty again
                saved(form, t("liaison.changed", name=escape_markdown((data["name"] or "").strip()),
                              day=fmt_date(data["start_on"]),
                              unit=escape_markdown(unit["name"])), clear=True)
        errs.show()


def liaison_edit_form(unit: dict, history: pd.DataFrame) -> None:
    """Correct one liaison row (name, phone, e-mail, report date, end date), with its version."""
    me = actor()
    if history.empty or not can(me, UpdateLiaison.permission):
        return
    rows = {int(r.id): r for r in history.itertuples()}
    with st.expander(t("liaison.edit"), icon=":material/edit:"):
        st.caption(t("liaison.edit_intro"))
        chosen = st.selectbox(t("liaison.edit_choose"), list(rows), key=f"units.{unit['id']}.liaison_edit.choose",
                              format_func=lambda i: f"{rows[i].name}({fmt_date(rows[i].start_on)}"
                                                    f" – {fmt_date(rows[i].end_on) if pd.notna(rows[i].end_on) else ''})")
        row = rows[chosen]
        form = f"units.{unit['id']}.liaison_edit.{chosen}"
        errs = FieldErrors(form)
        with st.form(form):
            version = edit_version(form, int(row.version))
            data: dict = {"liaison_id": chosen, "version": version}
            c1, c2 = st.columns(2)
            draw(EDIT_FIELDS["name"], form, errs, into=data, container=c1, value=row.name)
            draw(EDIT_FIELDS["phone"], form, errs, into=data, container=c2, value=row.phone or "")
            draw(EDIT_FIELDS["email"], form, errs, into=data, value=row.email if isinstance(row.email, str) else "")
            c3, c4 = st.columns(2)
            draw(EDIT_FIELDS["reported_on"], form, errs, into=data, container=c3, max_value=today(),
                 value=row.reported_on if pd.notna(row.reported_on) else None, help_args=REPORT_DAYS)
            draw(EDIT_FIELDS["end_on"], form, errs, into=data, container=c4, max_value=today(),
                 value=row.end_on if pd.notna(row.end_on) else None)
            if st.form_submit_button(t("liaison.edit_submit"), type="primary"):
                if run_command(UpdateLiaison(me, **data), form_key=form):  # the fields show the saved values again
                    saved(form, t("liaison.saved"), clear=True)
            errs.show()


def aliases_form(unit: dict) -> None:
    """The unit's other names, one per line (office staff): imports and the new-item form accept them."""
    me = actor()
    if not can(me, SetUnitAliases.permission):
        return
    form = f"units.{unit['id']}.aliases"
    errs = FieldErrors(form)
    with st.expander(t("units.aliases.title"), icon=":material/badge:"), st.form(form):
        st.caption(t("units.aliases.caption"))
        version = edit_version(form, unit["version"])
        text = st.text_area(t("units.aliases.field"), value="\n".join(unit["aliases"]), key=f"{form}.aliases",
                            height=150)
        errs.slot("aliases")
        if st.form_submit_button(t("units.aliases.save"), type="primary"):
            command = SetUnitAliases(me, unit_id=unit["id"], unit_version=version, aliases=text.splitlines())
            if run_command(command, form_key=form):
                saved(form, t("units.aliases.saved", unit=escape_markdown(unit["name"])), clear=True)
        errs.show()


def unit_actions(unit: dict, overdue: int, load: Callable[[], NoticeData | None]) -> None:
    """Under a unit's figures, in one row: 催办全部逾期事项 (office staff, when the unit has overdue
    items), then its 催办单 and 督办通知单 as Word files (one read of their data: `load`)."""
    row = st.container(horizontal=True)
    if overdue and may_remind():
        if row.button(t("units.remind_all"), key=f"units.{unit['id']}.remind", icon=":material/notifications_active:",
                      help=t("units.remind_all_help")):
            remind(unit["id"])
    if not can(actor(), "export_data", [unit["id"]]):
        return
    data = load()  # only for those allowed
    if data is None:
        return
    for form in ("reminder_notice", "notice"):
        notice_download(unit, data.as_form(form), row)


def notice_download(unit: dict, data: NoticeData, container) -> None:
    """The 督办通知单 or 催办单 (data.form) of `unit` as a Word file: office and export roles for any
    unit, a liaison for their own unit only (unit_actions checks)."""
    form = data.form
    container.download_button(
        t(f"units.{form}_download"), lambda: build_notice(data), file_name=file_name(data),
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key=f"units.{unit['id']}.{form}", on_click="ignore", icon=":material/description:",
        help=t(f"units.{form}_help"))
