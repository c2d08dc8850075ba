"""Database backup (admin only, "manage_settings").

- SQLite (the embedded default): BackupDatabase copies the live database with SQLite's online
  backup API (`sqlite3.Connection.backup`) into a temporary file — a consistent copy while the app
  keeps running — switched out of WAL mode so that the one file is the whole database. The page
  offers it as a download. Restore is documented (catalog: backup.restore_sqlite): stop the app,
  replace the file, remove the -wal/-shm files, start the app (which migrates if needed).
- PostgreSQL: the app does not hold the dump tools or the server's files, so the page shows the
  documented `pg_dump` / `pg_restore` commands built from the configured URL, password removed.

Taking a backup is a command (permission → audit row with the file name and size): who copied the
whole database, password hashes included, and when, is in the audit log."""
from __future__ import annotations

import shlex
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import URL, Engine, make_url

from core.clock import SHANGHAI
from core.i18n import t
from db.commands.base import Command

DUMP_STEM = "fujian"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> str | None:
    """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return str(Path(u.database).resolve())


def backup_file_name(at: datetime | None = None) -> str:
    at = at or datetime.now(SHANGHAI)
    return f"{DUMP_STEM}-{at:%Y%m%d-%H%M%S}.db"


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """A consistent copy of the engine's SQLite database at `target` (a self-contained file)."""
    source = engine.raw_connection()
    try:
        copy = sqlite3.connect(str(target))
        try:
            source.driver_connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.commit()
        finally:
            copy.close()
    finally:
        source.close()
    return target


class BackupDatabase(Command):
    """data: directory (optional; default a new temporary directory). After run, `path` is the
    backup file."""
    permission, action, entity = "manage_settings", "backup.create", "database"

    def __init__(self, actor, directory: Path | None = None):
        super().__init__(actor, directory=directory)
        self.path: Path | None = None

    def validate(self, session):
        if session.get_bind().dialect.name != "sqlite":
            return {"database": t("backup.pg_intro")}
        return {}

    def apply(self, session):
        directory = self.data.get("directory") or Path(tempfile.mkdtemp(prefix="fjld-backup-"))
        self.path = backup_sqlite(session.get_bind(), Path(directory) / backup_file_name())
        return None, None, {"file": self.path.name, "bytes": self.path.stat().st_size}


def _pg_conninfo(url: str) -> str:
    """The URL as libpq tools take it: plain postgresql:// scheme, no password."""
    u = make_url(url)
    # rebuilt without the password (URL.set(password=None) would keep it)
    bare = URL.create("postgresql", username=u.username, host=u.host, port=u.port, database=u.database,
                      query=u.query)
    return bare.render_as_string(hide_password=False)


def pg_dump_file(day: date) -> str:
    return f"{DUMP_STEM}-{day:%Y%m%d}.dump"


def pg_dump_command(url: str, day: date) -> str:
    """The documented backup of a PostgreSQL database (custom format, for pg_restore)."""
    return (f"pg_dump --format=custom --no-owner --file={shlex.quote(pg_dump_file(day))} "
            f"--dbname={shlex.quote(_pg_conninfo(url))}")


def pg_restore_command(url: str, day: date) -> str:
    """The documented restore of such a dump into the configured database."""
    return (f"pg_restore --clean --if-exists --no-owner --dbname={shlex.quote(_pg_conninfo(url))} "
            f"{shlex.quote(pg_dump_file(day))}")
