"""Reading an uploaded file (pure: bytes in, rows and errors out; no database).

- Bounded before it is read (core.limits): a file larger than the upload limit, an .xlsx whose
  parts unpack to more than the uncompressed limit, or more data rows than the row limit is
  refused as a whole with a message naming the limit; nothing past those limits is read. Only
  the first columns are read: the template's, those an export adds and EXTRA_COLUMNS_READ more
  (so an unknown column near them is still reported); anything further right is not looked at.
- .xlsx through db.imports.xlsx (streaming, whatever the sheet declares); the sheet named like the
  import type (e.g. 事项, as in the exported workbook) or else the first sheet. .csv as UTF-8 (with
  or without BOM), else GB18030 — what Excel on a Chinese Windows saves.
- The header row is the first row, or the first of the top ten rows that has the key column's
  header (a 台账 often has a title line above its header). Row numbers are the ones Excel shows.
- Every template column must be present; unknown or repeated headers are errors; the read-only
  columns an export adds are accepted and ignored.
- Cells: surrounding blanks are dropped; whole numbers lose their ".0"; a quote that an export put
  before a formula-like text (to neutralise it) is removed again, so an exported sheet imports
  back unchanged. Dates are Excel dates or text like 2026-01-31, 2026/1/31, 2026.1.31, 2026年1月31日.
- Blank rows are skipped; a repeated key (外部编号 / 单位编码) is reported on every row that has it.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from core.i18n import t
from core.limits import ImportLimits, import_limits
from core.spreadsheets import FORMULA_PREFIXES
from core.text import text_problem
from db.imports.base import (FileRefused, FileSpec, ParsedFile, ParsedRow, Progress, RowError, RowErrors,
                             cyclic_gc_paused, report)
from db.imports.spec import SPECS
from db.imports.xlsx import EXCEL_MAX_ROWS, read_sheet
from db.stored_values import date_problem, int_problem

HEADER_SEARCH_ROWS = 10
EXTRA_COLUMNS_READ = 26
DECODE_CHUNK = 1024 * 1024
Rows = list[tuple[int, list[Any]]]  # (row number as Excel shows it, cells): the rows with a value
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")
LIST_SPLIT = re.compile(r"[、,,;;\n]+")
TRUE_WORDS = {"y", "yes", "true", "1", "√", "✓"}  # besides the catalog's 是 / 否
FALSE_WORDS = {"n", "no", "false", "0", "×", "✗"}
EXCEL_EPOCH = date(1899, 12, 30)


def _cell(value: Any) -> Any:
    """A cell as text, except dates (kept for date columns)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value
    return str(value).strip()


def _width(spec: FileSpec) -> int:
    """How many columns are read: the template's, an export's additions and EXTRA_COLUMNS_READ."""
    return len(spec.columns) + len(spec.extra_headers) + EXTRA_COLUMNS_READ


def _most_rows(limits: ImportLimits) -> int:
    """The most rows with a value a file within the row limit has: its data rows, and the header
    with the title lines above it among the top HEADER_SEARCH_ROWS rows."""
    return limits.rows + HEADER_SEARCH_ROWS


def _xlsx_rows(data: bytes, sheet_title: str, width: int, limits: ImportLimits) -> Rows:
    rows = read_sheet(data, sheet_title, width, _most_rows(limits), limits.uncompressed_bytes)
    kept = []
    for number, values in rows:
        cells = [_cell(v) for v in values]
        if any(c != "" for c in cells):
            kept.append((number, cells))
    return kept


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) or else GB18030: the first that decodes the whole file,
    checked piece by piece so that no decoded copy of the file is kept."""
    view = memoryview(data)
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(view), DECODE_CHUNK):
                decoder.decode(view[start:start + DECODE_CHUNK])
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise FileRefused("unreadable")


MAX_CSV_LINE = 1_000_000  # characters: a row of the widest template with every cell full is far less


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The file's lines, refusing one longer than MAX_CSV_LINE before the csv module splits it
    (an 18 MB line of empty fields would cost some 450 MB as a list of cells)."""
    while line := text.readline(MAX_CSV_LINE + 1):
        if len(line) > MAX_CSV_LINE:
            raise FileRefused("unreadable")
        yield line


def _csv_rows(data: bytes, width: int, limits: ImportLimits) -> Rows:
    text = _lines(io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), newline=""))
    first_line = next(text, "")
    dialect = csv.excel_tab if "\t" in first_line and "," not in first_line else csv.excel
    most = _most_rows(limits)
    rows: Rows = []
    try:
        for number, row in enumerate(csv.reader(itertools.chain([first_line], text), dialect), 1):
            if number > EXCEL_MAX_ROWS:  # blank lines count here: reading them takes time too
                raise FileRefused("rows")
            cells = [_cell(v) for v in row[:width]]
            if any(c != "" for c in cells):
                rows.append((number, cells))
                if len(rows) > most:
                    raise FileRefused("rows")
    except csv.Error:  # e.g. a field longer than the csv module accepts, or a NUL byte
        raise FileRefused("unreadable") from None
    return rows


def read_table(file_name: str, data: bytes, spec: FileSpec, limits: ImportLimits) -> Rows:
    """The rows with a value, as Excel shows them, up to the limits (else FileRefused)."""
    name = file_name.lower()
    is_xlsx = name.endswith(".xlsx") or name.endswith(".xlsm")
    if not is_xlsx and not (name.endswith(".csv") or name.endswith(".txt")):
        raise FileRefused("type")
    if len(data) > limits.upload_bytes:
        raise FileRefused("upload")
    if is_xlsx:
        return _xlsx_rows(data, spec.title, _width(spec), limits)
    return _csv_rows(data, _width(spec), limits)


def _refusal(reason: str, limits: ImportLimits) -> str:
    """The user's message for a FileRefused; an over-limit file's names the limit."""
    key, fmt = {
        "type": ("import.error.file_type", {}),
        "unreadable": ("import.error.unreadable", {}),
        "upload": ("import.error.too_large", {"limit": limits.upload_mb}),
        "unpacked": ("import.error.too_large_unpacked", {"limit": limits.uncompressed_mb}),
        "rows": ("import.error.too_many_rows", {"limit": f"{limits.rows:,}"}),
    }[reason]
    return t(key, **fmt)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # undo an export's neutralising quote: '=SUM(…) was written for the text =SUM(…)
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def parse_date(value: Any) -> date | None:
    """A date from an Excel cell or text; None when it cannot be read."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = _DATE_TEXT.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if re.fullmatch(r"\d{5}", text):  # an Excel serial number from a cell not formatted as a date
        return EXCEL_EPOCH + timedelta(days=int(text))
    return None


def _header(rows: Rows, spec: FileSpec) -> tuple[int, list[Any]]:
    """(row number, cells) of the header row: the first of the top rows with the key column's
    header, else row 1 (which may be blank)."""
    key_header = spec.column(spec.key).label
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        if key_header in (_header_text(v) for v in cells):
            return number, cells
    return 1, rows[0][1] if rows[0][0] == 1 else []


def _header_text(value: Any) -> str:
    return _text(value).rstrip("*").strip() if value != "" else ""


def _check_headers(spec: FileSpec, header: list[Any], row_number: int, errors: RowErrors) -> dict[str, int]:
    """column key -> index in the row; header problems go to `errors`."""
    known = {c.label: c.key for c in spec.columns}
    ignored = {t(k) for k in spec.extra_headers}
    positions: dict[str, int] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        text = _header_text(raw)
        if not text:
            continue
        if text in seen:
            errors.add(row_number, text, t("import.error.header_repeated"))
            continue
        seen.add(text)
        if text in known:
            positions[known[text]] = index
        elif text not in ignored:
            errors.add(row_number, text, t("import.error.header_unknown"))
    for column in spec.columns:
        if column.key not in positions:
            errors.add(row_number, column.label, t("import.error.header_missing"))
    return positions


def _convert(column, raw: Any, row: int, errors: RowErrors) -> Any:
    blank = raw == "" or raw is None
    if blank:
        if column.required:
            errors.add(row, column.label, t("error.required"))
        return [] if column.type == "list" else None
    if column.type == "date":
        value = parse_date(raw)
        problem = date_problem(value) if value is not None else ("import.error.bad_date", {"value": _text(raw)})
        if problem:
            errors.add(row, column.label, t(problem[0], **problem[1]))
            return None
        return value
    text = _text(raw)
    if column.type == "bool":
        word = text.lower()
        if word in TRUE_WORDS or word == t("common.yes"):
            return True
        if word in FALSE_WORDS or word == t("common.no"):
            return False
        errors.add(row, column.label, t("import.error.bad_bool", value=text))
        return None
    if column.type == "int":
        number = _whole_number(text)
        problem = int_problem(number) if number is not None else ("import.error.bad_int", {"value": text})
        if problem:
            errors.add(row, column.label, t(problem[0], **problem[1]))
            return None
        return number
    if column.type == "list":
        return [part.strip() for part in LIST_SPLIT.split(text) if part.strip()]
    multiline, max_len = column.text_limits
    problem = text_problem(text, multiline=multiline, max_len=max_len)
    if problem:  # the stored-text rule, as every command and write applies it
        errors.add(row, column.label, t(problem[0], **problem[1]))
    return text or None


def _whole_number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:  # "9.0": a whole number written by a program that stores numbers as floats
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def parse_file(kind: str, file_name: str, data: bytes, progress: Progress | None = None) -> ParsedFile:
    """Read and type-check an upload. Problems of the database (unknown units, taken names…) are
    found later, by the importer; here: the file, its size, its headers, cell formats, blanks in
    required columns, over-long text where no command checks it, and repeated keys."""
    with cyclic_gc_paused():
        return _parse(kind, file_name, data, progress)


def _parse(kind: str, file_name: str, data: bytes, progress: Progress | None) -> ParsedFile:
    spec = SPECS[kind]
    parsed = ParsedFile(kind=kind, file_name=file_name)
    errors = RowErrors(spec)
    limits = import_limits()
    try:
        rows = read_table(file_name, data, spec, limits)
        if not rows:
            parsed.errors, parsed.fatal = [RowError(None, "", t("import.error.empty"))], True
            return parsed
        header_number, header = _header(rows, spec)
        body = [(number, cells) for number, cells in rows if number > header_number]
        if len(body) > limits.rows:
            raise FileRefused("rows")
    except FileRefused as exc:
        parsed.errors, parsed.fatal = [RowError(None, "", _refusal(exc.reason, limits))], True
        return parsed
    del rows
    positions = _check_headers(spec, header, header_number, errors)
    if errors:  # without the right columns, no row can be read reliably
        parsed.errors, parsed.fatal = errors.as_list(), True
        return parsed
    total = len(body)
    for offset, (number, cells) in enumerate(body):
        values = {}
        for column in spec.columns:
            index = positions[column.key]
            raw = cells[index] if index < len(cells) else ""
            values[column.key] = _convert(column, raw, number, errors)
        parsed.rows.append(ParsedRow(number, values))
        if offset % 500 == 0:
            report(progress, "read", offset, total)
    if not parsed.rows:
        errors.add(None, "", t("import.error.no_rows"))
        parsed.fatal = True
    _repeated_keys(spec, parsed.rows, errors)
    report(progress, "read", total, total)
    parsed.errors = errors.as_list()
    return parsed


def _repeated_keys(spec: FileSpec, rows: list[ParsedRow], errors: RowErrors) -> None:
    keys = [spec.key] + (["name"] if spec.kind == "units" else [])
    for key in keys:
        seen: dict[str, list[int]] = {}
        for row in rows:
            value = row.values.get(key)
            if value:
                seen.setdefault(value, []).append(row.number)
        for numbers in seen.values():
            if len(numbers) > 1:
                listed = "、".join(str(n) for n in numbers)
                for number in numbers:
                    errors.add_for(number, key, t("import.error.repeated", rows=listed))
