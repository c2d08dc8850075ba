"""Forms of one key task: assign units and keep milestones (office), report progress (office or
an assigned unit's liaison). Widget keys: task.<id>.<form>.<field>."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.permissions import can
from db.commands.tasks import AddMilestone, AddProgressUpdate, AssignTaskUnits, CompleteMilestone, EditMilestone
from ui.session import FieldErrors, actor, run_command, saved
from ui.state import edit_version


def _submit(command, form: str, success_key: str, *, clear: bool = False) -> None:
    """Run the command; once it is saved, the after-save steps (with `clear` the fields start again)."""
    if run_command(command, form_key=form):
        saved(form, t(success_key), clear=clear)


def _milestone_labels(milestones) -> dict[int, str]:
    return {int(r.id): f"{r.title}({r.planned_on.isoformat()})" for r in milestones.itertuples()}


def assignment_form(task: dict, board_row: dict, names: dict[int, str]) -> None:
    if not can(actor(), AssignTaskUnits.permission):
        return
    form = f"task.{task['id']}.assign"
    errs = FieldErrors(form)
    with st.expander(t("task.assign"), icon=":material/group_add:"), st.form(form):
        version = edit_version(form, task["version"])
        current_lead = board_row["lead_unit_ids"][0] if board_row["lead_unit_ids"] else None
        options = [None] + list(names)
        lead = st.selectbox(t("task.lead_unit") + " *", options, index=options.index(current_lead),
                            key=f"{form}.lead_unit_id", format_func=lambda u: names.get(u, t("item_form.choose")))
        errs.slot("lead_unit_id")
        participating = st.multiselect(t("task.participating_units"), list(names),
                                       default=board_row["participating_unit_ids"], key=f"{form}.participating",
                                       format_func=names.get)
        errs.slot("participating_unit_ids")
        if st.form_submit_button(t("task.assign_save"), type="primary"):
            _submit(AssignTaskUnits(actor(), task_id=task["id"], version=version, lead_unit_id=lead,
                                    participating_unit_ids=participating), form, "task.saved")
        errs.show()


def milestone_forms(task: dict) -> None:
    if not can(actor(), AddMilestone.permission):
        return
    milestones = task["milestones"]
    add_col, done_col = st.columns(2)
    form = f"task.{task['id']}.milestone"
    errs = FieldErrors(form)
    with add_col, st.form(form):
        st.markdown(f"**{t('task.add_milestone')}**")
        title = st.text_input(t("task.milestone_title"), key=f"{form}.title", max_chars=200)
        errs.slot("title")
        planned = st.date_input(t("task.planned_on"), key=f"{form}.planned_on", value=None, format="YYYY-MM-DD")
        errs.slot("planned_on")
        if st.form_submit_button(t("task.add_milestone"), type="primary"):
            _submit(AddMilestone(actor(), task_id=task["id"], title=title, planned_on=planned), form, "task.saved")
        errs.show()
    pending = milestones[milestones["done_on"].isna()]
    if not milestones.empty:
        _milestone_edit_form(task, first=int(pending["id"].iloc[0]) if len(pending) else None)
    if pending.empty:
        return
    form = f"task.{task['id']}.milestone_done"
    errs = FieldErrors(form)
    labels = _milestone_labels(pending)
    with done_col, st.form(form):
        st.markdown(f"**{t('task.complete_milestone')}**")
        chosen = st.selectbox(t("task.milestone"), list(labels), key=f"{form}.milestone_id", format_func=labels.get)
        done_on = st.date_input(t("task.done_on"), key=f"{form}.done_on", value=today(), max_value=today(),
                                format="YYYY-MM-DD")
        errs.slot("done_on")
        errs.slot("action")
        if st.form_submit_button(t("task.complete_milestone"), type="primary"):
            version = int(pending.set_index("id").at[chosen, "version"])
            _submit(CompleteMilestone(actor(), milestone_id=chosen, version=version, done_on=done_on), form,
                    "task.saved")
        errs.show()


def _milestone_edit_form(task: dict, first: int | None) -> None:
    """Rename or reschedule one milestone (`first` is offered first); the chooser sits outside the
    form so the fields below are filled with the chosen milestone's current values."""
    labels = _milestone_labels(task["milestones"])
    options = list(labels)
    with st.expander(t("task.edit_milestone"), icon=":material/edit_calendar:"):
        chosen = st.selectbox(t("task.milestone"), options, key=f"task.{task['id']}.milestone_edit",
                              index=options.index(first) if first in labels else 0, format_func=labels.get)
        row = task["milestones"].set_index("id").loc[chosen]
        form = f"task.{task['id']}.milestone_edit.{chosen}"
        errs = FieldErrors(form)
        with st.form(form):
            version = edit_version(form, int(row["version"]))
            title = st.text_input(t("task.milestone_title"), value=row["title"], key=f"{form}.title", max_chars=200)
            errs.slot("title")
            planned = st.date_input(t("task.planned_on"), value=row["planned_on"], key=f"{form}.planned_on",
                                    format="YYYY-MM-DD")
            errs.slot("planned_on")
            if st.form_submit_button(t("task.save_milestone"), type="primary"):
                _submit(EditMilestone(actor(), milestone_id=chosen, version=version, title=title, planned_on=planned),
                        form, "task.saved", clear=True)
            errs.show()


def progress_form(task: dict, board_row: dict, names: dict[int, str]) -> None:
    me = actor()
    assigned = board_row["lead_unit_ids"] + board_row["participating_unit_ids"]
    if not can(me, AddProgressUpdate.permission, assigned):
        return
    # A liaison reports for their own unit; office staff for any assigned unit.
    units = [me.unit_id] if me.role == "liaison" else assigned
    form = f"task.{task['id']}.progress"
    errs = FieldErrors(form)
    with st.form(form):
        st.markdown(f"**{t('task.add_progress')}**")
        c1, c2, c3 = st.columns(3)
        unit_id = c1.selectbox(t("task.unit"), units, key=f"{form}.unit_id", format_func=lambda u: names.get(u, ""))
        with c1:
            errs.slot("unit_id")
        reported_on = c2.date_input(t("task.reported_on"), key=f"{form}.reported_on", value=today(),
                                    max_value=today(), format="YYYY-MM-DD")
        with c2:
            errs.slot("reported_on")
        percent = c3.number_input(t("task.percent"), key=f"{form}.percent", min_value=None, max_value=None,
                                  value=int(board_row["percent"]), step=5)
        with c3:
            errs.slot("percent")
        text = st.text_area(t("task.progress_text"), key=f"{form}.text", max_chars=2000)
        errs.slot("text")
        if st.form_submit_button(t("task.add_progress"), type="primary"):
            _submit(AddProgressUpdate(me, task_id=task["id"], unit_id=unit_id, reported_on=reported_on,
                                      percent=int(percent), text=text), form, "task.saved")
        errs.show()
