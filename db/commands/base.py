"""The command layer: every write is one small command, one per user intent.

    permission → validation (Chinese message per field) → transaction → audit row → commit

Edits carry the version the user saw; a stale version is refused with StaleEdit and nothing is
written, so the page keeps the user's input and shows the message.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.i18n import t
from core.permissions import Actor, can
from core.text import text_problem
from db.engine import session_factory
from db.models import AuditLog
from db.stored_values import StoredValueRefused, column_limits, input_problems

SECRET_COLUMNS = {"password_hash"}


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


class Command:
    """Subclasses set `permission`, `action`, `entity` and implement `validate` and `apply`."""

    permission: ClassVar[str]
    action: ClassVar[str]
    entity: ClassVar[str]

    def __init__(self, actor: Actor, **data: Any):
        self.actor = actor
        self.data = data

    # -- hooks -----------------------------------------------------------------------------
    def owner_unit_ids(self, session: Session) -> list[int | None] | None:
        """Units that own the record, for own-unit permissions; None when not unit-scoped."""
        return None

    def validate(self, session: Session) -> dict[str, str]:
        return {}

    def apply(self, session: Session) -> tuple[int | None, dict | None, dict | None]:
        """Make the change; return (entity_id, before, after) for the audit row."""
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def load_for_edit(session: Session, model, row_id: int, expected_version: int | None):
        row = session.get(model, row_id)
        if row is None:
            raise NotFound()
        if expected_version is not None and row.version != expected_version:
            raise StaleEdit()
        return row

    # -- the pipeline ----------------------------------------------------------------------
    def run(self, engine: Engine) -> int | None:
        session = session_factory(engine)()
        try:
            with session.begin():
                # Dates and numbers no computation or column can take (e.g. year 9999, an id past
                # 32 bits) first: the permission check may already look the record up by its id.
                errors = {field: t(key, **args) for field, (key, args) in input_problems(self.data).items()}
                if errors:
                    raise ValidationFailed(errors)
                if not can(self.actor, self.permission, self.owner_unit_ids(session)):
                    raise PermissionDenied()
                errors = self.validate(session)
                if errors:
                    raise ValidationFailed(errors)
                # No autoflush: a read inside apply (e.g. the holiday calendar) must not write a
                # half-changed row early, which would also bump its version twice.
                with session.no_autoflush:
                    entity_id, before, after = self.apply(session)
                session.flush()
                session.add(AuditLog(user_id=self.actor.user_id, username=self.actor.username,
                                     action=self.action, entity=self.entity, entity_id=entity_id,
                                     before=before, after=after))
            return entity_id
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


def text_errors(data: dict, rules: dict[str, tuple[bool, Any]]) -> dict[str, str]:
    """Required and stored-text checks of a command's text fields. rules maps field ->
    (required, model attribute, e.g. Item.title): the column gives the length limit and whether
    line breaks are allowed (core.text's rule, the same that every flush enforces)."""
    errors: dict[str, str] = {}
    for field, (required, attribute) in rules.items():
        raw = data.get(field)
        value = raw.strip() if isinstance(raw, str) else raw
        if required and not value:
            errors[field] = t("error.required")
        elif value is not None and not isinstance(value, str):
            errors[field] = t("error.not_text")
        elif isinstance(value, str):
            multiline, max_len = column_limits(attribute)
            problem = text_problem(value, multiline=multiline, max_len=max_len)
            if problem:
                errors[field] = t(problem[0], **problem[1])
    return errors
