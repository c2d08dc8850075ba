"""Importing liaisons (联络员), idempotent by 外部编号: each row is one term of one person at one
unit (生效日期 to 截止日期, blank while serving) with the date the change was reported.

Name and phone use the liaison commands' own rules (db.commands.liaisons); dates may not lie in the
future, and neither 截止日期 nor 报备日期 may come before 生效日期. A term is created and corrected
by the commands' own functions (new_liaison, edit_liaison), and may also move to another unit or
start date. Unlike ChangeLiaison an import does not end anyone's term by itself: the file states
every term as it is. As with ChangeLiaison, a unit whose liaisons change gets a new version
(liaisons_changed), so a liaison form opened before the import is refused instead of overwriting it."""
from __future__ import annotations

from sqlalchemy import select

from core.i18n import t
from db.commands.liaisons import ChangeLiaison, _date_error, edit_liaison, liaisons_changed, new_liaison
from db.imports.base import Planned
from db.imports.importer import Importer, unit_names, unknown_unit
from db.imports.spec import LIAISONS
from db.models import Liaison, Unit

ATTR_HEADERS = {"unit_id": "import.col.unit", "name": "import.col.liaison_name", "phone": "import.col.phone", "email": "import.col.email",
                "start_on": "import.col.start_on", "end_on": "import.col.end_on",
                "reported_on": "import.col.reported_on"}


class LiaisonImporter(Importer):
    spec = LIAISONS
    entity = "liaison"

    def prepare(self, rows, errors):
        s = self.session
        existing: dict[str, Liaison] = self.existing_by_ref(Liaison, rows)
        self.units = unit_names(s)
        plans = []
        with s.no_autoflush:
            for done, row in enumerate(rows, 1):
                v, n = row.values, row.number
                unit = self.units.find(v["unit"])
                if v["unit"] and (unit is None or not unit.active):
                    errors.add_for(n, "unit", unknown_unit(self.units, v["unit"]))
                for field, message in ChangeLiaison(self.actor, name=v["name"], phone=v["phone"], email=v["email"]).person_errors().items():
                    errors.add_for(n, field, message)
                for field in ("start_on", "end_on", "reported_on"):
                    message = _date_error(v[field], required=field == "start_on")
                    if message:
                        errors.add_for(n, field, message)
                if v["start_on"]:
                    if v["end_on"] and v["end_on"] < v["start_on"]:
                        errors.add_for(n, "end_on", t("liaison.error.end_before_start"))
                    if v["reported_on"] and v["reported_on"] < v["start_on"]:
                        errors.add_for(n, "reported_on", t("liaison.error.reported_before_start"))
                self.tick("check", done, len(rows))
                if errors.has(n):
                    continue
                row_obj = existing.get(v["external_ref"])
                if row_obj is None:
                    new = new_liaison(s, unit, name=v["name"], phone=v["phone"], email=v["email"], start_on=v["start_on"],
                                      end_on=v["end_on"], reported_on=v["reported_on"], external_ref=v["external_ref"])
                    plans.append(Planned(n, v["external_ref"], v["name"], "create", new))
                    continue

                def change(row, v=v, unit=unit):
                    edit_liaison(row, name=v["name"], phone=v["phone"], email=v["email"], reported_on=v["reported_on"],
                                 end_on=v["end_on"])
                    row.unit_id, row.start_on = unit.id, v["start_on"]
                plans.append(self.plan_edit(n, v["external_ref"], v["name"], row_obj, change, ATTR_HEADERS,
                                            {"units": {row_obj.unit_id, unit.id}}))
        return plans

    def write(self, plans):
        s = self.session
        touched = set().union(*(p.extra.get("units", set()) for p in plans if p.action == "update"))
        for unit in s.scalars(select(Unit).where(Unit.id.in_(touched))) if touched else ():
            liaisons_changed(unit)
        s.flush()
        self.audit_rows(plans)
        self.tick("write", len(plans), len(plans))
        return self.summary(plans)
