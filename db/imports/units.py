"""Importing member units, idempotent by 单位编码 (the stable key the reference data uses too).

No command edits units yet, so the rules are stated here: 单位编码 is lowercase letters, digits and
underscores; 单位名称 is unique (in the file and against other units); 类别 is one of the five
categories; 排序 and 状态 left blank keep what an existing unit has (a new unit goes last and is
在册). Deactivating a unit only hides it from new records; its history stays.

别名 (the other names imports and forms accept, 、-separated) follow the office's form
(db/commands/units.py SetUnitAliases): the same cleaning and the same refusal of a name another
unit goes by — compared with the other units as the file leaves them, so a file may move an alias
from one unit to another. Left blank, an existing unit keeps its aliases (as with 排序 and 状态):
a sheet made by hand without them does not wipe the office's list."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from core.i18n import CATALOG, t
from db.commands.units import alias_error, own_aliases
from db.imports.base import Planned
from db.imports.importer import Importer, choose, unit_names
from db.imports.spec import UNITS
from db.models import Unit

CODE_FORMAT = re.compile(r"^[a-z0-9_]+$")
ATTR_HEADERS = {"name": "import.col.unit_name", "aliases": "import.col.unit_aliases", "category": "import.col.category",
                "leader_name": "import.col.leader_name", "leader_title": "import.col.leader_title",
                "sort_order": "import.col.sort_order", "active": "import.col.unit_state"}


def categories() -> dict[str, str]:
    """Chinese label -> code of the unit categories."""
    return {text: key.split(".", 1)[1] for key, text in CATALOG.items() if key.startswith("category.")}


def unit_states() -> dict[str, bool]:
    return {t("import.unit_state.active"): True, t("import.unit_state.inactive"): False}


class UnitImporter(Importer):
    spec = UNITS
    entity = "unit"

    def prepare(self, rows, errors):
        s = self.session
        units = list(s.scalars(select(Unit)))
        by_code = {u.code: u for u in units}
        names = unit_names(s)
        cats, states = categories(), unit_states()
        next_order = (s.scalar(select(func.max(Unit.sort_order))) or 0) + 10
        # every unit's name and aliases as the file leaves them (blank 别名: kept)
        after = {u.code: (u.name, list(u.aliases or ())) for u in units}
        for row in rows:
            v = row.values
            kept = after.get(v["code"], (None, []))[1]
            after[v["code"]] = (v["name"], v["aliases"] or kept)
        plans = []
        with s.no_autoflush:
            for done, row in enumerate(rows, 1):
                v, n = row.values, row.number
                if v["code"] and not CODE_FORMAT.match(v["code"]):
                    errors.add_for(n, "code", t("import.error.unit_code_format"))
                category = choose(errors, n, "category", v["category"], cats)
                active = choose(errors, n, "state", v["state"], states)
                other = names.find(v["name"])  # another unit's name or alias
                if other is not None and other.code != v["code"]:
                    errors.add_for(n, "name", t("import.error.unit_name_taken"))
                aliases = after[v["code"]][1]
                if v["aliases"]:
                    problem = alias_error(v["aliases"], (x for code, x in after.items() if code != v["code"]))
                    if problem:
                        errors.add_for(n, "aliases", problem)
                self.tick("check", done, len(rows))
                if errors.has(n):
                    continue
                unit = by_code.get(v["code"])
                values = dict(name=v["name"], aliases=own_aliases(v["name"], aliases), category=category,
                              leader_name=v["leader_name"], leader_title=v["leader_title"])
                if v["sort_order"] is not None:
                    values["sort_order"] = v["sort_order"]
                if active is not None:
                    values["active"] = active
                if unit is None:
                    values.setdefault("sort_order", next_order)
                    values.setdefault("active", True)
                    next_order = max(next_order, values["sort_order"]) + 10
                    plans.append(Planned(n, v["code"], v["name"], "create", Unit(code=v["code"], version=1, **values)))
                    continue
                plans.append(self.plan_edit(n, v["code"], v["name"], unit, values, ATTR_HEADERS))
        return plans

    def write(self, plans):
        self.session.add_all(p.obj for p in plans if p.action == "create")
        self.session.flush()
        self.audit_rows(plans)
        self.tick("write", len(plans), len(plans))
        return self.summary(plans)
