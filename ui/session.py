"""Process-wide engine, cached reads keyed on the change counters of the tables each reads, and
the one way forms write: run a command (messages shown, input kept, data refreshed), then, once
it is saved, `saved` (the same after-save steps for every form)."""
from __future__ import annotations

import dataclasses
import hashlib
import threading
from datetime import date
from typing import Any, Callable, Iterable, NoReturn

import streamlit as st
from sqlalchemy.engine import Engine

from core.config import Settings, load_settings
from core.permissions import ADMIN, CITY_ROLES, Actor, can
from db import districts, table_versions
from db.commands.base import CommandError, StaleEdit
from db.commands.settings import refresh_estimates
from db.engine import gather_statistics, make_engine, migrate
from seed.reference import load_reference
from ui import state
from ui.tables import escape_markdown


STARTUP = Actor(user_id=None, username="system", role=ADMIN)  # the app's own start, in the audit log


@st.cache_resource(show_spinner=False)
def _engine_for(url: str, demo: bool | None) -> Engine:
    """Created once per process and database: migrate, load reference data, demo data if asked
    (demo: False for 硚口区's, True for the city demo's three districts, None for none)."""
    engine = make_engine(url)
    made = migrate(engine)  # an upgrade, or a new database
    load_reference(engine)
    if demo is not None:  # 硚口区's demo data and accounts
        from seed.demo import create_demo_accounts, generate_demo
        home = districts.scoped(engine, districts.by_code(engine, districts.HOME))
        made = bool(generate_demo(home)) or made
        create_demo_accounts(home)
    if demo:
        from seed.demo_districts import create_city_demo
        made = any(create_city_demo(engine).values()) or made
    if made:  # after an upgrade or a new demo database: the planner's statistics (manage.py migrate's too)
        gather_statistics(engine)
    return engine


def settings() -> Settings:
    if not state.has(state.SETTINGS):
        state.put(state.SETTINGS, load_settings())
    return state.get(state.SETTINGS)


def _base_engine() -> Engine:
    s = settings()
    return _engine_for(s.database_url, s.demo_city if s.demo else None)


def engine() -> Engine:
    """The database, in the signed-in user's district (db/districts.py): every page's reads and
    every form's writes see that district's rows only."""
    return _engine_in(district())


def _engine_in(chosen: int | str | None) -> Engine:
    if chosen is None:
        return _base_engine()
    _check_estimates(chosen)
    return districts.scoped(_base_engine(), chosen)


def _check_estimates(chosen: int | str) -> None:
    """Before a district's pages (or the city's, across districts) are first read in this process:
    move the estimated due dates the calendar now moves (e.g. the holiday package was upgraded to
    cover their year). District by district, as each is first read, so that a district's first
    page waits for its own check only."""
    url, city = settings().database_url, districts.city_id(_base_engine())
    for district in ([d["id"] for d in all_districts()] if chosen == districts.ALL else [chosen]):
        if district != city:  # the city layer holds no items
            _estimates_checked(url, district)


@st.cache_resource(show_spinner=False)
def _estimates_checked(url: str, district: int) -> bool:
    refresh_estimates(districts.scoped(_base_engine(), district), STARTUP)
    return True


@st.cache_data(show_spinner=False, max_entries=16)
def _districts(url: str, version: int) -> list[dict]:
    return districts.listed(_base_engine())


def all_districts() -> list[dict]:
    """Every district (id, code, name), as of this run."""
    return _districts(settings().database_url, _counters().get(("district", table_versions.TOTAL), 0))


def district() -> int | None:
    """The district the pages work in: the account's own; for a city account, the one chosen in
    the sidebar (the first until one is chosen); None before sign-in."""
    me = actor()
    if me is None or me.district_id is not None:
        return me and me.district_id
    if me.role not in CITY_ROLES:
        return None
    ids = [d["id"] for d in all_districts()]
    chosen = state.get(state.CITY_DISTRICT)
    return chosen if chosen in ids else (ids[0] if ids else None)


def district_name() -> str | None:
    """The name of the district the pages work in, when the database holds several."""
    listed = all_districts()
    chosen = district()
    return next((d["name"] for d in listed if d["id"] == chosen), None) if len(listed) > 1 else None


def _counters(refresh: bool = False) -> dict[tuple[str, str], int]:
    """Every change counter (table, scope), read once per run (and again after a write in the same run)."""
    run = state.run_id()
    if refresh or state.get(state.VERSION_RUN) != run:
        state.put(state.TABLE_VERSIONS, table_versions.counters(_base_engine()))
        state.put(state.VERSION_RUN, run)
    return state.get(state.TABLE_VERSIONS)


def data_version() -> int:
    """One number that moves with any change of data (as of this run)."""
    return table_versions.data_version(table_versions.totals(_counters()))


# The tables each read was seen to touch, by its name (this process; a set only ever grows, so a
# read that touches one more table on other arguments is keyed on that table from then on).
_TABLES_READ: dict[str, frozenset[str]] = {}
_LEARNING = threading.Lock()  # two sessions' runs may learn of one read at once: neither loses the other's tables


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(_fn: Callable, key: str, _call: tuple) -> Any:
    """`_fn`'s result for `_call` (name, database URL, district, counters, args, kwargs), cached on
    `key`, the call's digest (the underscored arguments are not hashed by Streamlit)."""
    name, _url, district, _counters_read, args, kwargs = _call
    with table_versions.tables_read() as tables:
        result = _fn(_engine_in(district), *args, **dict(kwargs))
    with _LEARNING:
        _TABLES_READ[name] = _TABLES_READ.get(name, frozenset()) | tables
    return result


def read(fn: Callable, *args, **kwargs) -> Any:
    """Run a db.queries function, cached until a table it reads changes (any table, the first
    time: which tables it reads is learnt from that run)."""
    return _read(fn, district(), args, kwargs)


def reader_for_click() -> Callable:
    """A `read` for a file made when its download button is clicked: Streamlit then calls the
    maker outside the page's run, where neither the session (who is signed in, which district)
    nor the cache is known, so the district's engine is taken now and the query runs uncached."""
    chosen_engine = engine()
    return lambda fn, *args, **kwargs: fn(chosen_engine, *args, **kwargs)


def city_reader_for_click() -> Callable:
    """`reader_for_click` across districts, for the city's own downloads: a city account only."""
    if not can(actor(), "view_city"):
        raise PermissionError("the city's figures are for city accounts")
    across = _engine_in(districts.ALL)
    return lambda fn, *args, **kwargs: fn(across, *args, **kwargs)


def read_city(fn: Callable, *args, **kwargs) -> Any:
    """`read` across districts, for the city's own pages: a city account only."""
    if not can(actor(), "view_city"):
        raise PermissionError("the city's figures are for city accounts")
    return _read(fn, districts.ALL, args, kwargs)


def read_settings(fn: Callable, *args, city_layer: bool = False, **kwargs) -> Any:
    """`read` for the settings of 管理: in the district, or (a city admin's) in the city layer."""
    return _read(fn, _city_layer_id() if city_layer else district(), args, kwargs)


def settings_engine(city_layer: bool = False) -> Engine:
    """The engine the settings of 管理 are written in: the district's, or the city layer's."""
    return _engine_in(_city_layer_id()) if city_layer else engine()


def _city_layer_id() -> int:
    if not can(actor(), "manage_city_settings"):
        raise PermissionError("the city layer is the city admin's")
    return districts.city_id(_base_engine())


def _read(fn: Callable, chosen: int | str | None, args: tuple, kwargs: dict) -> Any:
    name = f"{fn.__module__}.{fn.__qualname__}"
    if chosen is not None:
        _check_estimates(chosen)  # the district's estimates checked (once per process) before this read
    scopes = table_versions.scopes_for(chosen, districts.city_id(_base_engine()))
    counters = table_versions.key(_counters(), _TABLES_READ.get(name), scopes)
    call = (name, settings().database_url, chosen, counters, args, tuple(sorted(kwargs.items())))
    return _cached(fn, _call_key(call), call)


_PLAIN = (type(None), bool, int, float, str, date)  # datetime is a date


def _call_key(call: tuple) -> str:
    """A read's cache key: the digest of the repr of its plain form. Streamlit's own hashing of the
    arguments took about a millisecond a read, on every read of every run; this takes 0.02 ms."""
    return hashlib.sha256(repr(_plain_form(call)).encode()).hexdigest()


def _plain_form(value):
    """`value` as numbers, text, dates, None and tuples, whose repr stands for the value: a
    dataclass (the filters) as its class and fields. A read is given nothing else."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple):
        return tuple(_plain_form(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple((f.name, _plain_form(getattr(value, f.name))) for f in dataclasses.fields(value)))
    raise TypeError(f"a cached read takes plain values (its key is their repr), not {type(value).__name__}")


def actor() -> Actor | None:
    return state.get(state.ACTOR)


def run_command(command, *, form_key: str | None = None, city_layer: bool = False, across: bool = False) -> bool:
    """Run a command (in the city layer, for a city admin's settings; across districts, for the
    city accounts); on refusal show its message and the per-field messages (the form keeps the
    user's input because widgets keep their state); on success refresh the data version. What
    follows a success is the caller's: for a form, `saved`."""
    try:
        command.run(_engine_in(districts.ALL) if across else settings_engine(city_layer))
    except CommandError as exc:
        if form_key:
            state.set_form_errors(form_key, exc.field_errors)
        if isinstance(exc, StaleEdit) and form_key:
            # The user has now seen that the record changed; the page shows it as it is now, and
            # submitting again (input kept) applies to that version.
            state.forget_edit_version(form_key)
        st.error(escape_markdown(exc.message))  # messages may quote what the user typed
        return False
    except Exception:  # never a traceback for the user
        import logging
        logging.getLogger(__name__).exception("command failed")
        from core.i18n import t
        st.error(t("app.error"))
        return False
    if form_key:
        state.clear_form_errors(form_key)
    _counters(refresh=True)
    return True


def saved(form_key: str | None, message: str, *, clear: bool | Iterable[str] = False,
          reset: Iterable[str] = ()) -> NoReturn:
    """The steps after a successful save, the same for every form: `message` is shown at the top of
    the page on the next run; the form's edit version is forgotten (the next edit starts from the
    row as saved); with `clear` the form's fields (all of them, or the ones named) are dropped, so
    it shows empty or the saved values again; the widgets named in `reset` (e.g. the action
    chooser that opened the form) start again; then the page is drawn anew."""
    state.flash(message)
    if form_key:
        if clear is True:
            state.clear_form(form_key)
        else:
            state.forget_edit_version(form_key)
            if clear:
                state.clear_form(form_key, clear)
    state.drop(*reset)
    st.rerun()


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
        errors = state.form_errors(self.form_key)
        for field, slot in self._slots.items():
            if field in errors:
                slot.caption(f":red[{escape_markdown(errors[field])}]")
