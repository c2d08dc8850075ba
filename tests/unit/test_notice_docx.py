"""督办通知单 (.docx): read the generated file back with python-docx and check what a reader of the
printed notice sees — title, number, addressee, both tables with their figures, the reply
deadline, the office's signature, phone, e-mail and the date — and that Chinese text names an
East Asian font."""
import io
from datetime import date, timedelta

from docx import Document
from docx.oxml.ns import qn

from core.documents_notice import NoticeData, NoticeFollowUp, NoticeOverdue, build_notice, file_name, notice_number
from db.queries.units import notice_data
from tests.conftest import TODAY

OVERDUE = [NoticeOverdue("关于食品安全监管的检察建议", "区检察院", date(2026, 10, 27), 30),
           NoticeOverdue("请说明不立案理由", "区检察院", date(2026, 11, 20), 6),
           NoticeOverdue("调查核实协助请求", "区检察院", date(2026, 11, 25), 1)]
FOLLOW_UPS = [NoticeFollowUp("报送电动自行车消防安全整治整改进展情况", "2026年第一次联席会议", date(2026, 11, 1),
                             "open", days_overdue=25),
              NoticeFollowUp("制定衔接工作指引", "专题业务座谈会", date(2027, 1, 15), "in_progress")]


def notice(**overrides) -> NoticeData:
    values = dict(unit_id=19, unit_name="区市场监管局", issued_on=TODAY, reply_by=date(2026, 12, 3),
                  number=notice_number(19, TODAY, "notice", "硚"), overdue=OVERDUE, follow_ups=FOLLOW_UPS,
                  office_phone="68839462", office_email="1306226418@qq.com",
                  plan_number="硚政〔2025〕1号", plan_title="关于建立硚口区“府检联动”工作机制的实施方案")
    values.update(overrides)
    return NoticeData(**values)


def read_back(data: NoticeData):
    return Document(io.BytesIO(build_notice(data)))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.strip()]


def table_with(doc, header: str):
    return next(tb for tb in doc.tables if header in [c.text for c in tb.rows[0].cells])


def test_title_number_addressee_and_signature():
    doc = read_back(notice())
    lines = texts(doc)
    assert lines[0] == "督办通知单"
    assert lines[1] == "硚府检联〔2026〕督112619号"
    assert lines[2] == "区市场监管局\uff1a"
    assert "截至2026年11月26日" in lines[3] and "逾期未反馈事项3件" in lines[3] and "会议议定事项2项" in lines[3]
    assert "硚政〔2025〕1号" in lines[3]
    assert any("请于2026年12月3日前" in line for line in lines)
    assert any("68839462" in line and "1306226418@qq.com" in line for line in lines)
    assert lines[-2:] == ["“府检联动”协调机制办公室", "2026年11月26日"]


def test_overdue_table_has_a_row_per_item_with_its_days_overdue():
    doc = read_back(notice())
    table = table_with(doc, "逾期天数")
    assert len(table.rows) == len(OVERDUE) + 1
    assert [c.text for c in table.rows[0].cells] == ["序号", "事项", "发出单位", "反馈期限", "逾期天数"]
    assert [c.text for c in table.rows[1].cells] == ["1", "关于食品安全监管的检察建议", "区检察院", "2026-10-27", "30"]
    assert [r.cells[4].text for r in table.rows[1:]] == ["30", "6", "1"]


def test_follow_up_table_lists_the_open_decisions():
    doc = read_back(notice())
    table = table_with(doc, "议定事项")
    assert [c.text for c in table.rows[0].cells] == ["序号", "议定事项", "会议", "完成期限", "状态"]
    assert len(table.rows) == len(FOLLOW_UPS) + 1
    assert [c.text for c in table.rows[2].cells] == ["2", "制定衔接工作指引", "专题业务座谈会", "2027-01-15", "推进中"]


def test_no_overdue_items_says_none_instead_of_an_empty_table():
    doc = read_back(notice(overdue=[]))
    assert len(doc.tables) == 1 and "逾期天数" not in [c.text for c in doc.tables[0].rows[0].cells]
    lines = texts(doc)
    heading = lines.index("一、逾期未反馈事项\uff080件\uff09")
    assert lines[heading + 1] == "无。"


def test_chinese_text_names_an_east_asian_font():
    doc = read_back(notice())
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for tb in doc.tables for row in tb.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs}
    assert None not in fonts and fonts <= {"方正小标宋简体", "仿宋", "黑体"}
    assert doc.paragraphs[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert round(doc.sections[0].page_width.cm, 1) == 21.0  # A4


def test_number_is_derived_from_the_date_and_the_unit():
    assert notice_number(7, date(2026, 11, 26), "notice", "硚") == "硚府检联〔2026〕督112607号"
    assert notice_number(7, date(2026, 11, 26), "notice", "硚") == notice_number(7, date(2026, 11, 26), "notice", "硚")
    assert notice_number(7, date(2026, 11, 27), "notice", "硚") != notice_number(7, date(2026, 11, 26), "notice", "硚")
    assert notice_number(41, date(2027, 1, 5), "notice", "硚") == "硚府检联〔2027〕督010541号"
    assert file_name(notice()) == "督办通知单-区市场监管局-2026-11-26.docx"


def test_notice_from_the_database_prints_the_days_overdue_of_the_data(sqlite_engine):
    from sqlalchemy import select

    from core.permissions import Actor
    from db.commands.items import CreateItem
    from db.engine import read_session
    from db.models import Unit
    with read_session(sqlite_engine) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
    # 调查核实协助: 15 days from sending; sent 60 days ago -> due 45 days ago (or the next working day)
    CreateItem(Actor(None, "system", "admin"), kind="investigation_assistance", from_unit_id=units["procuratorate"],
               to_unit_id=units["gutian_street"], title="请协助核实某小区违建情况",
               sent_on=TODAY - timedelta(days=60), details={}).run(sqlite_engine)
    data = notice_data(sqlite_engine, units["gutian_street"], TODAY)
    [item] = data.overdue
    doc = read_back(data)
    assert texts(doc)[2] == "古田街道办事处\uff1a"
    table = table_with(doc, "逾期天数")
    assert len(table.rows) == 2
    row = [c.text for c in table.rows[1].cells]
    assert row[1] == "请协助核实某小区违建情况" and row[2] == "区检察院"
    assert row[4] == str((TODAY - item.due_on).days) == str(item.days_overdue)
    assert row[3] == item.due_on.isoformat()


def test_the_reminder_notice_is_the_same_list_in_the_words_of_a_reminder():
    data = notice(form="reminder_notice", number=notice_number(19, TODAY, "reminder_notice", "硚"))
    doc = read_back(data)
    lines = texts(doc)
    assert lines[:3] == ["催办单", "硚府检联〔2026〕催112619号", "区市场监管局\uff1a"]
    assert "请抓紧办理" in lines[3] and "逾期未反馈事项3件" in lines[3]
    assert any("届时仍未办理的" in line and "限期督办" in line for line in lines)
    assert len(table_with(doc, "逾期天数").rows) == len(OVERDUE) + 1
    assert file_name(data) == "催办单-区市场监管局-2026-11-26.docx"
