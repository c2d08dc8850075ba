"""Database backup (admin only, "manage_settings").

- SQLite (the embedded default): BackupDatabase copies the live database with SQLite's online
  backup API (`sqlite3.Connection.backup`) into a temporary file — a consistent copy while the app
  keeps running — switched out of WAL mode so that the one file is the whole database. The page
  offers it as a download. Restore is documented (catalog: backup.restore_sqlite): stop the app,
  replace the file, remove the -wal/-shm files, start the app (which migrates if needed). The page
  takes the copy in memory (in_memory=True): the temporary file is gone before the download is
  offered, and the page hands the bytes over once (ui/downloads.py).
- PostgreSQL: the app does not hold the dump tools or the server's files, so the page shows the
  documented `pg_dump` / `pg_restore` commands built from the configured URL with `display_url`
  (password removed, also from the query string) — the one way a database URL is shown.

Taking a backup is a command (permission → audit row with the file name and size): who copied the
whole database, password hashes included, and when, is in the audit log."""
from __future__ import annotations

import shlex
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import URL, Engine, make_url

from core.clock import SHANGHAI
from core.i18n import t
from db import districts
from db.commands.base import Command, result

DUMP_STEM = "fujian"
TEMP_PREFIX = "fjld-backup-"  # temporary directories of backups in the making


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


@dataclass(frozen=True, kw_only=True)
class BackupDatabase(Command):
    """directory (optional), in_memory (bool).

    By default the backup file is left in `directory` (or a new temporary directory) and `path`
    names it. With in_memory=True the copy is made in a temporary directory (prefix TEMP_PREFIX),
    read into `content` and the directory removed before the command returns — also when the copy
    fails — so no backup outlives the command on disk; `file_name` is the name to offer it under."""
    permission, action, entity = "manage_settings", "backup.create", "database"
    directory: Path | None = None
    in_memory: bool = False
    path: Path | None = result()
    file_name: str | None = result()
    content: bytes | None = result()

    def validate(self, session):
        if session.get_bind().dialect.name != "sqlite":
            return {"database": t("backup.pg_intro")}
        if self.actor.district_id is not None and len(districts.listed(session.get_bind())) > 1:
            # the file holds every district's records: the server's operator takes it
            return {"database": t("backup.several_districts")}
        return {}

    def apply(self, session):
        if self.in_memory:
            with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as directory:
                made = backup_sqlite(session.get_bind(), Path(directory) / backup_file_name())
                self.report(content=made.read_bytes())
            self.report(file_name=made.name)
            return None, None, {"file": made.name, "bytes": len(self.content)}
        directory = self.directory or Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        path = backup_sqlite(session.get_bind(), Path(directory) / backup_file_name())
        self.report(path=path, file_name=path.name)
        return None, None, {"file": path.name, "bytes": path.stat().st_size}


# Query parameters of a libpq/psycopg URL that hold or point to a secret.
SECRET_PARAMS = frozenset({"password", "sslpassword", "passfile"})


def display_url(url: str | URL, *, drivername: str | None = None) -> str:
    """A database URL safe to show a person: no password in the user part (u:pw@) and no secret
    in the query string (?password=…); everything else as configured. `drivername` replaces the
    scheme (e.g. "postgresql" for libpq tools)."""
    u = make_url(url)
    query = {k: v for k, v in u.query.items() if k.lower() not in SECRET_PARAMS}
    # rebuilt without the password (URL.set(password=None) would keep it)
    bare = URL.create(drivername or u.drivername, username=u.username, host=u.host, port=u.port,
                      database=u.database, query=query)
    return bare.render_as_string(hide_password=False)


def _pg_conninfo(url: str) -> str:
    """The URL as libpq tools take it: plain postgresql:// scheme, no secrets (libpq asks for the
    password, or takes it from ~/.pgpass or PGPASSWORD)."""
    return display_url(url, drivername="postgresql")


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
