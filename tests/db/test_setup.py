"""Set-up on both backends: migrations match the models, reference data loads idempotently and
from the seed document, production start has no demo data, the CLI creates the first admin."""
import csv
import io
import json
import shutil
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from core.passwords import check_password
from db.engine import gather_statistics, make_engine, migrate, read_session
from db.models import AuditLog, Base, KeyTask, Leader, Setting, TaskGroup, Unit, User
from db.queries.common import data_version, has_demo_data
from seed import reference
from tests.conftest import ROOT, count, skip_or_fail

SEED_DOC = (ROOT.parent / "shared" / "seed-doc" / "000_815f9cd277b545e8.txt")


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrate_twice_is_harmless(engine):
    migrate(engine)
    assert count(engine, Unit) == 41


def test_the_newest_migration_is_known_without_alembic_and_a_database_there_is_left_alone(engine, tmp_path):
    """A process that starts on a database at the head does not load Alembic: the head is read off
    the file names, so each file must start with its own revision id."""
    from alembic.script import ScriptDirectory

    from db.engine import alembic_config, at_head, head_revision
    scripts = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    assert [head_revision()] == scripts.get_heads()
    for script in scripts.walk_revisions():
        assert script.path.rsplit("/", 1)[1].startswith(f"{script.revision}_")
    assert at_head(engine)
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert not at_head(empty)
    assert migrate(empty) is True  # it upgraded: the app's start then gathers the planner's statistics
    assert at_head(empty) and migrate(empty) is False


def test_reference_data_from_the_plan(engine):
    assert count(engine, Unit) == 41
    assert count(engine, TaskGroup) == 5 and count(engine, KeyTask) == 14
    with read_session(engine) as s:
        police = s.scalar(select(Unit).where(Unit.code == "public_security"))
        leaders = s.execute(select(Leader.name, Leader.title).order_by(Leader.sort_order)).all()
        office = s.scalar(select(Setting.value).where(Setting.key == "office"))
        task9 = s.scalar(select(KeyTask).where(KeyTask.number == 9))
        categories = dict(s.execute(select(Unit.category, func.count()).group_by(Unit.category)).all())
    assert (police.name, police.leader_name, police.leader_title, police.category) == (
        "区公安分局", "周琰", "政工室主任", "police_fire_traffic")
    assert leaders == [("刘辉", "区政府副区长"), ("刘星", "区检察院检察长"), ("刘川", "区委(区政府)办公室副主任")]
    assert office["phone"] == "68839462" and office["email"] == "1306226418@qq.com"
    assert office["director"] == "杨树龙" and office["members"] == ["丁立", "唐瑞"]
    assert task9.title == "促进依法行政" and "检察建议" in task9.full_text
    assert categories == {"government_department": 25, "procuratorate": 1, "police_fire_traffic": 3,
                          "development_zone": 1, "subdistrict": 11}


def test_every_unit_and_task_text_appears_in_the_seed_document():
    if not SEED_DOC.exists():  # the plan's text sits beside this project's CI checkout, not in a user's clone
        skip_or_fail(f"the district plan's text is not here ({SEED_DOC}); it exists only beside the project's CI")
    text = SEED_DOC.read_text(encoding="utf-8")
    flat = text.replace(" ", "")
    with (ROOT / "seed" / "units.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert row["leader_name"] + row["name"] + row["leader_title"] in flat
    for group in json.loads((ROOT / "seed" / "key_tasks.json").read_text(encoding="utf-8"))["groups"]:
        for task in group["tasks"]:
            assert f"{task['number']}.{task['full_text']}" in text


def test_reference_load_is_idempotent_and_updates_by_key(engine, tmp_path, monkeypatch):
    assert reference.load_reference(engine) == 0
    version = data_version(engine)
    assert data_version(engine) == version
    # an edited file updates the row with the same code, never duplicates
    seed = tmp_path / "seed"
    shutil.copytree(ROOT / "seed", seed)
    rows = list(csv.DictReader((seed / "units.csv").open(encoding="utf-8")))
    for row in rows:
        if row["code"] == "public_security":
            row["leader_name"] = "新领导"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (seed / "units.csv").write_text(buf.getvalue(), encoding="utf-8")
    monkeypatch.setattr(reference, "SEED_DIR", seed)
    assert reference.load_reference(engine) == 1
    assert count(engine, Unit) == 41
    with read_session(engine) as s:
        assert s.scalar(select(Unit.leader_name).where(Unit.code == "public_security")) == "新领导"
    assert data_version(engine) > version


def test_production_database_has_no_demo_data(engine):
    assert not has_demo_data(engine)
    assert count(engine, User) == 0
    with read_session(engine) as s:
        assert s.scalar(select(AuditLog.action)) == "seed.load_reference"


def test_cli_creates_first_admin(tmp_path):
    url = f"sqlite:///{tmp_path}/cli.db"
    env = {"DATABASE_URL": url, "FJLD_DEMO": "0", "COOKIE_KEY": "x" * 4 + "0123456789abcdefghijklmnopqrstuvwxyz",
           "FJLD_BCRYPT_ROUNDS": "4", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "manage.py", "create-admin", "chief", "--display-name", "王主任",
                          "--password-stdin"], input="Chief-pass-2025\n", text=True, capture_output=True,
                         cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr
    engine = make_engine(url)
    with read_session(engine) as s:
        user = s.scalar(select(User).where(User.username == "chief"))
    assert user.role == "admin" and check_password("Chief-pass-2025", user.password_hash)
    assert count(engine, Unit) == 41
    weak = subprocess.run([sys.executable, "manage.py", "create-admin", "second", "--password-stdin"],
                          input="weak\n", text=True, capture_output=True, cwd=ROOT, env=env)
    assert weak.returncode == 2 and "password" in weak.stderr


def planned_rows(engine, table: str) -> int | None:
    """The planner's idea of a table's rows: None before its statistics were ever gathered."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            if not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
                return None
            # each row's stat starts with the table's row count
            stat = conn.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = ? LIMIT 1", (table,)).scalar()
            return None if stat is None else int(stat.split()[0])
        reltuples = conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = %s", (table,)).scalar()
        return None if reltuples < 0 else int(reltuples)


def test_the_planners_statistics_are_gathered_on_both_databases(engine):
    gather_statistics(engine)
    assert planned_rows(engine, "unit") == 41
    if engine.dialect.name == "postgresql":  # vacuumed too: every page all-visible, so an index-only scan
        with engine.connect() as conn:    # reads no row of the table
            pages, visible = conn.exec_driver_sql(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'unit'").one()
        assert pages > 0 and visible == pages


def test_manage_migrate_gathers_sqlites_statistics_which_it_never_does_itself(tmp_path):
    url = f"sqlite:///{tmp_path}/stats.db"
    env = {"DATABASE_URL": url, "FJLD_DEMO": "0", "COOKIE_KEY": "x" * 4 + "0123456789abcdefghijklmnopqrstuvwxyz",
           "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "manage.py", "migrate"], text=True, capture_output=True, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr
    assert planned_rows(make_engine(url), "unit") == 41


def test_restart_does_not_undo_changes_made_in_the_app(engine):
    """Reference files apply when they change, not at every start: an imported leader change stays."""
    from sqlalchemy import update
    with engine.begin() as conn:
        conn.execute(update(Unit).where(Unit.code == "justice").values(leader_name="新任领导"))
    assert reference.load_reference(engine) == 0
    with read_session(engine) as s:
        assert s.scalar(select(Unit.leader_name).where(Unit.code == "justice")) == "新任领导"
