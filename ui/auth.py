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
from db.models import User
from db.stored_values import max_length
from ui import session as ui_session
from ui import state


def _cookies() -> CookieController:
    """The library's cookie controller, created once per run (it draws a component)."""
    run = state.run_id()
    held = state.get(state.COOKIE_CONTROLLER)
    if held and held[0] == run:
        return held[1]
    s = ui_session.settings()
    state.setdefault(state.LIBRARY_LOGOUT, False)  # read by the library's cookie model
    controller = CookieController(s.cookie_name, s.cookie_key, s.cookie_expiry_days)
    state.put(state.COOKIE_CONTROLLER, (run, controller))
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
    signed_in = state.get(state.AUTH)
    if signed_in is None:
        token = _read_cookie()
        if token:
            signed_in = {"username": token["username"], "issued_at": _issued_at(token)}
    allow_demo = ui_session.settings().demo
    found = auth.session_user(engine, signed_in["username"], signed_in["issued_at"], allow_demo=allow_demo) \
        if signed_in and signed_in.get("issued_at") else None
    if found is None:
        state.drop(state.AUTH, state.ACTOR, state.SET_COOKIE, state.COOKIE_TOKEN)
        return None
    actor, display_name = found
    state.put(state.AUTH, signed_in)
    state.put(state.ACTOR, actor)
    state.put(state.DISPLAY_NAME, display_name)
    _store_cookie(actor)
    return actor


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
    the library's format: username and expiry, HS256) and its component drawn on every run until
    the browser reports the cookie written (the component's value turns True): until then the
    app shows the wait page rather than the navigation (app.py), so a reload at any moment after
    the pages appear keeps the user signed in. A session without a browser (no request headers:
    a script) has nowhere to store a cookie and does not wait."""
    if not state.get(state.SET_COOKIE):
        return
    if not st.context.headers:
        state.drop(state.SET_COOKIE, state.COOKIE_TOKEN)
        return
    s = ui_session.settings()
    if not state.has(state.COOKIE_TOKEN):
        expires = datetime.now(timezone.utc) + timedelta(days=s.cookie_expiry_days)
        token = jwt.encode({"username": actor.username, "exp_date": expires.timestamp()}, s.cookie_key,
                           algorithm="HS256")
        state.put(state.COOKIE_TOKEN, (token, expires.replace(tzinfo=None)))
    token, expires = state.get(state.COOKIE_TOKEN)
    # The library's CookieManager.set drops the component's answer; its component function gives it.
    component = _cookies().cookie_model.cookie_manager.cookie_manager
    written = component(method="set", cookie=s.cookie_name, value=token, key=f"set.{token[-12:]}", default=False,
                        options={"path": "/", "expires": expires.isoformat(), "sameSite": "strict"})
    if written is True:
        state.drop(state.SET_COOKIE, state.COOKIE_TOKEN)


def cookie_pending() -> bool:
    """The sign-in cookie is being written and the browser has not yet said it is stored."""
    return bool(state.get(state.SET_COOKIE))


def _go_on_without_cookie() -> None:
    state.drop(state.SET_COOKIE, state.COOKIE_TOKEN)


def cookie_wait_page() -> None:
    """Shown for the moment between a sign-in and the browser storing its cookie (usually well
    under a second; the component's answer reruns the page). Should the browser never answer
    (cookies blocked), the user may go on: only a reload would then ask to sign in again. The
    outcome of what led here (密码已修改) is shown first, and again on the page that follows."""
    done = state.waiting_flash()
    if done:
        st.success(done, icon=":material/check_circle:")  # user values in it are escaped where it is made
    st.info(t("signin.storing"), icon=":material/hourglass_top:")
    st.button(t("signin.go_on"), key="signin.go_on", on_click=_go_on_without_cookie)


def sign_out() -> None:
    actor = ui_session.actor()
    if actor is not None:
        SignOut(actor).run(ui_session.engine())
    state.drop(state.AUTH, state.ACTOR, state.DISPLAY_NAME, state.SET_COOKIE, state.COOKIE_TOKEN)
    state.put(state.DELETE_COOKIE, True)


def signed_in_now(username: str) -> None:
    """Record a sign-in (or a password change) in this browser session as of now, and have the
    next runs store the sign-in cookie."""
    state.put(state.AUTH, {"username": username, "issued_at": utcnow()})
    state.drop(state.COOKIE_TOKEN)  # a token made for an earlier sign-in is never stored for this one
    state.put(state.SET_COOKIE, True)


def delete_cookie_if_asked() -> None:
    if state.take(state.DELETE_COOKIE, False):
        _cookies().delete_cookie()


def signin_page() -> None:
    st.title(t("signin.title"))
    listed = ui_session.all_districts()
    st.caption(t("app.subtitle", district=listed[0]["name"] if len(listed) == 1 else ""))
    with st.form("signin", clear_on_submit=False):
        username = st.text_input(t("signin.username"), key="signin.username", max_chars=max_length(User.username))
        password = st.text_input(t("signin.password"), type="password", key=state.SIGNIN_PASSWORD)
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
        signed_in_now(result.actor.username)
        state.drop(state.SIGNIN_PASSWORD)
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
    from seed.demo_districts import CITY_DEMO_ACCOUNTS
    accounts = DEMO_ACCOUNTS + (CITY_DEMO_ACCOUNTS if ui_session.settings().demo_city else ())
    st.divider()
    st.subheader(t("signin.demo_accounts"))
    st.caption(t("signin.demo_hint"))
    st.dataframe(pd.DataFrame([{t("signin.col_role"): t(f"role.{a['role']}"),
                                t("signin.col_username"): a["username"],
                                t("signin.col_password"): a["password"]} for a in accounts]),
                 hide_index=True)
