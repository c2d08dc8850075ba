"""Districts on one database: every command, run by a district's account on another district's
records, leaves that district's records as they were; reads see one district only; a database of
one district works with no district chosen, one of several refuses code that did not choose.

The targets are the command corpus's (tests/db/test_command_corpus.py: every command of the app,
with a valid input that acts on records of 硚口区); the accounts running them belong to a second,
fictional district (seed/demo_districts.py). On SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import districts
from db.commands.base import CommandError, PermissionDenied
from db.commands.districts import add_district
from db.engine import read_session
from db.models import Item, Unit, User
from db.queries import referrals
from seed.demo import generate_demo
from seed.demo_districts import CITY_DEMO_ACTOR, CITY_DEMO_DISTRICTS, fictional_plan
from tests.conftest import TODAY, command_classes, reference_database
from tests.db.test_command_corpus import SPECS_UNDER_TEST, Ctx, _snapshot_statement, item_in

OTHER = CITY_DEMO_DISTRICTS[0]


def district_snapshot(engine, district_id: int) -> dict[str, int]:
    """Row count and sum of versions of each table's rows in one district."""
    with engine.connect() as conn:
        return dict(conn.execute(_snapshot_statement(district_id)).one()._mapping)


class Two:
    """硚口区 (home) with the corpus's targets, and a second district (other)."""

    def __init__(self, backend: str, engine, tmp: Path):
        self.engine = engine
        self.home = districts.by_code(engine, districts.HOME)
        with tempfile.TemporaryDirectory() as plan:
            self.other, _ = add_district(engine, CITY_DEMO_ACTOR, OTHER["code"], OTHER["name"],
                                         fictional_plan(OTHER, Path(plan)))
        for district, seed in ((self.home, 1), (self.other, OTHER["seed"])):  # a year of records in each
            generate_demo(districts.scoped(engine, district), today=TODAY, seed=seed)
        self.ctx = Ctx(backend, districts.scoped(engine, self.home), tmp)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def two(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"districts-{request.param}")
    with reference_database(request.param, tmp) as engine:
        yield Two(request.param, engine, tmp)


def test_every_command_is_tried_across_districts():
    tried = {spec.command for spec in SPECS_UNDER_TEST}
    missing = {c.__name__ for c in command_classes() if c not in tried and not c.__name__.startswith("_")
               and c.__name__ != "Command"}
    assert not missing, f"commands not tried across districts: {sorted(missing)}"


@pytest.mark.parametrize("spec", SPECS_UNDER_TEST, ids=lambda s: s.label)
def test_another_districts_account_cannot_change_a_districts_records(two, spec):
    actor = dataclasses.replace(spec.actor(two.ctx), district_id=two.other)

    def command():
        data = spec.base(two.ctx)  # targets in 硚口区, built by its own accounts
        made = spec.build(two.ctx, data) if spec.build else spec.command(actor, **data)
        return dataclasses.replace(made, actor=actor)

    attempt = command()
    before = district_snapshot(two.engine, two.home)
    try:
        attempt.run(two.engine)  # whatever engine a page hands in: the account's district decides
    except CommandError:
        pass
    assert district_snapshot(two.engine, two.home) == before
    two.ctx.invalidate()
    # and an engine chosen for 硚口区 does not make the other district's account one of its own
    with pytest.raises(PermissionDenied):
        command().run(districts.scoped(two.engine, two.home))


def test_reads_see_one_district(two):
    home = districts.scoped(two.engine, two.home)
    other = districts.scoped(two.engine, two.other)
    any_item = item_in(two.ctx, "sent")[0]
    with read_session(home) as s:
        home_units = set(s.scalars(select(Unit.name)))
        assert s.get(Item, any_item) is not None
    with read_session(other) as s:
        other_units = set(s.scalars(select(Unit.name)))
        assert s.get(Item, any_item) is None  # by id too
        assert s.scalar(select(func.count()).select_from(Item).where(Item.id == any_item)) == 0
    assert "汉正街道办事处" in home_units and "汉正街道办事处" not in other_units
    assert "示例甲第一街道办事处" in other_units and "示例甲第一街道办事处" not in home_units
    assert referrals.item_detail(other, any_item) is None


def test_code_that_chose_no_district_is_refused_once_there_are_two(two):
    with pytest.raises(districts.DistrictRequired):
        with read_session(two.engine) as s:
            s.scalar(select(func.count()).select_from(Unit))
    def units_in(district):
        with read_session(districts.scoped(two.engine, district)) as s:
            return s.scalar(select(func.count()).select_from(Unit))
    every = [d["id"] for d in districts.listed(two.engine)]  # (the AddDistrict probes above add districts with plans)
    assert {two.home, two.other} <= set(every) and units_in(districts.ALL) == sum(map(units_in, every))
    assert units_in(two.home) >= 41 and units_in(two.other) >= 41


def test_a_user_name_is_unique_across_districts(two):
    from db.commands.users import CreateUser
    from tests.db.test_command_corpus import ADMIN
    name = "same_name"
    CreateUser(dataclasses.replace(ADMIN, district_id=two.home), username=name, display_name="甲", password="Good-pass-1",
               role="viewer", unit_id=None).run(two.engine)
    with pytest.raises(CommandError) as refused:
        CreateUser(dataclasses.replace(ADMIN, district_id=two.other), username=name, display_name="乙",
                   password="Good-pass-1", role="viewer", unit_id=None).run(two.engine)
    assert refused.value.field_errors.get("username")
    with read_session(districts.scoped(two.engine, districts.ALL)) as s:
        assert s.scalar(select(User.district_id).where(User.username == name)) == two.home


def test_new_rows_take_the_district_of_the_account(two):
    from db.commands.meetings import CreateMeeting
    from tests.db.test_command_corpus import OFFICE, meeting_input
    other_ctx = Ctx(two.ctx.backend, districts.scoped(two.engine, two.other), two.ctx.tmp)
    meeting_id = CreateMeeting(dataclasses.replace(OFFICE, district_id=two.other), **meeting_input(other_ctx)).run(
        two.engine)
    from db.models import Meeting
    with read_session(districts.scoped(two.engine, districts.ALL)) as s:
        assert s.get(Meeting, meeting_id).district_id == two.other


QIAOKOU_ONLY = ("汉正街道办事处", "韩家墩")  # a member unit, and a place of its demo records


def _text_of(frames) -> str:
    return "\n".join(frame.to_csv() for frame in frames)


def test_exports_reports_and_reminders_hold_one_districts_records(two):
    from dataclasses import replace

    from db.queries.bulletin import bulletin
    from db.queries.exports import export_workbook
    from db.reminders import plan
    from tests.db.test_command_corpus import ADMIN
    home, other = (districts.scoped(two.engine, d) for d in (two.home, two.other))
    home_book = _text_of(export_workbook(home, replace(ADMIN, district_id=two.home), TODAY).values())
    other_book = _text_of(export_workbook(other, replace(ADMIN, district_id=two.other), TODAY).values())
    assert all(mark in home_book for mark in QIAOKOU_ONLY)  # the control
    assert not [mark for mark in QIAOKOU_ONLY if mark in other_book]
    assert "示甲检" in other_book
    report = bulletin(other, TODAY.replace(month=1, day=1), TODAY, TODAY)
    assert not [mark for mark in QIAOKOU_ONLY if mark in repr(report)]
    with read_session(other) as s:
        own_units = set(s.scalars(select(Unit.id)))
        own_items = set(s.scalars(select(Item.id)))
    digests = plan(other, TODAY)
    assert digests and {d.unit_id for d in digests} <= own_units
    assert {e.entity_id for d in digests for e in d.entries if e.entity == "item"} <= own_items
