"""Importing a file: the preview (check_import) and the write (ImportFile), both through the same
importer (db/imports), so what the preview promises is what the import does.

ImportFile follows every command's pipeline: permission (import_data) → validation of every row
(per-row errors, nothing written if there is one) → one transaction → audit → commit. Audit: one
row per created or changed record (entity item/follow_up/meeting/unit/liaison, action
"<entity>.import", with before/after and the file name and row number), so each record's own
history shows the import; plus this command's row (action "import.<type>", entity "import") with
the file name and the counts. Rows that change nothing leave no trace."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from core.i18n import t
from core.permissions import Actor, can
from db.commands.base import Command, CommandError, PermissionDenied
from db.engine import session_factory
from db.imports import SPECS, ParsedFile, Planned, RowError, importer_for
from db.imports.base import Progress, RowErrors


class ImportRefused(CommandError):
    """The file has problems; `row_errors` lists every one (row, column, message)."""

    def __init__(self, errors: list[RowError]):
        rows = {e.row for e in errors}
        super().__init__(t("import.refused", rows=len(rows), errors=len(errors)))
        self.row_errors = errors


@dataclass
class ImportCheck:
    """The preview of an import: problems, or what each row would do."""
    kind: str
    file_name: str
    rows: int
    errors: list[RowError] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)  # row, ref, label, action, changed

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for p in self.plans if p["action"] == action)

    @property
    def changes(self) -> int:
        return self.count("create") + self.count("update")


def _plan_rows(plans: list[Planned]) -> list[dict[str, Any]]:
    return [dict(row=p.row, ref=p.ref, label=p.label, action=p.action, changed=list(p.changed)) for p in plans]


def check_import(engine: Engine, actor: Actor, parsed: ParsedFile, progress: Progress | None = None) -> ImportCheck:
    """Validate a parsed file against the database without writing anything."""
    if not can(actor, "import_data"):
        raise PermissionDenied()
    check = ImportCheck(parsed.kind, parsed.file_name, len(parsed.rows), errors=list(parsed.errors))
    if parsed.fatal:
        return check
    errors = RowErrors(SPECS[parsed.kind])
    errors.extend(parsed.errors)
    session = session_factory(engine)()
    try:
        plans = importer_for(parsed.kind)(session, actor, parsed.file_name, progress).prepare(parsed.rows, errors)
    finally:
        session.rollback()
        session.close()
    check.errors = errors.as_list()
    check.plans = [] if check.errors else _plan_rows(plans)
    return check


class ImportFile(Command):
    """data: parsed (a ParsedFile), progress (optional callback). After a successful run,
    `summary` holds the counts; after a refusal, `row_errors` lists the problems."""
    permission, entity = "import_data", "import"

    def __init__(self, actor: Actor, *, parsed: ParsedFile, progress: Progress | None = None):
        super().__init__(actor, parsed=parsed, progress=progress)
        self.action = f"import.{parsed.kind}"
        self.row_errors: list[RowError] = []
        self.summary: dict[str, Any] | None = None
        self.plans: list[dict[str, Any]] = []

    def _refuse(self, errors: list[RowError]):
        self.row_errors = errors
        raise ImportRefused(errors)

    def validate(self, session):
        parsed: ParsedFile = self.data["parsed"]
        if parsed.fatal:
            self._refuse(parsed.errors)
        self._importer = importer_for(parsed.kind)(session, self.actor, parsed.file_name, self.data.get("progress"))
        errors = RowErrors(SPECS[parsed.kind])
        errors.extend(parsed.errors)
        self._plans = self._importer.prepare(parsed.rows, errors)
        if errors:
            self._refuse(errors.as_list())
        return {}

    def apply(self, session):
        parsed: ParsedFile = self.data["parsed"]
        counts = self._importer.write(self._plans)
        self.summary = {"rows": len(parsed.rows), **counts}
        self.plans = _plan_rows(self._plans)
        return None, None, {"file": parsed.file_name, "kind": parsed.kind, **self.summary}
