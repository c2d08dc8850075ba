"""Engine, sessions and schema migration (Alembic, run on start)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import table_versions
from db.stored_values import check_flush

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine whose writes are counted per table (db/table_versions.py)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        table_versions.install(engine)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    table_versions.install(engine)
    return engine


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        with table_versions.uncounted(conn):
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def session_factory(engine: Engine) -> sessionmaker:
    """The engine's one sessionmaker, kept on the engine itself (a module-level cache keyed by
    engine would keep every engine a process ever made alive, pools and metadata included)."""
    factory = getattr(engine, "_fjld_session_factory", None)
    if factory is None:
        factory = sessionmaker(engine, expire_on_commit=False)
        # every row written through these sessions obeys its columns (db/stored_values.py)
        event.listen(factory, "before_flush", check_flush)
        engine._fjld_session_factory = factory
    return factory


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session
