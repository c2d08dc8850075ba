"""The one rule for stored text (core/text.py) and documents built from text stored before it:
a clerk who pastes from another system gets a Chinese refusal, never a broken 督办通知单."""
import io
from datetime import date

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from core.documents import weekly_docx, workbook
from core.documents_notice import NoticeData, NoticeFollowUp, NoticeOverdue, build_notice
from core.i18n import t
from core.spreadsheets import csv_bytes
from core.text import clean_text, text_problem, xml_safe

BAD = ["\x07", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ufffe"]


@pytest.mark.parametrize("char", BAD, ids=[f"U+{ord(c):04X}" for c in BAD])
@pytest.mark.parametrize("multiline", [False, True])
def test_control_characters_are_refused_in_every_field(char, multiline):
    assert text_problem(f"案件{char}名称", multiline=multiline, max_len=200) == ("error.control_chars", {})


def test_line_breaks_and_tabs_only_in_multi_line_fields():
    assert text_problem("第一行\n第二行\t备注\r\n", multiline=True, max_len=2000) is None
    for value in ("第一行\n第二行", "名称\t备注", "回车\r"):
        assert text_problem(value, multiline=False, max_len=200) == ("error.single_line", {})
    assert t("error.single_line")  # the message exists in the catalog


def test_length_is_the_fields_own():
    assert text_problem("字" * 100, multiline=False, max_len=100) is None
    assert text_problem("字" * 101, multiline=False, max_len=100) == ("error.too_long", {"limit": 100})


def test_ordinary_text_is_accepted_as_typed():
    for value in ("关于食品安全监管的检察建议", "https://evil.example/login", "**粗体** <b>x</b>", "𠮷野家 😀",
                  "=SUM(A1)", "  前后空格  "):
        assert text_problem(value, multiline=False, max_len=200) is None


def test_cleaning_keeps_line_breaks_only_where_allowed():
    assert clean_text("a\x07b\nc\td\x00", multiline=True) == "ab\nc\td"
    assert clean_text("a\x07b\nc\td\x00", multiline=False) == "ab c d"
    assert xml_safe("a\x07b\n\tc\x00\ufffe") == "ab\n\tc"


STORED = "超期事项\x07说明\x00(含\x0b控制字符)"


def test_notice_builds_from_text_with_control_characters():
    data = NoticeData(unit_id=19, unit_name="区市场监管局" + "\x1b", issued_on=date(2026, 11, 26),
                      reply_by=date(2026, 12, 3), number="硚府检联〔2026〕督112619号",
                      overdue=[NoticeOverdue(STORED, "区检察院\x07", date(2026, 10, 27), 30)],
                      follow_ups=[NoticeFollowUp(STORED, "联席会议\x0c", date(2026, 11, 1), "open")])
    doc = Document(io.BytesIO(build_notice(data)))
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    assert "超期事项说明(含控制字符)" in cells
    assert "区检察院" in cells


def test_weekly_report_and_workbooks_build_from_such_text():
    df = pd.DataFrame({"事项": [STORED, "=1+1"], "单位": ["区市场监管局\x07", "区公安分局"]})
    doc = Document(io.BytesIO(weekly_docx((date(2026, 11, 16), date(2026, 11, 22)), "本周" + "\x07",
                                          [("逾期事项", df)], date(2026, 11, 23))))
    assert "超期事项说明(含控制字符)" in [c.text for c in doc.tables[0].columns[0].cells]
    sheet = load_workbook(io.BytesIO(workbook([("逾期", df)]))).active
    assert [c.value for c in sheet["A"]] == ["事项", "超期事项说明(含控制字符)", "'=1+1"]
    assert "区市场监管局\r\n" not in csv_bytes(df).decode("utf-8-sig")
    assert "\x07" not in csv_bytes(df).decode("utf-8-sig")
