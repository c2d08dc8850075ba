"""Imports (DESIGN §8 Reliability: all-or-nothing, per-row errors, idempotent by external reference),
on SQLite and PostgreSQL: a good file of every type imports; every kind of bad file writes nothing
and names every bad row and column as Excel shows them; the same file twice changes nothing; an
edited file updates the rows it names; stages only move forward; only admin and office import."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.permissions import Actor
from db.commands.base import PermissionDenied
from db.commands.imports import ImportFile, ImportRefused, check_import
from db.engine import read_session
from db.imports import SPECS, parse_file
from db.imports.templates import csv_file, xlsx_file
from db.models import (AuditLog, FollowUp, FollowUpAssist, FollowUpNote, Item, ItemEvent, Liaison, Meeting, Unit)
from tests.conftest import count

OFFICE = Actor(None, "office1", "office")
ADMIN = Actor(None, "admin1", "admin")
PROC, MARKET, EDU, POLICE = "区检察院", "区市场监管局", "区教育局", "区公安分局"


# -- helpers -----------------------------------------------------------------------------------

def item_row(ref: str, **values) -> dict:
    """A valid 检察建议 row (sent and signed for), as the template's columns."""
    row = dict(external_ref=ref, kind="检察建议", from_unit=PROC, to_unit=MARKET, doc_number=f"硚检建〔2026〕{ref}号",
               title=f"关于{ref}的检察建议", summary="摘要", sent_on=date(2026, 9, 18), received_on=date(2026, 9, 22))
    row.update(values)
    return row


def as_lists(kind: str, rows: list[dict]) -> list[list]:
    return [[row.get(c.key) for c in SPECS[kind].columns] for row in rows]


def file_of(kind: str, rows: list[dict], fmt: str = "csv") -> tuple[str, bytes]:
    data = csv_file(kind, as_lists(kind, rows)) if fmt == "csv" else xlsx_file(kind, as_lists(kind, rows))
    return f"{kind}.{fmt}", data


def run_import(engine, kind: str, rows: list[dict], fmt: str = "csv", actor=OFFICE) -> ImportFile:
    name, data = file_of(kind, rows, fmt)
    command = ImportFile(actor, parsed=parse_file(kind, name, data))
    command.run(engine)
    return command


def items_by_ref(engine) -> dict[str, Item]:
    with read_session(engine) as s:
        return {i.external_ref: i for i in s.scalars(select(Item))}


def versions(engine) -> dict[str, int]:
    return {ref: item.version for ref, item in items_by_ref(engine).items()}


def everything(engine) -> tuple:
    """What an import could change: row counts of every table it writes, and every version."""
    return (count(engine, Item), count(engine, ItemEvent), count(engine, AuditLog), count(engine, Meeting),
            count(engine, FollowUp), count(engine, Liaison), count(engine, Unit), versions(engine))


def refused(engine, kind: str, name: str, data: bytes) -> list[tuple]:
    """Check and import a bad file: both report the same problems and nothing is written."""
    before = everything(engine)
    parsed = parse_file(kind, name, data)
    check = check_import(engine, OFFICE, parsed)
    assert not check.ok and not check.plans
    with pytest.raises(ImportRefused) as exc:
        ImportFile(OFFICE, parsed=parse_file(kind, name, data)).run(engine)
    assert everything(engine) == before
    reported = [(e.row, e.column) for e in exc.value.row_errors]
    assert reported == [(e.row, e.column) for e in check.errors]
    return reported


GOOD = [
    item_row("A1"),
    item_row("A2", kind="涉嫌犯罪案件移送", from_unit=MARKET, to_unit=POLICE, doc_number=None, title="移送张某涉嫌销售假药案",
             case_name="张某涉嫌销售假药案", suspected_offence="销售假药罪", received_on=None, sent_on=date(2026, 9, 21)),
    item_row("A3", to_unit=EDU, status="已办结", outcome="采纳", feedback_on=date(2026, 10, 20),
             feedback_text="已整改完毕", closed_on=date(2026, 10, 25), key_task=9),
    item_row("A4", kind="行政公益诉讼诉前检察建议", urgent="是"),
    item_row("A5", kind="诉前磋商", doc_number=None, due_on_override=date(2026, 12, 31), override_reason="双方议定"),
]


# -- a good file ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_file_imports_every_row(engine, fmt):
    audit_before = count(engine, AuditLog)
    name, data = file_of("items", GOOD, fmt)
    parsed = parse_file("items", name, data)
    check = check_import(engine, OFFICE, parsed)
    assert check.ok and check.count("create") == 5 and count(engine, Item) == 0  # the preview writes nothing
    command = ImportFile(OFFICE, parsed=parsed)
    command.run(engine)
    assert command.summary == {"rows": 5, "create": 5, "update": 0, "unchanged": 0}
    items = items_by_ref(engine)
    assert set(items) == {"A1", "A2", "A3", "A4", "A5"}
    a1, a2, a3, a4, a5 = (items[r] for r in ("A1", "A2", "A3", "A4", "A5"))
    # the command's own rules decided what is stored: kind, mechanism, due date by the kind's rule
    assert (a1.kind, a1.mechanism, a1.status, a1.due_on) == ("procuratorial_suggestion", "四(五)", "received",
                                                               date(2026, 11, 23))
    assert (a2.status, a2.due_on, a2.details) == ("sent", date(2026, 9, 24), {"case_name": "张某涉嫌销售假药案",
                                                                             "suspected_offence": "销售假药罪"})
    assert (a3.status, a3.outcome, a3.feedback_on, a3.closed_on) == ("closed", "采纳", date(2026, 10, 20),
                                                                    date(2026, 10, 25))
    assert a4.urgent and a4.due_on == date(2026, 10, 8)  # 15 days from receipt, past National Day
    assert (a5.due_on, a5.due_override_reason) == (date(2026, 12, 31), "双方议定")
    with read_session(engine) as s:
        steps = s.execute(select(ItemEvent.event_type).where(ItemEvent.item_id == a3.id).order_by(ItemEvent.id)).scalars()
        assert list(steps) == ["created", "received", "respond", "close"]
        rows = s.execute(select(AuditLog.action, AuditLog.entity, AuditLog.entity_id, AuditLog.after)
                         .where(AuditLog.id > 0).order_by(AuditLog.id)).all()[-6:]
    # one audit row per item (with its row in the file) and one for the import as a whole
    assert [(a, e) for a, e, _, _ in rows] == [("item.import", "item")] * 5 + [("import.items", "import")]
    assert {eid for _, _, eid, _ in rows[:5]} == {i.id for i in items.values()}
    assert rows[0][3]["import_row"] == 2 and rows[-1][3]["create"] == 5
    assert count(engine, AuditLog) == audit_before + 6


def test_progress_is_reported_up_to_the_total(engine):
    seen = []
    name, data = file_of("items", GOOD)
    parsed = parse_file("items", name, data, lambda *a: seen.append(a))
    check_import(engine, OFFICE, parsed, lambda *a: seen.append(a))
    ImportFile(OFFICE, parsed=parsed, progress=lambda *a: seen.append(a)).run(engine)
    assert {phase for phase, _, _ in seen} == {"read", "check", "write"}
    for phase in ("read", "check", "write"):
        done, total = max((d, t) for p, d, t in seen if p == phase)
        assert done == total > 0


# -- bad files: nothing written, every bad row named ----------------------------------------------

def test_wrong_headers_are_reported_on_the_header_row(engine):
    data = csv_file("items", as_lists("items", GOOD)).decode("utf-8-sig")
    data = data.replace("标题", "题目").replace(",摘要,", ",摘要,摘要,", 1).replace("外部编号,", "", 1)
    lines = data.splitlines()
    reported = refused(engine, "items", "bad.csv", ("\n".join(lines)).encode("utf-8-sig"))
    assert set(reported) == {(1, "外部编号"), (1, "标题"), (1, "题目"), (1, "摘要")}


@pytest.mark.parametrize("bad, columns, message", [
    ({"sent_on": "2026-02-30"}, ["发出日期"], "不是有效日期"),
    ({"received_on": "下周一"}, ["签收日期"], "不是有效日期"),
    ({"to_unit": "区市场监督局"}, ["接收单位"], "未知单位“区市场监督局”,是否为:区市场监管局"),
    ({"kind": "检查建议"}, ["事项类型"], "未知事项类型"),
    ({"title": "长" * 201}, ["标题"], "不能超过 200 个字"),
    ({"summary": "长" * 2001}, ["摘要"], "不能超过 2000 个字"),
    ({"external_ref": "R" * 101}, ["外部编号"], "不能超过 100 个字"),
    ({"title": ""}, ["标题"], "必填"),
    ({"status": "已反馈"}, ["办理结果", "反馈日期", "反馈内容"], "必填"),
    ({"status": "已办结", "outcome": "同意", "feedback_on": date(2026, 10, 1), "feedback_text": "x",
      "closed_on": date(2026, 10, 2)}, ["办理结果"], "办理结果"),
    ({"outcome": "采纳"}, ["办理结果"], "已反馈"),
    ({"case_name": "某案"}, ["案件名称"], "没有此项"),
    ({"sent_on": date(2026, 12, 1), "received_on": None}, ["发出日期"], "不能晚于今天"),
    ({"received_on": date(2026, 9, 1)}, ["签收日期"], "不能早于发出日期"),
    ({"to_unit": PROC}, ["接收单位"], "不能相同"),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_kind_of_bad_cell_writes_nothing_and_names_every_bad_row(engine, bad, columns, message, fmt):
    rows = [item_row(f"B{i}") for i in range(1, 7)]
    for i in (1, 4):  # Excel rows 3 and 6 are bad
        rows[i].update(bad)
        if "external_ref" in bad:
            rows[i]["external_ref"] += str(i)
    name, data = file_of("items", rows, fmt)
    reported = refused(engine, "items", name, data)
    assert reported == [(3, c) for c in columns] + [(6, c) for c in columns]
    assert message in check_import(engine, OFFICE, parse_file("items", name, data)).errors[0].message


def test_every_problem_of_a_file_is_reported_at_once(engine):
    rows = [item_row(f"C{i}") for i in range(1, 9)]
    rows[0]["sent_on"] = "2026-13-01"  # row 2: bad date
    rows[2]["from_unit"] = "区检查院"  # row 4: unknown unit
    rows[3]["kind"] = "检查建议"  # row 5: unknown kind
    rows[5]["external_ref"] = "C2"  # rows 3 and 7: the same external reference twice
    rows[7]["title"] = "=" * 250  # row 9: too long
    reported = refused(engine, "items", "bad.csv", file_of("items", rows)[1])
    assert reported == [(2, "发出日期"), (3, "外部编号"), (4, "发出单位"), (5, "事项类型"), (7, "外部编号"), (9, "标题")]


def test_row_numbers_are_the_ones_excel_shows(engine):
    """A title line above the header and blank rows in between do not shift the numbers."""
    from openpyxl import Workbook
    import io
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年府检联动事项台账"])
    ws.append(SPECS["items"].headers())
    ws.append(as_lists("items", [item_row("D1")])[0])
    ws.append([])
    ws.append(as_lists("items", [item_row("D2", to_unit="不存在的单位")])[0])
    buf = io.BytesIO()
    wb.save(buf)
    assert refused(engine, "items", "ledger.xlsx", buf.getvalue()) == [(5, "接收单位")]


@pytest.mark.parametrize("name, data, message", [
    ("items.pdf", b"%PDF", "只能导入"),
    ("items.xlsx", b"not a workbook", "无法读取"),
    ("items.csv", b"", "空"),
])
def test_unusable_files_are_refused_as_a_whole(engine, name, data, message):
    assert refused(engine, "items", name, data) == [(None, "")]
    assert message in check_import(engine, OFFICE, parse_file("items", name, data)).errors[0].message


def test_gbk_csv_from_excel_is_read(engine):
    text = csv_file("items", as_lists("items", GOOD[:2])).decode("utf-8-sig")
    command = ImportFile(OFFICE, parsed=parse_file("items", "excel.csv", text.encode("gb18030")))
    command.run(engine)
    assert command.summary["create"] == 2


def test_workbooks_saved_in_other_ways_read_the_same():
    """Rich text, a formula's cached result, inline instead of shared strings, the 1904 date system:
    the cells read as the plain template's do."""
    import io

    import xlsxwriter
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    expected = [r.values for r in parse_file("items", "plain.xlsx", file_of("items", GOOD, "xlsx")[1]).rows]
    rows = as_lists("items", GOOD)
    keys = [c.key for c in SPECS["items"].columns]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet(SPECS["items"].title)
    bold, day = wb.add_format({"bold": True}), wb.add_format({"num_format": "yyyy/m/d"})
    for col, header in enumerate(SPECS["items"].headers()):
        ws.write_string(0, col, header)
    for r, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            if value in (None, ""):
                continue
            if isinstance(value, date):
                ws.write_datetime(r, col, value, day)
            elif isinstance(value, int):
                ws.write_number(r, col, value)
            elif keys[col] == "title":
                ws.write_rich_string(r, col, bold, value[:2], value[2:])
            elif keys[col] == "doc_number":
                ws.write_formula(r, col, f'="{value[:3]}"&"{value[3:]}"', None, value)
            else:
                ws.write_string(r, col, value)
    wb.close()
    assert [r.values for r in parse_file("items", "inline.xlsx", buf.getvalue()).rows] == expected
    book = Workbook()  # openpyxl writes inline strings
    book.epoch = CALENDAR_MAC_1904
    book.active.append(SPECS["items"].headers())
    for row in rows:
        title = row[keys.index("title")]
        row[keys.index("title")] = CellRichText([title[:2], TextBlock(InlineFont(b=True), title[2:])])
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    assert [r.values for r in parse_file("items", "mac.xlsx", buf.getvalue()).rows] == expected


# -- idempotent by external reference --------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_same_file_twice_changes_nothing(engine, fmt):
    run_import(engine, "items", GOOD, fmt)
    before = everything(engine)
    again = run_import(engine, "items", GOOD, fmt)
    assert again.summary == {"rows": 5, "create": 0, "update": 0, "unchanged": 5}
    after = everything(engine)
    # only the import's own audit row is added: no item, event or version moves
    assert after[:2] == before[:2] and after[3:] == before[3:] and after[2] == before[2] + 1
    assert check_import(engine, OFFICE, parse_file("items", *file_of("items", GOOD, fmt))).changes == 0


def test_a_real_ledger_names_units_in_full_or_by_abbreviation(engine):
    rows = [item_row("F1", from_unit="武汉市硚口区人民检察院", to_unit="武汉市硚口区住房和城市更新局"),
            item_row("F2", to_unit="硚口区 市场监督管理局"), item_row("F3", to_unit="区人社局")]
    assert run_import(engine, "items", rows).summary["create"] == 3
    with read_session(engine) as s:
        names = dict(s.execute(select(Item.external_ref, Unit.name).join(Unit, Unit.id == Item.to_unit_id)).all())
    assert names == {"F1": "区住更局", "F2": "区市场监管局", "F3": "区人资局"}


def test_the_preview_names_the_detail_that_changed(engine):
    run_import(engine, "items", GOOD)
    edited = [dict(r) for r in GOOD]
    edited[1]["suspected_offence"] = "生产、销售假药罪"
    check = check_import(engine, OFFICE, parse_file("items", *file_of("items", edited)))
    assert {p["ref"]: p["changed"] for p in check.plans if p["action"] == "update"} == {"A2": ["涉嫌罪名"]}


def test_an_edited_file_updates_the_rows_it_names(engine):
    run_import(engine, "items", GOOD)
    v0, events0 = versions(engine), count(engine, ItemEvent)
    edited = [dict(r) for r in GOOD]
    edited[0]["title"] = "关于食品安全监管的检察建议(修订)"
    edited[1].update(status="已反馈", outcome="立案", feedback_on=date(2026, 9, 23), feedback_text="已立案侦查")
    edited.append(item_row("A6", to_unit=EDU))
    name, data = file_of("items", edited)
    check = check_import(engine, OFFICE, parse_file("items", name, data))
    plans = {p["ref"]: p for p in check.plans}
    assert {r: p["action"] for r, p in plans.items()} == {"A1": "update", "A2": "update", "A3": "unchanged",
                                                         "A4": "unchanged", "A5": "unchanged", "A6": "create"}
    assert plans["A1"]["changed"] == ["标题"]
    assert set(plans["A2"]["changed"]) >= {"办理阶段", "办理结果", "反馈日期", "反馈内容"}
    command = ImportFile(OFFICE, parsed=parse_file("items", name, data))
    command.run(engine)
    assert command.summary == {"rows": 6, "create": 1, "update": 2, "unchanged": 3}
    items, v1 = items_by_ref(engine), versions(engine)
    assert items["A1"].title.endswith("(修订)")
    assert (items["A2"].status, items["A2"].outcome, items["A2"].received_on) == ("responded", "立案", date(2026, 9, 23))
    assert items["A2"].due_on == date(2026, 9, 24)  # answered on time: the period ran from sending
    assert {r: v1[r] - v0[r] for r in v0} == {"A1": 1, "A2": 1, "A3": 0, "A4": 0, "A5": 0}
    # the timeline: A1 "edited", A2 its feedback step, A6 created and received
    assert count(engine, ItemEvent) == events0 + 1 + 1 + 2
    with read_session(engine) as s:
        history = s.execute(select(AuditLog.before, AuditLog.after).where(
            AuditLog.entity == "item", AuditLog.entity_id == items["A1"].id).order_by(AuditLog.id)).all()
    assert history[-1].before["title"] == GOOD[0]["title"] and history[-1].after["title"].endswith("(修订)")


def test_a_stage_cannot_move_back(engine):
    run_import(engine, "items", GOOD)
    back = [dict(GOOD[2], status="已签收", outcome=None, feedback_on=None, feedback_text=None, closed_on=None)]
    reported = refused(engine, "items", "back.csv", file_of("items", back)[1])
    assert reported == [(2, "办理阶段")]


def test_a_blank_stage_keeps_what_the_app_recorded(engine):
    """The unit answered in the app; re-importing the original 台账 row leaves that alone."""
    from db.commands.items import RecordFeedback
    run_import(engine, "items", GOOD[:1])
    item = items_by_ref(engine)["A1"]
    RecordFeedback(ADMIN, item_id=item.id, version=item.version, on=date(2026, 10, 9), feedback_text="已采纳",
                   outcome="采纳").run(engine)
    assert run_import(engine, "items", GOOD[:1]).summary["unchanged"] == 1
    assert items_by_ref(engine)["A1"].status == "responded"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(engine, fmt):
    """The items sheet of the exported workbook (or the items CSV) has the template's columns: a round
    trip is a no-op, formula-like text included (the neutralising quote is removed again)."""
    from core.spreadsheets import csv_bytes, workbook_bytes
    from db.queries.exports import export_table, export_workbook
    rows = GOOD + [item_row("A7", title="=HYPERLINK(\"http://x\")", summary="-5 元")]
    run_import(engine, "items", rows)
    if fmt == "xlsx":
        data = workbook_bytes(export_workbook(engine, ADMIN, date(2026, 11, 26)))
    else:
        data = csv_bytes(export_table(engine, ADMIN, "items", date(2026, 11, 26)))
    before = everything(engine)
    command = ImportFile(OFFICE, parsed=parse_file("items", f"export.{fmt}", data))
    command.run(engine)
    assert command.summary["unchanged"] == 6 and command.summary["update"] == 0
    assert everything(engine)[3:] == before[3:]


# -- who may import --------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["convener", "liaison", "viewer"])
def test_only_admin_and_office_import(engine, role):
    with read_session(engine) as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.name == MARKET))
    who = Actor(None, role, role, unit_id if role == "liaison" else None)
    parsed = parse_file("items", *file_of("items", GOOD))
    with pytest.raises(PermissionDenied):
        check_import(engine, who, parsed)
    with pytest.raises(PermissionDenied):
        ImportFile(who, parsed=parsed).run(engine)
    assert count(engine, Item) == 0
    assert run_import(engine, "items", GOOD, actor=ADMIN).summary["create"] == 5


# -- the other types ---------------------------------------------------------------------------------

def follow_up_row(ref: str, **values) -> dict:
    row = dict(external_ref=ref, held_on=date(2026, 10, 9), meeting_title="2026年第三次联席会议", meeting_kind="联席会议",
               text=f"议定事项{ref}", lead_unit=MARKET, assisting_units=f"{EDU}、{POLICE}", due_on=date(2026, 11, 30))
    row.update(values)
    return row


def test_follow_ups_import_with_their_meetings(engine):
    rows = [follow_up_row("F1"), follow_up_row("F2", assisting_units=None),
            follow_up_row("F3", held_on=date(2026, 11, 2), meeting_title="食品安全专题座谈会", meeting_kind="专题业务座谈会",
                          status="已完成", done_on=date(2026, 11, 20), evidence="已印发工作方案")]
    command = run_import(engine, "follow_ups", rows, "xlsx")
    assert command.summary == {"rows": 3, "create": 3, "update": 0, "unchanged": 0, "meetings": 2}
    with read_session(engine) as s:
        meetings = {m.title: m for m in s.scalars(select(Meeting))}
        fus = {f.external_ref: f for f in s.scalars(select(FollowUp))}
        assert meetings["食品安全专题座谈会"].kind == "business_symposium"
        assert fus["F1"].meeting_id == fus["F2"].meeting_id == meetings["2026年第三次联席会议"].id
        assert s.scalar(select(func.count()).select_from(FollowUpAssist).where(FollowUpAssist.follow_up_id == fus["F1"].id)) == 2
        assert (fus["F3"].status, fus["F3"].evidence) == ("done", "已印发工作方案")
        assert s.scalar(select(func.count()).select_from(FollowUpNote)) == 1
    before = (count(engine, Meeting), count(engine, FollowUp), count(engine, FollowUpAssist), count(engine, FollowUpNote))
    again = run_import(engine, "follow_ups", rows, "xlsx")
    assert again.summary["unchanged"] == 3 and again.summary["meetings"] == 0
    assert (count(engine, Meeting), count(engine, FollowUp), count(engine, FollowUpAssist),
            count(engine, FollowUpNote)) == before
    moved = [follow_up_row("F1", assisting_units=EDU, status="推进中")] + rows[1:]
    assert run_import(engine, "follow_ups", moved).summary == {"rows": 3, "create": 0, "update": 1, "unchanged": 2,
                                                                "meetings": 0}
    assert count(engine, FollowUpAssist) == before[2] - 1


def test_bad_follow_up_rows(engine):
    rows = [follow_up_row("F1", due_on=date(2026, 10, 1)),  # before the meeting
            follow_up_row("F2", lead_unit="区不存在局"),
            follow_up_row("F3", status="已完成"),  # without 完成日期 / 佐证
            follow_up_row("F4", cancel_reason="不需要了"),  # a reason without 已取消
            follow_up_row("F5")]
    reported = refused(engine, "follow_ups", *file_of("follow_ups", rows))
    assert reported == [(2, "完成期限"), (3, "牵头单位"), (4, "完成日期"), (4, "完成情况及佐证"), (5, "取消理由")]


def test_units_import_by_code(engine):
    rows = [dict(code="market_regulation", name=MARKET, category="区政府部门", leader_name="新领导", leader_title="副局长"),
            dict(code="new_bureau", name="区数据局", category="区政府部门", state="在册")]
    before = count(engine, Unit)
    command = run_import(engine, "units", rows)
    assert command.summary == {"rows": 2, "create": 1, "update": 1, "unchanged": 0}
    assert count(engine, Unit) == before + 1
    assert run_import(engine, "units", rows).summary["unchanged"] == 2
    bad = [dict(code="Bad-Code", name="区甲局", category="区政府部门"),
           dict(code="another", name=MARKET, category="区政府部门"),
           dict(code="third", name="区乙局", category="委办局")]
    assert refused(engine, "units", *file_of("units", bad)) == [(2, "单位编码"), (3, "单位名称"), (4, "单位类别")]


def test_liaisons_import_by_external_ref(engine):
    rows = [dict(external_ref="L1", unit=MARKET, name="王五", phone="027-83851234", start_on=date(2025, 6, 3),
                 end_on=date(2026, 3, 31), reported_on=date(2025, 6, 5)),
            dict(external_ref="L2", unit=MARKET, name="赵六", phone="13800000000", start_on=date(2026, 4, 1))]
    with read_session(engine) as s:
        unit_version = s.scalar(select(Unit.version).where(Unit.name == MARKET))
    assert run_import(engine, "liaisons", rows).summary["create"] == 2
    with read_session(engine) as s:
        assert s.scalar(select(Unit.version).where(Unit.name == MARKET)) == unit_version + 1
    before = everything(engine)
    assert run_import(engine, "liaisons", rows).summary["unchanged"] == 2
    assert everything(engine)[3:] == before[3:]
    bad = [dict(rows[0], unit="区不存在局"), dict(rows[1], external_ref="L3", phone="电话"),
           dict(rows[1], external_ref="L4", end_on=date(2026, 1, 1))]
    assert refused(engine, "liaisons", *file_of("liaisons", bad)) == [(2, "成员单位"), (3, "联系电话"), (4, "截止日期")]


def test_every_importable_sheet_of_the_workbook_imports_back_unchanged(engine):
    """Follow-ups, units and liaisons too: export → import is a no-op (the reference units included)."""
    from core.spreadsheets import workbook_bytes
    from db.queries.exports import export_workbook
    run_import(engine, "follow_ups", [follow_up_row("F1"), follow_up_row("F2", status="已取消", cancel_reason="并入F1")])
    run_import(engine, "liaisons", [dict(external_ref="L1", unit=MARKET, name="王五", phone="13800000000",
                                         start_on=date(2026, 4, 1), reported_on=date(2026, 4, 2))])
    data = workbook_bytes(export_workbook(engine, ADMIN, date(2026, 11, 26)))
    before = everything(engine)
    for kind, expected in (("follow_ups", 2), ("units", count(engine, Unit)), ("liaisons", 1)):
        command = ImportFile(OFFICE, parsed=parse_file(kind, "export.xlsx", data))
        command.run(engine)
        assert command.summary["unchanged"] == expected and command.summary["create"] == command.summary["update"] == 0
    assert everything(engine)[3:] == before[3:]


def test_an_import_takes_the_commands_own_steps(engine):
    """An item answered and closed through an import goes through the steps the commands take:
    the same timeline (events, statuses, dates), the same stored answer, and audit rows of the
    same shape (entity, before and after images of every column)."""
    from db.commands.items import CloseItem, CreateItem, RecordFeedback
    run_import(engine, "items", [item_row("S1")])
    closed = dict(status="已办结", outcome="采纳", feedback_on=date(2026, 10, 20), feedback_text="已整改完毕",
                  closed_on=date(2026, 10, 25))
    run_import(engine, "items", [item_row("S1", **closed)])
    with read_session(engine) as s:
        units = dict(s.execute(select(Unit.name, Unit.id)).all())
    item_id = CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units[PROC], to_unit_id=units[MARKET],
                         doc_number="硚检建〔2026〕S2号", title="关于S2的检察建议", summary="摘要", sent_on=date(2026, 9, 18),
                         received_on=date(2026, 9, 22), details={"suggestion_number": ""}).run(engine)
    RecordFeedback(OFFICE, item_id=item_id, on=date(2026, 10, 20), outcome="采纳", feedback_text="已整改完毕").run(engine)
    CloseItem(OFFICE, item_id=item_id, on=date(2026, 10, 25)).run(engine)
    answer = ("status", "received_on", "due_on", "outcome", "feedback_on", "feedback_text", "closed_on")
    with read_session(engine) as s:
        imported, commanded = s.scalar(select(Item).where(Item.external_ref == "S1")), s.get(Item, item_id)
        assert [getattr(imported, a) for a in answer] == [getattr(commanded, a) for a in answer]

        def timeline(i):
            return [(e.event_type, e.from_status, e.to_status, e.occurred_on) for e in s.scalars(
                select(ItemEvent).where(ItemEvent.item_id == i).order_by(ItemEvent.id))]
        assert timeline(imported.id) == timeline(commanded.id) == [
            ("created", None, "sent", date(2026, 9, 18)), ("received", "sent", "received", date(2026, 9, 22)),
            ("respond", "received", "responded", date(2026, 10, 20)), ("close", "responded", "closed", date(2026, 10, 25))]
        rows = {r.entity_id: r for r in s.scalars(select(AuditLog).where(AuditLog.entity == "item").order_by(AuditLog.id))}
    update, close = rows[imported.id], rows[commanded.id]
    assert update.action == "item.import" and close.action == "item.close"
    assert set(update.before) == set(close.before) and set(update.after) == set(close.after) | {"import_file", "import_row"}


def aliases_of(engine) -> dict[str, list[str]]:
    with read_session(engine) as s:
        return dict(s.execute(select(Unit.code, Unit.aliases)).all())


def test_units_import_reads_the_other_names(engine):
    """别名: 、-separated, cleaned as the office's form cleans them; blank keeps an existing unit's
    list; a file may move an alias from one unit to another."""
    before = aliases_of(engine)
    rows = [dict(code="new_bureau", name="区数据局", aliases="武汉市硚口区数据局、 硚口数据局 ,区数据局、武汉市硚口区数据局",
                 category="区政府部门"),
            dict(code="market_regulation", name=MARKET, category="区政府部门")]  # 别名 blank: kept
    assert run_import(engine, "units", rows).summary["create"] == 1
    after = aliases_of(engine)
    assert after["new_bureau"] == ["武汉市硚口区数据局", "硚口数据局"]  # its own name and the repeat dropped
    assert after["market_regulation"] == before["market_regulation"] and before["market_regulation"]
    # the same file again: nothing to do
    assert run_import(engine, "units", rows).summary["unchanged"] == 2
    # one of 区市场监管局's names moves to the new unit, in one file
    moved = before["market_regulation"][0]
    rows = [dict(rows[0], aliases=f"武汉市硚口区数据局、{moved}"),
            dict(rows[1], aliases="、".join(before["market_regulation"][1:]))]  # the seed gives it four
    command = run_import(engine, "units", rows)
    assert command.summary["update"] == 2
    assert aliases_of(engine)["new_bureau"] == ["武汉市硚口区数据局", moved]
    assert moved not in aliases_of(engine)["market_regulation"]


def test_units_import_refuses_a_name_another_unit_goes_by_as_an_alias(engine):
    housing = aliases_of(engine)["housing_renewal"]
    bad = [dict(code="new_bureau", name="区数据局", aliases="区教育局", category="区政府部门"),  # another's name
           dict(code="statistics", name="区统计局", aliases=housing[0], category="区政府部门"),  # another's alias
           dict(code="third", name="区乙局", aliases="乙局", category="区政府部门"),  # twice in one file
           dict(code="fourth", name="区丙局", aliases="乙局", category="区政府部门")]
    assert refused(engine, "units", *file_of("units", bad)) == [(2, "别名"), (3, "别名"), (4, "别名"), (5, "别名")]
    with pytest.raises(ImportRefused) as exc:
        run_import(engine, "units", bad[:2])
    assert [e.message for e in exc.value.row_errors] == ["“区教育局”已是区教育局的名称或别名。",
                                                         f"“{housing[0]}”已是区住更局的名称或别名。"]
