"""Imports are bounded before they are read (core/limits.py, db/imports/reader.py, db/imports/xlsx.py):
an upload over the size limit, a workbook that unpacks to more than the uncompressed limit and a
file with more data rows than the row limit are refused as a whole, with a message that names the
limit, before the rest is read. Attack files (a sheet declaring the whole grid as its dimension, a
few MB of zip holding hundreds of MB of sheet XML, sizes that lie, entity expansion, deep nesting)
stay small in memory. Normal files still import, and an unknown column to the right is still named."""
from __future__ import annotations

import io
import re
import struct
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from core.limits import MB, ImportLimits, import_limits
from db.commands.imports import ImportFile, check_import
from db.imports import SPECS, parse_file
from db.imports.templates import csv_file, xlsx_file
from db.models import Item
from tests.conftest import count
from tests.db.test_imports import OFFICE, as_lists, item_row

SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MEMORY_BUDGET_MB = 100


# -- helpers -----------------------------------------------------------------------------------------

def items_xlsx(n: int) -> bytes:
    return xlsx_file("items", as_lists("items", [item_row(f"L{i}") for i in range(1, n + 1)]))


def items_csv(n: int) -> bytes:
    return csv_file("items", as_lists("items", [item_row(f"L{i}") for i in range(1, n + 1)]))


def rewritten(data: bytes, name: str, write) -> bytes:
    """The workbook with part `name` replaced by what write(stream) writes (streamed, so a part of
    hundreds of MB never sits in memory)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                with target.open(name, "w") as stream:
                    write(stream)
            else:
                target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def declared_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with the unpacked size that its central directory declares for `name` changed."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + name_length] == name.encode():
            struct.pack_into("<I", out, at + 24, size)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise AssertionError(name)


def sheet_xml(stream, body: bytes, times: int, doctype: bytes = b"") -> None:
    stream.write(b'<?xml version="1.0" encoding="UTF-8"?>' + doctype
                 + f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
    for _ in range(times):
        stream.write(body)
    stream.write(b"</sheetData></worksheet>")


def parse_measured(kind: str, name: str, data: bytes):
    """parse_file, and the peak of memory it allocated (MB, tracemalloc)."""
    tracemalloc.start()
    try:
        parsed = parse_file(kind, name, data)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    return parsed, peak


def refusal(parsed) -> str:
    """The one message of a file refused as a whole."""
    assert parsed.fatal and not parsed.rows
    assert [(e.row, e.column) for e in parsed.errors] == [(None, "")]
    return parsed.errors[0].message


# -- the settings ------------------------------------------------------------------------------------

def test_limits_default_and_come_from_the_environment(monkeypatch):
    for name in ("FJLD_IMPORT_MAX_UPLOAD_MB", "FJLD_IMPORT_MAX_UNCOMPRESSED_MB", "FJLD_IMPORT_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    assert import_limits() == ImportLimits(upload_mb=20, uncompressed_mb=200, rows=50_000)
    monkeypatch.setenv("FJLD_IMPORT_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("FJLD_IMPORT_MAX_ROWS", "zero")  # not a number: the default applies
    monkeypatch.setenv("FJLD_IMPORT_MAX_UNCOMPRESSED_MB", "-1")
    assert import_limits() == ImportLimits(upload_mb=5, uncompressed_mb=200, rows=50_000)


# -- files within the limits still import ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_normal_file_still_imports(engine, fmt):
    data = items_xlsx(3) if fmt == "xlsx" else items_csv(3)
    parsed = parse_file("items", f"items.{fmt}", data)
    assert parsed.ok and [r.number for r in parsed.rows] == [2, 3, 4]
    assert check_import(engine, OFFICE, parsed).count("create") == 3
    command = ImportFile(OFFICE, parsed=parsed)
    command.run(engine)
    assert command.summary["create"] == 3 and count(engine, Item) == 3


def test_reading_leaves_the_garbage_collector_as_it_was():
    """parse_file pauses the cyclic collector while it reads (also when the file is refused)."""
    import gc
    for name, data in (("items.xlsx", items_xlsx(2)), ("items.xlsx", b"not a workbook"), ("items.pdf", b"%PDF")):
        parse_file("items", name, data)
        assert gc.isenabled()
    gc.disable()
    try:
        parse_file("items", "items.xlsx", items_xlsx(2))
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_unknown_column_far_to_the_right_is_still_reported(fmt):
    headers = SPECS["items"].headers()
    row = as_lists("items", [item_row("Z1")])[0]
    padding = [""] * (25 - len(headers))  # the unknown header lands in column Z
    if fmt == "csv":
        data = csv_file("items", [row + padding + ["备注"]])
        text = data.decode("utf-8-sig").splitlines()
        data = "\n".join([text[0] + "," * len(padding) + ",备注", text[1]]).encode("utf-8-sig")
    else:
        wb = Workbook()
        ws = wb.active
        ws.append(headers + padding + ["备注"])
        ws.append(row + padding + ["一条备注"])
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    parsed = parse_file("items", f"items.{fmt}", data)
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [(1, "备注", "无法识别的列名(请使用模板的列名)。")]


def test_exactly_as_many_data_rows_as_the_limit_is_accepted(monkeypatch):
    monkeypatch.setenv("FJLD_IMPORT_MAX_ROWS", "5")
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年府检联动事项台账"])  # a title line above the header is not a data row
    ws.append(SPECS["items"].headers())
    for row in as_lists("items", [item_row(f"T{i}") for i in range(1, 6)]):
        ws.append(row)
        ws.append([])  # nor are blank rows
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse_file("items", "ledger.xlsx", buf.getvalue())
    assert parsed.ok and [r.number for r in parsed.rows] == [3, 5, 7, 9, 11]


# -- over a limit: refused as a whole, the message names the limit ------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_more_data_rows_than_the_limit_are_refused(monkeypatch, engine, fmt):
    monkeypatch.setenv("FJLD_IMPORT_MAX_ROWS", "5")
    data = items_xlsx(6) if fmt == "xlsx" else items_csv(6)
    parsed = parse_file("items", f"items.{fmt}", data)
    assert refusal(parsed) == "文件超过 5 行数据的上限,未导入任何数据。请将文件拆分为几个较小的文件分批导入。"
    check = check_import(engine, OFFICE, parsed)
    assert not check.ok and not check.plans and count(engine, Item) == 0


def test_the_default_row_limit_is_named_with_its_digits_grouped(monkeypatch):
    monkeypatch.setenv("FJLD_IMPORT_MAX_ROWS", "1200")
    parsed = parse_file("items", "items.csv", items_csv(1201))
    assert "文件超过 1,200 行数据的上限" in refusal(parsed)


@pytest.mark.parametrize("name", ["items.xlsx", "items.csv"])
def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(name):
    data = b"0" * (20 * MB + 1)
    parsed, peak = parse_measured("items", name, data)
    assert refusal(parsed) == "文件超过 20 MB 的上限,未导入任何数据。请将文件拆分为几个较小的文件分批导入。"
    assert peak < MEMORY_BUDGET_MB


def test_a_csv_over_the_size_limit_is_refused():
    one = items_csv(1)
    line = one.decode("utf-8-sig").splitlines(keepends=True)[1].encode()
    data = one + line * (20 * MB // len(line))  # valid rows, a little over 20 MB
    assert len(data) > 20 * MB
    parsed, peak = parse_measured("items", "items.csv", data)
    assert "文件超过 20 MB 的上限" in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB


# -- attack files ------------------------------------------------------------------------------------

def test_a_declared_dimension_of_the_whole_grid_is_ignored():
    """A tiny workbook whose sheet declares A1:XFD1048576 (and has a cell there): read as what it
    holds, the far cell not at all, in a few MB."""
    def bomb(stream):
        xml = zipfile.ZipFile(io.BytesIO(items_xlsx(2))).read(SHEET).decode()
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
        far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        stream.write(xml.replace("</sheetData>", far + "</sheetData>").encode())
    data = rewritten(items_xlsx(2), SHEET, bomb)
    assert len(data) < 10_000
    parsed, peak = parse_measured("items", "bomb.xlsx", data)
    assert parsed.ok and [r.values["external_ref"] for r in parsed.rows] == ["L1", "L2"]
    assert peak < MEMORY_BUDGET_MB


@pytest.fixture(scope="module")
def compression_bomb() -> bytes:
    """300 MB of sheet XML (rows of one inline string) in a workbook of well under 5 MB."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000  # about 1 MB
    data = rewritten(items_xlsx(1), SHEET, lambda stream: sheet_xml(stream, row, 300))
    assert len(data) < 5 * MB
    return data


def test_a_compression_bomb_is_refused_by_its_unpacked_size(compression_bomb):
    parsed, peak = parse_measured("items", "bomb.xlsx", compression_bomb)
    assert refusal(parsed) == ("文件解压后超过 200 MB 的上限,未导入任何数据。"
                               "请删除与导入无关的工作表、图片和格式,或将文件拆分后分批导入。")
    assert peak < MEMORY_BUDGET_MB


def test_a_compression_bomb_that_understates_its_size_is_refused(compression_bomb):
    """The archive declares 256 KB for the 300 MB sheet: it is never unpacked past that, and the
    part then fails its checksum."""
    data = declared_size(compression_bomb, SHEET, 256 * 1024)
    parsed, peak = parse_measured("items", "bomb.xlsx", data)
    assert "文件无法读取" in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB


def test_a_sheet_with_more_rows_than_the_limit_stops_being_read_at_the_limit(monkeypatch):
    monkeypatch.setenv("FJLD_IMPORT_MAX_ROWS", "1000")
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    data = rewritten(items_xlsx(1), SHEET, lambda stream: sheet_xml(stream, row, 100))  # 2 million rows
    parsed, peak = parse_measured("items", "rows.xlsx", data)
    assert "文件超过 1,000 行数据的上限" in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB


@pytest.mark.parametrize("what, doctype, body, times", [
    ("entity expansion", b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                         b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
     b'<row><c t="inlineStr"><is><t>&d;&d;&d;&d;&d;&d;&d;&d;</t></is></c></row>', 10_000),
    ("deep nesting", b"", b"<row>" * 100_000, 20),
    ("a giant tag", b"", b'<row r="1" x="' + b"y" * 1_000_000, 20),
])
def test_malformed_sheet_xml_is_refused_in_little_memory(what, doctype, body, times):
    data = rewritten(items_xlsx(1), SHEET, lambda stream: sheet_xml(stream, body, times, doctype))
    parsed, peak = parse_measured("items", f"{what}.xlsx", data)
    assert "文件无法读取" in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB


def test_an_archive_of_very_many_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(20_000):
            archive.writestr(f"x/{i}", b"")
    parsed, peak = parse_measured("items", "parts.xlsx", out.getvalue())
    assert "文件无法读取" in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB


def test_a_zip64_record_cannot_hide_a_huge_directory():
    """The classic end record declares one small part, the ZIP64 record behind it 400,000 parts:
    zipfile would believe the latter and build every entry before any size check."""
    entries = 400_000
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0) + b"a"
    directory = entry * entries
    zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, len(directory), 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(directory), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, 46, 0, 0)
    parsed, peak = parse_measured("items", "zip64.xlsx", directory + zip64 + locator + end)
    assert "文件无法读取" in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB


@pytest.mark.parametrize("what, body, times, message", [
    ("rows that all repeat row 1", b'<row r="1"><c r="A1"><v>1</v></c></row>', 300_000, "行数据的上限"),
    ("rows with values only far right", None, 300_000, "行数据的上限"),
    ("a row of a million cells", b'<c r="ZZ1"/>', 1_000_000, "文件无法读取"),
])
def test_elements_the_reader_passes_over_still_count(what, body, times, message):
    """Every <row> and <c> costs time, kept or not: a small file of them is refused, not read for
    seconds (and not taken for an empty file)."""
    def write(stream):
        stream.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
        if body is None:
            for i in range(1, times + 1):
                stream.write(f'<row r="{i}"><c r="ZZ{i}"><v>1</v></c></row>'.encode())
        else:
            stream.write(b'<row r="1">' if body.startswith(b"<c") else b"")
            for _ in range(times):
                stream.write(body)
            stream.write(b"</row>" if body.startswith(b"<c") else b"")
        stream.write(b"</sheetData></worksheet>")
    parsed, peak = parse_measured("items", f"{what}.xlsx", rewritten(items_xlsx(1), SHEET, write))
    assert message in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB


def test_a_csv_line_of_millions_of_empty_fields_is_refused_in_little_memory():
    data = ("外部编号," + "ab," * 2_000_000 + "\n").encode()
    parsed, peak = parse_measured("items", "wide.csv", data)
    assert "文件无法读取" in refusal(parsed)
    assert peak < MEMORY_BUDGET_MB
