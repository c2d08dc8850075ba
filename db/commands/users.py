"""Account commands: create, edit (role, unit, active), reset password, change own password,
sign out everywhere, and recording sign-in attempts (lockout counted in the database)."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.i18n import t
from core.passwords import check_password, hash_password, weak_password
from core.permissions import LIAISON, ROLES
from db.commands.base import Command, snapshot, text_errors
from db.models import Unit, User

USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,32}$")
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)


def _role_unit_errors(session: Session, role, unit_id) -> dict[str, str]:
    errors = {}
    if role not in ROLES:
        errors["role"] = t("error.unknown_role")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        errors["unit_id"] = t("error.unknown_unit")
    elif role == LIAISON and unit_id is None:
        errors["unit_id"] = t("error.liaison_needs_unit")
    return errors


class CreateUser(Command):
    permission, action, entity = "manage_accounts", "user.create", "user"

    def validate(self, session):
        d = self.data
        errors = text_errors(d, {"username": (True, User.username), "display_name": (True, User.display_name)})
        username = (d.get("username") or "").strip()
        if "username" not in errors and not USERNAME_RE.match(username):
            errors["username"] = t("error.username_format")
        elif "username" not in errors and session.scalar(
                select(func.count()).select_from(User).where(User.username == username)):
            errors["username"] = t("error.username_taken")
        if weak_password(d.get("password") or ""):
            errors["password"] = t("error.password_weak")
        errors.update(_role_unit_errors(session, d.get("role"), d.get("unit_id")))
        return errors

    def apply(self, session):
        d = self.data
        user = User(username=d["username"].strip(), display_name=d["display_name"].strip(),
                    password_hash=hash_password(d["password"]), role=d["role"],
                    unit_id=d.get("unit_id"), active=True, is_demo=bool(d.get("is_demo")))
        session.add(user)
        session.flush()
        return user.id, None, snapshot(user)


class UpdateUser(Command):
    """Set display name, role, unit and active state of an account."""
    permission, action, entity = "manage_accounts", "user.update", "user"

    def validate(self, session):
        d = self.data
        errors = text_errors(d, {"display_name": (True, User.display_name)})
        errors.update(_role_unit_errors(session, d.get("role"), d.get("unit_id")))
        if d["user_id"] == self.actor.user_id:
            if not d.get("active", True):
                errors["active"] = t("error.cannot_deactivate_self")
            if d.get("role") != self.actor.role:
                errors["role"] = t("error.cannot_demote_self")
        return errors

    def apply(self, session):
        d = self.data
        user = self.load_for_edit(session, User, d["user_id"], d.get("version"))
        before = snapshot(user)
        user.display_name = d["display_name"].strip()
        user.role = d["role"]
        user.unit_id = d.get("unit_id")
        if user.active and not d.get("active", True):
            user.sessions_valid_after = utcnow()  # a deactivated account's cookies stop working
        user.active = bool(d.get("active", True))
        return user.id, before, snapshot(user)


class ResetPassword(Command):
    permission, action, entity = "manage_accounts", "user.reset_password", "user"

    def validate(self, session):
        return {"new_password": t("error.password_weak")} if weak_password(self.data.get("new_password") or "") else {}

    def apply(self, session):
        user = self.load_for_edit(session, User, self.data["user_id"], self.data.get("version"))
        before = snapshot(user)
        user.password_hash = hash_password(self.data["new_password"])
        user.sessions_valid_after = utcnow()
        user.failed_attempts, user.locked_until = 0, None
        return user.id, before, snapshot(user)


class ChangeOwnPassword(Command):
    permission, action, entity = "change_own_password", "user.change_password", "user"

    def validate(self, session):
        errors = {}
        user = session.get(User, self.actor.user_id)
        if user is None or not check_password(self.data.get("current_password") or "", user.password_hash):
            errors["current_password"] = t("account.wrong_current")
        if weak_password(self.data.get("new_password") or ""):
            errors["new_password"] = t("error.password_weak")
        return errors

    def apply(self, session):
        user = session.get(User, self.actor.user_id)
        user.password_hash = hash_password(self.data["new_password"])
        user.sessions_valid_after = utcnow()  # every earlier cookie of this user stops working
        return user.id, None, {"password_changed": True}


class SignOut(Command):
    """Sign out everywhere: cookies issued before now are refused."""
    permission, action, entity = "sign_out", "user.sign_out", "user"

    def apply(self, session):
        user = session.get(User, self.actor.user_id)
        if user is not None:
            user.sessions_valid_after = utcnow()
        return self.actor.user_id, None, None


class RecordSignInAttempt(Command):
    """Run by the sign-in machinery (SYSTEM actor): counts failures, locks after five."""
    permission, action, entity = "authenticate", "user.sign_in", "user"

    def validate(self, session):
        return text_errors(self.data, {"username": (True, User.username)})

    def apply(self, session):
        user = session.scalar(select(User).where(User.username == self.data["username"]))
        if user is None:
            return None, None, {"username": self.data["username"], "success": False}
        if self.data["success"]:
            user.failed_attempts, user.locked_until = 0, None
            return user.id, None, {"success": True}
        user.failed_attempts += 1
        locked = user.failed_attempts >= MAX_FAILED_SIGN_INS
        if locked:
            user.locked_until = utcnow() + LOCKOUT
            user.failed_attempts = 0
            self.action = "user.lock"  # a lock shows on the accounts page: it is a data change
        return user.id, None, {"success": False, "locked": locked}
