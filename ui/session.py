"""Process-wide engine, per-run identity, cached reads keyed on the data version, and the one
way pages run commands (messages shown, input kept, data refreshed)."""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st
from sqlalchemy.engine import Engine

from core.config import Settings, load_settings
from core.permissions import Actor
from db.commands.base import CommandError, StaleEdit
from db.engine import make_engine, migrate
from db.queries.common import data_version as _data_version
from seed.reference import load_reference
from ui.tables import escape_markdown


@st.cache_resource(show_spinner=False)
def _engine_for(url: str, demo: bool) -> Engine:
    """Created once per process and database: migrate, load reference data, demo data if asked."""
    engine = make_engine(url)
    migrate(engine)
    load_reference(engine)
    if demo:
        from seed.demo import create_demo_accounts, generate_demo
        generate_demo(engine)
        create_demo_accounts(engine)
    return engine


def settings() -> Settings:
    if "_settings" not in st.session_state:
        st.session_state["_settings"] = load_settings()
    return st.session_state["_settings"]


def engine() -> Engine:
    s = settings()
    return _engine_for(s.database_url, s.demo)


def data_version(refresh: bool = False) -> int:
    """Newest audit row id, read once per run (and again after a write in the same run)."""
    run = st.session_state.get("_run_id")
    if refresh or st.session_state.get("_version_run") != run:
        st.session_state["_data_version"] = _data_version(engine())
        st.session_state["_version_run"] = run
    return st.session_state["_data_version"]


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(_fn: Callable, name: str, url: str, version: int, args: tuple, kwargs: tuple) -> Any:
    return _fn(engine(), *args, **dict(kwargs))


def read(fn: Callable, *args, **kwargs) -> Any:
    """Run a db.queries function, cached until anyone writes anything."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _cached(fn, name, settings().database_url, data_version(), args, tuple(sorted(kwargs.items())))


def actor() -> Actor | None:
    return st.session_state.get("actor")


def run_command(command, *, success: str | None = None, form_key: str | None = None) -> bool:
    """Run a command; on refusal show its message and the per-field messages (the form keeps the
    user's input because widgets keep their state); on success refresh the data version."""
    errors_key = f"{form_key}.errors" if form_key else None
    try:
        command.run(engine())
    except CommandError as exc:
        if errors_key:
            st.session_state[errors_key] = exc.field_errors
        if isinstance(exc, StaleEdit) and form_key:
            # The user has now seen that the record changed; the page shows it as it is now, and
            # submitting again (input kept) applies to that version.
            forget_edit_version(form_key)
        st.error(escape_markdown(exc.message))  # messages may quote what the user typed
        return False
    except Exception:  # never a traceback for the user
        import logging
        logging.getLogger(__name__).exception("command failed")
        from core.i18n import t
        st.error(t("app.error"))
        return False
    if errors_key:
        st.session_state.pop(errors_key, None)
    data_version(refresh=True)
    if success:
        st.session_state["_flash"] = success  # shown at the top of the page on the next run(s)
        st.session_state.pop("_flash_runs", None)
    return True


def edit_version(form_key: str, current: int) -> int:
    """The row version the user started editing from, kept until the edit is saved or dropped, so
    a change made meanwhile by someone else is refused instead of silently overwritten."""
    return st.session_state.setdefault(f"{form_key}.version", int(current))


def forget_edit_version(form_key: str) -> None:
    st.session_state.pop(f"{form_key}.version", None)


def clear_form(form_key: str) -> None:
    """Drop everything kept for a form (its fields, messages and edit version) once it is saved, so
    it shows the record as saved, or empty, next time."""
    for key in [k for k in st.session_state if str(k).startswith(f"{form_key}.")]:
        del st.session_state[key]


class FieldErrors:
    """Per-field messages of a form: reserve a slot under each field while drawing the form,
    then `show()` after the submit handler has run, so the messages of this very submission
    appear next to the fields they concern."""

    def __init__(self, form_key: str):
        self.form_key = form_key
        self._slots: dict[str, Any] = {}

    def slot(self, field: str) -> None:
        self._slots[field] = st.empty()

    def show(self) -> None:
        errors = st.session_state.get(f"{self.form_key}.errors", {})
        for field, slot in self._slots.items():
            if field in errors:
                slot.caption(f":red[{escape_markdown(errors[field])}]")
