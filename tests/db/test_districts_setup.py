"""Districts on a database: an existing one upgrades in place and becomes 硚口区's; the command
line adds a district with its plan and its first admin; the daily reminders go district by
district. On SQLite and PostgreSQL where a database is involved."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import func, select

from db import districts, table_versions
from db.engine import alembic_config, make_engine, read_session, sqlite_foreign_keys_off
from db.models import AuditLog, District, HolidayEntry, Item, KeyTask, Setting, Unit, User
from seed.demo_districts import CITY_DEMO_DISTRICTS, fictional_plan
from tests.conftest import ROOT, before_districts, empty_database

FIRST_STREET = "yijia_street"  # the first subdistrict of seed/units.csv


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0010(request, tmp_path):
    with empty_database(request.param, tmp_path) as eng:
        cfg = alembic_config(eng.url.render_as_string(hide_password=False))
        with eng.begin() as conn, table_versions.uncounted(conn):  # as db.engine.migrate does
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0010")
        yield eng, cfg


def test_an_existing_database_becomes_qiaokous_with_nothing_lost(engine_at_0010):
    eng, cfg = engine_at_0010
    with eng.begin() as conn, table_versions.uncounted(conn):  # the counters' scopes come with 0013
        conn.execute(before_districts(Unit).insert(), [
            {"id": 1, "code": "procuratorate", "name": "区检察院", "category": "procuratorate", "sort_order": 1},
            {"id": 2, "code": "justice", "name": "区司法局", "category": "government_department", "sort_order": 2}])
        conn.execute(before_districts(Item).insert(), {
            "id": 7, "kind": "procuratorial_suggestion", "mechanism": "四(五)", "from_unit_id": 1, "to_unit_id": 2,
            "title": "升级前的检察建议", "sent_on": date(2026, 9, 18), "status": "sent", "external_ref": "R-1"})
        conn.execute(before_districts(User).insert(), {"id": 3, "username": "clerk", "display_name": "办公室",
                                                       "password_hash": "x", "role": "office"})
        conn.execute(before_districts(Setting).insert(), {"key": "office", "value": {"phone": "68839462"}})
        conn.execute(before_districts(HolidayEntry).insert(), {"day": date(2027, 1, 1), "is_workday": False})
        conn.execute(before_districts(AuditLog).insert(), {"username": "clerk", "action": "item.create",
                                                           "entity": "item", "entity_id": 7})
    with eng.connect() as conn, sqlite_foreign_keys_off(conn), conn.begin(), table_versions.uncounted(conn):
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert districts.listed(eng) == [{"id": 1, "code": "qiaokou", "name": "硚口区"}]
    with read_session(districts.scoped(eng, districts.ALL)) as s:
        for model in (Unit, Item, User, Setting, HolidayEntry, AuditLog):
            assert set(s.scalars(select(model.district_id))) == {1}, model.__tablename__
    with read_session(eng) as s:  # one district: code that chose none sees it, as before
        assert s.get(Item, 7).title == "升级前的检察建议"
        assert Setting.row(s, "office").value == {"phone": "68839462"}
        assert HolidayEntry.row(s, date(2027, 1, 1)).is_workday is False
    # keys once unique in the database are unique within a district now
    with eng.begin() as conn:
        other = conn.execute(sa.insert(District.__table__).values(code="other", name="示例区")
                             .returning(District.__table__.c.id)).scalar()
        conn.execute(Unit.__table__.insert(), {"id": 10, "district_id": other, "code": "procuratorate", "name": "区检察院",
                                               "category": "procuratorate", "sort_order": 1, "version": 1,
                                               "active": True})
    with pytest.raises(sa.exc.IntegrityError), eng.begin() as conn:
        conn.execute(Unit.__table__.insert(), {"id": 11, "district_id": other, "code": "procuratorate", "name": "区检察院二",
                                               "category": "procuratorate", "sort_order": 2, "version": 1,
                                               "active": True})


def _manage(*args, env, stdin: str | None = None):
    return subprocess.run([sys.executable, "manage.py", *args], input=stdin, text=True, capture_output=True,
                          cwd=ROOT, env=env)


def test_the_command_line_adds_a_district_its_plan_and_its_first_admin(tmp_path):
    url = f"sqlite:///{tmp_path}/city.db"
    env = {"DATABASE_URL": url, "FJLD_DEMO": "0", "COOKIE_KEY": "x" * 4 + "0123456789abcdefghijklmnopqrstuvwxyz",
           "FJLD_BCRYPT_ROUNDS": "4", "PATH": "/usr/bin:/bin", "FJLD_TODAY": "2026-11-26"}
    plan = tmp_path / "plan"
    plan.mkdir()
    fictional_plan(CITY_DEMO_DISTRICTS[0], plan)
    added = _manage("add-district", "demo_jia", "--name", "示例甲区", "--from", str(plan), env=env)
    assert added.returncode == 0, added.stderr
    assert "demo_jia" in added.stdout
    again = _manage("add-district", "demo_jia", "--name", "示例甲区", "--from", str(plan), env=env)
    assert again.returncode == 0 and "0 reference rows" in again.stdout
    renamed = _manage("add-district", "demo_jia", "--name", "别的区", "--from", str(plan), env=env)
    assert renamed.returncode == 2 and "示例甲区" in renamed.stderr
    missing = _manage("add-district", "demo_yi", "--name", "示例乙区", "--from", str(tmp_path / "nowhere"), env=env)
    assert missing.returncode == 2 and "units.csv" in missing.stderr
    admin = _manage("create-admin", "jia_admin", "--district", "demo_jia", "--password-stdin", env=env,
                    stdin="Jia-admin-2025\n")
    assert admin.returncode == 0, admin.stderr
    nowhere = _manage("create-admin", "x_admin", "--district", "nowhere", "--password-stdin", env=env,
                      stdin="Jia-admin-2025\n")
    assert nowhere.returncode == 2
    city = _manage("create-city-account", "chief_city", "--role", "city_convener", "--password-stdin", env=env,
                   stdin="City-chief-2025\n")
    assert city.returncode == 0, city.stderr
    engine = make_engine(url)
    jia = districts.by_code(engine, "demo_jia")
    assert [d["name"] for d in districts.listed(engine)] == ["硚口区", "示例甲区"]
    with read_session(districts.scoped(engine, jia)) as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 41
        assert s.scalar(select(func.count()).select_from(KeyTask)) == 14
        assert s.scalar(select(User.role).where(User.username == "jia_admin")) == "admin"
        assert s.scalar(select(Unit.name).where(Unit.code == FIRST_STREET)) == "示例甲第一街道办事处"
        assert Setting.row(s, "plan_document").value["number"].startswith("示甲政")
    with read_session(districts.scoped(engine, districts.by_code(engine, districts.HOME))) as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.username == "jia_admin")) == 0
    with read_session(districts.scoped(engine, districts.ALL)) as s:
        chief = s.scalar(select(User).where(User.username == "chief_city"))
        assert (chief.role, chief.district_id) == ("city_convener", None)
        assert s.scalar(select(AuditLog.district_id).where(AuditLog.entity_id == chief.id,
                                                           AuditLog.action == "user.create")) is None
    planned = _manage("remind", "--dry-run", "--json", env=env)
    assert planned.returncode == 0, planned.stderr
    assert set(json.loads(planned.stdout)) == {"qiaokou", "demo_jia"}


def test_the_first_district_is_the_one_of_the_seed_plan():
    """seed/ is 硚口区's plan: migration 0011 names its district from seed/district.json, whose
    code the app calls HOME."""
    first = json.loads((ROOT / "seed" / "district.json").read_text(encoding="utf-8"))
    plan = json.loads((ROOT / "seed" / "leadership.json").read_text(encoding="utf-8"))["document"]
    assert first["code"] == districts.HOME
    assert first["name"] in plan["title"] and first["source"] == plan["number"]
