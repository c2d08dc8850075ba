"""What a command takes: typed, frozen input fields, declared once.

A command is a frozen dataclass (db.commands.base.Command); its fields are its input. A text
field that is stored names its column and whether it is required:

    title: str | None = stored(Item.title, required=True)

and validation reads that declaration (`Command.text_errors`), as a form may (`input_fields`).
Other fields are plain typed defaults (`sent_on: date | None = None`), or `typed(...)` where a
wrongly typed value deserves a message of its own (a percentage, a unit id). Nested inputs (a
meeting's follow-up items) are `Input` dataclasses, given as dicts or as themselves.

`type_errors` compares every value with its declared type (a float or bytes where an int, a str or
a date is declared) and names the field with a Chinese message, so that no command body ever
sees a value of the wrong type. Nothing here imports streamlit."""
from __future__ import annotations

import dataclasses
import numbers
import types
import typing
from collections.abc import Callable as CallableABC
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, Union

from core.i18n import t
from core.text import clean_text, text_problem
from db.stored_values import column_limits


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()  # the default of a field that has none
REQUIRED = ("error.required", {})  # the message of an input that holds nothing usable


def stored(attribute, *, required: bool = False, wrong_type: tuple[str, dict] | None = None,
           secret: bool = False) -> Any:
    """A text input kept in `attribute`'s column (a model attribute such as Item.title): the column
    gives its length limit and whether line breaks are allowed; `required`: blank is refused;
    `secret`: left out of the command's repr (a token must not reach a log line)."""
    meta = {"stored": attribute, "required": required} | ({"wrong_type": wrong_type} if wrong_type else {})
    return field(default=None, metadata=meta, repr=not secret)


def typed(default: Any = None, *, wrong_type: tuple[str, dict] | None = None, factory: Any = NOT_GIVEN) -> Any:
    """An input with a default and the catalog message (key, format arguments) shown when a value
    of the wrong type is given, in place of the type's general one."""
    meta = {"wrong_type": wrong_type} if wrong_type else {}
    if factory is not NOT_GIVEN:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def result(default: Any = None, *, factory: Any = NOT_GIVEN) -> Any:
    """Something a command reports after running (an import's summary, a backup's file): not
    input, so not a constructor argument; set with Command.report."""
    if factory is not NOT_GIVEN:
        return field(default_factory=factory, init=False, repr=False, compare=False)
    return field(default=default, init=False, repr=False, compare=False)


@dataclass(frozen=True)
class InputField:
    """One input field of a command (or of a nested input): its name, declared type, the column
    a text is stored in, whether it is required, and its default (NOT_GIVEN when none)."""
    name: str
    type: Any
    stored: Any = None
    required: bool = False
    default: Any = NOT_GIVEN
    wrong_type: tuple[str, dict] | None = None

    @property
    def is_text(self) -> bool:
        return self.stored is not None and _base_type(self.type) is str


@cache
def input_fields(cls: type) -> tuple[InputField, ...]:
    """The input fields of a command class (the actor left out) or of a nested input class, in
    declaration order: what a form for it would list."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if not f.init or f.name == "actor":
            continue
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else NOT_GIVEN)
        out.append(InputField(f.name, hints[f.name], f.metadata.get("stored"), f.metadata.get("required", False),
                              default, f.metadata.get("wrong_type")))
    return tuple(out)


@cache
def text_rules(cls: type) -> dict[str, tuple[bool, Any]]:
    """field -> (required, model attribute) of the declared text fields of a class."""
    return {f.name: (f.required, f.stored) for f in input_fields(cls) if f.is_text}


@cache
def _text_checks(cls: type) -> tuple[tuple[str, bool, bool, int | None], ...]:
    """(field, required, multiline, max_len) of the declared text fields: the column limits are
    read once per class, not on every run (an import runs the checks on every row)."""
    return tuple((name, required, *column_limits(attribute)) for name, (required, attribute) in text_rules(cls).items())


@dataclass(frozen=True, kw_only=True)
class Input:
    """A nested input (e.g. one follow-up item of a meeting), typed like a command's own fields."""

    def text_errors(self, *names: str, required: dict[str, bool] | None = None) -> dict[str, str]:
        return declared_text_errors(self, names, required)


def fields_of(obj) -> dict[str, Any]:
    """The input values of a command (or nested input) by field name, nested inputs as dicts (the
    actor and the command's results left out; nothing is copied)."""
    return {f.name: _plain(getattr(obj, f.name)) for f in input_fields(type(obj))}


def _plain(value: Any) -> Any:
    if isinstance(value, Input):
        return fields_of(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Input) for v in value):
        return [_plain(v) for v in value]
    return value


# -- stored-text checks ------------------------------------------------------------------------------

def text_errors(data: dict, rules: dict[str, tuple[bool, Any]]) -> dict[str, str]:
    """Required and stored-text checks of text values. rules maps field -> (required, model
    attribute, e.g. Item.title): the column gives the length limit and whether line breaks are
    allowed (core.text's rule, the same that every flush enforces)."""
    errors: dict[str, str] = {}
    for name, (required, attribute) in rules.items():
        message = _text_error(data.get(name), required, attribute)
        if message:
            errors[name] = message
    return errors


def _text_error(raw: Any, required: bool, attribute: Any = None, limits: tuple[bool, int | None] | None = None) -> str | None:
    value = raw.strip() if isinstance(raw, str) else raw
    if required and not value:
        return t("error.required")
    if value is not None and not isinstance(value, str):
        return t("error.not_text")
    if isinstance(value, str):
        multiline, max_len = limits or column_limits(attribute)
        problem = text_problem(value, multiline=multiline, max_len=max_len)
        if problem:
            return t(problem[0], **problem[1])
    return None


def declared_text_errors(obj, names: tuple[str, ...] = (), required: dict[str, bool] | None = None) -> dict[str, str]:
    """text_errors of an input's declared text fields (all, or `names`), with `required`
    overriding a declaration where it depends on other input."""
    errors: dict[str, str] = {}
    for name, need, multiline, max_len in _text_checks(type(obj)):
        if names and name not in names:
            continue
        if required and name in required:
            need = required[name]
        message = _text_error(getattr(obj, name), need, limits=(multiline, max_len))
        if message:
            errors[name] = message
    return errors


# -- type checks --------------------------------------------------------------------------------------

def _union_args(hint) -> tuple:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _base_type(hint) -> Any:
    """The declared type without None: `str | None` -> str; `list[int] | None` -> list[int]."""
    args = [a for a in _union_args(hint) if a is not type(None)]
    return args[0] if len(args) == 1 else hint


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def conforms(value: Any, hint: Any) -> bool:
    """Whether `value` is of the declared type (str, int, bool, date, dict/list/tuple of those,
    a class, a callable, unions). A bool is no int and a datetime no date here; a list is accepted
    for a tuple and a tuple for a list."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(conforms(value, arg) for arg in typing.get_args(hint))
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return _is_int(value)
    if hint is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if origin is dict:
        key_type, value_type = typing.get_args(hint) or (Any, Any)
        return isinstance(value, dict) and all(conforms(k, key_type) and conforms(v, value_type)
                                               for k, v in value.items())
    if origin in (list, tuple):
        args = typing.get_args(hint)
        element = args[0] if args else Any
        return isinstance(value, (list, tuple)) and all(conforms(v, element) for v in value)
    if origin is CallableABC or hint is CallableABC:
        return callable(value)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def _shown(value: Any) -> str:
    text = clean_text(str(value), multiline=False)
    return text if len(text) <= 20 else text[:19] + "…"


def _message(hint: Any, value: Any) -> str:
    """The general message for a value that is not of type `hint`."""
    base = _base_type(hint)
    if typing.get_origin(base) in (list, tuple) and isinstance(value, (list, tuple)):
        base = _base_type((typing.get_args(base) or (Any,))[0])
    if base is str:
        return t("error.not_text")
    if base is date:
        return t("error.bad_date")
    if base is int:
        return t("error.number_out_of_range")
    if base is bool:
        return t("import.error.bad_bool", value=_shown(value))
    return t("error.validation_failed")


def type_errors(obj, prefix: str = "") -> dict[str, str]:
    """A Chinese message per field (nested fields by path, e.g. follow_ups.0.due_on, details.case_name)
    whose value is not of its declared type."""
    errors: dict[str, str] = {}
    for f in input_fields(type(obj)):
        value = getattr(obj, f.name)
        path = prefix + f.name
        if conforms(value, f.type):
            if isinstance(value, (list, tuple)):
                for i, element in enumerate(value):
                    if isinstance(element, Input):
                        errors.update(type_errors(element, f"{path}.{i}."))
            continue
        if f.wrong_type:
            errors[path] = t(f.wrong_type[0], **f.wrong_type[1])
            continue
        base = _base_type(f.type)
        if typing.get_origin(base) is dict and isinstance(value, dict):
            value_type = (typing.get_args(base) or (Any, Any))[1]
            wrong = [k for k, v in value.items() if isinstance(k, str) and not conforms(v, value_type)]
            if wrong and all(isinstance(k, str) for k in value):
                errors.update({f"{path}.{k}": _message(value_type, value[k]) for k in wrong})
                continue
        if typing.get_origin(base) in (list, tuple) and isinstance(value, (list, tuple)):
            element_type = (typing.get_args(base) or (Any,))[0]
            if isinstance(element_type, type) and issubclass(element_type, Input):
                for i, element in enumerate(value):
                    if isinstance(element, Input):
                        errors.update(type_errors(element, f"{path}.{i}."))
                    else:
                        errors[f"{path}.{i}"] = t("error.validation_failed")
                continue
        errors[path] = _message(f.type, value)
    return errors
