"""The command layer: every write is one small command, one per user intent.

    input types → permission → validation (Chinese message per field) → transaction → audit row → commit

Edits carry the version the user saw; a stale version is refused with StaleEdit and nothing is
written, so the page keeps the user's input and shows the message.

A command's input is the command itself, a frozen dataclass with typed fields (db.commands.inputs).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import inspect, null
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.i18n import t
from core.permissions import Actor, can
from core.text import email_address
from db.commands.inputs import (REQUIRED, Input, declared_text_errors, fields_of, input_fields, result, stored,
                                text_errors, type_errors, typed)
from db import districts
from db.engine import session_factory
from db.models import AuditLog
from db.stored_values import StoredValueRefused, input_problems

__all__ = ["REQUIRED", "Command", "CommandError", "Input", "NothingChanged", "NotFound", "PermissionDenied", "StaleEdit", "ValidationFailed",
           "ValueRefused", "audit_values", "email_errors", "fields_of", "input_fields", "result", "snapshot", "stored",
           "text_errors", "typed"]

# never in an audit row: a password's hash, a group robot's webhook (it holds the access token) and secret
SECRET_COLUMNS = {"password_hash", "robot_webhook", "robot_secret"}


class CommandError(Exception):
    """A refused write. `message` is for the user; `field_errors` maps field keys to messages."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class PermissionDenied(CommandError):
    def __init__(self):
        super().__init__(t("error.permission_denied"))


class ValidationFailed(CommandError):
    def __init__(self, field_errors: dict[str, str]):
        super().__init__(t("error.validation_failed"), field_errors)


class ValueRefused(ValidationFailed):
    """A value the database must not hold, found when the row was about to be written (a field
    its command did not check itself): the message says what is wrong, since the form may have no
    place for it."""

    def __init__(self, field: str, message: str):
        CommandError.__init__(self, message, {field: message})


class StaleEdit(CommandError):
    def __init__(self):
        super().__init__(t("error.stale_edit"))


class NotFound(CommandError):
    def __init__(self):
        super().__init__(t("error.not_found"))


class NothingChanged(Exception):
    """Raised by `apply` when the write turns out to change nothing (another process has just
    made it): the transaction is rolled back and no audit row is written. Not an error."""


def email_errors(**values: Any) -> dict[str, str]:
    """The message of each value given that is not an e-mail address a reminder can go to (blank is
    fine: the address is optional); core.text.email_address stores it."""
    errors = {}
    for name, value in values.items():
        try:
            email_address(value)
        except ValueError:
            errors[name] = t("error.email_format")
    return errors


def snapshot(row) -> dict[str, Any]:
    """Column values of a row, JSON-ready, secrets left out (for the audit log)."""
    out: dict[str, Any] = {}
    for attr in inspect(row).mapper.column_attrs:
        if attr.key in SECRET_COLUMNS:
            continue
        value = getattr(row, attr.key)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        out[attr.key] = value
    return out


@dataclass(frozen=True)
class Command:
    """A command's input is the command itself: a frozen dataclass whose fields are typed and
    keyword-only in every subclass (`CreateItem(actor, title=..., sent_on=...)`), so an unknown
    field is a TypeError at construction. Subclasses set `permission`, `action`, `entity` and
    implement `validate` and `apply`; the text fields declare their column with `stored(...)`.
    A value of the wrong type (a float for an id, bytes for a title) is refused in `run` with a
    Chinese message under its field, before anything else looks at it."""

    actor: Actor

    permission: ClassVar[str]
    action: ClassVar[str]
    entity: ClassVar[str]
    # True: the signed-in account acts on itself (its password, its sign-out): a city account,
    # which belongs to no district, is then found across districts
    own_account: ClassVar[bool] = False

    # -- hooks -----------------------------------------------------------------------------
    def owner_unit_ids(self, session: Session) -> list[int | None] | None:
        """Units that own the record, for own-unit permissions; None when not unit-scoped."""
        return None

    def permission_in(self, session: Session) -> str:
        """The permission this run needs: the class's, unless where it runs decides (a setting of
        the city layer is the city admin's)."""
        return self.permission

    def validate(self, session: Session) -> dict[str, str]:
        return {}

    def apply(self, session: Session) -> tuple[int | None, dict | None, dict | None]:
        """Make the change; return (entity_id, before, after) for the audit row."""
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------------------
    def text_errors(self, *names: str, required: dict[str, bool] | None = None) -> dict[str, str]:
        """The required and stored-text checks of the declared text fields (all of them, or
        `names`); `required` overrides a declaration where it depends on other input (e.g. the
        document number, required by some kinds)."""
        return declared_text_errors(self, names, required)

    def report(self, **values: Any) -> None:
        """Keep what a run found out (an import's summary, a backup's file, the audit action it
        ended with): results, not input, so they do not make the input mutable."""
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @staticmethod
    def find(session: Session, model, row_id: int | None):
        """The row of that id, or None (also when no id was given)."""
        return None if row_id is None else session.get(model, row_id)

    @staticmethod
    def load_for_edit(session: Session, model, row_id: int | None, expected_version: int | None):
        row = Command.find(session, model, row_id)
        if row is None:
            raise NotFound()
        if expected_version is not None and row.version != expected_version:
            raise StaleEdit()
        return row

    # -- the pipeline ----------------------------------------------------------------------
    def district_engine(self, engine: Engine) -> Engine:
        """The engine in the actor's district: whatever engine a page hands in, a district's user
        reads and writes their own district's rows only (db/districts.py); an engine already
        scoped to another district is refused."""
        district = self.actor.district_id
        if district is None:
            # a city account acting on itself is found across districts (it belongs to none)
            return districts.scoped(engine, districts.ALL) if self.own_account else engine
        if districts.district_of(engine) not in (None, district):
            raise PermissionDenied()
        return districts.scoped(engine, district)

    def input_errors(self) -> dict[str, str]:
        """Dates and numbers no computation or column can take (e.g. year 9999, an id past 32
        bits), and values of the wrong type (a float for an id, bytes for a title), by field path."""
        errors = {path: t(key, **args) for path, (key, args) in input_problems(fields_of(self)).items()}
        for path, message in type_errors(self).items():
            errors.setdefault(path, message)
        return errors

    def run(self, engine: Engine) -> int | None:
        session = session_factory(self.district_engine(engine))()
        try:
            with session.begin():
                # The input's types and ranges first: the permission check may already look the
                # record up by its id.
                errors = self.input_errors()
                if errors:
                    raise ValidationFailed(errors)
                if not can(self.actor, self.permission_in(session), self.owner_unit_ids(session)):
                    raise PermissionDenied()
                errors = self.validate(session)
                if errors:
                    raise ValidationFailed(errors)
                # No autoflush: a read inside apply (e.g. the holiday calendar) must not write a
                # half-changed row early, which would also bump its version twice.
                with session.no_autoflush:
                    entity_id, before, after = self.apply(session)
                session.flush()
                audit = audit_values(self.actor, self.action, self.entity, entity_id, before, after)
                if getattr(self, "audit_district_id", None) is not None:  # a run across districts
                    audit["district_id"] = self.audit_district_id
                elif districts.district_of(session.get_bind()) == districts.ALL or districts.in_city_layer(session):
                    audit["district_id"] = null()  # done at the city level
                session.add(AuditLog(**audit))
            return entity_id
        except NothingChanged:  # rolled back on the way out of the transaction
            return None
        except StoredValueRefused as exc:
            raise ValueRefused(exc.attr, t(exc.key, **exc.fmt)) from None
        except StaleDataError:
            raise StaleEdit() from None
        except IntegrityError:
            raise CommandError(t("error.conflict")) from None
        except OperationalError:
            raise CommandError(t("error.database_unavailable")) from None
        finally:
            session.close()


def audit_values(actor: Actor, action: str, entity: str, entity_id: int | None, before: dict | None,
                 after: dict | None) -> dict[str, Any]:
    """The columns of one audit row: who, what, which record, before and after. A command adds one
    per run; an import writes the same rows in bulk, one per record it changes."""
    return dict(user_id=actor.user_id, username=actor.username, action=action, entity=entity,
                entity_id=entity_id, before=before, after=after)
