"""Load the reference data extracted from the seed document (硚政〔2025〕1号) idempotently:
loading twice changes nothing; an edited file updates rows by their stable key."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.kinds import KINDS
from core.unit_names import name_key
from db import districts
from db.engine import session_factory
from db.models import AuditLog, KeyTask, Leader, Setting, TaskGroup, Unit

SEED_DIR = Path(__file__).resolve().parent


def _read_units(seed_dir: Path) -> list[dict]:
    with (seed_dir / "units.csv").open(encoding="utf-8") as f:
        return [dict(row, sort_order=int(row["sort_order"]), aliases=[a for a in row["aliases"].split("、") if a])
                for row in csv.DictReader(f)]


def _json(seed_dir: Path, name: str) -> dict:
    return json.loads((seed_dir / name).read_text(encoding="utf-8"))


def _upsert(session, model, key_attr: str, key, values: dict) -> bool:
    """Insert or update one row by its stable key; True when anything changed."""
    row = session.scalar(select(model).where(getattr(model, key_attr) == key))
    if row is None:
        session.add(model(**{key_attr: key}, **values))
        return True
    changed = False
    for attr, value in values.items():
        if getattr(row, attr) != value:
            setattr(row, attr, value)
            changed = True
    return changed


REFERENCE_FILES = ("units.csv", "leadership.json", "mechanisms.json", "key_tasks.json")
UNIT_COLUMNS = ("code", "name", "category", "leader_name", "leader_title", "sort_order", "aliases")


PLAN_PROBLEMS = ("missing", "unreadable", "units", "units_twice", "leadership", "mechanisms", "key_tasks")


class PlanError(ValueError):
    """A plan file that cannot be used: the file's name and the problem (a catalog key
    district.plan.<problem>); the message, in English, is the command line's."""

    def __init__(self, path: Path, problem: str, detail: str):
        super().__init__(f"{path}: {detail}")
        self.file, self.problem = path.name, problem


def read_plan(seed_dir: Path) -> None:
    """Check that `seed_dir` holds a plan in the shape of seed/ before anything is written; raises
    PlanError naming the file and what is wrong with it."""
    for name in REFERENCE_FILES:
        if not (seed_dir / name).is_file():
            raise PlanError(seed_dir / name, "missing", "missing")
    for name in REFERENCE_FILES:
        try:
            _read_units(seed_dir) if name == "units.csv" else _json(seed_dir, name)
        except (ValueError, KeyError, TypeError, AttributeError, csv.Error, RecursionError) as exc:
            raise PlanError(seed_dir / name, "unreadable", f"cannot be read ({type(exc).__name__}: {exc})") from None
    units = _read_units(seed_dir)
    people, mechanisms, tasks = (_json(seed_dir, n) for n in REFERENCE_FILES[1:])
    if not units or any(not u.get(c) and c in ("code", "name", "category") for u in units for c in UNIT_COLUMNS):
        raise PlanError(seed_dir / "units.csv", "units", "every unit needs code, name and category")
    if len({u["code"] for u in units}) != len(units) or len({u["name"] for u in units}) != len(units):
        raise PlanError(seed_dir / "units.csv", "units_twice", "a unit code or name is listed twice")
    leaders = people.get("leaders") if isinstance(people, dict) else None
    if not isinstance(leaders, list) or not leaders or not {"office", "document"} <= set(people) \
            or not all(_shaped(p, LEADER_FIELDS) for p in leaders) or _twice(p["key"] for p in leaders):
        raise PlanError(seed_dir / "leadership.json", "leadership",
                        "needs leaders (key, role, name, title: text; sort_order: a number; keys unique), "
                        "office and document")
    if not isinstance(mechanisms, dict) or not isinstance(mechanisms.get("mechanisms"), list):
        raise PlanError(seed_dir / "mechanisms.json", "mechanisms", "needs a list of mechanisms")
    groups = tasks.get("groups") if isinstance(tasks, dict) else None
    if not isinstance(groups, list) or not groups or not all(
            _shaped(g, GROUP_FIELDS) and isinstance(g["tasks"], list)
            and all(_shaped(k, TASK_FIELDS) for k in g["tasks"]) for g in groups) \
            or _twice(g["number"] for g in groups) or _twice(k["number"] for g in groups for k in g["tasks"]):
        raise PlanError(seed_dir / "key_tasks.json", "key_tasks",
                        "needs groups (number, title, tasks with number, title, full_text; numbers unique)")


LEADER_FIELDS = {"key": str, "role": str, "name": str, "title": str, "sort_order": int}
GROUP_FIELDS = {"number": int, "title": str, "tasks": list}
TASK_FIELDS = {"number": int, "title": str, "full_text": str}


def _shaped(value, fields: dict[str, type]) -> bool:
    """A JSON object with each of `fields`, of its type (a number is not a flag)."""
    return isinstance(value, dict) and all(
        isinstance(value.get(k), kind) and not isinstance(value.get(k), bool) for k, kind in fields.items())


def _twice(keys) -> bool:
    keys = list(keys)
    return len(set(keys)) != len(keys)


def reference_fingerprint(seed_dir: Path | None = None) -> str:
    seed_dir = seed_dir or SEED_DIR
    digest = hashlib.sha256()
    for name in REFERENCE_FILES:
        digest.update((seed_dir / name).read_bytes())
    return digest.hexdigest()


def load_reference(engine: Engine, seed_dir: Path | None = None) -> int:
    """Load a district's plan from `seed_dir` (by default this repository's seed/, 硚口区's plan,
    into 硚口区 unless the engine is scoped to another district). Returns how many rows were
    inserted or updated (0 on a repeated load). The files are applied only when they changed since
    the last load, so edits made in the app (e.g. a unit's leader, changed by import) are not
    undone at every start."""
    if districts.district_of(engine) is None:
        engine = districts.scoped(engine, districts.by_code(engine, districts.HOME))
    seed_dir = seed_dir or SEED_DIR
    fingerprint = reference_fingerprint(seed_dir)
    with session_factory(engine)() as session:
        if session.scalar(select(Setting.value).where(Setting.key == "reference_fingerprint")) == fingerprint:
            return 0
    with session_factory(engine)() as session, session.begin():
        changes = apply_plan(session, seed_dir)
        if changes:
            session.add(AuditLog(username="system", action="seed.load_reference", entity="reference",
                                 after={"changes": changes}))
    return changes


def apply_plan(session, seed_dir: Path) -> int:
    """Write the plan in `seed_dir` into the session's district (inserting or updating rows by
    their stable keys) and remember its fingerprint; returns how many rows changed."""
    changes = 0
    units = _read_units(seed_dir)
    existing = {u.code: u for u in session.scalars(select(Unit))}
    # which unit already goes by a name: the office's aliases stay, and a seeded alias that
    # another unit goes by is left out
    owner = {name_key(u["name"]): u["code"] for u in units}
    for code, row in existing.items():
        for name in (row.name, *(row.aliases or ())):
            owner.setdefault(name_key(name), code)
    for u in units:
        kept = list(existing[u["code"]].aliases or []) if u["code"] in existing else []
        aliases = kept + [a for a in u["aliases"] if owner.setdefault(name_key(a), u["code"]) == u["code"]
                          and name_key(a) not in {name_key(k) for k in kept}]
        changes += _upsert(session, Unit, "code", u["code"], {
            "name": u["name"], "category": u["category"], "leader_name": u["leader_name"],
            "leader_title": u["leader_title"], "sort_order": u["sort_order"], "aliases": aliases})
    people = _json(seed_dir, "leadership.json")
    for p in people["leaders"]:
        changes += _upsert(session, Leader, "key", p["key"], {
            "role": p["role"], "name": p["name"], "title": p["title"], "sort_order": p["sort_order"]})
    changes += _upsert(session, Setting, "key", "office", {"value": people["office"]})
    changes += _upsert(session, Setting, "key", "plan_document", {"value": people["document"]})
    changes += _upsert(session, Setting, "key", "mechanisms",
                       {"value": _json(seed_dir, "mechanisms.json")["mechanisms"]})
    session.flush()
    for g in _json(seed_dir, "key_tasks.json")["groups"]:
        changes += _upsert(session, TaskGroup, "number", g["number"], {"title": g["title"]})
        session.flush()
        group_id = session.scalar(select(TaskGroup.id).where(TaskGroup.number == g["number"]))
        for task in g["tasks"]:
            changes += _upsert(session, KeyTask, "number", task["number"], {
                "group_id": group_id, "title": task["title"], "full_text": task["full_text"]})
    _upsert(session, Setting, "key", "reference_fingerprint", {"value": reference_fingerprint(seed_dir)})
    session.flush()
    return changes


def mechanism_titles(engine: Engine) -> dict[str, str]:
    with session_factory(engine)() as session:
        value = session.scalar(select(Setting.value).where(Setting.key == "mechanisms")) or []
    return {m["code"]: m["title"] for m in value}


assert all(k.mechanism.startswith("四(") for k in KINDS.values())
