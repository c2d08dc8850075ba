"""A kind registered at run time flows through the whole app with no other file changed: the
new-item form offers it (with its usual receiver, required details and rule), the due date comes
from its rule, the list filters by it, the detail shows its rule, the export writes it and the
import reads the export back unchanged and creates a new row of it (issue 10: per-kind rules
live on Kind)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.kinds import KINDS, DeadlineRule, Kind, describe_rule, register
from core.permissions import Actor
from core.spreadsheets import csv_bytes
from db.calendar import due_for
from db.commands.imports import ImportFile, check_import
from db.engine import make_engine, read_session
from db.imports import parse_file
from db.models import Item
from db.queries.exports import export_table
from tests.app.conftest import open_page, unit_id
from tests.conftest import TODAY

PAGE = "app_pages/referrals.py"
OFFICE = Actor(None, "office", "office")
CODE = "test_rectification_review"
NEW_KIND = Kind(CODE, "整改情况复查(测试类型)", "四(七)", "区检察院 → 行政机关",
                DeadlineRule(10, "working_days", "received_on", "测试依据:收到后10个工作日"),
                ("复查通过", "复查未通过"), extra_fields=("case_name",), required_details=("case_name",),
                default_from="procuratorate")
TITLE = "关于某小区消防通道整改情况的复查函"


@pytest.fixture
def new_kind():
    register(NEW_KIND)
    yield NEW_KIND
    del KINDS[CODE]


def test_a_kind_registered_at_run_time_flows_through_create_list_detail_export_and_import(app_env, new_kind):
    engine = make_engine(app_env)
    sent = date(2026, 11, 2)

    # create: the form offers the kind, preselects its usual sender and asks for its required detail
    at = open_page("office", PAGE)
    at.selectbox(key="item_form.kind").set_value(CODE).run()
    assert at.selectbox(key="item_form.from_unit_id").value == unit_id(app_env, "procuratorate")
    assert at.text_input(key="item_form.details.case_name").label.endswith("*")
    at.selectbox(key="item_form.to_unit_id").set_value(unit_id(app_env, "housing_renewal"))
    at.text_input(key="item_form.title").input(TITLE)
    at.date_input(key="item_form.sent_on").set_value(sent).run()
    at.button(key="item_form.submit").click().run()
    assert not at.exception
    assert at.text_input(key="item_form.title").value == TITLE  # refused: the case name is required
    at.text_input(key="item_form.details.case_name").input("某小区消防通道占用案")
    at.button(key="item_form.submit").click().run()
    assert not at.exception and not at.error
    with read_session(engine) as s:
        item = s.scalar(select(Item).where(Item.title == TITLE))
        expected_due = due_for(s, CODE, False, sent, None)[0]
    # due date: ten working days from sending while receipt is unknown (the kind's own rule)
    assert (item.kind, item.mechanism, item.details) == (CODE, "四(七)", {"case_name": "某小区消防通道占用案"})
    assert item.due_on == expected_due == date(2026, 11, 16)
    assert item.due_rule == describe_rule(NEW_KIND.rule)

    # list: the kind filter from the URL finds it, labelled with the kind's name
    at = open_page("office", PAGE, kind=CODE)
    listed = next(d.value for d in at.dataframe if "文号" in d.value.columns)
    assert list(listed["标题"]) == [TITLE]
    assert set(listed["事项类型"]) == {NEW_KIND.label}

    # detail: its rule and basis
    at = open_page("office", PAGE, item=str(item.id))
    assert not at.exception
    assert TITLE in [h.value for h in at.subheader]
    texts = [x.value for x in at.text]
    assert describe_rule(NEW_KIND.rule) in texts and NEW_KIND.rule.basis in texts

    # export: the row carries the kind's name and its case name
    exported = export_table(engine, OFFICE, "items", TODAY)
    row = exported[exported["标题"] == TITLE]
    assert list(row["事项类型"]) == [NEW_KIND.label] and list(row["案件名称"]) == ["某小区消防通道占用案"]

    # import: the exported row reads back unchanged; a new row of the kind is created with its rule
    parsed = parse_file("items", "items.csv", csv_bytes(row.assign(外部编号="NK-1")))
    assert check_import(engine, OFFICE, parsed).count("create") == 1
    ImportFile(OFFICE, parsed=parsed).run(engine)
    exported = export_table(engine, OFFICE, "items", TODAY)
    again = parse_file("items", "items.csv", csv_bytes(exported[exported["外部编号"] == "NK-1"]))
    check = check_import(engine, OFFICE, again)
    assert check.ok and (check.rows, check.changes) == (1, 0)
    with read_session(engine) as s:
        imported = s.scalar(select(Item).where(Item.external_ref == "NK-1"))
    assert (imported.kind, imported.due_on, imported.details) == (CODE, expected_due,
                                                                  {"case_name": "某小区消防通道占用案"})
