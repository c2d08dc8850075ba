"""A member unit's other names (office staff): the full official name, abbreviations — whatever a
ledger or a colleague calls it. Imports and the new-item form accept each of them, so no two
units may share one (core.unit_names compares them without spaces)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.i18n import t
from core.unit_names import name_key
from db.commands.base import Command, snapshot, typed
from db.commands.inputs import text_errors
from db.models import Unit

MAX_ALIASES = 12


@dataclass(frozen=True, kw_only=True)
class SetUnitAliases(Command):
    """unit_id, unit_version, aliases (the whole list; blank lines and repeats dropped)."""
    permission, action, entity = "edit_records", "unit.aliases", "unit"
    unit_id: int | None = typed(wrong_type=("error.unknown_unit", {}))
    unit_version: int | None = None
    aliases: list[str] | None = typed(factory=list, wrong_type=("error.not_text", {}))

    def cleaned(self) -> list[str]:
        out: list[str] = []
        for alias in self.aliases or []:
            alias = alias.strip()
            if alias and name_key(alias) not in {name_key(a) for a in out}:
                out.append(alias)
        return out

    def validate(self, session):
        unit = self.find(session, Unit, self.unit_id)
        if unit is None:
            return {"unit_id": t("error.unknown_unit")}
        aliases = self.cleaned()
        if len(aliases) > MAX_ALIASES:
            return {"aliases": t("units.aliases.error.too_many", n=MAX_ALIASES)}
        errors = text_errors({str(i): a for i, a in enumerate(aliases)},
                             {str(i): (False, Unit.aliases) for i in range(len(aliases))})
        if errors:
            return {"aliases": next(iter(errors.values()))}
        taken = {}
        for other in session.scalars(select(Unit).where(Unit.id != unit.id)):
            for name in (other.name, *(other.aliases or ())):
                taken[name_key(name)] = other.name
        for alias in aliases:
            if name_key(alias) in taken:
                return {"aliases": t("units.aliases.error.taken", alias=alias, unit=taken[name_key(alias)])}
        return {}

    def apply(self, session):
        unit = self.load_for_edit(session, Unit, self.unit_id, self.unit_version)
        before = snapshot(unit)
        unit.aliases = [a for a in self.cleaned() if name_key(a) != name_key(unit.name)]
        session.flush()
        return unit.id, before, snapshot(unit)
