"""Shared fixtures: databases on SQLite and PostgreSQL, and signed-in AppTests.

PostgreSQL and browser tests skip with a reason on a machine without them; with
FJLD_REQUIRE_ALL=1 (set by .ci/run) such a skip becomes a failure."""
from __future__ import annotations

import gc
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.pool import NullPool

os.environ.setdefault("FJLD_BCRYPT_ROUNDS", "4")
TODAY = date(2026, 11, 26)
os.environ["FJLD_TODAY"] = TODAY.isoformat()

from db.engine import make_engine, migrate  # noqa: E402
from seed.reference import load_reference  # noqa: E402

REQUIRE_ALL = os.environ.get("FJLD_REQUIRE_ALL") == "1"
PG_ADMIN_URL = os.environ.get("FJLD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent
SCRATCH = tempfile.gettempdir()  # read before any test points tempfile elsewhere (own_tempdir)


def pytest_unconfigure(config):
    """The run is over and reported: move the suite's objects (gigabytes of page runs and
    databases' metadata) out of the garbage collector's reach, so that the interpreter's final
    collection does not spend minutes walking them before the process exits."""
    gc.freeze()


def skip_or_fail(reason: str):
    if REQUIRE_ALL:
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)


@contextmanager
def pg_database(template: str | None = None):
    """A new PostgreSQL database of this test run's own (a copy of the database `template` when
    given, which nobody may be connected to); yields its URL and drops it afterwards."""
    name = f"fjld_test_{uuid.uuid4().hex[:12]}"
    _create_pg_database(name, template)
    try:
        yield _pg_url(name)
    finally:
        _drop_pg_database(name)


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _pg_admin(statement: str) -> None:
    from sqlalchemy import create_engine, text
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        conn = admin.connect()
    except Exception as exc:  # noqa: BLE001 - any connection problem means "no PostgreSQL here"
        skip_or_fail(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}")
    with conn:  # a database that cannot be made (e.g. its template in use) is an error, not a skip
        conn.execute(text(statement))


def _create_pg_database(name: str, template: str | None = None) -> None:
    _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def _drop_pg_database(name: str) -> None:
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_database(backend: str, tmp_path: Path):
    """An engine on a new, empty database of `backend` (a SQLite file in tmp_path, or a PostgreSQL
    database of its own, dropped afterwards)."""
    with _new_database(backend, tmp_path, template=None) as eng:
        yield eng


@contextmanager
def reference_database(backend: str, tmp_path: Path):
    """As empty_database, but migrated to head with the reference data: a copy of this run's
    reference template."""
    with _new_database(backend, tmp_path, template=_reference_template(backend)) as eng:
        yield eng


@contextmanager
def _new_database(backend: str, tmp_path: Path, template: str | None):
    if backend == "sqlite":
        target = tmp_path / "test.db"
        if template:
            shutil.copy(template, target)
        new_url = nullcontext(f"sqlite:///{target}")
    else:
        new_url = pg_database(template)
    with new_url as url:
        eng = make_engine(url)
        try:
            yield eng
        finally:
            eng.dispose()


_reference_templates: dict[str, str] = {}  # backend -> the SQLite file or PostgreSQL database


def _reference_template(backend: str) -> str:
    """A database migrated to head with the reference data, built once per run and backend.
    Building one takes seconds (Alembic from 0001, on SQLite batch rebuilds of tables); copying
    it takes milliseconds, and a run builds thousands."""
    if backend not in _reference_templates:
        if backend == "sqlite":
            built = str(Path(tempfile.mkdtemp(prefix="fjld-reference-", dir=SCRATCH)) / "reference.db")
            eng = make_engine(f"sqlite:///{built}")
        else:
            built = f"fjld_reference_{uuid.uuid4().hex[:12]}"
            _create_pg_database(built)
            eng = make_engine(_pg_url(built))
        try:
            migrate(eng)
            load_reference(eng)
        finally:
            eng.dispose()  # closes the connections: a PostgreSQL template must have none
        _reference_templates[backend] = built
    return _reference_templates[backend]


def pytest_sessionfinish(session, exitstatus):
    for backend, built in _reference_templates.items():
        if backend == "sqlite":
            shutil.rmtree(Path(built).parent, ignore_errors=True)
        else:
            _drop_pg_database(built)
    _reference_templates.clear()


def sqlite_reference_copy(target: Path) -> str:
    """The URL of a new SQLite file at `target` holding the reference database (for tests that
    keep several engines open at once)."""
    shutil.copy(_reference_template("sqlite"), target)
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated database with the reference data, on each backend."""
    with reference_database(request.param, tmp_path) as eng:
        yield eng


@pytest.fixture
def sqlite_engine(tmp_path):
    with reference_database("sqlite", tmp_path) as eng:
        yield eng


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A SQLite file with reference data, a year of demo data and the demo accounts, built once."""
    from seed.demo import create_demo_accounts, generate_demo
    path = tmp_path_factory.mktemp("template") / "demo.db"
    eng = make_engine(f"sqlite:///{path}")
    migrate(eng)
    load_reference(eng)
    generate_demo(eng, today=TODAY)
    create_demo_accounts(eng)
    eng.dispose()
    return path


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    """Production-like: reference data only, plus one admin account."""
    from core.permissions import Actor
    from db.commands.users import CreateUser
    path = tmp_path_factory.mktemp("template") / "empty.db"
    eng = make_engine(f"sqlite:///{path}")
    migrate(eng)
    load_reference(eng)
    CreateUser(Actor(None, "system", "admin"), username="root", display_name="管理员", password="Root-pass-2025",
               role="admin", unit_id=None).run(eng)
    eng.dispose()
    return path


def before_districts(model):
    """The model's table as it was before migration 0011 (no district column), for rows written
    to an older revision."""
    import sqlalchemy as sa
    return sa.Table(model.__tablename__, sa.MetaData(),
                    *(c._copy() for c in model.__table__.c if c.name != "district_id"))


def copy_db(template: Path, tmp_path: Path) -> str:
    target = tmp_path / f"app-{uuid.uuid4().hex[:8]}.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def units(engine) -> dict[str, int]:
    """unit code -> id, in the database under test"""
    from sqlalchemy import select

    from db.engine import read_session
    from db.models import Unit
    with read_session(engine) as s:
        return dict(s.execute(select(Unit.code, Unit.id)).all())


@pytest.fixture
def tasks(engine) -> dict[int, int]:
    """key-task number -> id"""
    from sqlalchemy import select

    from db.engine import read_session
    from db.models import KeyTask
    with read_session(engine) as s:
        return dict(s.execute(select(KeyTask.number, KeyTask.id)).all())


def count(engine, model, *conditions) -> int:
    """How many rows of `model` (matching `conditions`) the database holds."""
    from sqlalchemy import func, select

    from db.engine import read_session
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*conditions))


@pytest.fixture
def own_tempdir(monkeypatch, tmp_path) -> Path:
    """A temporary directory of this test's own, so that whatever is left in it is this test's."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def audits(engine, action: str | None = None) -> list:
    """The audit rows, oldest first; only those of `action` when given."""
    from sqlalchemy import select

    from db.engine import read_session
    from db.models import AuditLog
    with read_session(engine) as s:
        q = select(AuditLog).order_by(AuditLog.id)
        if action:
            q = q.where(AuditLog.action == action)
        return list(s.scalars(q))


def command_classes() -> set[type]:
    """Every subclass of Command that the app defines (in db.commands.* and db.backup), abstract
    bases included; commands that tests define for themselves are left out."""
    import importlib
    import pkgutil

    import db.backup  # noqa: F401 - defines BackupDatabase
    import db.commands
    from db.commands.base import Command
    for module in pkgutil.iter_modules(db.commands.__path__):
        importlib.import_module(f"db.commands.{module.name}")
    found, stack = set(), [Command]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return {c for c in found if c.__module__.startswith("db.commands.") or c.__module__ == "db.backup"}
