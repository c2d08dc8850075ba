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
from db.commands.base import Command, CommandError, PermissionDenied, result
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


@dataclass(frozen=True, kw_only=True)
class ImportFile(Command):
    """parsed (a ParsedFile), progress (optional callback). After a successful run, `summary`
    holds the counts and `plans` what each row did; after a refusal, `row_errors` lists the
    problems."""
    permission, entity = "import_data", "import"
    parsed: ParsedFile
    progress: Progress | None = None
    row_errors: list[RowError] = result(factory=list)
    summary: dict[str, Any] | None = result()
    plans: list[dict[str, Any]] = result(factory=list)

    @property
    def action(self) -> str:
        return f"import.{self.parsed.kind}"

    def _refuse(self, errors: list[RowError]):
        self.report(row_errors=errors)
        raise ImportRefused(errors)

    def validate(self, session):
        parsed = self.parsed
        if parsed.fatal:
            self._refuse(parsed.errors)
        importer = importer_for(parsed.kind)(session, self.actor, parsed.file_name, self.progress)
        errors = RowErrors(SPECS[parsed.kind])
        errors.extend(parsed.errors)
        plans = importer.prepare(parsed.rows, errors)
        if errors:
            self._refuse(errors.as_list())
        self.report(_importer=importer, _plans=plans)
        return {}

    def apply(self, session):
        parsed = self.parsed
        counts = self._importer.write(self._plans)
        self.report(summary={"rows": len(parsed.rows), **counts}, plans=_plan_rows(self._plans))
        return None, None, {"file": parsed.file_name, "kind": parsed.kind, **self.summary}
