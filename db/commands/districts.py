"""Districts: a city admin (管理 → 区, or the server's command line) adds a district with its plan,
four files in the shape of seed/ (seed.reference), in one transaction."""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core.i18n import t
from db import districts
from db.commands.base import Command, CommandError, ValidationFailed, result, snapshot, stored, typed
from db.models import District
from db.stored_values import StoredValueRefused

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


PLAN_FILE_MAX_BYTES = 1_000_000  # a plan file is a few kilobytes; anything near this is not one


@dataclass(frozen=True, kw_only=True)
class AddDistrict(Command):
    """A new district and its plan: code, name and plan_files (each of seed.reference's
    REFERENCE_FILES by name → its content). The files are checked before anything is written."""
    permission, action, entity = "manage_districts", "district.create", "district"
    code: str | None = stored(District.code, required=True)
    name: str | None = stored(District.name, required=True)
    plan_files: dict[str, bytes] = typed(factory=dict, wrong_type=("district.plan.files", {}))
    loaded: int = result(0)  # rows the plan wrote

    def validate(self, session):
        errors = self.text_errors()
        if "code" not in errors and not CODE_RE.match(self.code.strip()):
            errors["code"] = t("district.error.code_format")
        for field in ("code", "name"):
            column = getattr(District, field)
            if field not in errors and session.scalar(
                    select(func.count()).select_from(District).where(column == getattr(self, field).strip())):
                errors[field] = t(f"district.error.{field}_taken")
        problem = self._plan_problem()
        if problem:
            errors["plan_files"] = problem
        return errors

    def _plan_problem(self) -> str | None:
        from seed.reference import REFERENCE_FILES, PlanError, read_plan
        unknown = sorted(set(self.plan_files) - set(REFERENCE_FILES))
        if unknown:
            return t("district.plan.unknown", file=unknown[0], files="、".join(REFERENCE_FILES))
        large = next((n for n, b in self.plan_files.items() if len(b) > PLAN_FILE_MAX_BYTES), None)
        if large:
            return t("district.plan.too_large", file=large, mb=PLAN_FILE_MAX_BYTES // 1_000_000)
        with tempfile.TemporaryDirectory() as directory:
            try:
                read_plan(_written(self.plan_files, Path(directory)))
            except PlanError as exc:
                return t(f"district.plan.{exc.problem}", file=exc.file)
        return None

    def apply(self, session):
        from seed.reference import apply_plan
        district = District(code=self.code.strip(), name=self.name.strip())
        session.add(district)
        session.flush()
        with tempfile.TemporaryDirectory() as directory, districts.working_in(session, district.id):
            try:
                self.report(loaded=apply_plan(session, _written(self.plan_files, Path(directory))))
            except StoredValueRefused as exc:  # e.g. a unit's name longer than a name can be
                raise ValidationFailed({"plan_files": t("district.plan.value", problem=t(exc.key, **exc.fmt))}) from None
        self.report(audit_district_id=district.id)  # the new district's log starts with its creation
        return district.id, None, snapshot(district) | {"plan_rows": self.loaded}


def _written(files: dict[str, bytes], directory: Path) -> Path:
    for name, content in files.items():
        (directory / Path(name).name).write_bytes(content)
    return directory


def plan_files(seed_dir: Path) -> dict[str, bytes]:
    """The plan files found in `seed_dir`, by name (a missing one is left out: AddDistrict names it)."""
    from seed.reference import REFERENCE_FILES
    return {n: (seed_dir / n).read_bytes() for n in REFERENCE_FILES if (seed_dir / n).is_file()}


def add_district(engine: Engine, actor, code: str, name: str, seed_dir: Path) -> tuple[int, int]:
    """Add the district `code` with the plan in `seed_dir`, or, when it exists, load its plan
    again (when the files changed). The files are read before anything is written. Returns
    (district id, rows the plan loaded)."""
    from seed.reference import load_reference, read_plan
    read_plan(seed_dir)  # raises PlanError naming the file that cannot be used
    existing = next((d for d in districts.listed(engine) if d["code"] == code.strip()), None)
    if existing is None:
        command = AddDistrict(actor, code=code, name=name, plan_files=plan_files(seed_dir))
        district_id = command.run(districts.scoped(engine, districts.ALL))
        return district_id, command.loaded
    if existing["name"] != name.strip():  # the code is another district's: nothing is loaded
        raise CommandError(t("district.error.other_name", code=code.strip(), name=existing["name"]))
    return existing["id"], load_reference(districts.scoped(engine, existing["id"]), seed_dir)
