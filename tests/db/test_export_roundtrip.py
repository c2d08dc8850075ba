"""Export → import round trip (DESIGN §8 Reliability: imports are idempotent by external
reference; exports have the import template's columns), on SQLite and PostgreSQL: on a demo
database, every importable sheet of the export — in the workbook, and as its own CSV — goes back
through the import's preview and write with nothing to create or update, and every row stays as it
was.

Records made in the app (as the demo's are) carry no external reference, by which an import names
its rows; the database is given one for each first, as an office keeping its own register would."""
from __future__ import annotations

import pytest
from sqlalchemy import String, cast, func, select, update

from core.permissions import Actor
from core.spreadsheets import csv_bytes, workbook_bytes
from db.commands.imports import ImportFile, check_import
from db.engine import read_session, session_factory
from db.imports import SPECS, parse_file
from db.models import (AuditLog, FollowUp, FollowUpAssist, FollowUpNote, Item, ItemEvent, Liaison, Meeting,
                       MeetingAttendance, Unit)
from db.queries.exports import export_table, export_workbook
from seed.demo import generate_demo
from tests.conftest import TODAY, reference_database

ADMIN = Actor(None, "admin1", "admin")
OFFICE = Actor(None, "office1", "office")
ROW_OF = {"items": Item, "follow_ups": FollowUp, "units": Unit, "liaisons": Liaison}
# every table an import of any type writes (besides the audit log)
WRITTEN = (Item, ItemEvent, Meeting, MeetingAttendance, FollowUp, FollowUpAssist, FollowUpNote, Unit, Liaison)
KINDS = ["items", "follow_ups", "units", "liaisons"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, tmp_path_factory):
    """A year of demo data, every record with an external reference; shared by the module's tests
    (each leaves the data as it found it, or fails)."""
    with reference_database(request.param, tmp_path_factory.mktemp("roundtrip")) as eng:
        generate_demo(eng, today=TODAY)
        with session_factory(eng).begin() as s:
            for model, prefix in ((Item, "DEMO-I-"), (FollowUp, "DEMO-F-"), (Liaison, "DEMO-L-")):
                s.execute(update(model).where(model.external_ref.is_(None))
                          .values(external_ref=prefix + cast(model.id, String)))
        yield eng


@pytest.fixture(scope="module")
def exported(demo) -> dict[str, bytes]:
    """The workbook ("xlsx") and each importable table's CSV ("csv.<kind>"), as an admin exports them."""
    files = {"xlsx": workbook_bytes(export_workbook(demo, ADMIN, TODAY))}
    files |= {f"csv.{kind}": csv_bytes(export_table(demo, ADMIN, kind, TODAY)) for kind in SPECS}
    return files


def rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table an import writes, every column, in id order."""
    with read_session(engine) as s:
        return {model.__tablename__: [tuple(r) for r in s.execute(
            select(*model.__table__.columns).order_by(*model.__table__.primary_key.columns))]
            for model in WRITTEN}


def test_the_demo_has_something_of_every_importable_kind(demo):
    with read_session(demo) as s:
        counts = {kind: s.scalar(select(func.count()).select_from(model)) for kind, model in ROW_OF.items()}
        unnamed = {kind: s.scalar(select(func.count()).select_from(model).where(model.external_ref.is_(None)))
                   for kind, model in ROW_OF.items() if kind != "units"}
    assert all(n > 0 for n in counts.values()), counts
    assert set(unnamed.values()) == {0}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_sheet_imports_back_with_nothing_to_do(demo, exported, kind, fmt):
    data = exported["xlsx" if fmt == "xlsx" else f"csv.{kind}"]
    before = rows(demo)
    with read_session(demo) as s:
        last_audit = s.scalar(select(func.max(AuditLog.id)))
        expected = s.scalar(select(func.count()).select_from(ROW_OF[kind]))

    check = check_import(demo, OFFICE, parse_file(kind, f"export.{fmt}", data))
    assert check.ok, check.errors[:5]
    assert check.rows == expected
    assert [p for p in check.plans if p["action"] != "unchanged"][:5] == []
    assert check.count("unchanged") == expected

    command = ImportFile(OFFICE, parsed=parse_file(kind, f"export.{fmt}", data))
    command.run(demo)
    assert (command.summary["create"], command.summary["update"], command.summary["unchanged"]) == (0, 0, expected)
    assert rows(demo) == before
    with read_session(demo) as s:  # only the import's own record: no record's history moved
        assert list(s.scalars(select(AuditLog.action).where(AuditLog.id > last_audit))) == [f"import.{kind}"]


def test_the_units_sheet_carries_each_units_other_names_and_an_edit_of_them_imports(demo):
    sheet = export_table(demo, ADMIN, "units", TODAY)
    with read_session(demo) as s:
        aliases = dict(s.execute(select(Unit.code, Unit.aliases)).all())
    assert list(sheet.columns[:3]) == ["单位编码", "单位名称", "别名"]
    assert dict(zip(sheet["单位编码"], sheet["别名"])) == {code: "、".join(a or ()) for code, a in aliases.items()}
    assert "武汉市硚口区住房和城市更新局" in sheet.set_index("单位编码").loc["housing_renewal", "别名"]

    edited = sheet.copy()
    row = edited.index[edited["单位编码"] == "statistics"][0]
    edited.loc[row, "别名"] = edited.loc[row, "别名"] + "、硚口统计"
    command = ImportFile(OFFICE, parsed=parse_file("units", "edited.csv", csv_bytes(edited)))
    command.run(demo)
    assert (command.summary["update"], command.summary["unchanged"]) == (1, len(sheet) - 1)
    with read_session(demo) as s:
        assert s.scalar(select(Unit.aliases).where(Unit.code == "statistics")) == [*aliases["statistics"], "硚口统计"]
    # and back as it was (the module's other tests share the data)
    ImportFile(OFFICE, parsed=parse_file("units", "export.csv", csv_bytes(sheet))).run(demo)
    with read_session(demo) as s:
        assert dict(s.execute(select(Unit.code, Unit.aliases)).all()) == aliases
