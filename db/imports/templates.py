"""Import templates and files in the import format (for the templates, the tests and the benchmark),
and the sheets of an export: headers and words as a file shows them.

The Excel template has the data sheet (headers only, frozen, required columns in bold), a sheet
填写说明 (every column: required?, what to write) and a sheet 取值 with the accepted names (kinds,
member units, stages …); the data sheet's columns that take one of those names get a drop-down
list pointing at it. The CSV template is the header line (UTF-8 with BOM, as Excel expects).

An export sheet (db/queries/exports.py) comes here as records keyed by column key holding stored
values (codes, booleans, dates); `sheet` lays them out by the columns it is given — for an
importable sheet, the spec's columns — under their headers, and writes each coded value as the
word the template offers and the import reads back (`words`)."""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from core import lifecycles as lc
from core.i18n import t
from core.kinds import KINDS, MEETING_KINDS
from db.engine import read_session
from db.imports.base import FileSpec
from db.imports.spec import SPECS
from db.models import KeyTask, Unit

MAX_TEMPLATE_ROWS = 20000  # rows the drop-down lists cover


def words(kind: str) -> dict[str, dict[Any, str]]:
    """column key -> {stored value -> the word a file writes for it}, for the columns of an import
    type that hold a coded value: what an export writes, the template offers and the import reads."""
    from db.imports.units import categories, unit_states
    return {
        "items": {"kind": {code: k.label for code, k in KINDS.items()},
                  "urgent": {True: t("common.yes"), False: t("common.no")},
                  "status": {s: t(f"status.{s}") for s in lc.ITEM_STATUSES},
                  "item.due_approximate": {True: t("common.yes"), False: t("common.no")}},  # read-only
        "follow_ups": {"meeting_kind": dict(MEETING_KINDS),
                       "status": {s: t(f"fu_status.{s}") for s in lc.FOLLOW_UP_STATUSES}},
        "units": {"category": {code: word for word, code in categories().items()},
                  "state": {active: word for word, active in unit_states().items()}},
        "liaisons": {},
    }[kind]


def choices(engine: Engine, kind: str) -> dict[str, list[str]]:
    """column key -> accepted values, for the template's 取值 sheet and drop-downs."""
    with read_session(engine) as s:
        units = list(s.scalars(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.sort_order, Unit.id)))
        tasks = [str(n) for n in s.scalars(select(KeyTask.number).order_by(KeyTask.number))]
    w = {key: list(vocabulary.values()) for key, vocabulary in words(kind).items()}
    return {
        "items": {"kind": w["kind"], "from_unit": units, "to_unit": units, "urgent": w["urgent"], "key_task": tasks,
                  "status": w["status"]},
        "follow_ups": {"meeting_kind": w["meeting_kind"], "lead_unit": units, "status": w["status"]},
        "units": {"category": w["category"], "state": w["state"]},
        "liaisons": {"unit": units},
    }[kind]


# -- export sheets ---------------------------------------------------------------------------------

# How a column writes its stored value: {value: word}, a catalog prefix (the word of code c is the
# catalog's prefix + c), or a function of the value.
Words = Mapping[Any, str] | str | Callable[[Any], str]


def _word(how: Words, value: Any) -> Any:
    if value is None or value == "":
        return ""
    if isinstance(how, str):
        return t(how + value)
    if callable(how):
        return how(value)
    return how.get(value, value)  # a value without a word (e.g. a kind no longer defined) as stored


def sheet(columns: Sequence[tuple[str, str]], records: Iterable[Mapping[str, Any]],
          words_of: Mapping[str, Words] | None = None, whole: Collection[str] = ()) -> pd.DataFrame:
    """An export sheet: for each (record key, header catalog key) of `columns`, in that order, a
    column under the header's text holding every record's value by that key — written as its word
    where `words_of` has one, as whole numbers (blank where none) for the keys in `whole`. A record
    without one of the keys raises KeyError: a column nobody fills must not go out blank."""
    records = list(records)
    words_of = words_of or {}
    data = {}
    for key, header in columns:
        values = [r[key] for r in records]
        if key in words_of:
            values = [_word(words_of[key], v) for v in values]
        data[t(header)] = pd.Series(values, dtype="Int64" if key in whole else None if records else object)
    return pd.DataFrame(data)


def import_sheet(spec: FileSpec, records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """An exported sheet of an import type, laid out by its spec: the template's columns by key, then
    the read-only `extra_headers` (a record holds those under the header's catalog key)."""
    columns = [(c.key, c.header) for c in spec.columns] + [(h, h) for h in spec.extra_headers]
    return sheet(columns, records, words(spec.kind), whole={c.key for c in spec.columns if c.type == "int"})


def sheet_title(table: str) -> str:
    """The title of an export's sheet (the sheets of import types are read back by it)."""
    return t(f"export.sheet.{table}")


def csv_file(kind: str, rows: Iterable[list[Any]] = ()) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(SPECS[kind].headers())
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def xlsx_file(kind: str, rows: Iterable[list[Any]] = (), values: dict[str, list[str]] | None = None) -> bytes:
    """A workbook in the import format; with `values`, also the instructions and drop-downs."""
    import xlsxwriter
    spec = SPECS[kind]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    plain = wb.add_format({"bg_color": "#F2F2F2", "border": 1})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(spec.title)
    for col, column in enumerate(spec.columns):
        ws.write_string(0, col, column.label, bold if column.required else plain)
        ws.set_column(col, col, 24 if column.type == "text" else 14, day if column.type == "date" else None)
    for r, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(r, col, value, day)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    ws.freeze_panes(1, 0)
    if values is not None:
        _help_sheet(wb, spec, bold)
        _value_sheet(wb, ws, spec, values, bold)
    wb.close()
    return buf.getvalue()


def _help_sheet(wb, spec, bold) -> None:
    ws = wb.add_worksheet(t("import.template.sheet_help"))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.write_string(0, 0, t("import.template.intro"))
    for col, key in enumerate(("import.template.col_header", "import.template.col_required", "import.template.col_hint")):
        ws.write_string(2, col, t(key), bold)
    for r, column in enumerate(spec.columns, 3):
        ws.write_string(r, 0, column.label, wrap)
        ws.write_string(r, 1, t("common.yes") if column.required else "", wrap)
        ws.write_string(r, 2, t(column.hint) if column.hint else "", wrap)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 6)
    ws.set_column(2, 2, 90)


def _value_sheet(wb, data_ws, spec, values: dict[str, list[str]], bold) -> None:
    name = t("import.template.sheet_values")
    ws = wb.add_worksheet(name)
    for col, (key, options) in enumerate(values.items()):
        ws.write_string(0, col, spec.column(key).label, bold)
        for r, option in enumerate(options, 1):
            ws.write_string(r, col, option)
        ws.set_column(col, col, 28)
        if options:
            letter = _column_letter(col)
            source = f"='{name}'!${letter}$2:${letter}${len(options) + 1}"
            target = [c.key for c in spec.columns].index(key)
            data_ws.data_validation(1, target, MAX_TEMPLATE_ROWS, target,
                                    {"validate": "list", "source": source, "ignore_blank": True,
                                     "error_type": "warning"})


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def template(engine: Engine, kind: str, fmt: str) -> bytes:
    """The downloadable template of an import type ("xlsx" or "csv")."""
    if fmt == "csv":
        return csv_file(kind)
    return xlsx_file(kind, values=choices(engine, kind))


def template_name(kind: str, fmt: str) -> str:
    return f"{t('import.template_file')}-{SPECS[kind].title}.{fmt}"
