"""One spec per form field, and one call that draws it.

A form lists its fields once, against the command it runs:

    FIELDS = form_fields(CreateItem, title=("item.title", "text"), summary=("item.summary", "area"))

Each name must be an input field of the command (a typo fails at import). Whether a text field is
required (its label's " *") and how long it may be (the widget's max_chars) are read off the
command's declaration (`stored(Item.title, required=True)`) and the column behind it, never
written in the form. `draw(spec, form, errs)` draws the widget under the key <form>.<name>, with
its label, help and limit, and reserves the field's error slot under it (ui.session.FieldErrors),
where the command's message for that name appears."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.i18n import t
from db.commands.inputs import input_fields
from db.stored_values import column_limits

WIDGETS = ("text", "area", "password", "date", "select", "multiselect", "radio", "checkbox", "number")
NOT_GIVEN: Any = object()


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the command's input field: the widget key's last part and the error slot
    label_key: str
    widget: str = "text"  # one of WIDGETS
    help_key: str | None = None
    required: bool = False  # the label's " *"; a text field's comes from its command's declaration
    max_chars: int | None = None  # a text field's: its column's limit
    key: str | None = None  # the widget key's last part, where an older key differs from the name

    def label(self, required: bool | None = None, suffix: str = "", label_key: str | None = None) -> str:
        need = self.required if required is None else required
        return t(label_key or self.label_key) + suffix + (" *" if need else "")


def form_fields(command: type, **fields: tuple) -> dict[str, FieldSpec]:
    """The specs of a form that runs `command` (a command class or a nested input class), in the
    order given: name=(label key, widget) or (label key, widget, {help_key, required, key}).
    `required` may be given for fields the command checks in its own code (a date, a unit); a
    declared text field takes the declaration's, and its column's limit."""
    declared = {f.name: f for f in input_fields(command)}
    specs = {}
    for name, (label_key, widget, *extra) in fields.items():
        if name not in declared:
            raise KeyError(f"{command.__name__} takes no field {name!r}")
        if widget not in WIDGETS:
            raise ValueError(f"{name}: unknown widget {widget!r}")
        options = dict(extra[0]) if extra else {}
        field = declared[name]
        if field.is_text:
            if "required" in options:
                raise TypeError(f"{name}: a text field is required as {command.__name__} declares it")
            options.update(_text_limits(name, widget, field.stored), required=field.required)
        specs[name] = FieldSpec(name, label_key, widget, **options)
    return specs


def column_field(name: str, label_key: str, attribute, *, required: bool = False, widget: str = "text") -> FieldSpec:
    """A text field kept in `attribute`'s column that a command checks in its own code rather than
    declaring it (an item's kind-specific details, in Item.details)."""
    return FieldSpec(name, label_key, widget, required=required, **_text_limits(name, widget, attribute))


def _text_limits(name: str, widget: str, attribute) -> dict[str, Any]:
    multiline, max_chars = column_limits(attribute)
    if widget not in ("text", "area", "password") or (widget == "area" and not multiline):
        raise ValueError(f"{name}: a {'multi' if multiline else 'one'}-line text cannot be a {widget!r} widget")
    return {"max_chars": max_chars}


def draw(spec: FieldSpec, form: str, errs=None, *, container=None, value: Any = NOT_GIVEN,
         required: bool | None = None, label_key: str | None = None, suffix: str = "", prefix: str = "",
         slot: str | None = None, help_args: dict | None = None, into: dict | None = None, **widget: Any) -> Any:
    """Draw `spec`'s widget (in `container`, else where st draws now) under the key
    <form>.<prefix><name>, reserve the error slot <prefix><name> (or <prefix><slot>) under it, and
    return the widget's value (kept in `into` under the field's name, when given: the command's
    input). `required` and `label_key` override the spec's where they depend on other input (a
    kind's document number); `suffix` follows the label (a follow-up's number); `prefix` names a
    nested input (follow_ups.0.); `help_args` fill the help text; the rest goes to the widget
    (options, index, format_func, max_value …)."""
    box = st if container is None else container
    label = spec.label(required, suffix, label_key)
    key = f"{form}.{prefix}{spec.key or spec.name}"
    if value is not NOT_GIVEN:
        widget["default" if spec.widget == "multiselect" else "value"] = value
    if spec.help_key:
        widget.setdefault("help", t(spec.help_key, **(help_args or {})))
    if spec.widget in ("text", "password"):
        result = box.text_input(label, key=key, max_chars=spec.max_chars,
                                type="password" if spec.widget == "password" else "default", **widget)
    elif spec.widget == "area":
        result = box.text_area(label, key=key, max_chars=spec.max_chars, **widget)
    elif spec.widget == "date":
        result = box.date_input(label, key=key, **{"format": "YYYY-MM-DD", **widget})
    elif spec.widget in ("select", "multiselect", "radio"):
        draw_choice = {"select": box.selectbox, "multiselect": box.multiselect, "radio": box.radio}[spec.widget]
        result = draw_choice(label, widget.pop("options"), key=key, **widget)
    elif spec.widget == "checkbox":
        result = box.checkbox(label, key=key, **widget)
    else:
        result = box.number_input(label, key=key, **widget)
    if errs is not None:
        with nullcontext() if container is None else container:
            errs.slot(prefix + (slot or spec.name))
    if into is not None:
        into[spec.name] = result
    return result
