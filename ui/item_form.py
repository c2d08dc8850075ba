"""The new-item form: the fields the chosen kind needs, with the due date computed live from the
kind's rule (and its legal basis shown) as dates are entered. Widget keys: item_form.<field>."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from core.kinds import KINDS, kind_option_label, kind_order
from db.calendar import due_preview
from db.commands.items import CreateItem
from db.queries.common import units
from db.queries.tasks import task_titles
from ui import state
from ui.session import FieldErrors, actor, engine, read, run_command, saved

FORM = "item_form"


def _on_kind_change(by_code: dict) -> None:
    """Preselect the kind's usual sender and receiver (the clerk can change them)."""
    kind = KINDS[state.value(FORM, "kind")]
    state.preset(FORM, "from_unit_id", by_code.get(kind.default_from))
    state.preset(FORM, "to_unit_id", by_code.get(kind.default_to))


def new_item_form() -> None:
    """The form; once the item is saved, the page is drawn anew with the form empty."""
    unit_rows = [u for u in read(units) if u["active"]]
    names = {u["id"]: u["name"] for u in unit_rows}
    by_code = {u["code"]: u["id"] for u in unit_rows}
    options = [None] + list(names)
    tasks = read(task_titles)
    errs = FieldErrors(FORM)

    kind = st.selectbox(t("item.kind"), kind_order(), key=f"{FORM}.kind", format_func=kind_option_label,
                        on_change=_on_kind_change, args=(by_code,))
    spec = KINDS[kind]
    st.caption(t("item_form.direction", direction=spec.direction))
    if not state.has(state.widget_key(FORM, "from_unit_id")):
        _on_kind_change(by_code)
    c1, c2 = st.columns(2)
    from_unit = c1.selectbox(t("item.from_unit"), options, key=f"{FORM}.from_unit_id",
                             format_func=lambda u: names.get(u, t("item_form.choose")))
    with c1:
        errs.slot("from_unit_id")
    to_unit = c2.selectbox(t("item.to_unit"), options, key=f"{FORM}.to_unit_id",
                           format_func=lambda u: names.get(u, t("item_form.choose")))
    with c2:
        errs.slot("to_unit_id")
    doc_label = t("item.doc_number.suggestion") if spec.doc_number_required else t("item.doc_number")
    doc_number = st.text_input(doc_label + (" *" if spec.doc_number_required else ""), key=f"{FORM}.doc_number",
                               max_chars=100)
    errs.slot("doc_number")
    title = st.text_input(t("item.title") + " *", key=f"{FORM}.title", max_chars=200)
    errs.slot("title")
    details = {}
    for field in spec.form_details:
        details[field] = st.text_input(t(f"item.details.{field}") + (" *" if field in spec.required_details else ""),
                                       key=f"{FORM}.details.{field}", max_chars=200)
        errs.slot(f"details.{field}")
    summary = st.text_area(t("item.summary"), key=f"{FORM}.summary", max_chars=2000)
    errs.slot("summary")

    c3, c4 = st.columns(2)
    sent_on = c3.date_input(t("item.sent_on") + " *", key=f"{FORM}.sent_on", value=today(), max_value=today(),
                            format="YYYY-MM-DD")
    with c3:
        errs.slot("sent_on")
    received = c4.checkbox(t("item_form.already_received"), key=f"{FORM}.received")
    received_on = None
    if received:
        received_on = c4.date_input(t("item.received_on"), key=f"{FORM}.received_on", value=sent_on,
                                    max_value=today(), format="YYYY-MM-DD")
        with c4:
            errs.slot("received_on")
    urgent = False
    if spec.urgent_rule:
        urgent = st.checkbox(t("item.urgent"), key=f"{FORM}.urgent")

    # The due date, live, with the rule and its legal basis.
    preview = due_preview(engine(), kind, urgent, sent_on, received_on) if sent_on else None
    override = st.checkbox(t("item.due_override"), key=f"{FORM}.override", value=spec.agreed_due_date)
    if preview and not override:
        if preview["due_on"]:
            st.info(t("item_form.due_preview", due=fmt_date(preview["due_on"]), rule=preview["rule"]) +
                    (t("item.approximate") if preview["approximate"] else ""), icon=":material/event:")
        else:
            st.info(preview["rule"], icon=":material/event:")
        st.caption(t("item_form.basis", basis=preview["basis"]))
    due_on_override = override_reason = None
    if override:
        c5, c6 = st.columns([1, 2])
        due_on_override = c5.date_input(t("item.due_override_date"), key=f"{FORM}.due_on_override", value=None,
                                        format="YYYY-MM-DD")
        with c5:
            errs.slot("due_on_override")
        override_reason = c6.text_input(t("item.override_reason"), key=f"{FORM}.override_reason", max_chars=2000)
        with c6:
            errs.slot("override_reason")
    c7, c8 = st.columns(2)
    key_task = c7.selectbox(t("item.key_task"), [None] + list(tasks), key=f"{FORM}.key_task_id",
                            format_func=lambda i: tasks.get(i, t("common.none")))
    external_ref = c8.text_input(t("item.external_ref"), key=f"{FORM}.external_ref", max_chars=100)
    with c8:
        errs.slot("external_ref")

    if st.button(t("item_form.submit"), type="primary", key=f"{FORM}.submit"):
        command = CreateItem(actor(), kind=kind, from_unit_id=from_unit, to_unit_id=to_unit, doc_number=doc_number,
                             title=title, summary=summary, details=details, sent_on=sent_on, received_on=received_on,
                             urgent=urgent, due_on_override=due_on_override, override_reason=override_reason,
                             key_task_id=key_task, external_ref=external_ref)
        if run_command(command, form_key=FORM):
            saved(FORM, t("item_form.created"), clear=True)
    errs.show()
