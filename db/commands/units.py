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
from db.imports.reader import LIST_SPLIT
from db.models import Unit

MAX_ALIASES = 12


def clean_aliases(aliases) -> list[str]:
    """The aliases as stored: stripped, blank ones and repeats (spaces and bracket forms aside) dropped."""
    out: list[str] = []
    for alias in aliases or []:
        alias = alias.strip()
        if alias and name_key(alias) not in {name_key(a) for a in out}:
            out.append(alias)
    return out


def own_aliases(name: str, aliases) -> list[str]:
    """What a unit named `name` keeps of `aliases`: the cleaned list without its own name."""
    return [a for a in clean_aliases(aliases) if name_key(a) != name_key(name)]


def alias_error(aliases, others) -> str | None:
    """Why a unit cannot go by `aliases` (too many, a text too long, one that another unit goes
    by), or None. `others`: (name, aliases) of every other unit — the office's form compares with
    the database, a units import with the database as the file leaves it."""
    aliases = clean_aliases(aliases)
    if len(aliases) > MAX_ALIASES:
        return t("units.aliases.error.too_many", n=MAX_ALIASES)
    errors = text_errors({str(i): a for i, a in enumerate(aliases)},
                         {str(i): (False, Unit.aliases) for i in range(len(aliases))})
    if errors:
        return next(iter(errors.values()))
    for alias in aliases:  # the units sheet lists them in one cell, split at these marks
        if LIST_SPLIT.search(alias):
            return t("units.aliases.error.separator", alias=alias)
    taken = {}
    for name, other_aliases in others:
        for other in (name, *(other_aliases or ())):
            taken.setdefault(name_key(other), name)
    for alias in aliases:
        if name_key(alias) in taken:
            return t("units.aliases.error.taken", alias=alias, unit=taken[name_key(alias)])
    return None


@dataclass(frozen=True, kw_only=True)
class SetUnitAliases(Command):
    """unit_id, unit_version, aliases (the whole list; blank lines and repeats dropped)."""
    permission, action, entity = "edit_records", "unit.aliases", "unit"
    unit_id: int | None = typed(wrong_type=("error.unknown_unit", {}))
    unit_version: int | None = None
    aliases: list[str] | None = typed(factory=list, wrong_type=("error.not_text", {}))

    def validate(self, session):
        unit = self.find(session, Unit, self.unit_id)
        if unit is None:
            return {"unit_id": t("error.unknown_unit")}
        others = session.execute(select(Unit.name, Unit.aliases).where(Unit.id != unit.id)).all()
        error = alias_error(self.aliases, others)
        return {"aliases": error} if error else {}

    def apply(self, session):
        unit = self.load_for_edit(session, Unit, self.unit_id, self.unit_version)
        before = snapshot(unit)
        unit.aliases = own_aliases(unit.name, self.aliases)
        session.flush()
        return unit.id, before, snapshot(unit)
