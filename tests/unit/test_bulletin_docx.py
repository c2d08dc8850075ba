"""The 通报 and the yearly 工作情况报告 as Word, and the 通报 as Excel, read back with python-docx and
openpyxl from hand-made figures: the form of a government 通报 (title, 文号, addressee, sections
一、二、…, 落款 and date), every run with an East Asian font and substitutes in the font table,
the generated 存在问题 paragraph, and named sheets with named columns."""
import io
from datetime import date, timedelta

import openpyxl
import pandas as pd
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from core.kinds import MECHANISMS
from db.queries.bulletin import FIGURES, Bulletin
from ui.bulletin import annual_docx, bulletin_docx, bulletin_xlsx, period_name

QIAOKOU = {"district": "硚口区", "mark": "硚"}  # db.queries.common.district_words of 硚口区

ISSUED = date(2026, 10, 9)


def sample(start=date(2026, 7, 1), end=date(2026, 9, 30), **figures) -> Bulletin:
    f = dict.fromkeys(FIGURES, 0) | {"received": 7, "answered": 3, "on_time": 2, "late": 1, "overdue": 2,
                                     "overdue_at_end": 3, "overdue_units": 2, "sup_issued": 3, "referred": 2,
                                     "fu_overdue_at_end": 1, "late_milestones": 1} | figures
    return Bulletin(
        start=start, end=end, as_of=end + timedelta(days=1),
        figures=f, on_time_rate=0.4,
        by_mechanism=pd.DataFrame({"mechanism": list(MECHANISMS), "title": ["机制"] * 8,
                                   "items": [0, 0, 1, 0, 5, 1, 0, 0], "meetings": [0, 1, 0, 0, 0, 0, 0, 0],
                                   "answered": [0, 0, 0, 0, 2, 1, 0, 0], "overdue_at_end": [0, 0, 0, 0, 3, 0, 0, 0]}),
        by_unit=pd.DataFrame({"unit_id": [1, 2, 3], "unit": ["区市场监管局", "区公安分局", "区司法局"],
                              "received": [3, 1, 0], "on_time": [1, 1, 0], "late": [1, 0, 0], "overdue": [2, 0, 0],
                              "judged": [4, 1, 0], "on_time_rate": pd.Series([0.25, 1.0, None], dtype=object),
                              "referred": [1, 0, 1], "with_result": [0, 0, 1]}),
        overdue_units=pd.DataFrame({"unit_id": [1, 3], "unit": ["区市场监管局", "区司法局"], "overdue": [2, 1],
                                    "oldest_due_on": [date(2026, 9, 15), date(2026, 4, 1)],
                                    "oldest_due_approximate": [False, True]}),
        supervision=pd.DataFrame({"level": ["一般"], "issued": [3], "resolved": [1], "resolved_on_time": [1],
                                  "responded": [1], "no_response": [1], "escalated": [2]}),
        follow_ups_overdue=pd.DataFrame({"id": [1], "text": ["=制定工作指引"], "lead_unit": ["区司法局"],
                                         "meeting": ["联席会议"], "due_on": [date(2026, 9, 10)], "status": ["open"]}),
        task_groups=pd.DataFrame({"group_number": [1], "group_title": ["推进平安硚口建设"], "tasks": [3],
                                  "percent": [40.0], "late": [1], "done": [0], "updates": [1], "late_milestones": [1]}),
        late_milestones=pd.DataFrame({"group_number": [1], "number": [1], "task": ["维护社会安全稳定"],
                                      "milestone": ["建立台账"], "planned_on": [date(2026, 9, 1)], "done_on": [None]}))


def read_docx(data: bytes):
    doc = Document(io.BytesIO(data))
    return doc, [p.text for p in doc.paragraphs]


def test_the_bulletin_has_the_form_of_a_government_notice():
    doc, lines = read_docx(bulletin_docx(sample(), ISSUED, QIAOKOU, "3"))
    assert lines[0] == "关于2026年第三季度“府检联动”工作情况的通报"
    assert lines[1] == "硚府检联通〔2026〕3号"
    assert lines[2] == "各成员单位:"
    assert lines[3].startswith("现将2026年第三季度(数据截至2026年9月30日)") and "按期反馈率40.0%" in lines[3]
    headings = [line for line in lines if line[:2] in {f"{n}、" for n in "一二三四五六七"}]
    assert headings == ["一、各工作机制运行情况", "二、成员单位反馈情况", "三、督办及移送追责情况",
                        "四、会议议定事项落实情况", "五、重点工作推进情况", "六、有关要求"]
    assert lines[-2:] == ["“府检联动”协调机制办公室", "2026年10月9日"]
    assert "截至2026年9月30日,以下单位仍有事项逾期未反馈:区市场监管局、区司法局。" in lines


def test_a_blank_number_leaves_room_to_write_it_in():
    _, lines = read_docx(bulletin_docx(sample(), ISSUED, QIAOKOU))
    assert lines[1] == "硚府检联通〔    〕    号"


def test_the_tables_carry_the_units_and_their_rates():
    doc, _ = read_docx(bulletin_docx(sample(), ISSUED, QIAOKOU))
    units = next(t for t in doc.tables if t.rows[0].cells[0].text == "成员单位" and len(t.columns) == 7)
    assert [c.text for c in units.rows[0].cells] == ["成员单位", "收到事项", "按期反馈", "逾期反馈", "到期未反馈",
                                                     "按期反馈率", "移送追责"]
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in units.rows[1:]}
    assert rows["区市场监管局"] == ["3", "1", "1", "2", "25.0%", "1"]
    assert rows["区司法局"][4] == "—"  # nothing fell due: no rate
    overdue = next(t for t in doc.tables if t.rows[0].cells[1].text == "逾期未反馈件数")
    assert [[c.text for c in r.cells] for r in overdue.rows[1:]] == [["区市场监管局", "2", "2026-09-15"],
                                                                     ["区司法局", "1", "2026-04-01(估)"]]


def test_every_run_names_an_east_asian_font_and_the_font_table_its_substitutes():
    doc, _ = read_docx(bulletin_docx(sample(), ISSUED, QIAOKOU, "3"))
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs}
    assert None not in fonts and fonts <= {"方正小标宋简体", "仿宋", "黑体"}
    title = doc.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title.get(qn("w:eastAsia")) == "方正小标宋简体" and title.get(qn("w:ascii")) == "宋体"
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    table = {f.get(qn("w:name")): f for f in parse_xml(part.blob).findall(qn("w:font"))}
    assert table["方正小标宋简体"].find(qn("w:altName")).get(qn("w:val")) == "宋体"
    assert table["仿宋"].find(qn("w:charset")).get(qn("w:val")) == "86"
    assert {"黑体", "宋体"} <= set(table)
    assert abs(doc.sections[0].top_margin.cm - 3.7) < 0.01 and abs(doc.sections[0].page_width.cm - 21) < 0.01


def test_the_yearly_report_is_the_same_figures_in_the_words_of_a_report():
    year = sample(date(2026, 1, 1), date(2026, 12, 31))
    doc, lines = read_docx(annual_docx(year, date(2027, 1, 10), QIAOKOU))
    assert lines[0] == "硚口区2026年度“府检联动”工作情况报告"
    assert lines[1] == "“府检联动”联席会议:"  # addressed to the meeting, with no 文号
    assert not any("硚府检联通" in line for line in lines)
    headings = [line for line in lines if line[:2] in {f"{n}、" for n in "一二三四五六七八"}]
    assert headings == ["一、基本情况", "二、各机制运行情况", "三、成员单位反馈情况", "四、督办与追责",
                        "五、联席会议议定事项落实", "六、重点工作推进", "七、存在问题和下步打算"]
    problems = lines[lines.index("七、存在问题和下步打算") + 1]
    assert problems.startswith("存在的主要问题:区市场监管局按期反馈率低于80%")  # 25 %; 区公安分局 100 % is not named
    assert "区公安分局" not in problems and "3件事项逾期未反馈" in problems and "1项会议议定事项逾期未完成" in problems
    assert "全年签发督办3件" in "\n".join(lines)
    assert lines[-2:] == ["“府检联动”协调机制办公室", "2027年1月10日"]


def test_a_year_without_problems_says_so():
    calm = sample(overdue_at_end=0, fu_overdue_at_end=0, late_milestones=0)
    calm.by_unit["on_time_rate"] = pd.Series([0.9, 1.0, None], dtype=object)
    _, lines = read_docx(annual_docx(calm, ISSUED, QIAOKOU))
    assert "全年各成员单位总体能够按期反馈、按时落实,未发现突出问题。" in lines


def test_period_names():
    assert period_name(date(2026, 11, 1), date(2026, 11, 30)) == "2026年11月"
    assert period_name(date(2026, 1, 1), date(2026, 12, 31)) == "2026年"
    assert period_name(date(2026, 1, 5), date(2026, 2, 10)) == "2026年1月5日至2026年2月10日"


def test_the_workbook_has_named_sheets_and_columns_and_neutralised_formulas():
    book = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(sample())))
    assert book.sheetnames == ["总体情况", "各工作机制运行情况", "成员单位反馈情况", "逾期未反馈单位",
                               "督办及移送追责情况", "会议议定事项落实情况", "重点工作推进情况", "滞后工作节点"]
    header = [c.value for c in book["成员单位反馈情况"][1]]
    assert header == ["成员单位", "收到事项", "按期反馈", "逾期反馈", "到期未反馈", "按期反馈率", "移送追责"]
    summary = {row[0]: row[1] for row in book["总体情况"].iter_rows(min_row=2, values_only=True)}
    assert summary["本期新增事项"] == 7 and summary["按期反馈率"] == "40.0%" and summary["移送追责"] == 2
    mechanisms = list(book["各工作机制运行情况"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in mechanisms] == list(MECHANISMS) and mechanisms[4][2] == 5
    follow_up = list(book["会议议定事项落实情况"].iter_rows(min_row=2, values_only=True))[0]
    assert follow_up[0] == "'=制定工作指引"
