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
from ui.session import FieldErrors, actor, read, run_command, saved
from ui.state import edit_version


def item_edit_form(item: dict) -> None:
    me = actor()
    if not can(me, UpdateItem.permission):
        return
    form = f"item_edit.{item['id']}"
    spec = KINDS[item["kind"]]
    names = {u["id"]: u["name"] for u in read(units) if u["active"] or u["id"] in (item["from_unit_id"], item["to_unit_id"])}
    options = list(names)
    tasks = read(task_titles)
    errs = FieldErrors(form)
    with st.expander(t("item_edit.title"), icon=":material/edit:"), st.form(form):
        version = edit_version(form, item["version"])
        c1, c2 = st.columns(2)
        from_unit = c1.selectbox(t("item.from_unit"), options, index=options.index(item["from_unit_id"]),
                                 key=f"{form}.from_unit_id", format_func=names.get)
        to_unit = c2.selectbox(t("item.to_unit"), options, index=options.index(item["to_unit_id"]),
                               key=f"{form}.to_unit_id", format_func=names.get)
        with c2:
            errs.slot("to_unit_id")
        doc_label = t("item.doc_number.suggestion") if spec.doc_number_required else t("item.doc_number")
        doc_number = st.text_input(doc_label, value=item["doc_number"] or "", key=f"{form}.doc_number", max_chars=100)
        errs.slot("doc_number")
        title = st.text_input(t("item.title") + " *", value=item["title"], key=f"{form}.title", max_chars=200)
        errs.slot("title")
        details = dict(item["details"] or {})
        for field in spec.form_details:
            details[field] = st.text_input(t(f"item.details.{field}"), value=details.get(field) or "",
                                           key=f"{form}.details.{field}", max_chars=200)
            errs.slot(f"details.{field}")
        summary = st.text_area(t("item.summary"), value=item["summary"] or "", key=f"{form}.summary", max_chars=2000)
        errs.slot("summary")
        c3, c4 = st.columns(2)
        sent_on = c3.date_input(t("item.sent_on"), value=item["sent_on"], max_value=today(), key=f"{form}.sent_on",
                                format="YYYY-MM-DD")
        with c3:
            errs.slot("sent_on")
        received_on = c4.date_input(t("item.received_on"), value=item["received_on"], max_value=today(),
                                    key=f"{form}.received_on", format="YYYY-MM-DD")
        with c4:
            errs.slot("received_on")
        urgent = st.checkbox(t("item.urgent"), value=bool(item["urgent"]), key=f"{form}.urgent") \
            if spec.urgent_rule else False
        override = st.checkbox(t("item.due_override"), value=bool(item["due_override_reason"]), key=f"{form}.override")
        c5, c6 = st.columns([1, 2])
        due_on_override = c5.date_input(t("item.due_override_date"), value=item["due_on"] if item["due_override_reason"] else None,
                                        key=f"{form}.due_on_override", format="YYYY-MM-DD")
        with c5:
            errs.slot("due_on_override")
        reason = c6.text_input(t("item.override_reason"), value=item["due_override_reason"] or "",
                               key=f"{form}.override_reason", max_chars=2000)
        with c6:
            errs.slot("override_reason")
        task_ids = [None] + list(tasks)
        key_task = st.selectbox(t("item.key_task"), task_ids, index=task_ids.index(item["key_task_id"]),
                                key=f"{form}.key_task_id", format_func=lambda i: tasks.get(i, t("common.none")))
        external_ref = st.text_input(t("item.external_ref"), value=item["external_ref"] or "",
                                     key=f"{form}.external_ref", max_chars=100)
        errs.slot("external_ref")
        errs.slot("kind")
        if st.form_submit_button(t("item_edit.save"), type="primary"):
            command = UpdateItem(me, item_id=item["id"], version=version, kind=item["kind"], from_unit_id=from_unit,
                                 to_unit_id=to_unit, doc_number=doc_number, title=title, summary=summary,
                                 details=details, sent_on=sent_on, received_on=received_on, urgent=urgent,
                                 due_on_override=due_on_override if override else None,
                                 override_reason=reason if override else None, key_task_id=key_task,
                                 external_ref=external_ref)
            if run_command(command, form_key=form):
                saved(form, t("item_edit.saved"), clear=True)
        errs.show()
