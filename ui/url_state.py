"""Filters that survive reruns and live in the URL, so a link reproduces a view.

`url_selectbox` seeds the widget from st.query_params on first render and writes every change
back to the URL."""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st


def _sync(key: str, param: str, default) -> None:
    value = st.session_state.get(key)
    if value == default or value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(value)


def url_selectbox(label: str, options: Sequence, *, key: str, param: str, default=None,
                  format_func: Callable = str, container=st) -> object:
    """A selectbox whose value is mirrored in the URL query parameter `param`."""
    options = list(options)
    default = options[0] if default is None else default
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        chosen = next((o for o in options if str(o) == wanted), default)
        st.session_state[key] = chosen
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    value = container.selectbox(label, options, key=key, format_func=format_func,
                                on_change=_sync, args=(key, param, default))
    _sync(key, param, default)
    return value
