"""Filters that survive reruns and live in the URL, so a link reproduces a view.

Streamlit keeps many of them itself: `url_text`, `url_checkbox`, `url_date` and `url_option` draw
their widget with `bind="query-params"`, which seeds the widget from the URL on load (and on back/forward),
writes every change back, removes a value that is the widget's default or that it cannot take
(not a date, out of range…) and drops the parameter while the widget is not drawn. A bound
widget's key *is* its URL parameter (q, overdue, from, to, outcome, level), and Streamlit keeps its value across
page switches under that key; pages share these names, so ui.state.enter_page forgets them when
another page opens. Streamlit writes the URL in the browser: an AppTest sees the widget's value
change, not its address (the browser tests check the address).

What bind does not cover stays here, written by hand (seeded from st.query_params when the widget
is first drawn or the URL changed from outside, and written back on every change):

- `url_selectbox`, `url_multiselect`, `url_segmented`: a bound choice widget writes the *label*
  its format_func shows (a unit's name, "近30天") into the URL; ours carry the code or the record
  id (to=12, period=30d, status=in_progress, view=tracker), which links from other pages build
  (ui/overview_links.py, units → referrals) and which do not change with the wording. (Options
  that are shown as they are — an outcome, a supervision level — are bound: `url_option`.)
- `url_int` (page, due_within, entity_id): Streamlit 1.67's bound integer number_input passes
  the parameter through float() and int(), so ?page=inf or ?page=1e400 raises OverflowError in
  the page, and " 7", "1_0" or "٣" are taken as numbers; we read digits strictly (parse_int).
- `set_param`: a filter set by code — a chart, matrix or table click — before it is drawn
  (Streamlit forbids writing a bound parameter through st.query_params).
- `url_selection` and `parse_id` / `parse_int` / `parse_date`: record ids, the weekly review's
  week and slide, which are in the URL without any widget (the table or the buttons are the
  control), read strictly within what the database can hold; `set_params` writes such values.
  (The week picker is not bound: presentation mode reads ?week= without drawing the picker, and
  Streamlit would drop a bound parameter whose widget is not drawn.)"""
from __future__ import annotations

import re
from datetime import date
from typing import Callable, Sequence

import streamlit as st

from core.i18n import t
from db.queries.common import page_count
from db.stored_values import FIRST_DAY, INT_MAX, LAST_DAY
from ui import state

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


# -- widgets bound to the URL by Streamlit ----------------------------------------------------------

def url_text(label: str, *, param: str, container=st, max_chars: int = 100, placeholder: str | None = None) -> str:
    """A text filter kept in ?<param>= (cut to max_chars)."""
    state.bound_to_url(param)
    return container.text_input(label, key=param, max_chars=max_chars, placeholder=placeholder,
                                bind="query-params")


def url_checkbox(label: str, *, param: str, container=st) -> bool:
    """A yes/no filter kept in ?<param>=true (absent: no)."""
    state.bound_to_url(param)
    return container.checkbox(label, key=param, bind="query-params")


def url_option(label: str, options: Sequence[str], *, param: str, container=st) -> str:
    """A choice among options shown as they are (the first one, "", reads "all"), kept in
    ?<param>=<option>; the label is the value, so Streamlit's binding keeps the URL as it was."""
    state.bound_to_url(param)
    return container.selectbox(label, options, key=param, format_func=lambda o: o or t("common.all"),
                               bind="query-params")


def url_date(label: str, *, param: str, container=st) -> date | None:
    """A date kept in ?<param>=YYYY-MM-DD; blank (open-ended) when absent, not a date, or outside
    FIRST_DAY…LAST_DAY."""
    state.bound_to_url(param)
    value = container.date_input(label, value=None, key=param, format="YYYY-MM-DD", min_value=FIRST_DAY,
                                 max_value=LAST_DAY, bind="query-params")
    return value if isinstance(value, date) else None


# -- widgets kept in the URL by hand ---------------------------------------------------------------

def _encode(value) -> str | list[str] | None:
    if value is None or value == "" or value is False or value == [] or value == ():
        return None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return "1" if value is True else str(value)


def _write_url(param: str, value, default) -> None:
    encoded = _encode(value)
    if value == default or encoded is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = encoded


def _seed(key: str, param: str, decode: Callable[[list[str]], object], default) -> None:
    """Take the URL's value when the widget is new, or when the URL was changed from outside."""
    raw = st.query_params.get_all(param)
    if not state.has(key) or state.url_seen(key) != raw:
        if raw or not state.has(key):
            try:
                state.put(key, decode(raw) if raw else default)
            except (ValueError, TypeError):
                state.put(key, default)
    state.set_url_seen(key, raw)


def _after(key: str, param: str, default) -> None:
    _write_url(param, state.get(key), default)
    state.set_url_seen(key, st.query_params.get_all(param))


def url_selectbox(label: str, options: Sequence, *, key: str, param: str, default=None,
                  format_func: Callable = str, container=st) -> object:
    """A selectbox kept in ?<param>=<option> (the option itself, not its label). A None option
    means "all" (its label from format_func)."""
    options = list(options)
    default = options[0] if default is None else default
    by_text = {str(o): o for o in options}
    _seed(key, param, lambda raw: by_text.get(raw[0], default), default)
    state.keep_choice(key, options, default)
    value = container.selectbox(label, options, key=key, format_func=format_func,
                                placeholder=format_func(None) if None in options else None,
                                on_change=_after, args=(key, param, default))
    _after(key, param, default)
    return value


def url_multiselect(label: str, options: Sequence, *, key: str, param: str, format_func: Callable = str,
                    container=st, placeholder: str | None = None) -> list:
    """A multiselect kept in ?<param>=<option>&<param>=<option>… (options unknown are dropped)."""
    options = list(options)
    by_text = {str(o): o for o in options}
    _seed(key, param, lambda raw: [by_text[r] for r in raw if r in by_text], [])
    state.put(key, [v for v in state.get(key) if v in options])
    value = container.multiselect(label, options, key=key, format_func=format_func, placeholder=placeholder,
                                  on_change=_after, args=(key, param, []))
    _after(key, param, [])
    return value


def url_segmented(label: str, options: Sequence, *, key: str, param: str, format_func: Callable = str,
                  container=st) -> object:
    """A segmented control (a view switch) kept in ?<param>=<option>; never empty."""
    options = list(options)
    default = options[0]
    by_text = {str(o): o for o in options}
    _seed(key, param, lambda raw: by_text.get(raw[0], default), default)
    state.keep_choice(key, options, default)
    value = container.segmented_control(label, options, key=key, format_func=format_func,
                                        on_change=_after, args=(key, param, default), label_visibility="collapsed",
                                        required=True)
    _after(key, param, default)
    return value if value is not None else default


def url_int(label: str, *, key: str, param: str, default: int | None, min_value: int = 0,
            max_value: int = 10_000, container=st) -> int | None:
    """A number input kept in ?<param>=<digits>; anything but digits within min_value…max_value
    reads as the default. A value kept from an earlier run that is now past max_value (fewer pages
    since) becomes max_value, in the box and in the URL."""
    def decode(raw):
        value = parse_int(raw[0], min_value, max_value)
        return default if value is None else value
    _seed(key, param, decode, default)
    if isinstance(state.get(key), int) and state.get(key) > max_value:
        state.put(key, max_value)
    value = container.number_input(label, key=key, min_value=min_value, max_value=max_value, step=1,
                                   on_change=_after, args=(key, param, default))
    _after(key, param, default)
    return value


def url_page(total: int, *, key: str) -> int:
    """The page of a long list to read (?page=, 1 to the last page), drawn as a number box beside
    "共 N 件 · 第 p/n 页"."""
    pages = page_count(total)
    c1, c2 = st.columns([1, 4], vertical_alignment="bottom")
    page = url_int(t("referrals.page"), key=key, param="page", default=1, min_value=1, max_value=pages, container=c1)
    c2.caption(t("referrals.count", total=total, page=page, pages=pages))
    return page


def set_param(key: str, param: str, value) -> None:
    """Set a hand-kept filter by code (e.g. from a chart or table click), before it is drawn."""
    state.put(key, value)
    _write_url(param, value, None)
    state.set_url_seen(key, st.query_params.get_all(param))


# -- values in the URL without a widget -------------------------------------------------------------

def url_selection(param: str) -> int:
    """The id of the record chosen in a table (a click sets it with `set_param`; a link carries
    it), read from the URL; 0 (nothing chosen) unless it is a record id (parse_id)."""
    return parse_id(st.query_params.get(param)) or 0


def set_params(**params) -> None:
    """Write URL parameters that no widget draws (None removes one), e.g. from a button's on_click."""
    for param, value in params.items():
        _write_url(param, value, None)
