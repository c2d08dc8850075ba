"""Engine, sessions and schema migration (Alembic, run on start)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import districts, table_versions
from db.stored_values import check_flush

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine whose writes are counted per table (db/table_versions.py)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        table_versions.install(engine)
        districts.install_engine(engine)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    table_versions.install(engine)
    districts.install_engine(engine)
    return engine


def alembic_config(url: str):
    from alembic.config import Config  # Alembic is imported only when the schema is not yet at the head
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest migration's revision id, which starts its file's name (0012_city_layer.py;
    tests/db/test_migrations.py holds the files to that)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def at_head(engine: Engine) -> bool:
    """Whether the schema is at the newest revision already (one query; no Alembic)."""
    from sqlalchemy import inspect
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]


def migrate(engine: Engine) -> bool:
    """Bring the schema to the newest revision (idempotent; a process that finds it there already,
    as every start but an upgrade's does, leaves Alembic unloaded). True when it upgraded."""
    if at_head(engine):
        return False
    from alembic import command
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn, sqlite_foreign_keys_off(conn):
        with conn.begin(), table_versions.uncounted(conn):
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return True


def gather_statistics(engine: Engine) -> None:
    """The query planner's statistics of every table: on SQLite `ANALYZE` (bounded: a sample of each
    index, a fraction of a second however large the file), which it never gathers by itself, and
    without which it picks indexes for its counts by guesswork; on PostgreSQL `VACUUM ANALYZE`, as
    autovacuum does within a minute of a large load: the vacuum marks the pages all-visible, so the
    figures are read from the index alone. After a schema upgrade or a new demo database (the app's
    start), `manage.py migrate`, and on SQLite the daily run."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")


def gathers_statistics_itself(engine: Engine) -> bool:
    """Whether the database keeps its planner's statistics current by itself (PostgreSQL's
    autovacuum); SQLite's are gathered by the daily run instead."""
    return engine.dialect.name == "postgresql"


@contextmanager
def sqlite_foreign_keys_off(conn) -> Iterator[None]:
    """SQLite changes a table's constraints by copying it into a new table (Alembic's batch mode),
    which a foreign key pointing at the old one forbids while the checks are on: they are off for
    the migration, which SQLite allows only outside a transaction, and every key is checked after."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    conn.commit()
    if broken:
        raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


def session_factory(engine: Engine) -> sessionmaker:
    """The engine's one sessionmaker, kept on the engine itself (a module-level cache keyed by
    engine would keep every engine a process ever made alive, pools and metadata included)."""
    factory = getattr(engine, "_fjld_session_factory", None)
    if factory is None:
        factory = sessionmaker(engine, expire_on_commit=False)
        # every row written through these sessions obeys its columns (db/stored_values.py)
        event.listen(factory, "before_flush", check_flush)
        # and every statement they run stays in the engine's district (db/districts.py)
        districts.install_sessions(factory)
        engine._fjld_session_factory = factory
    return factory


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session
