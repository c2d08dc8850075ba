"""Named columns (issue 10 part 4), on SQLite and PostgreSQL: a query's frame takes its column names
from the query itself — also when nothing matches — and an exported sheet is laid out by its
import spec's columns, by name, so reordering the spec cannot misalign a sheet and a column the
export does not fill is refused rather than written blank."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select

from core.permissions import Actor
from core.spreadsheets import csv_bytes
from db.commands.imports import ImportFile
from db.engine import read_session
from db.imports import parse_file
from db.imports.base import Column
from db.imports.spec import ITEMS, UNITS
from db.imports.templates import words
from db.models import Unit
from db.queries import exports
from db.queries.common import frame
from tests.conftest import TODAY
from tests.db.test_imports import GOOD, item_row, run_import

ADMIN = Actor(None, "admin1", "admin")
OFFICE = Actor(None, "office1", "office")


def test_a_frame_has_the_query_s_labels_in_order(engine):
    stmt = select(Unit.code, Unit.name.label("unit"), func.count().over().label("units")).order_by(Unit.sort_order)
    with read_session(engine) as s:
        df = frame(s, stmt)
        empty = frame(s, stmt.where(Unit.code == "no such unit"))
    assert list(df.columns) == ["code", "unit", "units"] and len(df) == df["units"].iloc[0] > 40
    assert list(empty.columns) == ["code", "unit", "units"] and empty.empty


@pytest.mark.parametrize("columns", [(Unit.name, Unit.name), (Unit.id, func.count())])
def test_a_frame_refuses_a_name_the_query_does_not_give(engine, columns):
    """Two columns of one name, or an unlabelled expression, would get a made-up name (name_1, count)."""
    with read_session(engine) as s, pytest.raises(ValueError, match="label"):
        frame(s, select(*columns).group_by(Unit.id))


def test_the_items_sheet_follows_its_spec_in_any_order(engine, monkeypatch):
    """The spec's columns reversed: the sheet's headers follow, every value stays under its own
    header, and the sheet still imports back unchanged."""
    run_import(engine, "items", GOOD)
    normal = exports.export_table(engine, ADMIN, "items", TODAY)
    monkeypatch.setattr(exports, "ITEMS", dataclasses.replace(ITEMS, columns=ITEMS.columns[::-1]))
    reversed_ = exports.export_table(engine, ADMIN, "items", TODAY)
    labels = [c.label for c in ITEMS.columns]
    assert list(reversed_.columns[:len(labels)]) == labels[::-1]
    assert reversed_[list(normal.columns)].equals(normal)
    command = ImportFile(OFFICE, parsed=parse_file("items", "export.csv", csv_bytes(reversed_)))
    command.run(engine)
    assert command.summary["unchanged"] == len(GOOD) and command.summary["update"] == 0


def test_each_detail_column_holds_its_own_detail(engine):
    """The kind-specific columns come from core.kinds.detail_fields(); each holds details[field]."""
    run_import(engine, "items", [item_row("C1", kind="涉嫌犯罪案件移送", from_unit="区市场监管局", to_unit="区公安分局",
                                          doc_number=None, case_name="某案", suspected_offence="某罪")])
    df = exports.export_table(engine, ADMIN, "items", TODAY)
    details = {c.label: c.key for c in ITEMS.columns if c.stored is not None and c.stored.key == "details"}
    assert set(details.values()) == {"case_name", "suspected_offence"}
    assert {label: df[label].iloc[0] for label in details} == {
        label: {"case_name": "某案", "suspected_offence": "某罪"}[key] for label, key in details.items()}


def test_a_spec_column_the_export_does_not_fill_is_refused(engine, monkeypatch):
    extra = dataclasses.replace(UNITS, columns=UNITS.columns + (Column("website", "import.col.unit_name"),))
    monkeypatch.setattr(exports, "UNITS", extra)
    with pytest.raises(KeyError, match="website"):
        exports.export_table(engine, ADMIN, "units", date(2026, 11, 26))


def test_coded_values_are_written_as_the_words_the_import_reads(engine):
    """A unit's category and state go out as the words of the template's 取值 sheet, by column key."""
    sheet = exports.export_table(engine, ADMIN, "units", TODAY)
    header = {key: UNITS.column(key).label for key in ("code", "category", "state")}
    with read_session(engine) as s:
        stored = {code: (category, active) for code, category, active in s.execute(
            select(Unit.code, Unit.category, Unit.active))}
    w = words("units")
    assert {r[header["code"]]: (r[header["category"]], r[header["state"]]) for r in sheet.to_dict("records")} == {
        code: (w["category"][category], w["state"][active]) for code, (category, active) in stored.items()}
