"""Account commands: create, edit (role, unit, active), reset password, change own password,
sign out everywhere, and recording sign-in attempts (lockout counted in the database)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.i18n import t
from core.passwords import check_password, hash_password, weak_password
from core.permissions import CITY_ADMIN, CITY_ROLES, LIAISON, ROLES
from core.text import email_address
from db import districts
from db.commands.base import Command, NothingChanged, email_errors, snapshot, stored, typed
from db.models import Unit, User

USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,32}$")
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)


def _role_unit_errors(session: Session, role, unit_id, roles=ROLES) -> dict[str, str]:
    errors = {}
    if role not in roles:
        errors["role"] = t("error.unknown_role")
    elif role in CITY_ROLES and unit_id is not None:
        errors["unit_id"] = t("error.unknown_unit")  # a city account belongs to no district's unit
    if unit_id is not None and session.get(Unit, unit_id) is None:
        errors["unit_id"] = t("error.unknown_unit")
    elif role == LIAISON and unit_id is None:
        errors["unit_id"] = t("error.liaison_needs_unit")
    return errors


UNKNOWN_UNIT, UNKNOWN_ROLE, WEAK = ("error.unknown_unit", {}), ("error.unknown_role", {}), ("error.password_weak", {})


@dataclass(frozen=True, kw_only=True)
class CreateUser(Command):
    permission, action, entity = "manage_accounts", "user.create", "user"
    username: str | None = stored(User.username, required=True)
    display_name: str | None = stored(User.display_name, required=True)
    email: str | None = stored(User.email)  # where the unit's reminders reach a liaison account
    password: str | None = typed(wrong_type=WEAK)
    role: str | None = typed(wrong_type=UNKNOWN_ROLE)
    unit_id: int | None = typed(wrong_type=UNKNOWN_UNIT)
    is_demo: bool = False

    def validate(self, session):
        errors = self.text_errors()
        username = (self.username or "").strip()
        if "username" not in errors and not USERNAME_RE.match(username):
            errors["username"] = t("error.username_format")
        elif "username" not in errors and session.scalar(
                select(func.count()).select_from(User).where(User.username == username)
                .execution_options(**districts.ACROSS)):  # one name, one account, city-wide
            errors["username"] = t("error.username_taken")
        if weak_password(self.password or ""):
            errors["password"] = t("error.password_weak")
        # only a city admin creates city accounts
        roles = ROLES + CITY_ROLES if self.actor.role == CITY_ADMIN else ROLES
        errors.update(_role_unit_errors(session, self.role, self.unit_id, roles))
        return email_errors(email=self.email) | errors

    def apply(self, session):
        city = {"district_id": null()} if self.role in CITY_ROLES else {}  # in no district (NULL, not the default)
        if city:
            self.report(audit_district_id=null())  # logged at the city level, in no district's log
        user = User(**city, username=self.username.strip(), display_name=self.display_name.strip(),
                    password_hash=hash_password(self.password), role=self.role,
                    unit_id=self.unit_id, active=True, is_demo=self.is_demo, email=email_address(self.email))
        session.add(user)
        session.flush()
        return user.id, None, snapshot(user)


@dataclass(frozen=True, kw_only=True)
class UpdateUser(Command):
    """Set display name, e-mail address, role, unit and active state of an account (all of them, as
    the form shows them: a blank e-mail address removes it)."""
    permission, action, entity = "manage_accounts", "user.update", "user"
    user_id: int | None = None
    version: int | None = None
    display_name: str | None = stored(User.display_name, required=True)
    email: str | None = stored(User.email)
    role: str | None = typed(wrong_type=UNKNOWN_ROLE)
    unit_id: int | None = typed(wrong_type=UNKNOWN_UNIT)
    active: bool = True

    def validate(self, session):
        errors = email_errors(email=self.email) | self.text_errors()
        account = self.find(session, User, self.user_id)
        # a city account stays one (its roles are the city's), a district's account stays the district's
        roles = CITY_ROLES if account is not None and account.district_id is None else ROLES
        errors.update(_role_unit_errors(session, self.role, self.unit_id, roles))
        if self.user_id == self.actor.user_id:
            if not self.active:
                errors["active"] = t("error.cannot_deactivate_self")
            if self.role != self.actor.role:
                errors["role"] = t("error.cannot_demote_self")
        return errors

    def apply(self, session):
        user = self.load_for_edit(session, User, self.user_id, self.version)
        before = snapshot(user)
        user.display_name = self.display_name.strip()
        user.email = email_address(self.email)
        user.role = self.role
        user.unit_id = self.unit_id
        if user.active and not self.active:
            user.sessions_valid_after = utcnow()  # a deactivated account's cookies stop working
        user.active = self.active
        return user.id, before, snapshot(user)


@dataclass(frozen=True, kw_only=True)
class ResetPassword(Command):
    permission, action, entity = "manage_accounts", "user.reset_password", "user"
    user_id: int | None = None
    version: int | None = None
    new_password: str | None = typed(wrong_type=WEAK)

    def validate(self, session):
        return {"new_password": t("error.password_weak")} if weak_password(self.new_password or "") else {}

    def apply(self, session):
        user = self.load_for_edit(session, User, self.user_id, self.version)
        before = snapshot(user)
        user.password_hash = hash_password(self.new_password)
        user.sessions_valid_after = utcnow()
        user.failed_attempts, user.locked_until = 0, None
        return user.id, before, snapshot(user)


@dataclass(frozen=True, kw_only=True)
class ChangeOwnPassword(Command):
    permission, action, entity = "change_own_password", "user.change_password", "user"
    own_account = True
    current_password: str | None = typed(wrong_type=("account.wrong_current", {}))
    new_password: str | None = typed(wrong_type=WEAK)

    def validate(self, session):
        errors = {}
        user = session.get(User, self.actor.user_id)
        if user is None or not check_password(self.current_password or "", user.password_hash):
            errors["current_password"] = t("account.wrong_current")
        if weak_password(self.new_password or ""):
            errors["new_password"] = t("error.password_weak")
        return errors

    def apply(self, session):
        user = session.get(User, self.actor.user_id)
        user.password_hash = hash_password(self.new_password)
        user.sessions_valid_after = utcnow()  # every earlier cookie of this user stops working
        return user.id, None, {"password_changed": True}


@dataclass(frozen=True, kw_only=True)
class SignOut(Command):
    """Sign out everywhere: cookies issued before now are refused."""
    permission, action, entity = "sign_out", "user.sign_out", "user"
    own_account = True

    def apply(self, session):
        user = session.get(User, self.actor.user_id)
        if user is not None:
            user.sessions_valid_after = utcnow()
        return self.actor.user_id, None, None


@dataclass(frozen=True, kw_only=True)
class RecordSignInAttempt(Command):
    """Run by the sign-in machinery (SYSTEM actor): counts failures, locks after five."""
    permission, action, entity = "authenticate", "user.sign_in", "user"
    username: str | None = stored(User.username, required=True)
    success: bool = False

    def validate(self, session):
        return self.text_errors()

    def apply(self, session):
        user = session.scalar(select(User).where(User.username == self.username))
        if user is None:  # no account: nothing to count, and no district to log it in
            raise NothingChanged()
        self.report(audit_district_id=user.district_id)  # run across districts: the account's own
        if self.success:
            user.failed_attempts, user.locked_until = 0, None
            return user.id, None, {"success": True}
        user.failed_attempts += 1
        locked = user.failed_attempts >= MAX_FAILED_SIGN_INS
        if locked:
            user.locked_until = utcnow() + LOCKOUT
            user.failed_attempts = 0
            self.report(action="user.lock")  # a lock shows on the accounts page: it is a data change
        return user.id, None, {"success": False, "locked": locked}
