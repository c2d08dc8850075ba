"""The city layer: holiday entries and deadline-rule overrides that a city admin sets once for the
whole city and that hold in every district that has not set its own for that day or kind; a
change recomputes the due dates of every district it moves, in one transaction. On SQLite and
PostgreSQL."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.todo_settings import TodoSettings
from core.permissions import ADMIN, CITY_ADMIN, CITY_CONVENER, Actor
from db import districts
from db.calendar import due_for
from db.commands.base import PermissionDenied
from db.commands.districts import add_district
from db.commands.items import CreateItem
from db.commands.settings import (AddHolidayEntry, DeleteHolidayEntry, EnterHolidayNotice, ResetDeadlineRule,
                                  SaveDeadlineRule)
from db.engine import read_session
from db.models import AuditLog, Item, Unit
from db.queries.settings import calendar_coverage, deadline_rules, holiday_entries
from seed.demo_districts import CITY_DEMO_ACTOR, CITY_DEMO_DISTRICTS, fictional_plan
from tests.conftest import reference_database

OTHER = CITY_DEMO_DISTRICTS[0]
CITY = Actor(None, "city_admin", CITY_ADMIN)
KIND = "legal_risk_consultation"  # 15 working days from receipt
RECEIVED = date(2026, 11, 2)  # a Monday; 15 working days from the next day end on 2026-11-23
MONDAY = date(2026, 11, 9)  # a working day inside that period


@pytest.fixture(params=["sqlite", "postgresql"])
def city(request, tmp_path):
    with reference_database(request.param, tmp_path) as engine:
        with tempfile.TemporaryDirectory() as plan:
            other, _ = add_district(engine, CITY_DEMO_ACTOR, OTHER["code"], OTHER["name"],
                                    fictional_plan(OTHER, Path(plan)))
        home = districts.by_code(engine, districts.HOME)
        yield engine, home, other


def new_item(engine, district: int) -> int:
    scoped = districts.scoped(engine, district)
    with read_session(scoped) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
    office = Actor(None, "office", "office", district_id=district)
    return CreateItem(office, kind=KIND, from_unit_id=units["market_regulation"], to_unit_id=units["procuratorate"],
                      title="法律风险评估", doc_number=None, sent_on=RECEIVED, received_on=RECEIVED, summary=None,
                      details={}, urgent=False, key_task_id=None, external_ref=None).run(scoped)


def due_on(engine, district: int, item_id: int) -> date:
    with read_session(districts.scoped(engine, district)) as s:
        return s.scalar(select(Item.due_on).where(Item.id == item_id))


def test_a_city_holiday_moves_due_dates_in_every_district_that_has_not_set_that_day(city):
    engine, home, other = city
    home_item, other_item = new_item(engine, home), new_item(engine, other)
    assert due_on(engine, home, home_item) == due_on(engine, other, other_item) == date(2026, 11, 23)
    # 硚口区 has its own entry for that Monday: a working day, whatever the city says
    AddHolidayEntry(Actor(None, "admin", ADMIN, district_id=home), day=MONDAY, kind="workday",
                    note="本区安排").run(engine)
    AddHolidayEntry(CITY, day=MONDAY, kind="holiday", note="全市安排").run(districts.city_layer(engine))
    assert due_on(engine, other, other_item) == date(2026, 11, 24)  # one working day later
    assert due_on(engine, home, home_item) == date(2026, 11, 23)
    # each district's list shows what holds there, and whose entry it is
    assert holiday_entries(districts.scoped(engine, other), 2026) == [
        {"day": MONDAY, "is_workday": False, "note": "全市安排", "city": True}]
    assert holiday_entries(districts.scoped(engine, home), 2026) == [
        {"day": MONDAY, "is_workday": True, "note": "本区安排", "city": False}]
    with read_session(districts.scoped(engine, districts.ALL)) as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "settings.holiday.add")
                          .order_by(AuditLog.id)).all()[-1]
    assert audit.username == "city_admin" and audit.district_id is None  # done at the city level
    assert audit.after["due_dates_moved"] == 1
    with read_session(districts.scoped(engine, districts.ALL)) as s:  # and in the log of the district it moved
        moved_in = s.execute(select(AuditLog.district_id, AuditLog.username, AuditLog.after)
                             .where(AuditLog.action == "settings.city_recompute")).all()
    assert [tuple(r) for r in moved_in] == [(other, "city_admin", {"due_dates_moved": 1})]
    DeleteHolidayEntry(CITY, day=MONDAY).run(districts.city_layer(engine))
    assert due_on(engine, other, other_item) == date(2026, 11, 23)


def test_a_city_notice_covers_every_district(city):
    engine, home, other = city
    notice = "一、元旦:1月1日放假。\n二、春节:2月16日至22日放假调休,共7天。2月14日(周六)上班。"
    EnterHolidayNotice(CITY, text=notice, year=2027).run(districts.city_layer(engine))
    for district in (home, other):
        coverage = calendar_coverage(districts.scoped(engine, district), 2027)
        assert coverage["entries"] == 9 and coverage["workdays"] == 1


def test_a_city_rule_holds_where_a_district_has_set_none(city):
    engine, home, other = city
    SaveDeadlineRule(CITY, kind=KIND, amount=20, unit="working_days", version=0).run(districts.city_layer(engine))
    SaveDeadlineRule(Actor(None, "admin", ADMIN, district_id=home), kind=KIND, amount=10, unit="working_days",
                     version=0).run(engine)
    with read_session(districts.scoped(engine, other)) as s:
        assert due_for(s, KIND, False, RECEIVED, RECEIVED)[0] == date(2026, 11, 30)  # 20 working days
    with read_session(districts.scoped(engine, home)) as s:
        assert due_for(s, KIND, False, RECEIVED, RECEIVED)[0] == date(2026, 11, 16)  # its own 10
    rule = {r["kind"]: r for r in deadline_rules(districts.scoped(engine, other))}[KIND]
    assert (rule["city_amount"], rule["override_amount"], rule["effective_text"]) == (20, None, "收到后20个工作日")
    rule = {r["kind"]: r for r in deadline_rules(districts.scoped(engine, home))}[KIND]
    assert (rule["city_amount"], rule["override_amount"], rule["effective_text"]) == (20, 10, "收到后10个工作日")
    ResetDeadlineRule(CITY, kind=KIND, version=1).run(districts.city_layer(engine))
    with read_session(districts.scoped(engine, other)) as s:
        assert due_for(s, KIND, False, RECEIVED, RECEIVED)[0] == date(2026, 11, 23)  # the default again


def test_city_thresholds_hold_where_a_district_has_saved_none(city):
    from db.commands.reminder_settings import SaveTodoSettings
    from db.queries.reminder_settings import todo_thresholds
    engine, home, other = city
    values = dict(soon_days=5, unsigned_after=3, report_every_weeks=4, escalate_after=7)
    SaveTodoSettings(CITY, **values, version=0).run(districts.city_layer(engine))
    SaveTodoSettings(Actor(None, "admin", ADMIN, district_id=home), **values | dict(soon_days=2), version=0).run(engine)
    settings, version, source = todo_thresholds(districts.scoped(engine, other))
    assert (settings.soon_days, settings.escalate_after, version, source) == (5, 7, 0, "city")  # nothing of its own
    settings, version, source = todo_thresholds(districts.scoped(engine, home))
    assert (settings.soon_days, version, source) == (2, 1, "own")


def test_a_district_returns_to_the_city_thresholds_and_the_city_to_the_defaults(city):
    from db.commands.base import StaleEdit
    from db.commands.reminder_settings import ResetTodoSettings, SaveTodoSettings
    from db.queries.reminder_settings import todo_thresholds
    engine, home, other = city
    home_admin = Actor(None, "admin", ADMIN, district_id=home)
    values = dict(soon_days=5, unsigned_after=3, report_every_weeks=4, escalate_after=7)
    SaveTodoSettings(CITY, **values, version=0).run(districts.city_layer(engine))
    SaveTodoSettings(home_admin, **values | dict(soon_days=2), version=0).run(engine)
    with pytest.raises(StaleEdit):  # the form showed an older version: nothing is dropped
        ResetTodoSettings(home_admin, version=0).run(engine)
    ResetTodoSettings(home_admin, version=1).run(engine)
    settings, version, source = todo_thresholds(districts.scoped(engine, home))
    assert (settings.soon_days, version, source) == (5, 0, "city")
    with read_session(districts.scoped(engine, home)) as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "settings.todo.reset")).one()
    assert (audit.username, audit.before["soon_days"], audit.after) == ("admin", 2, None)
    ResetTodoSettings(CITY, version=1).run(districts.city_layer(engine))
    for district in (home, other):
        settings, version, source = todo_thresholds(districts.scoped(engine, district))
        assert (settings.soon_days, version, source) == (TodoSettings().soon_days, 0, "default")


def test_only_a_city_admin_sets_the_city_layer_and_only_in_it(city):
    engine, home, other = city
    attempts = [
        (Actor(None, "admin", ADMIN, district_id=home), districts.city_layer(engine)),  # a district's admin
        (Actor(None, "city", CITY_CONVENER), districts.city_layer(engine)),  # a city convener
        (CITY, districts.scoped(engine, home)),  # a city admin, in a district's own settings
    ]
    for actor, target in attempts:
        with pytest.raises(PermissionDenied):
            AddHolidayEntry(actor, day=MONDAY, kind="holiday", note=None).run(target)
        with pytest.raises(PermissionDenied):
            SaveDeadlineRule(actor, kind=KIND, amount=20, unit="days", version=0).run(target)
    for district in (home, other):
        assert holiday_entries(districts.scoped(engine, district), 2026) == []


def test_the_city_layer_is_no_district(city):
    engine, home, other = city
    assert [d["id"] for d in districts.listed(engine)] == [home, other]
    assert districts.city_id(engine) not in (home, other)


def test_a_city_account_keeps_a_city_role_and_a_districts_account_a_districts_role(city):
    from db.commands.base import ValidationFailed
    from db.commands.users import CreateUser, UpdateUser
    from db.models import User
    engine, home, other = city
    across = districts.scoped(engine, districts.ALL)
    CreateUser(CITY, username="city_viewer1", display_name="市级查看", password="City-viewer-2025",
               role="city_viewer", unit_id=None).run(across)
    CreateUser(CITY, username="jia_office", display_name="甲区办公室", password="Jia-office-2025",
               role="office", unit_id=None).run(districts.scoped(engine, other))
    with read_session(across) as s:
        accounts = {u.username: u for u in s.scalars(select(User))}
    for username, role in (("city_viewer1", "admin"), ("jia_office", "city_admin")):
        account = accounts[username]
        with pytest.raises(ValidationFailed) as refused:
            UpdateUser(CITY, user_id=account.id, version=account.version, display_name=account.display_name,
                       email=None, role=role, unit_id=None, active=True).run(across)
        assert "role" in refused.value.field_errors
    UpdateUser(CITY, user_id=accounts["city_viewer1"].id, version=1, display_name="市级查看", email=None,
               role="city_convener", unit_id=None, active=False).run(across)
    with read_session(across) as s:
        account = s.get(User, accounts["city_viewer1"].id)
        assert (account.role, account.active, account.district_id) == ("city_convener", False, None)


def test_a_plan_with_a_task_number_twice_is_refused_naming_its_file(city, tmp_path):
    import json

    from db.commands.base import ValidationFailed
    from db.commands.districts import AddDistrict, plan_files
    engine, home, other = city
    files = plan_files(fictional_plan(dict(CITY_DEMO_DISTRICTS[1], code="bing", name="示例丙区"), tmp_path))
    tasks = json.loads(files["key_tasks.json"])
    tasks["groups"][0]["tasks"].append(dict(tasks["groups"][0]["tasks"][0]))
    files["key_tasks.json"] = json.dumps(tasks, ensure_ascii=False).encode()
    with pytest.raises(ValidationFailed) as refused:
        AddDistrict(CITY, code="bing", name="示例丙区", plan_files=files).run(districts.scoped(engine, districts.ALL))
    assert "key_tasks.json" in refused.value.field_errors["plan_files"]
    assert [d["code"] for d in districts.listed(engine)] == [districts.HOME, OTHER["code"]]


def test_a_write_in_one_district_leaves_the_other_districts_reads_keyed_as_they_were(city):
    """The change counters per scope (db/table_versions.py): a new item in 硚口区 moves the key of
    硚口区's item reads and of the city's (across districts), not the other district's; a change of
    the city layer, or of a table no district owns, moves every district's."""
    from db import table_versions as tv
    engine, home, other = city
    city_id = districts.city_id(engine)
    items, calendar, names = frozenset({"item"}), frozenset({"holiday_entry"}), frozenset({"district"})

    def keys():
        counted = tv.counters(engine)
        return {where: {table: tv.key(counted, table, tv.scopes_for(d, city_id)) for table in (items, calendar, names)}
                for where, d in (("home", home), ("other", other), ("city", districts.ALL))}

    before = keys()
    new_item(engine, home)
    after = keys()
    assert after["home"][items] != before["home"][items] and after["city"][items] != before["city"][items]
    assert after["other"] == before["other"]
    AddHolidayEntry(CITY, day=MONDAY, kind="holiday", note=None).run(districts.city_layer(engine))
    entered = keys()
    assert all(entered[w][calendar] != after[w][calendar] for w in ("home", "other", "city"))
    from db.engine import session_factory
    with session_factory(districts.scoped(engine, districts.ALL))() as s:  # across districts: shared
        from db.models import District
        s.get(District, other).name = "示例甲区(改)"
        s.commit()
    renamed = keys()
    assert all(renamed[w][names] != entered[w][names] for w in ("home", "other", "city"))
