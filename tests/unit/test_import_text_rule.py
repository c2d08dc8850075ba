"""An imported 台账 is read with the same rule as every form: control characters, line breaks in
one-line columns, over-long text, dates outside 2000–2100 and numbers no column holds are row
errors naming the Excel row and column, in Chinese, before anything is checked against the
database."""
from datetime import date

import pytest

from db.imports import SPECS, parse_file
from db.imports.templates import csv_file

ITEM = dict(external_ref="T-1", kind="检察建议", from_unit="区检察院", to_unit="区市场监管局", doc_number="硚检建〔2026〕1号",
            title="关于食品安全监管的检察建议", summary="摘要", sent_on=date(2026, 9, 18))
FOLLOW_UP = dict(external_ref="F-1", held_on=date(2026, 9, 23), meeting_title="2026年第三次联席会议", text="报送整改进展",
                 lead_unit="区市场监管局", due_on=date(2026, 10, 30))
UNIT = dict(code="new_unit", name="区新设局", category="政府部门")


def parse(kind: str, **values):
    base = {"items": ITEM, "follow_ups": FOLLOW_UP, "units": UNIT}[kind]
    row = base | values
    data = csv_file(kind, [[row.get(c.key) for c in SPECS[kind].columns]])
    return parse_file(kind, f"{kind}.csv", data)


def errors_of(parsed) -> dict[str, str]:
    return {e.column: e.message for e in parsed.errors if e.row == 2}


@pytest.mark.parametrize("kind, key, header", [
    ("items", "title", "标题"), ("items", "external_ref", "外部编号"), ("items", "case_name", "案件名称"),
    ("follow_ups", "external_ref", "外部编号"), ("follow_ups", "text", "议定事项"), ("units", "name", "单位名称"),
])
def test_control_characters_are_refused_in_every_text_column(kind, key, header):
    parsed = parse(kind, **{key: "关于\x07食品"})
    assert any("控制字符" in message for column, message in errors_of(parsed).items() if header in column)


def test_line_breaks_only_in_multi_line_columns():
    assert "只能填写一行" in " ".join(errors_of(parse("items", title="第一行\n第二行")).values())
    assert errors_of(parse("items", summary="第一段\n第二段")) == {}


def test_length_limits_are_the_columns_own():
    assert errors_of(parse("items", title="标" * 200)) == {}
    assert "不能超过 200 个字" in " ".join(errors_of(parse("items", title="标" * 201)).values())
    assert "不能超过 100 个字" in " ".join(errors_of(parse("units", name="局" * 101)).values())
    assert "不能超过 2000 个字" in " ".join(errors_of(parse("follow_ups", text="字" * 2001)).values())


@pytest.mark.parametrize("day", [date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_dates_outside_the_supported_years_are_row_errors(day):
    messages = errors_of(parse("items", sent_on=day))
    assert any("2000 年至 2100 年" in m for m in messages.values()), messages


def test_numbers_no_column_holds_are_row_errors():
    messages = errors_of(parse("units", sort_order="99999999999999999999"))
    assert any("超出允许范围" in m for m in messages.values()), messages
