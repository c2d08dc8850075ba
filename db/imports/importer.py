"""The importer of one type: `prepare` resolves names against the database, validates every row
with the commands' own field rules and works out what each row would change; `write` makes those
changes. Both run inside db.commands.imports.ImportFile's transaction (the preview runs `prepare`
in a transaction that is rolled back), never on their own."""
from __future__ import annotations

from collections import deque
from typing import Any, Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import t
from core.permissions import Actor
from core.unit_names import UnitNames
from db.commands.base import audit_values, snapshot
from db.imports.base import FileSpec, Planned, ParsedRow, Progress, RowErrors, report
from db.models import AuditLog, Unit

CHUNK = 500
INSERT_CHUNK = 2000
PROGRESS_EVERY = 250


def chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def bulk_insert(session: Session, model, rows: Iterable[dict]) -> None:
    """Plain multi-row INSERTs (one executemany per chunk) for rows nobody reads back here:
    timeline events, audit rows, assisting units, notes. `rows` may be a generator: only a chunk
    of them is held at a time."""
    table = model.__table__
    part: list[dict] = []
    for row in rows:
        part.append(row)
        if len(part) == INSERT_CHUNK:
            session.connection().execute(table.insert(), part)
            part = []
    if part:
        session.connection().execute(table.insert(), part)


def lifecycle_path(transitions: dict[str, dict[str, str]], start: str, target: str) -> list[tuple[str, str, str]] | None:
    """The shortest chain of (action, from, to) steps from `start` to `target`; [] when they are
    equal; None when the lifecycle cannot get there (e.g. back from 已反馈 to 已发出)."""
    if start == target:
        return []
    queue, seen = deque([(start, [])]), {start}
    while queue:
        status, path = queue.popleft()
        for action, nxt in transitions.get(status, {}).items():
            if nxt in seen:
                continue
            step = path + [(action, status, nxt)]
            if nxt == target:
                return step
            seen.add(nxt)
            queue.append((nxt, step))
    return None


def choose(errors, n: int, column: str, word: str | None, choices: dict[str, Any]) -> Any:
    """What a cell's word stands for (a stage, a category …; None for a blank cell). An unknown
    word is an error of row n's column that lists the words allowed."""
    if not word:
        return None
    if word not in choices:
        errors.add_for(n, column, t("import.error.unknown_choice", value=word, choices="、".join(choices)))
        return None
    return choices[word]


def unit_names(session) -> UnitNames:
    """Every unit by its name and its aliases (an import's unit columns accept any of them)."""
    units = session.scalars(select(Unit).order_by(Unit.active.desc(), Unit.sort_order, Unit.id))
    return UnitNames((u, u.name, u.aliases or ()) for u in units)


def unknown_unit(names: UnitNames, name: str) -> str:
    """The row's message for a unit name no unit goes by, with the closest names, if any."""
    close = names.closest(name)
    if close:
        return t("import.error.unknown_unit_close", name=name, close="、".join(close))
    return t("import.error.unknown_unit", name=name)


def _value(snapshot: dict, attr: str):
    if attr in snapshot or "." not in attr:
        return snapshot.get(attr)
    column, key = attr.split(".", 1)
    return (snapshot.get(column) or {}).get(key)


class Importer:
    spec: FileSpec
    entity: str  # entity of the per-row audit rows

    def __init__(self, session: Session, actor: Actor, file_name: str = "", progress: Progress | None = None):
        self.session = session
        self.actor = actor
        self.file_name = file_name
        self.progress = progress

    # -- the two phases ------------------------------------------------------------------------
    def prepare(self, rows: list[ParsedRow], errors: RowErrors) -> list[Planned]:
        raise NotImplementedError

    def write(self, plans: list[Planned]) -> dict[str, Any]:
        raise NotImplementedError

    # -- helpers -------------------------------------------------------------------------------
    def tick(self, phase: str, done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            report(self.progress, phase, done, total)

    def existing_by_ref(self, model, rows: list[ParsedRow]) -> dict[str, Any]:
        """The records that the file's external references already name, read in chunks."""
        refs = [r.values["external_ref"] for r in rows if r.values.get("external_ref")]
        found: dict[str, Any] = {}
        for part in chunks(refs):
            found.update({x.external_ref: x for x in self.session.scalars(select(model).where(model.external_ref.in_(part)))})
        return found

    def let_go_if_unchanged(self, plan: Planned) -> Planned:
        """An unchanged record is needed no further: out of the session (what was set on it equals
        what is stored) and out of the plan, so a large file's unchanged rows are not all held."""
        if plan.action == "unchanged" and plan.obj is not None:
            self.session.expunge(plan.obj)
            plan.obj = None
        return plan

    def plan_edit(self, row: int, ref: str, label: str, obj, change: dict[str, Any] | Callable[[Any], None],
                  headers: dict[str, str], extra: dict | None = None) -> Planned:
        """Make a file row's change to the record it names (values to set, or a function that
        changes it): "unchanged" when nothing differs, else "update" with the before-image and the
        headers of the changed columns."""
        before = snapshot(obj)
        if callable(change):
            change(obj)
        else:
            for attr, value in change.items():
                setattr(obj, attr, value)
        if not self.session.is_modified(obj):
            return Planned(row, ref, label, "unchanged", obj)
        return Planned(row, ref, label, "update", obj, before, self.changed_columns(before, snapshot(obj), headers),
                       extra or {})

    def changed_columns(self, before: dict, after: dict, columns: dict[str, str]) -> tuple[str, ...]:
        """Headers of the columns whose values differ (attribute -> catalog key of a header; a key
        within a JSON column as <attribute>.<key>, e.g. details.case_name)."""
        out = []
        for attr, header in columns.items():
            if _value(before, attr) != _value(after, attr):
                label = t(header)
                if label not in out:
                    out.append(label)
        return tuple(out)

    def audit_rows(self, plans: list[Planned], entity: str | None = None) -> None:
        """One audit row per created or changed record, of the commands' shape (who, what, which
        record, its snapshot before and after), so the record's own history shows the import; the
        after-image also names the file and row. The import as a whole gets the command's summary row."""
        action, entity = f"{entity or self.entity}.import", entity or self.entity
        bulk_insert(self.session, AuditLog, (
            audit_values(self.actor, action, entity, p.obj.id, p.before,
                         snapshot(p.obj) | {"import_file": self.file_name, "import_row": p.row})
            for p in plans if p.action in ("create", "update")))

    @staticmethod
    def summary(plans: list[Planned]) -> dict[str, int]:
        return {action: sum(1 for p in plans if p.action == action) for action in ("create", "update", "unchanged")}
