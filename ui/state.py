"""Every st.session_state key the app uses, and the only module that touches st.session_state.

Three kinds of entries live in a browser session's state:

- The app's own keys, named here as constants (underscore names are never widget keys): the run
  id, the settings, the data version, the sign-in state and its cookie bookkeeping, the flash
  message shown after a save, the page last drawn, and the few per-page values that are not
  widgets (the filters a list was last drawn with, the import check, the backup file…).
- Widget keys, named where the widget is drawn. A form's widgets are `{form}.{field}` (see
  `widget_key`); the form's own entries sit under the same prefix — `{form}.errors` (the per-field
  messages of the last refused submission) and `{form}.version` (the row version an edit started
  from) — so `clear_form(form)` drops all of it at once. Pages and ui/ modules read, preset and
  clear widget values through the helpers below, never through st.session_state.
- Widgets bound to the URL (`bind="query-params"`, ui/url_state.py) are keyed by their URL
  parameter; `enter_page` forgets them when another page is opened (see there)."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import streamlit as st

# -- the app's own keys ---------------------------------------------------------------------------
RUN_ID = "_run_id"  # a fresh id per script run (app.py)
SETTINGS = "_settings"  # core.config.Settings, loaded once per session
TABLE_VERSIONS = "_table_versions"  # every table's change counter, read once per run (ui/session.py)
VERSION_RUN = "_version_run"  # the run in which TABLE_VERSIONS was read
AUTH = "auth"  # {"username", "issued_at"} of the signed-in user in this browser session
ACTOR = "actor"  # core.permissions.Actor of the signed-in user, resolved on every run
DISPLAY_NAME = "display_name"
SET_COOKIE = "_set_cookie"  # True: the sign-in cookie is being stored (until the browser says it is)
COOKIE_TOKEN = "_cookie_token"  # (token, expiry) being stored
COOKIE_CONTROLLER = "_cookie_controller"  # (run id, the library's CookieController)
DELETE_COOKIE = "_delete_cookie"  # delete the sign-in cookie on the next run
LIBRARY_LOGOUT = "logout"  # read by streamlit-authenticator's cookie model
FLASH = "_flash"  # the outcome of a save, shown at the top of the page after the rerun
FLASH_RUNS = "_flash_runs"  # runs left on which FLASH is shown
PAGE = "_page"  # url path of the page drawn on the previous run
URL_BOUND = "_url_bound"  # keys of the widgets bound to the URL (enter_page forgets them)
URL_SEEN = "_url_seen."  # + widget key: the URL value a hand-synced filter was last seeded from
REFERRAL_FILTERS = "_referrals.filters"  # the filters and sort the item list was last drawn with
AUDIT_FILTERS = "_audit.filters"  # the filters the audit list was last drawn with
SUPERVISION_FILTERS = "_supervision.filters"  # the filters the 督办 list was last drawn with
IMPORT_NONCE = "_import.nonce"  # bumped after an import, which gives the uploader a new, empty key
IMPORT_CHECK = "_import.check"  # {"token", "parsed", "check"} of the uploaded file
BACKUP_READY = "_backup.ready"  # ui.downloads.OneTimeFile of a backup not yet handed over
HOLIDAY_GOTO_YEAR = "_holiday.goto_year"  # the year of a holiday entry just added

# Widget keys that code presets (drawn elsewhere under the same key).
RULE_KIND = "settings.rule.kind"
HOLIDAY_YEAR = "settings.holiday.year"
WEEKLY_WEEK = "weekly.week"
SIGNIN_PASSWORD = "signin.password"
CITY_DISTRICT = "city.district"  # the district whose pages a city account is reading (sidebar widget)
TODO_SHOWN = "_todo.shown"  # how many rows of 待办 are drawn (app_pages/todo.py)
CITY_OPEN = "_city.open"  # a district chosen on 全市总览, put into the sidebar's choice on the next run

FLASH_SHOWN_RUNS = 2  # a component finishing in the browser (e.g. the cookie) may rerun once


# -- plain access (for the keys above and widget keys) --------------------------------------------

def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def has(key: str) -> bool:
    return key in st.session_state


def take(key: str, default: Any = None) -> Any:
    """The value of `key`, removed."""
    return st.session_state.pop(key, default)


def drop(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def setdefault(key: str, value: Any) -> Any:
    return st.session_state.setdefault(key, value)


# -- per run --------------------------------------------------------------------------------------

def start_run(run_id: str) -> None:
    put(RUN_ID, run_id)


def run_id() -> str | None:
    return get(RUN_ID)


def changed(key: str, value: Any) -> bool:
    """True when `value` differs from the one kept under `key` by an earlier run (never on the
    first); `value` is kept for the next call."""
    before = get(key, value)
    put(key, value)
    return before != value


# -- the flash message ----------------------------------------------------------------------------

def flash(message: str) -> None:
    """Show `message` at the top of the page on the next runs (after the rerun a save makes)."""
    put(FLASH, message)
    drop(FLASH_RUNS)


def waiting_flash() -> str | None:
    """The flash message waiting to be shown, left waiting (for a page drawn before the one it is
    for, such as the moment the sign-in cookie is being stored after a password change)."""
    return get(FLASH)


def take_flash() -> str | None:
    """The flash message to show on this run, if any; counted down, then forgotten."""
    message = get(FLASH)
    if message:
        runs = get(FLASH_RUNS, FLASH_SHOWN_RUNS) - 1
        put(FLASH_RUNS, runs)
        if runs <= 0:
            drop(FLASH, FLASH_RUNS)
    return message


# -- forms ----------------------------------------------------------------------------------------

def widget_key(form: str, field: str) -> str:
    """The key of a form's widget."""
    return f"{form}.{field}"


def value(form: str, field: str, default: Any = None) -> Any:
    return get(widget_key(form, field), default)


def preset(form: str, field: str, new: Any) -> None:
    """Set a form widget's value; before it is drawn, or in a callback."""
    put(widget_key(form, field), new)


def form_errors(form: str) -> dict[str, str]:
    """The per-field messages of the form's last refused submission."""
    return get(widget_key(form, "errors"), {})


def set_form_errors(form: str, errors: dict[str, str]) -> None:
    put(widget_key(form, "errors"), errors)


def clear_form_errors(form: str) -> None:
    drop(widget_key(form, "errors"))


def edit_version(form: str, current: int) -> int:
    """The row version the user started editing from, kept until the edit is saved or dropped, so
    a change made meanwhile by someone else is refused instead of silently overwritten."""
    return setdefault(widget_key(form, "version"), int(current))


def forget_edit_version(form: str) -> None:
    drop(widget_key(form, "version"))


def forget_edit_versions(*prefixes: str) -> None:
    """Forget the edit versions of the forms whose keys start with one of `prefixes`, which are no
    longer drawn (a tab left): drawn again, they start from their record as it is then."""
    suffix = widget_key("", "version")
    drop(*[k for k in st.session_state if str(k).endswith(suffix) and str(k).startswith(prefixes)])


def clear_form(form: str, fields: Iterable[str] | None = None) -> None:
    """Drop the named fields of a form — or, without `fields`, everything kept for it (its fields,
    messages and edit version) — so that it shows the record as saved, or empty, next time."""
    if fields is not None:
        drop(*(widget_key(form, f) for f in fields))
        return
    prefix = widget_key(form, "")
    drop(*[k for k in st.session_state if str(k).startswith(prefix)])


# -- choices and tables ---------------------------------------------------------------------------

def keep_choice(key: str, options: Sequence, default: Any) -> None:
    """Before a choice widget is drawn: if its value is not one of `options` (the options changed,
    or it was never set), it becomes `default`."""
    if get(key) not in options:
        put(key, default)


def selected_rows(table_key: str) -> list[int]:
    """The positions of the rows chosen in a selectable st.dataframe (read in its on_select)."""
    return list(get(table_key, {}).get("selection", {}).get("rows", []))


def clear_selection(*table_keys: str) -> None:
    """Draw these selectable tables with no row chosen next time."""
    drop(*table_keys)


# -- pages and widgets bound to the URL -----------------------------------------------------------

def bound_to_url(key: str) -> None:
    """Note the key of a widget drawn with bind="query-params" (see enter_page)."""
    keys = setdefault(URL_BOUND, set())
    keys.add(key)


def enter_page(page: str) -> None:
    """Call on every run before the page runs. When another page is opened, forget the values of
    the widgets bound to the URL: Streamlit keeps a bound widget's value under its key across page
    switches and hands it to any widget with that key on the next page; pages share parameter
    names (q, overdue, …), so a search typed on one page would reappear on the other. Their values
    come from the new page's URL instead, as every other filter's do."""
    if get(PAGE) != page:
        drop(*get(URL_BOUND, ()))
    put(PAGE, page)


def url_seen(key: str) -> Any:
    """The URL value a hand-synced filter widget was last seeded from (ui/url_state.py)."""
    return get(URL_SEEN + key)


def set_url_seen(key: str, raw: Any) -> None:
    put(URL_SEEN + key, raw)
