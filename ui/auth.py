"""Sign-in gate. streamlit-authenticator 0.4.2 provides the signed re-authentication cookie
(its CookieController: a JWT of username and expiry); accounts, bcrypt hashes, lockout and cookie
revocation live in our database (db/auth.py), which the library leaves open.

The cookie is read the way the library reads it (the request's cookies, HS256-decoded), without
drawing its cookie component: that component reports back from the browser and so reruns every
page once on load, which raced with the user's first click or upload. The component is drawn
only on the runs that write or delete the cookie."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

import pandas as pd
import streamlit as st
from streamlit_authenticator.controllers import CookieController

from core.clock import SHANGHAI, utcnow
from core.i18n import t
from core.permissions import Actor
from db import auth
from db.commands.users import SignOut
from ui import session as ui_session

AUTH_KEY = "auth"  # {"username", "issued_at"} of the signed-in user in this browser session


def _cookies() -> CookieController:
    """The library's cookie controller, created once per run (it draws a component)."""
    run = st.session_state.get("_run_id")
    held = st.session_state.get("_cookie_controller")
    if held and held[0] == run:
        return held[1]
    s = ui_session.settings()
    st.session_state.setdefault("logout", False)  # read by the library's cookie model
    controller = CookieController(s.cookie_name, s.cookie_key, s.cookie_expiry_days)
    st.session_state["_cookie_controller"] = (run, controller)
    return controller


def _issued_at(token: dict) -> datetime | None:
    """When the cookie was issued (its expiry minus the configured lifetime); None for a token
    that claims to live longer than any cookie we issue."""
    expiry_days = ui_session.settings().cookie_expiry_days
    exp_date = float(token.get("exp_date", 0))
    if exp_date > datetime.now(timezone.utc).timestamp() + expiry_days * 86400 + 60:
        return None
    return datetime.fromtimestamp(exp_date - expiry_days * 86400, timezone.utc).replace(tzinfo=None)


def current_user() -> Actor | None:
    """Resolve who is signed in on this run: session first, then the cookie; both are checked
    against the account row (active, not signed out or re-passworded since)."""
    engine = ui_session.engine()
    state = st.session_state.get(AUTH_KEY)
    if state is None:
        token = _read_cookie()
        if token:
            state = {"username": token["username"], "issued_at": _issued_at(token)}
    allow_demo = ui_session.settings().demo
    found = auth.session_user(engine, state["username"], state["issued_at"], allow_demo=allow_demo) \
        if state and state.get("issued_at") else None
    if found is None:
        st.session_state.pop(AUTH_KEY, None)
        st.session_state.pop("actor", None)
        return None
    actor, display_name = found
    st.session_state[AUTH_KEY] = state
    st.session_state["actor"] = actor
    st.session_state["display_name"] = display_name
    _store_cookie(actor)
    return actor


SET_COOKIE_RUNS = 3  # runs on which the cookie component is drawn, so a quick rerun cannot drop it


def _read_cookie() -> dict | None:
    """The sign-in cookie this browser sent, decoded and unexpired."""
    s = ui_session.settings()
    return decode_cookie(st.context.cookies.get(s.cookie_name), s.cookie_key)


def decode_cookie(raw: object, key: str) -> dict | None:
    """A cookie value as the library's get_cookie accepts it: an HS256 token signed with our key,
    naming a user, not expired; anything else is None."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        token = jwt.decode(raw, key, algorithms=["HS256"])
        alive = float(token.get("exp_date", 0)) > datetime.now(timezone.utc).timestamp()
    except (jwt.PyJWTError, AttributeError, TypeError, ValueError):
        return None
    return token if alive and isinstance(token.get("username"), str) else None


def _store_cookie(actor: Actor) -> None:
    """Store the sign-in cookie after a sign-in or a password change. The token is made once (in
    the library's format: username and expiry, HS256) and drawn unchanged for a few runs: the
    component that writes it runs in the browser, and an early rerun would otherwise drop it."""
    runs = st.session_state.get("_set_cookie")
    if not runs:
        return
    s = ui_session.settings()
    if runs is True or "_cookie_token" not in st.session_state:
        expires = datetime.now(timezone.utc) + timedelta(days=s.cookie_expiry_days)
        token = jwt.encode({"username": actor.username, "exp_date": expires.timestamp()}, s.cookie_key,
                           algorithm="HS256")
        st.session_state["_cookie_token"] = (token, expires.replace(tzinfo=None))
        runs = SET_COOKIE_RUNS
    token, expires = st.session_state["_cookie_token"]
    cookies = _cookies()
    cookies.cookie_model.cookie_manager.set(s.cookie_name, token, key="set", expires_at=expires)
    if runs > 1:
        st.session_state["_set_cookie"] = runs - 1
    else:
        st.session_state.pop("_set_cookie", None)
        st.session_state.pop("_cookie_token", None)


def sign_out() -> None:
    actor = ui_session.actor()
    if actor is not None:
        SignOut(actor).run(ui_session.engine())
    for key in (AUTH_KEY, "actor", "display_name", "_set_cookie", "_cookie_token"):
        st.session_state.pop(key, None)
    st.session_state["_delete_cookie"] = True


def delete_cookie_if_asked() -> None:
    if st.session_state.pop("_delete_cookie", False):
        _cookies().delete_cookie()


def signin_page() -> None:
    st.title(t("signin.title"))
    st.caption(t("app.subtitle"))
    with st.form("signin", clear_on_submit=False):
        username = st.text_input(t("signin.username"), key="signin.username", max_chars=32)
        password = st.text_input(t("signin.password"), type="password", key="signin.password")
        submitted = st.form_submit_button(t("signin.submit"), type="primary")
    if submitted:
        _attempt(username, password)
    if ui_session.settings().demo:
        _demo_accounts()


def _attempt(username: str, password: str) -> None:
    if not username.strip() or not password:
        st.error(t("signin.missing"))
        return
    result = auth.authenticate(ui_session.engine(), username, password, allow_demo=ui_session.settings().demo)
    if result.outcome == auth.OK:
        st.session_state[AUTH_KEY] = {"username": result.actor.username, "issued_at": utcnow()}
        st.session_state["_set_cookie"] = True
        st.session_state.pop("signin.password", None)
        st.rerun()
    elif result.outcome == auth.LOCKED:
        until = result.locked_until.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).strftime("%H:%M")
        st.error(t("signin.locked", until=until))
    elif result.outcome == auth.INACTIVE:
        st.error(t("signin.inactive"))
    else:
        st.error(t("signin.failed"))


def _demo_accounts() -> None:
    from seed.demo import DEMO_ACCOUNTS
    st.divider()
    st.subheader(t("signin.demo_accounts"))
    st.caption(t("signin.demo_hint"))
    st.dataframe(pd.DataFrame([{t("signin.col_role"): t(f"role.{a['role']}"),
                                t("signin.col_username"): a["username"],
                                t("signin.col_password"): a["password"]} for a in DEMO_ACCOUNTS]),
                 hide_index=True)
