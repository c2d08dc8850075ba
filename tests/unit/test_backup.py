"""Backups leave nothing behind, and a database URL is shown without its secrets."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.backup import TEMP_PREFIX, BackupDatabase, display_url, pg_dump_command, pg_restore_command
from db.engine import read_session
from db.models import AuditLog

ADMIN = Actor(None, "chief", "admin")
DAY = date(2026, 11, 26)


def test_backup_in_memory_leaves_no_temporary_directory(sqlite_engine, own_tempdir, tmp_path):
    command = BackupDatabase(ADMIN, in_memory=True)
    command.run(sqlite_engine)
    assert list(own_tempdir.iterdir()) == []  # the copy was read and its directory removed
    assert command.path is None and command.file_name.startswith("fujian-") and command.file_name.endswith(".db")
    copy = tmp_path / "restored.db"
    copy.write_bytes(command.content)
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM unit").fetchone()[0] > 40
    with read_session(sqlite_engine) as s:
        audit = s.execute(select(AuditLog.username, AuditLog.action, AuditLog.after)
                          .order_by(AuditLog.id.desc()).limit(1)).one()
    assert audit == ("chief", "backup.create", {"file": command.file_name, "bytes": len(command.content)})


def test_a_failed_backup_in_memory_leaves_no_temporary_directory(sqlite_engine, own_tempdir, monkeypatch):
    def broken(engine, target):
        target.write_bytes(b"half a copy")
        raise OSError("disk full")
    monkeypatch.setattr("db.backup.backup_sqlite", broken)
    with pytest.raises(OSError):
        BackupDatabase(ADMIN, in_memory=True).run(sqlite_engine)
    assert list(own_tempdir.iterdir()) == []


def test_a_backup_kept_on_disk_is_in_a_recognisable_temporary_directory(sqlite_engine, own_tempdir):
    command = BackupDatabase(ADMIN)
    command.run(sqlite_engine)
    assert command.path.parent.parent == own_tempdir and command.path.parent.name.startswith(TEMP_PREFIX)


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://fujian:s3cr%40t@db-host:5432/fujian?sslmode=require",  # in the user part
    "postgresql://fujian@db-host:5432/fujian?password=s3cr%40t&sslmode=require",  # in the query string
    "postgresql://fujian@db-host:5432/fujian?sslmode=require&PASSWORD=s3cr%40t&sslpassword=s3cr%40t"
    "&passfile=/home/s3cr%40t/.pgpass",
])
def test_a_database_url_is_shown_without_its_secrets(url):
    shown = [display_url(url), pg_dump_command(url, DAY), pg_restore_command(url, DAY)]
    for text in shown:
        assert "s3cr" not in text and "%40" not in text and "pass" not in text.lower()
        assert "fujian@db-host:5432/fujian?sslmode=require" in text
    assert "postgresql://fujian@db-host:5432/fujian?sslmode=require" in shown[1]  # libpq's scheme


def test_a_url_without_secrets_is_shown_as_configured():
    assert display_url("sqlite:////srv/fujian/data/fujian.db") == "sqlite:////srv/fujian/data/fujian.db"
    assert display_url("postgresql+psycopg://fujian@db-host/fujian") == "postgresql+psycopg://fujian@db-host/fujian"
