"""Correct an item's recorded fields (office staff): the same fields as the new-item form, its
kind fixed; the due date follows the corrected dates unless it was set by hand. Widget keys:
item_edit.<id>.<field>."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import t
from core.kinds import KINDS
from core.permissions import can
from db.commands.items import UpdateItem
from db.queries.common import units
from db.queries.tasks import task_titles
from ui.fields import draw
from ui.item_form import FIELDS, FURTHER, detail_fields, doc_number_label, unit_option_label
from ui.session import FieldErrors, actor, read, run_command, saved
from ui.state import edit_version


def item_edit_form(item: dict) -> None:
    me = actor()
    if not can(me, UpdateItem.permission):
        return
    form = f"item_edit.{item['id']}"
    kind = KINDS[item["kind"]]
    names = {u["id"]: unit_option_label(u) for u in read(units)
             if u["active"] or u["id"] in (item["from_unit_id"], item["to_unit_id"])}
    options = list(names)
    tasks = read(task_titles)
    errs = FieldErrors(form)
    with st.expander(t("item_edit.title"), icon=":material/edit:"), st.form(form):
        version = edit_version(form, item["version"])
        data: dict = {"kind": item["kind"]}  # the command's input, by field name
        c1, c2 = st.columns(2)
        for name, column in (("from_unit_id", c1), ("to_unit_id", c2)):
            draw(FIELDS[name], form, errs, into=data, container=column, options=options,
                 index=options.index(item[name]), format_func=names.get)
        draw(FIELDS["doc_number"], form, errs, into=data, value=item["doc_number"] or "",
             required=kind.doc_number_required, label_key=doc_number_label(kind))
        draw(FIELDS["title"], form, errs, into=data, value=item["title"])
        data["details"] = dict(item["details"] or {})
        for spec in detail_fields(kind):
            draw(spec, form, errs, into=data["details"], prefix="details.", value=data["details"].get(spec.name) or "")
        draw(FIELDS["summary"], form, errs, into=data, value=item["summary"] or "")
        for spec in FURTHER.values():
            draw(spec, form, errs, into=data, value=item[spec.name] or "")
        c3, c4 = st.columns(2)
        for name, column in (("sent_on", c3), ("received_on", c4)):
            draw(FIELDS[name], form, errs, into=data, container=column, value=item[name], max_value=today())
        data["urgent"] = False
        if kind.urgent_rule:
            draw(FIELDS["urgent"], form, errs, into=data, value=bool(item["urgent"]))
        override = st.checkbox(t("item.due_override"), value=bool(item["due_override_reason"]), key=f"{form}.override")
        c5, c6 = st.columns([1, 2])
        draw(FIELDS["due_on_override"], form, errs, into=data, container=c5,
             value=item["due_on"] if item["due_override_reason"] else None)
        draw(FIELDS["override_reason"], form, errs, into=data, container=c6, value=item["due_override_reason"] or "")
        if not override:
            data["due_on_override"] = data["override_reason"] = None
        task_ids = [None] + list(tasks)
        draw(FIELDS["key_task_id"], form, errs, into=data, options=task_ids, index=task_ids.index(item["key_task_id"]),
             format_func=lambda i: tasks.get(i, t("common.none")))
        draw(FIELDS["external_ref"], form, errs, into=data, value=item["external_ref"] or "")
        errs.slot("kind")
        if st.form_submit_button(t("item_edit.save"), type="primary"):
            if run_command(UpdateItem(me, item_id=item["id"], version=version, **data), form_key=form):
                saved(form, t("item_edit.saved"), clear=True)
        errs.show()
