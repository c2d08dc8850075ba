"""Finding a member unit by any name it goes by — its name in the plan (区住更局), its full official
name (武汉市硚口区住房和城市更新局), a common abbreviation — and suggesting the closest names when
none matches (an import's "did you mean"). Spaces, full-width spaces and the ASCII/full-width
forms of brackets do not matter."""
from __future__ import annotations

import difflib
from typing import Generic, Iterable, TypeVar

T = TypeVar("T")
_SAME = str.maketrans({"（": "(", "）": ")", "\u3000": None, " ": None})


def name_key(name: str) -> str:
    return name.translate(_SAME).strip()


class UnitNames(Generic[T]):
    """units: (unit, its name, its aliases), in order of precedence; find(name) gives the unit
    any of them names. A unit's own name wins over another's alias; between aliases, the first
    unit given wins."""

    def __init__(self, units: Iterable[tuple[T, str, Iterable[str]]]):
        self._by_key: dict[str, T] = {}
        self._names: dict[str, str] = {}  # key -> the unit's own name (what a suggestion shows)
        units = list(units)
        for unit, name, _ in units:
            self._add(name_key(name), unit, name)
        for unit, name, aliases in units:
            for alias in aliases or ():
                self._add(name_key(alias), unit, name)

    def _add(self, key: str, unit: T, name: str) -> None:
        if key and key not in self._by_key:
            self._by_key[key] = unit
            self._names[key] = name

    def find(self, name: str | None) -> T | None:
        return self._by_key.get(name_key(name)) if name else None

    def closest(self, name: str, n: int = 3) -> list[str]:
        """The names of up to n units whose names or aliases come closest to `name`."""
        key = name_key(name)
        candidates = difflib.get_close_matches(key, list(self._by_key), n=n * 3, cutoff=0.6)
        # a name within another (经科局 in 武汉市硚口区经科局) counts as close too
        candidates += [k for k in self._by_key if key and (key in k or k in key)]
        out: list[str] = []
        for k in candidates:
            if self._names[k] not in out:
                out.append(self._names[k])
        return out[:n]
