"""A unit's other names, on SQLite and PostgreSQL: seeded for every unit, edited by office staff
(repeats and blank lines dropped, one taken by another unit refused), and accepted by imports."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.base import PermissionDenied, ValidationFailed
from db.commands.imports import ImportRefused
from db.commands.units import SetUnitAliases
from db.engine import read_session
from db.models import Unit
from db.queries.units import unit_profile
from tests.db.test_imports import item_row, items_by_ref, run_import

OFFICE = Actor(None, "office1", "office")


def version(engine, unit_id) -> int:
    with read_session(engine) as s:
        return s.get(Unit, unit_id).version


def test_every_seeded_unit_has_its_other_names_and_none_is_shared(engine):
    with read_session(engine) as s:
        units = s.scalars(select(Unit)).all()
    assert len(units) == 41 and all(u.aliases for u in units if u.code not in ("social_security_office",))
    names = [n for u in units for n in (u.name, *(u.aliases or ()))]
    assert len(names) == len(set(names))
    housing = next(u for u in units if u.code == "housing_renewal")
    assert "武汉市硚口区住房和城市更新局" in housing.aliases


def test_office_staff_edit_a_units_other_names_and_imports_accept_them(engine, units):
    unit = units["statistics"]
    SetUnitAliases(OFFICE, unit_id=unit, unit_version=version(engine, unit),
                   aliases=["武汉市硚口区统计局", "", "  区统计局 ", "硚口统计", "武汉市硚口区统计局"]).run(engine)
    assert unit_profile(engine, unit)["aliases"] == ["武汉市硚口区统计局", "硚口统计"]  # its own name dropped
    run_import(engine, "items", [item_row("S1", to_unit="硚口统计")])
    with read_session(engine) as s:
        assert s.get(Unit, items_by_ref(engine)["S1"].to_unit_id).code == "statistics"


def test_a_name_another_unit_goes_by_is_refused(engine, units):
    unit = units["statistics"]
    with pytest.raises(ValidationFailed) as refused:
        SetUnitAliases(OFFICE, unit_id=unit, unit_version=version(engine, unit),
                       aliases=["硚口区 住房和城市更新局"]).run(engine)
    assert refused.value.field_errors == {"aliases": "“硚口区 住房和城市更新局”已是区住更局的名称或别名。"}


def test_a_liaison_or_viewer_cannot_edit_other_names(engine, units):
    unit = units["statistics"]
    for actor in (Actor(None, "l", "liaison", unit), Actor(None, "v", "viewer")):
        with pytest.raises(PermissionDenied):
            SetUnitAliases(actor, unit_id=unit, unit_version=version(engine, unit), aliases=["x"]).run(engine)


def test_a_units_import_cannot_name_a_unit_as_another_units_alias(engine):
    with pytest.raises(ImportRefused) as refused:
        run_import(engine, "units", [dict(code="probe_unit", name="区人社局", category="区政府部门")])
    assert [e.column for e in refused.value.row_errors] == ["单位名称"]


def test_a_units_import_refuses_what_the_form_refuses_with_the_same_words(engine, units):
    """The import's 别名 column goes through the form's own check (db/commands/units.py alias_error)."""
    unit = units["statistics"]
    for aliases in (["硚口区 住房和城市更新局"], [f"别名{i}" for i in range(13)], ["长" * 101]):
        with pytest.raises(ValidationFailed) as by_form:
            SetUnitAliases(OFFICE, unit_id=unit, unit_version=version(engine, unit), aliases=aliases).run(engine)
        with pytest.raises(ImportRefused) as by_import:
            run_import(engine, "units", [dict(code="statistics", name="区统计局", aliases="、".join(aliases),
                                              category="区政府部门")])
        assert [(e.column, e.message) for e in by_import.value.row_errors] == [
            ("别名", by_form.value.field_errors["aliases"])]


def test_an_imported_alias_is_found_by_the_next_import(engine):
    run_import(engine, "units", [dict(code="statistics", name="区统计局", aliases="硚口统计、统计局(硚口)",
                                      category="区政府部门")])
    run_import(engine, "items", [item_row("S2", to_unit="统计局(硚口)")])
    with read_session(engine) as s:
        assert s.get(Unit, items_by_ref(engine)["S2"].to_unit_id).code == "statistics"


def test_an_alias_holding_a_list_mark_is_refused_so_the_units_sheet_round_trips(engine, units):
    unit = units["statistics"]
    with pytest.raises(ValidationFailed) as refused:
        SetUnitAliases(OFFICE, unit_id=unit, unit_version=version(engine, unit), aliases=["统计局、普查中心"]).run(engine)
    assert "不能有顿号" in refused.value.field_errors["aliases"]
