"""Forms of one key task: assign units and keep milestones (office), report progress (office or
an assigned unit's liaison). Widget keys: task.<id>.<form>.<field>."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.permissions import can
from db.commands.tasks import AddMilestone, AddProgressUpdate, AssignTaskUnits, CompleteMilestone, EditMilestone
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, run_command, saved
from ui.state import edit_version

ASSIGN_FIELDS = form_fields(AssignTaskUnits, lead_unit_id=("task.lead_unit", "select", {"required": True}),
                            participating_unit_ids=("task.participating_units", "multiselect", {"key": "participating"}))
# adding and editing a milestone (EditMilestone declares the same fields)
MILESTONE_FIELDS = form_fields(AddMilestone, title=("task.milestone_title", "text"),
                               planned_on=("task.planned_on", "date"))
DONE_FIELDS = form_fields(CompleteMilestone, milestone_id=("task.milestone", "select"), done_on=("task.done_on", "date"))
PROGRESS_FIELDS = form_fields(AddProgressUpdate, unit_id=("task.unit", "select"),
                              reported_on=("task.reported_on", "date"), percent=("task.percent", "number"),
                              text=("task.progress_text", "area"))


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
        data: dict = {"task_id": task["id"], "version": version}
        draw(ASSIGN_FIELDS["lead_unit_id"], form, errs, into=data, options=options, index=options.index(current_lead),
             format_func=lambda u: names.get(u, t("item_form.choose")))
        draw(ASSIGN_FIELDS["participating_unit_ids"], form, errs, into=data, options=list(names),
             value=board_row["participating_unit_ids"], format_func=names.get)
        if st.form_submit_button(t("task.assign_save"), type="primary"):
            _submit(AssignTaskUnits(actor(), **data), form, "task.saved")
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
        data: dict = {"task_id": task["id"]}
        draw(MILESTONE_FIELDS["title"], form, errs, into=data)
        draw(MILESTONE_FIELDS["planned_on"], form, errs, into=data, value=None)
        if st.form_submit_button(t("task.add_milestone"), type="primary"):
            _submit(AddMilestone(actor(), **data), form, "task.saved")
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
        data: dict = {}
        chosen = draw(DONE_FIELDS["milestone_id"], form, errs, into=data, options=list(labels), format_func=labels.get)
        draw(DONE_FIELDS["done_on"], form, errs, into=data, value=today(), max_value=today())
        errs.slot("action")
        if st.form_submit_button(t("task.complete_milestone"), type="primary"):
            version = int(pending.set_index("id").at[chosen, "version"])
            _submit(CompleteMilestone(actor(), version=version, **data), form, "task.saved")
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
            data: dict = {"milestone_id": chosen, "version": version}
            draw(MILESTONE_FIELDS["title"], form, errs, into=data, value=row["title"])
            draw(MILESTONE_FIELDS["planned_on"], form, errs, into=data, value=row["planned_on"])
            if st.form_submit_button(t("task.save_milestone"), type="primary"):
                _submit(EditMilestone(actor(), **data), form, "task.saved", clear=True)
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
        data: dict = {"task_id": task["id"]}
        draw(PROGRESS_FIELDS["unit_id"], form, errs, into=data, container=c1, options=units,
             format_func=lambda u: names.get(u, ""))
        draw(PROGRESS_FIELDS["reported_on"], form, errs, into=data, container=c2, value=today(), max_value=today())
        draw(PROGRESS_FIELDS["percent"], form, errs, into=data, container=c3, min_value=None, max_value=None,
             value=int(board_row["percent"]), step=5)
        draw(PROGRESS_FIELDS["text"], form, errs, into=data)
        if st.form_submit_button(t("task.add_progress"), type="primary"):
            _submit(AddProgressUpdate(me, **data), form, "task.saved")
        errs.show()
