"""Reading one worksheet of an .xlsx workbook in memory and time bounded by what an import reads,
whatever the file declares.

openpyxl, even read-only, trusts the sheet's declared dimension (and pads every row to it), loads
the whole shared-string table and the styles before the first row and builds every cell of a row:
a file of a few kilobytes can take gigabytes. Here:

- the archive: at most MAX_PARTS parts in a central directory of at most MAX_DIRECTORY bytes, whose
  declared unpacked sizes add up to at most `max_unpacked` bytes, else FileRefused("unpacked")
  (zipfile never unpacks a part beyond its declared size, and a part whose content differs from
  what its entry declares fails its checksum);
- every XML part is fed to expat in chunks: a document type declaration (entities) is refused, as
  are elements nested deeper than MAX_DEPTH and any single token (a tag, a comment …) longer than
  MAX_TOKEN bytes; text is kept up to MAX_TEXT characters, and at most MAX_STYLES cell formats;
- the sheet is read in one pass: cells right of `max_col` are passed over, rows without a value
  are not kept, and a row with a value beyond `max_rows` of them stops the reading
  (FileRefused("rows"));
- the shared strings are read afterwards, only up to the last one a kept cell uses, keeping only
  those the kept cells use.

Values are the ones openpyxl gives in data_only mode: int, or float when written with a point or
an exponent; dates and times where the cell's number format is a date format (1900 or 1904
calendar); booleans; text (shared, inline, a formula's result); error codes such as #N/A as text.
As in openpyxl, a row numbered at or below one read before it is passed over. Anything else that
goes wrong is FileRefused("unreadable")."""
from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from string import ascii_uppercase
from typing import Any, Callable
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from db.imports.base import FileRefused

MAX_PARTS = 10_000
MAX_DIRECTORY = 1024 * 1024  # bytes of the zip's central directory (a workbook's takes a few KB)
MAX_DEPTH = 64  # a worksheet nests about ten deep
MAX_TOKEN = 4 * 1024 * 1024
MAX_TEXT = 32_768  # Excel holds at most 32,767 characters in a cell
MAX_STYLES = 65_536  # Excel allows about 64,000 cell formats
MAX_FORMAT = 255  # characters of a number format code, as in Excel
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384  # XFD
CHUNK = 64 * 1024

_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
         "http://purl.oclc.org/ooxml/spreadsheetml/main")
_RELATIONSHIP_ID = tuple(f"{ns} id" for ns in ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                                                "http://purl.oclc.org/ooxml/officeDocument/relationships"))
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_COLUMNS = {a: i for i, a in enumerate(ascii_uppercase, 1)}
_COLUMNS.update({a + b: i * 26 + j for a, i in list(_COLUMNS.items()) for b, j in list(_COLUMNS.items())})
_WORKSHEET, _SHARED_STRINGS, _STYLES = "/worksheet", "/sharedStrings", "/styles"


class _Shared(int):
    """A cell's index into the shared-string table, until the table is read."""
    __slots__ = ()


class _Done(Exception):
    """Raised by a handler that has read all it needs from a part."""


def _named(handlers: dict[str, Callable], namespaces=_MAIN) -> dict[str, Callable]:
    """The handlers by expat's expanded element names ("namespace local") instead of local names."""
    return {f"{ns} {name}": handler for ns in namespaces for name, handler in handlers.items()}


def _no_doctype(*_args) -> None:
    raise FileRefused("unreadable")


def _parse(archive: zipfile.ZipFile, name: str, start: Callable[[str, dict], None], end: Callable[[str], None],
           on_text: Callable[[str], None] | None = None) -> None:
    """Feed one XML part to expat in chunks, with expat's handlers for an element's start
    (expanded name, attributes) and end, and for text; the handlers keep the nesting within
    MAX_DEPTH (_dispatch's do). A handler raises _Done to stop early."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.StartElementHandler, parser.EndElementHandler = start, end
    if on_text is not None:
        parser.CharacterDataHandler = on_text
    fed = 0
    try:
        with archive.open(name) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - max(parser.CurrentByteIndex, 0) > MAX_TOKEN:  # expat holds an unfinished token
                    raise FileRefused("unreadable")
            parser.Parse(b"", True)
    except _Done:
        pass


def _dispatch(starts: dict[str, Callable[[dict], None]], ends: dict[str, Callable[[], None]] | None = None):
    """expat handlers that call starts[name](attrs) when an element of that expanded name starts
    and ends[name]() when it ends, and refuse nesting deeper than MAX_DEPTH."""
    depth = 0
    ends = ends or {}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise FileRefused("unreadable")
        handler = starts.get(name)
        if handler is not None:
            handler(attrs)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        handler = ends.get(name)
        if handler is not None:
            handler()

    return start, end


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The part's relationships: id -> (type, path of the target part in the archive)."""
    folder = posixpath.dirname(part)
    name = posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels")
    found: dict[str, tuple[str, str]] = {}

    def relationship(attrs):
        if attrs.get("TargetMode") == "External" or len(found) >= MAX_PARTS:
            return
        target = attrs.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

    if name in archive.NameToInfo:
        _parse(archive, name, *_dispatch(_named({"Relationship": relationship}, (_PACKAGE_RELATIONSHIPS,))))
    return found


def _workbook(archive: zipfile.ZipFile, path: str) -> tuple[list[tuple[str, str | None]], bool]:
    """The sheets in workbook order (name, relationship id), and whether dates count from 1904."""
    sheets: list[tuple[str, str | None]] = []
    date1904 = False

    def sheet(attrs):
        if len(sheets) < MAX_PARTS:
            sheets.append((attrs.get("name", ""), next((attrs[k] for k in _RELATIONSHIP_ID if k in attrs), None)))

    def properties(attrs):
        nonlocal date1904
        date1904 = attrs.get("date1904", "").lower() in ("1", "true")

    _parse(archive, path, *_dispatch(_named({"sheet": sheet, "workbookPr": properties})))
    return sheets, date1904


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> tuple[set[str], set[str]]:
    """The cell formats (by index, as the cells' s attribute writes it) that show a date, and those
    that show a duration, as openpyxl decides it from their number formats."""
    codes: dict[int, str] = {}
    formats: list[int] = []  # number format id of each cell format
    inside = False

    def number_format(attrs):
        if len(codes) < MAX_STYLES:
            codes[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")[:MAX_FORMAT]

    def cell_formats(_attrs):
        nonlocal inside
        inside = True

    def cell_formats_end():
        nonlocal inside
        inside = False

    def cell_format(attrs):
        if inside and len(formats) < MAX_STYLES:
            formats.append(int(attrs.get("numFmtId", "0")))

    if path is not None:
        _parse(archive, path, *_dispatch(_named({"numFmt": number_format, "cellXfs": cell_formats, "xf": cell_format}),
                                         _named({"cellXfs": cell_formats_end})))
    shown = [codes.get(number, BUILTIN_FORMATS.get(number)) for number in formats]
    return ({str(i) for i, code in enumerate(shown) if is_date_format(code)},
            {str(i) for i, code in enumerate(shown) if is_timedelta_format(code)})


_SHEET_TAGS = {f"{ns} {name}": name for ns in _MAIN for name in ("c", "row", "f", "is", "t", "rPh")}


def _rows(archive: zipfile.ZipFile, path: str, max_col: int, max_rows: int, dates: set[str], durations: set[str],
          epoch) -> list[tuple[int, list[Any]]]:
    """The sheet's rows with a value: (row number, values of columns 1 … up to the last with a
    value within max_col).

    This runs for every cell, so it is written for speed: expat's handlers themselves (with
    _dispatch's nesting check inlined) rather than _dispatch's two calls per element, and a cell's
    text is all the text inside it but a formula's (<v> is its only other element with text, and
    numbers and shared-string indexes read past the layout blanks a pretty-printed file adds)."""
    rows: list[tuple[int, list[Any]]] = []
    depth = row = last = col = width = 0  # width: the last column of the row with a value
    in_row = keep = taking = phonetic = False
    cells: list[Any] | None = None
    kind, style = "n", "0"
    text: str | None = None  # the text being collected: of the cell, or of its <is>
    inline: str | None = None  # the text of <is>
    converted: dict[tuple[str, str], Any] = {}  # date cells: a sheet repeats its dates
    tags, columns, max_depth = _SHEET_TAGS, _COLUMNS, MAX_DEPTH
    # Every <row> and <c> element costs time, kept or not: a sheet may hold a few blank formatted
    # rows for each row of data, and no row more cells than Excel has columns.
    row_budget, row_elements, cell_elements = min(EXCEL_MAX_ROWS, max(4 * max_rows, 10_000)), 0, 0

    def start(name, attrs):
        nonlocal depth, row, last, col, width, in_row, keep, taking, phonetic, cells, kind, style, text, inline
        nonlocal row_elements, cell_elements
        depth += 1
        if depth > max_depth:
            raise FileRefused("unreadable")
        tag = tags.get(name)
        if tag is None:
            return
        if tag == "c":
            cell_elements += 1
            if cell_elements > EXCEL_MAX_COLUMNS:
                raise FileRefused("unreadable")
            ref = attrs.get("r")
            col = (columns.get(ref.rstrip("0123456789")) or _column(ref)) if ref else col + 1
            keep = in_row and col <= max_col
            if keep:
                kind, style, inline = attrs.get("t", "n"), attrs.get("s", "0"), None
                taking = kind != "inlineStr"
                text = "" if taking else None
        elif tag == "row":
            row_elements, cell_elements = row_elements + 1, 0
            if row_elements > row_budget:
                raise FileRefused("rows")
            ref = attrs.get("r")
            row = _row_number(ref) if ref else row + 1
            if not 0 < row <= EXCEL_MAX_ROWS:
                raise FileRefused("unreadable")
            in_row, col, width, cells = row > last, 0, 0, None
            if in_row:
                last = row
        elif not keep:
            return
        elif tag == "f":
            taking = False
        elif tag == "is":
            text, taking = "", False
        elif tag == "rPh":
            phonetic = True
        elif tag == "t" and text is not None and not phonetic:
            taking = True

    def end(name):
        nonlocal depth, width, in_row, keep, taking, phonetic, cells, text, inline
        depth -= 1
        tag = tags.get(name)
        if tag is None:
            return
        if tag == "c":
            if not keep:
                return
            keep = taking = False
            raw = text
            if kind == "s":  # the cell's value, as openpyxl reads it
                cell = _Shared(raw) if raw and not raw.isspace() else None
            elif kind == "inlineStr":
                cell = inline
            elif not raw or raw.isspace():
                cell = None
            elif kind == "n":
                cell = _number(raw) if style not in dates else _date(raw)
            elif kind == "b":
                cell = bool(int(raw))
            elif kind == "d":
                cell = from_ISO8601(raw.strip())
            else:  # "str": a formula's text; "e": an error code such as #N/A
                cell = raw
            if cell is not None:
                if cells is None:
                    cells = [None] * max_col
                cells[col - 1] = cell
                if col > width:
                    width = col
        elif tag == "row":
            if in_row and cells is not None:
                del cells[width:]
                rows.append((row, cells))
                if len(rows) > max_rows:
                    raise FileRefused("rows")
            in_row = False
        elif not keep:
            return
        elif tag == "f":
            taking = kind != "inlineStr"
        elif tag == "t":
            taking = False
        elif tag == "rPh":
            phonetic = False
        elif tag == "is" and text is not None:
            inline, text = text, None

    def on_text(data):
        nonlocal text
        if taking and len(text) < MAX_TEXT:
            text += data

    def _date(raw: str) -> Any:
        key = (raw, style)
        cell = converted.get(key)
        if cell is None:
            try:
                cell = from_excel(_number(raw), epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                cell = "#VALUE!"
            if len(converted) < MAX_STYLES:
                converted[key] = cell
        return cell

    _parse(archive, path, start, end, on_text)
    return rows


def _shared_strings(archive: zipfile.ZipFile, path: str, wanted: set[int]) -> dict[int, str]:
    """The shared strings whose index is in `wanted`, read up to the last of them (rich text as
    plain text, phonetic guides left out, as openpyxl reads them)."""
    found: dict[int, str] = {}
    last = max(wanted)
    index = -1
    text: str | None = None
    taking = phonetic = False

    def open_string(_attrs):
        nonlocal index, text
        index += 1
        if index > last:
            raise _Done
        text = "" if index in wanted else None

    def close_string():
        nonlocal text
        if text is not None:
            found[index] = text[:MAX_TEXT].replace("x005F_", "")
            text = None

    def open_text(_attrs):
        nonlocal taking
        taking = text is not None and not phonetic

    def close_text():
        nonlocal taking
        taking = False

    def phonetic_guide(on: bool):
        def switch(*_args):
            nonlocal phonetic
            phonetic = on
        return switch

    def on_text(data):
        nonlocal text
        if taking and len(text) < MAX_TEXT:
            text += data

    _parse(archive, path, *_dispatch(_named({"si": open_string, "t": open_text, "rPh": phonetic_guide(True)}),
                                     _named({"si": close_string, "t": close_text, "rPh": phonetic_guide(False)})),
           on_text)
    return found


def _number(raw: str) -> int | float:
    return float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)


def _column(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    number = _COLUMNS.get(letters)
    if number is None:
        if not letters.isalpha() or not letters.isascii():
            raise ValueError(ref)
        number = 0
        for letter in letters.upper():
            number = number * 26 + ord(letter) - 64
    return number


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        return int(number)


def _open(data: bytes, max_unpacked: int) -> zipfile.ZipFile:
    """The archive, once its end record shows a directory of reasonable size and the parts' declared
    sizes add up to at most `max_unpacked` bytes."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 65_535), max(0, len(data) - 18))
    if at < 0:
        raise FileRefused("unreadable")
    parts, directory = struct.unpack_from("<HI", data, at + 10)
    if parts > MAX_PARTS or directory > MAX_DIRECTORY:
        raise FileRefused("unreadable")
    if at >= 20 and data[at - 20:at - 16] == _ZIP64_LOCATOR:
        # zipfile would take the part count and directory size from the ZIP64 record instead;
        # a workbook of a few MB never needs one
        raise FileRefused("unreadable")
    archive = zipfile.ZipFile(io.BytesIO(data))
    if sum(info.file_size for info in archive.infolist()) > max_unpacked:
        archive.close()
        raise FileRefused("unpacked")
    return archive


def _target(relationships: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((path for rel_type, path in relationships.values() if rel_type.endswith(kind)), None)


def read_sheet(data: bytes, title: str, max_col: int, max_rows: int, max_unpacked: int) -> list[tuple[int, list[Any]]]:
    """The rows with a value of the sheet named `title`, else of the first sheet: (row number as
    Excel shows it, values of columns 1 … up to the last with a value within `max_col`)."""
    try:
        with _open(data, max_unpacked) as archive:
            return _read(archive, title, max_col, max_rows)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - any other failure means "not a workbook we can read"
        raise FileRefused("unreadable") from None


def _read(archive: zipfile.ZipFile, title: str, max_col: int, max_rows: int) -> list[tuple[int, list[Any]]]:
    book_path = _target(_relationships(archive, ""), "/officeDocument") or "xl/workbook.xml"
    book_sheets, date1904 = _workbook(archive, book_path)
    relationships = _relationships(archive, book_path)
    sheets = [(name, relationships[rid][1]) for name, rid in book_sheets
              if rid in relationships and relationships[rid][0].endswith(_WORKSHEET)]
    if not sheets:
        raise FileRefused("unreadable")
    sheet_path = next((path for name, path in sheets if name == title), sheets[0][1])
    dates, durations = _date_styles(archive, _target(relationships, _STYLES))
    rows = _rows(archive, sheet_path, max_col, max_rows, dates, durations, MAC_EPOCH if date1904 else WINDOWS_EPOCH)
    _resolve_shared(archive, _target(relationships, _SHARED_STRINGS), rows)
    return rows


def _resolve_shared(archive: zipfile.ZipFile, path: str | None, rows: list[tuple[int, list[Any]]]) -> None:
    wanted = {v for _, cells in rows for v in cells if type(v) is _Shared}
    if not wanted:
        return
    if path is None:
        raise FileRefused("unreadable")
    found = _shared_strings(archive, path, wanted)
    if len(found) < len(wanted):
        raise FileRefused("unreadable")
    for _, cells in rows:
        for i, value in enumerate(cells):
            if type(value) is _Shared:
                cells[i] = found[value]
