"""Exports and backup (DESIGN §5 import/export row, §8 Security), on SQLite and PostgreSQL: every
table the role may see, formulas neutralised in XLSX and CSV, a liaison's export limited to rows
involving their own unit, viewers refused; the SQLite backup is a database file with the same
data; for PostgreSQL the documented pg_dump command never shows the password."""
from __future__ import annotations

import io
import sqlite3
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.permissions import Actor
from db.backup import BackupDatabase, pg_dump_command, pg_restore_command, sqlite_path
from db.commands.base import PermissionDenied, ValidationFailed
from db.commands.items import CreateItem
from db.commands.meetings import CreateMeeting
from db.commands.supervision import IssueSupervision
from db.commands.tasks import AssignTaskUnits
from db.engine import read_session
from db.models import AuditLog, Item, KeyTask
from core.spreadsheets import csv_bytes, workbook_bytes
from db.queries.exports import TABLES, export_table, export_workbook, sheet_title
from tests.conftest import TODAY

ADMIN = Actor(None, "admin1", "admin")
OFFICE = Actor(None, "office1", "office")
CONVENER = Actor(None, "convener1", "convener")
FORMULAS = ("=HYPERLINK(\"http://evil\",\"点击\")", "+SUM(A1:A9)", "-2+3", "@cmd", "=1+1")


def item(engine, units, src, dst, title, **extra) -> int:
    return CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units[src], to_unit_id=units[dst],
                      title=title, doc_number=extra.pop("doc_number", "硚检建〔2026〕1号"), sent_on=date(2026, 9, 18),
                      received_on=date(2026, 9, 22), summary=extra.pop("summary", None), details={}, **extra).run(engine)


@pytest.fixture
def data(engine, units):
    """Items between several units (one per formula-like text), a meeting with follow-ups, a key
    task assignment, a supervision, liaisons."""
    from tests.db.test_imports import run_import
    ids = {
        "to_market": item(engine, units, "procuratorate", "market_regulation", FORMULAS[0], summary=FORMULAS[1]),
        "from_market": item(engine, units, "market_regulation", "procuratorate", "线索移送", doc_number=FORMULAS[3]),
        "other": item(engine, units, "procuratorate", "education", FORMULAS[4]),
        "other2": item(engine, units, "procuratorate", "health", "卫健建议"),
    }
    CreateMeeting(OFFICE, kind="joint_meeting", title="联席会议", held_on=date(2026, 10, 9), attending_unit_ids=[],
                  follow_ups=[dict(text=FORMULAS[2], lead_unit_id=units["education"],
                                   assisting_unit_ids=[units["market_regulation"]], due_on=date(2026, 12, 1)),
                              dict(text="教育局独办", lead_unit_id=units["education"], assisting_unit_ids=[],
                                   due_on=date(2026, 12, 1))]).run(engine)
    CreateMeeting(OFFICE, kind="business_symposium", title="与市场监管无关的会", held_on=date(2026, 10, 10),
                  attending_unit_ids=[units["health"]],
                  follow_ups=[dict(text="卫健事项", lead_unit_id=units["health"], assisting_unit_ids=[],
                                   due_on=date(2026, 12, 1))]).run(engine)
    with read_session(engine) as s:
        task = s.scalar(select(KeyTask).where(KeyTask.number == 9))
    AssignTaskUnits(OFFICE, task_id=task.id, version=task.version, lead_unit_id=units["procuratorate"],
                    participating_unit_ids=[units["market_regulation"]]).run(engine)
    for key in ("to_market", "other"):
        IssueSupervision(CONVENER, target_type="item", target_id=ids[key], level="重点",
                         deadline=TODAY + timedelta(days=10), instruction="限期回复").run(engine)
    run_import(engine, "liaisons", [
        dict(external_ref="L1", unit="区市场监管局", name="王五", phone="13800000001", start_on=date(2025, 6, 3)),
        dict(external_ref="L2", unit="区教育局", name="赵六", phone="13800000002", start_on=date(2025, 6, 3))])
    return ids


def cells(xlsx: bytes):
    wb = load_workbook(io.BytesIO(xlsx))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws.title, cell


# -- formulas ------------------------------------------------------------------------------------

def test_workbook_neutralises_every_formula(engine, data):
    xlsx = workbook_bytes(export_workbook(engine, ADMIN, TODAY))
    texts = []
    for _, cell in cells(xlsx):
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
            texts.append(cell.value)
    for formula in FORMULAS:
        assert "'" + formula in texts


def test_csv_neutralises_every_formula(engine, data):
    for table in TABLES:
        text = csv_bytes(export_table(engine, ADMIN, table, TODAY)).decode("utf-8-sig")
        for line in text.splitlines():
            for cell in line.split(","):
                assert not cell.strip('"').startswith(("=", "+", "@")), (table, cell)
    items = csv_bytes(export_table(engine, ADMIN, "items", TODAY)).decode("utf-8-sig")
    assert "'=HYPERLINK" in items and "'+SUM(A1:A9)" in items and "'@cmd" in items


def test_workbook_has_one_sheet_per_table(engine, data):
    wb = load_workbook(io.BytesIO(workbook_bytes(export_workbook(engine, OFFICE, TODAY))))
    assert wb.sheetnames == [sheet_title(t) for t in TABLES] == ["事项", "议定事项", "会议", "重点工作", "督办", "成员单位", "联络员"]
    assert wb["事项"].max_row == 1 + 4 and wb["重点工作"].max_row == 1 + 14
    assert wb["事项"]["A1"].value == "外部编号" and wb["事项"].freeze_panes == "A2"


# -- who sees what -----------------------------------------------------------------------------------

def test_liaison_export_contains_only_own_unit_rows(engine, data, units):
    liaison = Actor(None, "liaison1", "liaison", units["market_regulation"])
    mine = export_workbook(engine, liaison, TODAY)
    everything = export_workbook(engine, ADMIN, TODAY)
    unit = "区市场监管局"
    items = mine["事项"]
    assert len(items) == 2 and len(everything["事项"]) == 4
    assert ((items["发出单位"] == unit) | (items["接收单位"] == unit)).all()
    follow_ups = mine["议定事项"]
    assert len(follow_ups) == 1 and len(everything["议定事项"]) == 3
    assert ((follow_ups["牵头单位"] == unit) | follow_ups["协办单位"].str.contains(unit)).all()
    assert mine["会议"]["会议名称"].tolist() == ["联席会议"] and len(everything["会议"]) == 2
    assert mine["重点工作"]["序号"].tolist() == [9] and len(everything["重点工作"]) == 14
    assert mine["督办"]["被督办单位"].tolist() == [unit] and len(everything["督办"]) == 2
    assert mine["成员单位"]["单位名称"].tolist() == [unit] and len(everything["成员单位"]) == len(units)
    assert mine["联络员"]["成员单位"].tolist() == [unit] and len(everything["联络员"]) == 2


def test_liaison_export_of_another_unit_has_nothing_of_the_first(engine, data, units):
    health = Actor(None, "liaison2", "liaison", units["health"])
    mine = export_workbook(engine, health, TODAY)
    assert mine["事项"]["标题"].tolist() == ["卫健建议"]
    assert mine["会议"]["会议名称"].tolist() == ["与市场监管无关的会"]  # attended, and leads its follow-up
    assert mine["联络员"].empty and mine["督办"].empty


@pytest.mark.parametrize("actor", [Actor(None, "viewer1", "viewer"), Actor(None, "nobody", "liaison", None), None])
def test_export_is_refused_without_export_permission(engine, actor):
    with pytest.raises(PermissionDenied):
        export_workbook(engine, actor, TODAY)
    with pytest.raises(PermissionDenied):
        export_table(engine, actor, "units", TODAY)


# -- backup -----------------------------------------------------------------------------------------

def test_backup_is_a_database_file_with_the_same_items(engine, data, tmp_path):
    if engine.dialect.name != "sqlite":
        with pytest.raises(ValidationFailed):
            BackupDatabase(ADMIN, directory=tmp_path).run(engine)
        return
    command = BackupDatabase(ADMIN, directory=tmp_path)
    command.run(engine)
    assert command.path.parent == tmp_path and command.path.suffix == ".db"
    with read_session(engine) as s:
        expected = s.scalar(select(func.count()).select_from(Item))
        audit = s.execute(select(AuditLog.action, AuditLog.after).order_by(AuditLog.id.desc()).limit(1)).one()
    copy = sqlite3.connect(command.path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
        assert copy.execute("SELECT count(*) FROM item").fetchone() == (expected,) and expected == 4
        assert copy.execute("SELECT count(*) FROM unit").fetchone()[0] > 40
    finally:
        copy.close()
    assert audit.action == "backup.create" and audit.after["file"] == command.path.name


@pytest.mark.parametrize("role", ["office", "convener", "liaison", "viewer"])
def test_only_admin_backs_up(sqlite_engine, tmp_path, role):
    target = tmp_path / "backups"
    target.mkdir()
    with pytest.raises(PermissionDenied):
        BackupDatabase(Actor(None, role, role, 1), directory=target).run(sqlite_engine)
    assert not list(target.iterdir())


def test_pg_dump_command_hides_the_password():
    url = "postgresql+psycopg://fujian:s3cr%40t@db-host:5432/fujian?sslmode=require"
    dump, restore = pg_dump_command(url, TODAY), pg_restore_command(url, TODAY)
    for command in (dump, restore):
        assert "s3cr" not in command and "%40" not in command
        assert "postgresql://fujian@db-host:5432/fujian?sslmode=require" in command
        assert "fujian-20261126.dump" in command
    assert dump.startswith("pg_dump --format=custom") and restore.startswith("pg_restore --clean")


def test_sqlite_path_of_the_configured_url(tmp_path):
    assert sqlite_path(f"sqlite:///{tmp_path}/x.db") == str(tmp_path / "x.db")
    assert sqlite_path("postgresql+psycopg://u@h/db") is None
