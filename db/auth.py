"""Sign-in checks against the accounts table: lockout, inactive accounts, cookie validity."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.clock import utcnow
from core.passwords import check_password
from core.permissions import SYSTEM, Actor
from db.commands.base import text_errors
from db.commands.users import RecordSignInAttempt
from db.districts import ALL, scoped
from db.engine import read_session
from db.models import User

OK, BAD_CREDENTIALS, LOCKED, INACTIVE = "ok", "bad_credentials", "locked", "inactive"


@dataclass(frozen=True)
class SignInResult:
    outcome: str
    actor: Actor | None = None
    display_name: str = ""
    locked_until: datetime | None = None


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id,
                 district_id=user.district_id)


def authenticate(engine: Engine, username: str, password: str, *, allow_demo: bool = True) -> SignInResult:
    """Check a sign-in. Demo accounts (published passwords) work only in demo mode."""
    username = (username or "").strip()
    if text_errors({"username": username}, {"username": (True, User.username)}):
        return SignInResult(BAD_CREDENTIALS)  # no such name can exist (and PostgreSQL takes no NUL)
    engine = scoped(engine, ALL)  # a user name is unique across districts; the account says which
    with read_session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        return SignInResult(LOCKED, locked_until=user.locked_until)
    good = check_password(password or "", user.password_hash if user else None)
    if user is None:
        return SignInResult(BAD_CREDENTIALS)
    RecordSignInAttempt(SYSTEM, username=username, success=good).run(engine)
    if not good:
        with read_session(engine) as session:
            locked_until = session.scalar(select(User.locked_until).where(User.id == user.id))
        if locked_until and locked_until > now:
            return SignInResult(LOCKED, locked_until=locked_until)
        return SignInResult(BAD_CREDENTIALS)
    if not user.active or (user.is_demo and not allow_demo):
        return SignInResult(INACTIVE)
    return SignInResult(OK, actor=actor_of(user), display_name=user.display_name)


def session_user(engine: Engine, username: str, issued_at: datetime | None, *,
                 allow_demo: bool = True) -> tuple[Actor, str] | None:
    """The signed-in user for a cookie or session issued at `issued_at` (UTC), if still valid:
    the account exists, is active, and was not signed out or re-passworded since."""
    engine = scoped(engine, ALL)
    with read_session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or (user.is_demo and not allow_demo):
        return None
    if user.sessions_valid_after and (issued_at is None or issued_at <= user.sessions_valid_after):
        return None
    return actor_of(user), user.display_name
