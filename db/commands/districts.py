"""Districts: a city admin (or the server's command line) adds a district; its plan is loaded from
files in the shape of seed/ (seed.reference)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from core.i18n import t
from db import districts
from db.commands.base import Command, CommandError, snapshot, stored
from db.models import District

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True, kw_only=True)
class AddDistrict(Command):
    """A new district, empty until its plan is loaded (`add_district` does both)."""
    permission, action, entity = "manage_districts", "district.create", "district"
    code: str | None = stored(District.code, required=True)
    name: str | None = stored(District.name, required=True)

    def validate(self, session):
        errors = self.text_errors()
        if "code" not in errors and not CODE_RE.match(self.code.strip()):
            errors["code"] = t("district.error.code_format")
        for field in ("code", "name"):
            column = getattr(District, field)
            if field not in errors and session.scalar(
                    select(func.count()).select_from(District).where(column == getattr(self, field).strip())):
                errors[field] = t(f"district.error.{field}_taken")
        return errors

    def apply(self, session):
        district = District(code=self.code.strip(), name=self.name.strip())
        session.add(district)
        session.flush()
        self.report(audit_district_id=district.id)  # the new district's log starts with its creation
        return district.id, None, snapshot(district)


def add_district(engine: Engine, actor, code: str, name: str, seed_dir: Path) -> tuple[int, int]:
    """Add the district `code` if it is new, then load its plan from `seed_dir` (again, when the
    files changed). The files are read before anything is written. Returns (district id, rows the
    plan loaded)."""
    from seed.reference import load_reference, read_plan
    read_plan(seed_dir)  # raises ValueError naming the file that cannot be used
    existing = next((d for d in districts.listed(engine) if d["code"] == code.strip()), None)
    if existing is None:
        district_id = AddDistrict(actor, code=code, name=name).run(districts.scoped(engine, districts.ALL))
    elif existing["name"] != name.strip():  # the code is another district's: nothing is loaded
        raise CommandError(t("district.error.other_name", code=code.strip(), name=existing["name"]))
    else:
        district_id = existing["id"]
    return district_id, load_reference(districts.scoped(engine, district_id), seed_dir)
