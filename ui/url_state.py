"""Filters that survive reruns and live in the URL, so a link reproduces a view.

Each helper seeds its widget from st.query_params the first time it is drawn in a session (or
when the URL changed, e.g. a link from another page) and writes every change back to the URL."""
from __future__ import annotations

import re
from datetime import date
from typing import Callable, Sequence

import streamlit as st

from db.stored_values import FIRST_DAY, INT_MAX, LAST_DAY

_DIGITS = re.compile(r"[0-9]{1,10}")  # 10 digits hold INT_MAX; int() would also take " 7", "1_0", "٣"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# -- values read from the URL: strictly, within what the database can hold; anything else is None ----

def parse_int(raw: object, low: int, high: int) -> int | None:
    """`raw` as an int when it is plain ASCII digits within low…high, else None."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_id(raw: object) -> int | None:
    """A record id (1 … INT_MAX, PostgreSQL's integer) from text, else None."""
    return parse_int(raw, 1, INT_MAX)


def parse_date(raw: object) -> date | None:
    """An ISO date (YYYY-MM-DD) between FIRST_DAY and LAST_DAY (the stored-value rule), else None."""
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:  # e.g. 2026-02-30
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _encode(value) -> str | list[str] | None:
    if value is None or value == "" or value is False or value == [] or value == ():
        return None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return "1" if value is True else str(value)


def _write(key: str, param: str, default) -> None:
    value = st.session_state.get(key)
    encoded = _encode(value)
    if value == default or encoded is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = encoded


def _seed(key: str, param: str, decode: Callable[[list[str]], object], default) -> None:
    """Take the URL's value when the widget is new, or when the URL was changed from outside."""
    raw = st.query_params.get_all(param)
    seen_key = f"_url_seen.{key}"
    if key not in st.session_state or st.session_state.get(seen_key) != raw:
        if raw or key not in st.session_state:
            try:
                st.session_state[key] = decode(raw) if raw else default
            except (ValueError, TypeError):
                st.session_state[key] = default
    st.session_state[seen_key] = raw


def _after(key: str, param: str, default) -> None:
    _write(key, param, default)
    st.session_state[f"_url_seen.{key}"] = st.query_params.get_all(param)


def url_selectbox(label: str, options: Sequence, *, key: str, param: str, default=None,
                  format_func: Callable = str, container=st) -> object:
    """A selectbox mirrored in the URL. A None option means "all" (its label from format_func)."""
    options = list(options)
    default = options[0] if default is None else default
    by_text = {str(o): o for o in options}

    def decode(raw):
        return by_text.get(raw[0], default)
    _seed(key, param, decode, default)
    if st.session_state[key] not in options:
        st.session_state[key] = default
    value = container.selectbox(label, options, key=key, format_func=format_func,
                                placeholder=format_func(None) if None in options else None,
                                on_change=_after, args=(key, param, default))
    _after(key, param, default)
    return value


def url_multiselect(label: str, options: Sequence, *, key: str, param: str, format_func: Callable = str,
                    container=st, placeholder: str | None = None) -> list:
    options = list(options)
    by_text = {str(o): o for o in options}

    def decode(raw):
        return [by_text[r] for r in raw if r in by_text]
    _seed(key, param, decode, [])
    st.session_state[key] = [v for v in st.session_state[key] if v in options]
    value = container.multiselect(label, options, key=key, format_func=format_func, placeholder=placeholder,
                                  on_change=_after, args=(key, param, []))
    _after(key, param, [])
    return value


def url_checkbox(label: str, *, key: str, param: str, container=st) -> bool:
    _seed(key, param, lambda raw: raw[0] == "1", False)
    value = container.checkbox(label, key=key, on_change=_after, args=(key, param, False))
    _after(key, param, False)
    return value


def url_text(label: str, *, key: str, param: str, container=st, max_chars: int = 100,
             placeholder: str | None = None) -> str:
    _seed(key, param, lambda raw: raw[0][:max_chars], "")
    value = container.text_input(label, key=key, max_chars=max_chars, placeholder=placeholder,
                                 on_change=_after, args=(key, param, ""))
    _after(key, param, "")
    return value


def url_date(label: str, *, key: str, param: str, container=st):
    """A date input mirrored in the URL as an ISO date (blank: open-ended; not a date between
    FIRST_DAY and LAST_DAY: blank too)."""
    _seed(key, param, lambda raw: parse_date(raw[0]), None)
    value = container.date_input(label, key=key, format="YYYY-MM-DD", min_value=FIRST_DAY, max_value=LAST_DAY,
                                 on_change=_after, args=(key, param, None))
    _after(key, param, None)
    return value if isinstance(value, date) else None


def url_int(label: str, *, key: str, param: str, default: int | None, min_value: int = 0,
            max_value: int = 10_000, container=st) -> int | None:
    """A number input mirrored in the URL; digits outside min_value…max_value (or not digits) read
    as the default."""
    def decode(raw):
        value = parse_int(raw[0], min_value, max_value)
        return default if value is None else value
    _seed(key, param, decode, default)
    value = container.number_input(label, key=key, min_value=min_value, max_value=max_value, step=1,
                                   on_change=_after, args=(key, param, default))
    _after(key, param, default)
    return value


def set_param(key: str, param: str, value) -> None:
    """Set a filter programmatically (e.g. from a chart or table click), before it is drawn."""
    st.session_state[key] = value
    encoded = _encode(value)
    if encoded is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = encoded
    st.session_state[f"_url_seen.{key}"] = st.query_params.get_all(param)


def url_segmented(label: str, options: Sequence, *, key: str, param: str, format_func: Callable = str,
                  container=st) -> object:
    """A segmented control (a view switch) mirrored in the URL; never empty."""
    options = list(options)
    default = options[0]
    by_text = {str(o): o for o in options}
    _seed(key, param, lambda raw: by_text.get(raw[0], default), default)
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    value = container.segmented_control(label, options, key=key, format_func=format_func,
                                        on_change=_after, args=(key, param, default), label_visibility="collapsed",
                                        required=True)
    _after(key, param, default)
    return value if value is not None else default


def url_selection(param: str) -> int:
    """The id of the record chosen in a table (a click sets it with `set_param`; a link carries
    it), read from the URL; 0 (nothing chosen) unless it is a record id (parse_id).
    No widget: the table itself is the control."""
    return parse_id(st.query_params.get(param)) or 0
