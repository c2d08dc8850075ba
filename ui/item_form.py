"""The new-item form: the fields the chosen kind needs, with the due date computed live from the
kind's rule (and its legal basis shown) as dates are entered. Widget keys: item_form.<field>."""
from __future__ import annotations

import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from core.kinds import KINDS, Kind, kind_option_label, kind_order
from db.calendar import due_preview
from db.commands.items import CreateItem, plain_text_fields
from db.models import Item
from db.stored_values import column_limits
from db.queries.common import units
from db.queries.tasks import task_titles
from ui import state
from ui.fields import FieldSpec, column_field, draw, form_fields
from ui.session import FieldErrors, actor, engine, read, run_command, saved

FORM = "item_form"
# The fields of an item, for the new-item form and the correction form (UpdateItem declares the same).
FIELDS = form_fields(
    CreateItem, kind=("item.kind", "select"), from_unit_id=("item.from_unit", "select"),
    to_unit_id=("item.to_unit", "select"), doc_number=("item.doc_number", "text"), title=("item.title", "text"),
    summary=("item.summary", "area"), sent_on=("item.sent_on", "date", {"required": True}),
    received_on=("item.received_on", "date"), urgent=("item.urgent", "checkbox"),
    due_on_override=("item.due_override_date", "date"), override_reason=("item.override_reason", "text"),
    key_task_id=("item.key_task", "select"), external_ref=("item.external_ref", "text"))
# An item's further text fields (declared on the command, not laid out above): drawn after 摘要 on
# both forms and shown on the detail, each under its catalog label item.<name>.
FURTHER = form_fields(CreateItem, **{
    name: (f"item.{name}", "area" if column_limits(getattr(Item, name))[0] else "text")
    for name in plain_text_fields() if name not in FIELDS})


def detail_fields(kind: Kind) -> list[FieldSpec]:
    """The kind's own fields (kept in Item.details), required as the kind says; drawn with the
    prefix "details."."""
    return [column_field(name, f"item.details.{name}", Item.details, required=name in kind.required_details)
            for name in kind.form_details]


def unit_option_label(unit: dict) -> str:
    """A unit as the form's list shows it: its name, and its first other name (the full official
    one, as seeded), so that typing either finds it."""
    aliases = unit["aliases"] or []
    return f"{unit['name']}({aliases[0]})" if aliases else unit["name"]


def doc_number_label(kind: Kind) -> str:
    """Some kinds name their document (建议书文号) and require it."""
    return "item.doc_number.suggestion" if kind.doc_number_required else "item.doc_number"


def _on_kind_change(by_code: dict) -> None:
    """Preselect the kind's usual sender and receiver (the clerk can change them)."""
    kind = KINDS[state.value(FORM, "kind")]
    state.preset(FORM, "from_unit_id", by_code.get(kind.default_from))
    state.preset(FORM, "to_unit_id", by_code.get(kind.default_to))


def new_item_form() -> None:
    """The form; once the item is saved, the page is drawn anew with the form empty."""
    unit_rows = [u for u in read(units) if u["active"]]
    names = {u["id"]: unit_option_label(u) for u in unit_rows}
    by_code = {u["code"]: u["id"] for u in unit_rows}
    options = [None] + list(names)
    tasks = read(task_titles)
    errs = FieldErrors(FORM)
    data: dict = {}  # the command's input, by field name

    kind = KINDS[draw(FIELDS["kind"], FORM, errs, into=data, options=kind_order(), format_func=kind_option_label,
                      on_change=_on_kind_change, args=(by_code,))]
    st.caption(t("item_form.direction", direction=kind.direction))
    if not state.has(state.widget_key(FORM, "from_unit_id")):
        _on_kind_change(by_code)
    c1, c2 = st.columns(2)

    def choose(unit_id):
        return names.get(unit_id, t("item_form.choose"))

    draw(FIELDS["from_unit_id"], FORM, errs, into=data, container=c1, options=options, format_func=choose)
    draw(FIELDS["to_unit_id"], FORM, errs, into=data, container=c2, options=options, format_func=choose)
    draw(FIELDS["doc_number"], FORM, errs, into=data, required=kind.doc_number_required,
         label_key=doc_number_label(kind))
    draw(FIELDS["title"], FORM, errs, into=data)
    data["details"] = {}
    for spec in detail_fields(kind):
        draw(spec, FORM, errs, into=data["details"], prefix="details.")
    draw(FIELDS["summary"], FORM, errs, into=data)
    for spec in FURTHER.values():
        draw(spec, FORM, errs, into=data)

    c3, c4 = st.columns(2)
    sent_on = draw(FIELDS["sent_on"], FORM, errs, into=data, container=c3, value=today(), max_value=today())
    data["received_on"] = None
    if c4.checkbox(t("item_form.already_received"), key=f"{FORM}.received"):
        draw(FIELDS["received_on"], FORM, errs, into=data, container=c4, value=sent_on, max_value=today())
    data["urgent"] = False
    if kind.urgent_rule:
        draw(FIELDS["urgent"], FORM, errs, into=data)

    # The due date, live, with the rule and its legal basis.
    preview = due_preview(engine(), kind.code, data["urgent"], sent_on, data["received_on"]) if sent_on else None
    override = st.checkbox(t("item.due_override"), key=f"{FORM}.override", value=kind.agreed_due_date)
    if preview and not override:
        if preview["due_on"]:
            st.info(t("item_form.due_preview", due=fmt_date(preview["due_on"]), rule=preview["rule"]) +
                    (t("item.approximate") if preview["approximate"] else ""), icon=":material/event:")
        else:
            st.info(preview["rule"], icon=":material/event:")
        st.caption(t("item_form.basis", basis=preview["basis"]))
    data["due_on_override"] = data["override_reason"] = None
    if override:
        c5, c6 = st.columns([1, 2])
        draw(FIELDS["due_on_override"], FORM, errs, into=data, container=c5, value=None)
        draw(FIELDS["override_reason"], FORM, errs, into=data, container=c6)
    c7, c8 = st.columns(2)
    draw(FIELDS["key_task_id"], FORM, errs, into=data, container=c7, options=[None] + list(tasks),
         format_func=lambda i: tasks.get(i, t("common.none")))
    draw(FIELDS["external_ref"], FORM, errs, into=data, container=c8)

    if st.button(t("item_form.submit"), type="primary", key=f"{FORM}.submit"):
        if run_command(CreateItem(actor(), **data), form_key=FORM):
            saved(FORM, t("item_form.created"), clear=True)
    errs.show()
