"""Every command fed a corpus of bad values, on SQLite and PostgreSQL.

Each probe runs one command with a valid input in which one field (nested fields included) holds
one value of the corpus: control characters, line breaks, over-long text, blanks, Markdown/HTML,
a URL, a formula, non-BMP text; out-of-range and odd integers; dates outside 2000–2100, a date
written as a string, None; ids that do not exist or do not fit; values of the wrong type (bytes, a
float, a datetime for a date, a number for a yes/no flag). Each probe must end in

- a Chinese refusal: a CommandError whose message is Chinese text (a ValidationFailed with at least
  one field message, every one Chinese), and then no table changed at all (row counts and the
  versions of versioned rows, audit_log included); or
- a clean save, only of a value the field may hold: a control character (other than newline / tab
  in a multi-line field), a line break in a one-line field, an over-long value, a date outside
  2000–2100 or a string for a date, an integer outside 32 bits, an id that names nothing, an
  unknown choice and a value of the wrong type are always refused. A saved probe wrote its audit row, and a saved text value is
  stored as typed (surrounding blanks aside);

never any other exception, and never slower than PROBE_SECONDS.

A probe is named like "CreateItem.title=<BEL>" (pytest id: "<backend>-CreateItem.title=<BEL>").
Targets (an item in a given state, a meeting, a supervision …) are built with valid commands and
reused until a probe saves, then built afresh. A known bug is listed in KNOWN_BUGS, which marks
its probes xfail(strict=True): remove the entry once the command is fixed.

test_every_command_has_corpus_cases walks every subclass of Command (db.commands.*, db.backup),
so a new command without a spec here fails."""
from __future__ import annotations

import re
import gc
import signal
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import JSON, func, select, true

from core.kinds import KINDS
from core.permissions import CITY_ADMIN, SYSTEM, Actor
from db import districts
from db.backup import BackupDatabase
from db.commands.base import Command, CommandError, ValidationFailed
from db.commands.districts import AddDistrict, plan_files
from seed.reference import SEED_DIR
from db.commands.imports import ImportFile, ImportRefused
from db.commands.item_records import LinkItems, RecordAccountability, RecordAccountabilityResult, UnlinkItems
from db.commands.items import (AddItemNote, CloseItem, CreateItem, ExtendPeriod, ReceiveItem, RecordFeedback,
                               ReturnItem, StartItem, UpdateItem, WithdrawItem)
from db.commands.liaisons import ChangeLiaison, UpdateLiaison
from db.commands.reminder_settings import ResetTodoSettings, SaveTodoSettings, SetUnitRobot
from db.commands.reminders import RemindUnit
from db.commands.units import SetUnitAliases
from db.commands.meetings import (AddFollowUpProgress, CancelFollowUp, CompleteFollowUp, CreateMeeting,
                                  UpdateMeeting)
from db.commands.settings import (AddHolidayEntry, DeleteHolidayEntry, EnterHolidayNotice, RefreshEstimates,
                                  ResetDeadlineRule, SaveDeadlineRule)
from db.commands.supervision import (DraftSupervision, IssueDraftSupervision, IssueSupervision,
                                     ResolveSupervision, RespondSupervision)
from db.commands.tasks import AddMilestone, AddProgressUpdate, AssignTaskUnits, CompleteMilestone, EditMilestone
from db.commands.users import (ChangeOwnPassword, CreateUser, RecordSignInAttempt, ResetPassword, SignOut,
                               UpdateUser)
from db.engine import read_session
from db.imports import SPECS, parse_file
from db.imports.templates import csv_file
from db.models import (Accountability, Base, District, FollowUp, FollowUpNote, HolidayEntry, Item, ItemEvent, KeyTask, Liaison,
                       Meeting, Milestone, ProgressUpdate, Setting, Supervision, Unit, User)
from db.stored_values import max_length
from tests.conftest import TODAY, command_classes, reference_database
from tests.db.test_holiday_notice_entry import NOTICE_2027

PROBE_SECONDS = 5  # a probe taking longer fails (e.g. a period of 10**9 working days counted)
BACKENDS = ("sqlite", "postgresql")

# probe id -> (backends on which it fails, what happens); each marks its probe xfail(strict=True).
# Remove an entry once the command is fixed (a fixed probe then XPASSes, which fails the run).
KNOWN_BUGS: dict[str, tuple[tuple[str, ...], str]] = {}

OFFICE = Actor(None, "office1", "office")
ADMIN = Actor(None, "admin1", "admin")
CITY_ADMIN_ACTOR = Actor(None, "city_admin1", CITY_ADMIN)
CONVENER = Actor(None, "convener1", "convener")
SENT_ON, RECEIVED_ON, FEEDBACK_ON = date(2026, 9, 18), date(2026, 9, 22), date(2026, 10, 20)
STEP_ON = date(2026, 11, 20)  # a step dated after every earlier one and before "today"
HELD_ON = date(2026, 9, 23)
PROC, MARKET, EDU = "区检察院", "区市场监管局", "区教育局"
CJK = re.compile(r"[\u4e00-\u9fff]")
NO_VALID = object()  # a prepared input with no valid probe of its own

# -- the corpus ----------------------------------------------------------------------------------

CONTROL = (("BEL", "\x07"), ("NUL", "\x00"), ("VT", "\x0b"), ("ESC", "\x1b"), ("DEL", "\x7f"), ("C1-0x85", "\x85"))
MARKUP = "**x** [a](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>"
URL = "https://evil.example/login"
FORMULA = '=HYPERLINK("x")'
NON_BMP = "进度😀𠮷"


def text_corpus(limit: int | None) -> list[tuple[str, Any, str]]:
    """(label, value, tag). Control characters sit inside text, since str.strip() would drop a
    lone VT or NEL (then a required field is merely empty)."""
    values = [(f"<{name}>", f"甲{char}乙", "control") for name, char in CONTROL]
    values += [("<LF>", "第一行\n第二行", "break"), ("<TAB>", "甲\t乙", "break"),
               ("<10000 chars>", "长" * 10000, "long")]
    if limit is not None and limit + 1 != 10000:
        values.append((f"<limit+1={limit + 1}>", "长" * (limit + 1), "long"))
    values += [("<empty>", "", "blank"), ("<blank>", "   ", "blank"), ("<markup>", MARKUP, "plain"),
               ("<url>", URL, "plain"), ("<formula>", FORMULA, "plain"), ("<non-BMP>", NON_BMP, "plain"),
               ("None", None, "none")]
    return values


INT_CORPUS = (("0", 0), ("-1", -1), ("2**31", 2**31), ("10**25", 10**25), ("True", True))
INT_OUT_OF_RANGE = {"2**31", "10**25"}
ID_CORPUS = (("0", 0), ("-5", -5), ("2**31", 2**31), ("10**25", 10**25), ("999999", 999999))
DATE_CORPUS = (("0001-01-01", date(1, 1, 1)), ("1999-12-31", date(1999, 12, 31)), ("2101-01-01", date(2101, 1, 1)),
               ("9999-12-31", date(9999, 12, 31)), ("str'2026-01-01'", "2026-01-01"), ("None", None))
# values of the wrong type for a field of each kind: always refused
WRONG_TYPE = {
    "text": (("<bytes>", "甲乙".encode()), ("<float>", 1.5), ("<int>", 7)),
    "int": (("1.5", 1.5), ("2.0", 2.0), ("str'1'", "1"), ("bytes'1'", b"1")),
    "date": (("datetime", datetime(2026, 10, 1, 8, 0)), ("float", 20261001.0), ("bytes", b"2026-10-01")),
    "flag": (("None", None), ("1", 1), ("str'yes'", "是"), ("bytes", b"1"), ("1.0", 1.0)),
}
CSV_DATE_CORPUS = (("0001-01-01", "0001-01-01"), ("1999-12-31", "1999-12-31"), ("2101-01-01", "2101-01-01"),
                   ("9999-12-31", "9999-12-31"))
CSV_INT_CORPUS = (("0", "0"), ("-1", "-1"), ("2**31", str(2**31)), ("10**25", str(10**25)))


# -- what a probe is -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One input field of a command. path: "title", nested "follow_ups.0.due_on", or a list of ids
    "attending_unit_ids[]" (the probe value is the list's one element). kind: line | multiline |
    enum | id | int | date | flag | password | lookup | key, or csv_line | csv_multiline | csv_date | csv_int for
    the cells of an import file. column: the model attribute (its length limit; where a saved text
    is looked up). prepare: adjusts the valid input for this field's probes; valid: a value that
    must save with that input (checks the prepared input itself)."""
    path: str
    kind: str
    required: bool = False
    column: Any = None
    prepare: Callable[[dict], None] | None = None
    valid: Any = None
    extra: tuple = ()  # further (label, value) probes of an int field


@dataclass(frozen=True)
class Spec:
    """A command, who runs it, and its valid input (built per probe; may create targets)."""
    command: type
    actor: Callable[["Ctx"], Actor]
    base: Callable[["Ctx"], dict]
    fields: tuple[Field, ...]
    name: str = ""  # id prefix, when a command has several specs (ImportFile[items] …)
    build: Callable[["Ctx", dict], Command] | None = None
    valid_outcome: tuple[tuple[str, str], ...] = ()  # backend -> outcome of the valid input, if not "saved"

    @property
    def label(self) -> str:
        return self.name or self.command.__name__


@dataclass(frozen=True)
class Case:
    spec: Spec
    field: Field | None  # None: the valid input unchanged
    label: str
    value: Any
    must_refuse: bool
    expect: tuple[tuple[str, str], ...] = ()  # backend -> "saved" / "refused"

    @property
    def id(self) -> str:
        return f"{self.spec.label}.{self.field.path if self.field else 'input'}={self.label}"


def corpus(field: Field) -> list[tuple[str, Any, bool]]:
    """(label, value, must_refuse) of every probe of a field."""
    kind, required = field.kind, field.required
    limit = max_length(field.column) if field.column is not None else None
    out: list[tuple[str, Any, bool]] = []
    if kind in ("line", "multiline", "enum", "lookup", "csv_line", "csv_multiline", "email", "csv_email"):
        refused_tags = {"line": {"control", "break", "long"}, "csv_line": {"control", "break", "long"},
                        # an optional e-mail address: blank, or one a reminder can be sent to
                        "email": {"control", "break", "long", "plain"}, "csv_email": {"control", "break", "long", "plain"},
                        "multiline": {"control", "long"}, "csv_multiline": {"control", "long"},
                        "enum": {"control", "break", "long", "blank", "plain"}, "lookup": set()}[kind]
        if required or kind == "enum":
            refused_tags = refused_tags | {"blank"} | ({"none"} if required else set())
        for label, value, tag in text_corpus(limit):
            if kind.startswith("csv") and (tag == "none" or label == "<blank>"):
                continue  # a cell is text; surrounding blanks are dropped when it is read
            out.append((label, value, tag in refused_tags))
        if kind in ("email", "csv_email"):
            out += [("<address>", "li.si@qiaokou.example.gov.cn", False), ("<no domain>", "li.si@", True),
                    ("<two @>", "a@b@example.cn", True), ("<space>", "li si@example.cn", True)]
        if not kind.startswith("csv"):
            out += [(label, value, True) for label, value in WRONG_TYPE["text"]]
    elif kind == "key":  # a key of a JSON dict: never typed by a user; what no text may hold is refused
        out += [(label, value, True) for label, value, tag in text_corpus(None) if tag in ("control", "break", "long")]
    elif kind == "password":  # hashed, never stored as text: any value is fine that does not crash
        for label, value, tag in text_corpus(None):
            out.append((label, value if value is None or tag == "blank" else "Good-pass-1" + value, False))
        out += [(label, value, True) for label, value in WRONG_TYPE["text"]]
    elif kind == "int":
        out += [(label, value, label in INT_OUT_OF_RANGE) for label, value in INT_CORPUS]
        out += [(label, value, not -2**31 <= value < 2**31) for label, value in field.extra]
        out += [(label, value, True) for label, value in WRONG_TYPE["int"]]
    elif kind == "id":
        out += [(label, value, True) for label, value in ID_CORPUS]
        if required:
            out.append(("None", None, True))
        out += [(label, value, True) for label, value in WRONG_TYPE["int"]]
    elif kind == "date":
        out += [(label, value, value is not None or required) for label, value in DATE_CORPUS]
        out += [(label, value, True) for label, value in WRONG_TYPE["date"]]
    elif kind == "flag":  # a yes/no box: True or False, nothing else
        out += [("True", True, False), ("False", False, False)]
        out += [(label, value, True) for label, value in WRONG_TYPE["flag"]]
    elif kind == "csv_date":
        out += [(label, value, True) for label, value in CSV_DATE_CORPUS]
        if required:
            out.append(("<empty>", "", True))
    elif kind == "csv_int":
        out += [(label, value, label in INT_OUT_OF_RANGE) for label, value in CSV_INT_CORPUS]
    else:
        raise AssertionError(f"unknown field kind {kind}")
    return out


def set_path(data: dict, path: str, value: Any) -> None:
    """Put `value` at a field path: "a.0.b" (nested), "a.0.ids[]" (a list of that one value),
    "details.<key>" (the dict's one key, holding a valid value)."""
    if path.endswith("[]"):
        path, value = path[:-2], [value]
    elif path.endswith(".<key>"):
        path, value = path[:-6], {value: "12"}
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value


# -- a database per backend, and its targets -----------------------------------------------------

class Ctx:
    """One migrated database with the reference data, and the targets the probes act on (built
    with valid commands, reused until a probe saves)."""

    def __init__(self, backend: str, engine, tmp: Path):
        self.backend, self.engine, self.tmp = backend, engine, tmp
        with read_session(engine) as s:
            self.units = dict(s.execute(select(Unit.code, Unit.id)).all())
            self.tasks = dict(s.execute(select(KeyTask.number, KeyTask.id)).all())
        self._cache: dict[Any, Any] = {}
        self._n = 0
        self._snapshot = _snapshot_statement()

    def fresh(self) -> int:
        self._n += 1
        return self._n

    def once(self, key, make: Callable[[], Any]):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def invalidate(self) -> None:
        self._cache.clear()

    def version(self, model, row_id) -> int:
        with read_session(self.engine) as s:
            return s.get(model, row_id).version

    def snapshot(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return dict(conn.execute(self._snapshot).one()._mapping)


def _snapshot_statement(district_id: int | None = None):
    """One query: the row count of every table and the sum of versions of every versioned one
    (with `district_id`: of the tables of district-owned rows, that district's rows only)."""
    columns = []
    for table in Base.metadata.sorted_tables:
        if district_id is not None and "district_id" not in table.c:
            continue
        mine = table.c.district_id == district_id if district_id is not None else true()
        columns.append(select(func.count()).select_from(table).where(mine).scalar_subquery()
                       .label(f"{table.name} rows"))
        if "version" in table.c:
            columns.append(select(func.coalesce(func.sum(table.c.version), 0)).where(mine).scalar_subquery()
                           .label(f"{table.name} versions"))
    return select(*columns)


def _ready(ctx_backend: str, engine, tmp: Path) -> Ctx:
    # 硚口区's engine: a probe of AddDistrict adds districts, after which no engine goes unscoped
    return Ctx(ctx_backend, districts.scoped(engine, districts.by_code(engine, districts.HOME)), tmp)


@pytest.fixture(scope="module")
def sqlite_ctx(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus-sqlite")
    with reference_database("sqlite", tmp) as engine:
        yield _ready("sqlite", engine, tmp)


@pytest.fixture(scope="module")
def postgresql_ctx(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus-pg")
    with reference_database("postgresql", tmp) as engine:
        yield _ready("postgresql", engine, tmp)


def liaison_of(code: str) -> Callable[[Ctx], Actor]:
    return lambda ctx: Actor(None, f"liaison_{code}", "liaison", ctx.units[code])


# targets ------------------------------------------------------------------------------------------

def item_input(ctx: Ctx) -> dict:
    """A valid 检察建议 from the procuratorate to the market regulator, sent, not yet received."""
    return dict(kind="procuratorial_suggestion", from_unit_id=ctx.units["procuratorate"],
                to_unit_id=ctx.units["market_regulation"], title="关于食品安全监管的检察建议",
                doc_number="硚检行建〔2026〕12号", sent_on=SENT_ON, received_on=None, summary="摘要",
                details={"suggestion_number": "12"}, urgent=False, key_task_id=None, external_ref=None)


def item_in(ctx: Ctx, status: str) -> tuple[int, int]:
    """(id, version) of an item in `status` (sent, received or responded)."""
    def make():
        item_id = CreateItem(OFFICE, **item_input(ctx)).run(ctx.engine)
        if status in ("received", "responded"):
            ReceiveItem(OFFICE, item_id=item_id, on=RECEIVED_ON).run(ctx.engine)
        if status == "responded":
            RecordFeedback(OFFICE, item_id=item_id, on=FEEDBACK_ON, feedback_text="已整改", outcome="采纳").run(ctx.engine)
        return item_id, ctx.version(Item, item_id)
    return ctx.once(("item", status), make)


def follow_up_input(ctx: Ctx, **overrides) -> dict:
    values = dict(text="梳理行政执法监督线索", lead_unit_id=ctx.units["justice"],
                  assisting_unit_ids=[ctx.units["procuratorate"]], due_on=date(2026, 10, 30), external_ref=None)
    values.update(overrides)
    return values


def meeting_input(ctx: Ctx) -> dict:
    return dict(kind="joint_meeting", title="2026年第三季度府检联动联席会议", held_on=HELD_ON, place="区政府三楼会议室",
                convened_by="区政府办公室", topics="行政执法与检察监督衔接", minutes_summary="会议议定一项事项",
                attending_unit_ids=[ctx.units["procuratorate"], ctx.units["justice"]],
                follow_ups=[follow_up_input(ctx)])


def meeting(ctx: Ctx) -> tuple[int, int, int, int]:
    """(meeting id, version, its follow-up's id, the follow-up's version); the follow-up is open,
    led by the justice bureau."""
    def make():
        meeting_id = CreateMeeting(OFFICE, **meeting_input(ctx)).run(ctx.engine)
        with read_session(ctx.engine) as s:
            fu = s.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting_id)).one()
        return meeting_id, ctx.version(Meeting, meeting_id), fu.id, fu.version
    return ctx.once("meeting", make)


def supervision_input(ctx: Ctx) -> dict:
    return dict(target_type="item", target_id=item_in(ctx, "received")[0], level="一般",
                deadline=TODAY + timedelta(days=10), instruction="请于期限内书面反馈整改情况")


def supervision_in(ctx: Ctx, status: str) -> tuple[int, int]:
    def make():
        command = DraftSupervision(OFFICE, **supervision_input(ctx)) if status == "draft" else \
            IssueSupervision(CONVENER, **supervision_input(ctx))
        sup_id = command.run(ctx.engine)
        return sup_id, ctx.version(Supervision, sup_id)
    return ctx.once(("supervision", status), make)


def milestone(ctx: Ctx) -> tuple[int, int]:
    def make():
        ms_id = AddMilestone(OFFICE, task_id=ctx.tasks[2], title="制定工作方案", planned_on=date(2026, 12, 31)).run(ctx.engine)
        return ms_id, ctx.version(Milestone, ms_id)
    return ctx.once("milestone", make)


def assigned_task(ctx: Ctx) -> int:
    """Key task 3, led by the market regulator (whose liaison reports progress)."""
    def make():
        task_id = ctx.tasks[3]
        AssignTaskUnits(OFFICE, task_id=task_id, lead_unit_id=ctx.units["market_regulation"],
                        participating_unit_ids=[ctx.units["education"]]).run(ctx.engine)
        return task_id
    return ctx.once("assigned task", make)


def liaison_row(ctx: Ctx) -> tuple[int, int, str]:
    def make():
        unit_id = ctx.units["health"]
        name = f"联络员{ctx.fresh()}"
        liaison_id = ChangeLiaison(OFFICE, unit_id=unit_id, unit_version=ctx.version(Unit, unit_id), name=name,
                                   phone="027-83831234", start_on=date(2026, 3, 2), reported_on=date(2026, 3, 3),
                                   additional=True, replaces_id=None).run(ctx.engine)
        return liaison_id, ctx.version(Liaison, liaison_id), name
    return ctx.once("liaison", make)


def user(ctx: Ctx) -> tuple[int, int, str]:
    """(id, version, username) of an office account whose password is Good-pass-1."""
    def make():
        username = f"probe{ctx.fresh()}"
        user_id = CreateUser(ADMIN, username=username, display_name="张三", password="Good-pass-1", role="office",
                             unit_id=None).run(ctx.engine)
        return user_id, ctx.version(User, user_id), username
    return ctx.once("user", make)


def rule_version(ctx: Ctx, kind: str, ensure: bool = False) -> int:
    """The version of a kind's deadline override (0: none); with ensure, an override (the kind's
    own default period) is saved first."""
    def make():
        from db.models import DeadlineRuleSetting
        with read_session(ctx.engine) as s:
            row = DeadlineRuleSetting.row(s, kind)
            version = row.version if row is not None else 0
        if ensure and version == 0:
            rule = KINDS[kind].rule
            SaveDeadlineRule(ADMIN, kind=kind, amount=rule.amount, unit=rule.unit, version=0).run(ctx.engine)
            version = 1
        return version
    return ctx.once(("rule", kind, ensure), make)


def holiday(ctx: Ctx) -> date:
    def make():
        day = date(2030, 1, 1) + timedelta(days=ctx.fresh())
        AddHolidayEntry(ADMIN, day=day, kind="holiday", note="探测").run(ctx.engine)
        return day
    return ctx.once("holiday", make)


# -- the specs -----------------------------------------------------------------------------------

def email(path, column) -> Field:
    return Field(path, "email", False, column)


def line(path, column, required=False, **kw) -> Field:
    return Field(path, "line", required, column, **kw)


def multiline(path, column, required=False, **kw) -> Field:
    return Field(path, "multiline", required, column, **kw)


def enum(path, required=True, **kw) -> Field:
    return Field(path, "enum", required, **kw)


def ident(path, required=True, **kw) -> Field:
    return Field(path, "id", required, **kw)


def integer(path, **kw) -> Field:
    return Field(path, "int", **kw)


def day(path, required=True, **kw) -> Field:
    return Field(path, "date", required, **kw)


def flag(path, **kw) -> Field:
    return Field(path, "flag", **kw)


def _with(**values) -> Callable[[dict], None]:
    return lambda data: data.update(values)


def _crime_transfer(data: dict) -> None:
    """A 涉嫌犯罪案件移送 (its case name is a required detail), from the market regulator to the
    procuratorate."""
    data.update(kind="crime_transfer", to_unit_id=data["from_unit_id"], from_unit_id=data["to_unit_id"],
                doc_number=None, details={"case_name": "张某涉嫌销售假药案", "suspected_offence": "销售假药罪"})


def _period_follow_up(data: dict) -> None:
    fu = data["follow_ups"][0]
    fu.pop("due_on")
    fu.update(period_amount=15, period_unit="working_days")


def _no_due_follow_up(data: dict) -> None:
    data["follow_ups"][0].pop("due_on")


ITEM_FIELDS = (
    enum("kind"),
    line("title", Item.title, required=True),
    line("doc_number", Item.doc_number, required=True),
    multiline("summary", Item.summary),
    line("external_ref", Item.external_ref),
    ident("from_unit_id"), ident("to_unit_id"), ident("key_task_id", required=False),
    day("sent_on"), day("received_on", required=False),
    day("due_on_override", required=False, prepare=_with(override_reason="双方议定"), valid=date(2026, 12, 31)),
    multiline("override_reason", Item.due_override_reason, required=True,
              prepare=_with(due_on_override=date(2026, 12, 31)), valid="双方议定"),
    line("details.suggestion_number", Item.details),
    line("details.case_name", Item.details, required=True, prepare=_crime_transfer, valid="李某涉嫌非法经营案"),
    flag("urgent"),
)


def _extend_input(ctx: Ctx) -> dict:
    """A 涉嫌犯罪案件移送 received on RECEIVED_ON (its 3-day review due 2026-09-28), extended to 10 days."""
    def make():
        data = item_input(ctx)
        _crime_transfer(data)
        item_id = CreateItem(OFFICE, **data | dict(received_on=RECEIVED_ON)).run(ctx.engine)
        return item_id, ctx.version(Item, item_id)
    item_id, version = ctx.once("transfer", make)
    return dict(item_id=item_id, version=version, approved_on=RECEIVED_ON + timedelta(days=1),
                new_due_on=RECEIVED_ON + timedelta(days=10),
                reason="案情复杂,经分局负责人批准延长审查期限")


def _link(ctx: Ctx) -> int:
    """The id of a link from the sent item to the received one."""
    def make():
        from db.models import ItemLink
        LinkItems(OFFICE, from_item_id=item_in(ctx, "sent")[0], to_item_id=item_in(ctx, "received")[0]).run(ctx.engine)
        with read_session(ctx.engine) as s:
            return s.scalar(select(func.max(ItemLink.id)))
    return ctx.once("link", make)


def _accountability_input(ctx: Ctx) -> dict:
    """The received 检察建议 is due 2026-11-23 and unanswered: overdue on TODAY."""
    return dict(item_id=item_in(ctx, "received")[0], referred_to="区纪委监委", referred_on=TODAY - timedelta(days=1),
                reference="硚府检联〔2026〕3号", result=None, result_on=None)


def _accountability_result_input(ctx: Ctx) -> dict:
    def make():
        return RecordAccountability(OFFICE, **_accountability_input(ctx)).run(ctx.engine)
    row = ctx.once("accountability", make)
    return dict(accountability_id=row, version=ctx.version(Accountability, row), result="已约谈分管负责人",
                result_on=TODAY)


def _item_update_input(ctx: Ctx) -> dict:
    item_id, version = item_in(ctx, "sent")
    return item_input(ctx) | dict(item_id=item_id, version=version)


def _transition(command, status: str, actor, fields: tuple[Field, ...] = (), **extra) -> Spec:
    def base(ctx):
        item_id, version = item_in(ctx, status)
        return dict(item_id=item_id, version=version, on=STEP_ON, **extra)
    common = (ident("item_id"), integer("version"), day("on"))
    return Spec(command, actor, base, common + fields)


NOTE = multiline("note", ItemEvent.note)  # the optional note of a step that has no reason field
REASON = multiline("reason", ItemEvent.note, required=True)

MEETING_FIELDS = (
    enum("kind"),
    line("title", Meeting.title, required=True),
    line("place", Meeting.place), line("convened_by", Meeting.convened_by),
    multiline("topics", Meeting.topics), multiline("minutes_summary", Meeting.minutes_summary),
    day("held_on"),
    ident("attending_unit_ids[]"),
    multiline("follow_ups.0.text", FollowUp.text, required=True),
    line("follow_ups.0.external_ref", FollowUp.external_ref),
    ident("follow_ups.0.lead_unit_id"),
    ident("follow_ups.0.assisting_unit_ids[]"),
    day("follow_ups.0.due_on", prepare=_no_due_follow_up, valid=date(2026, 10, 30)),
    integer("follow_ups.0.period_amount", prepare=_period_follow_up, valid=15, extra=(("10**9", 10**9),)),
    enum("follow_ups.0.period_unit", prepare=_period_follow_up, valid="days"),
)


def _meeting_update_input(ctx: Ctx) -> dict:
    meeting_id, version, _, _ = meeting(ctx)
    return meeting_input(ctx) | dict(meeting_id=meeting_id, version=version)


def _follow_up_step(command, actor, fields: tuple[Field, ...], **extra) -> Spec:
    def base(ctx):
        _, _, fu_id, fu_version = meeting(ctx)
        return dict(follow_up_id=fu_id, version=fu_version, **extra)
    return Spec(command, actor, base, (ident("follow_up_id"), integer("version")) + fields)


SUPERVISION_FIELDS = (
    multiline("instruction", Supervision.instruction, required=True),
    enum("target_type"), ident("target_id"), enum("level"), day("deadline"),
)


def _supervision_step(command, actor, status: str, fields: tuple[Field, ...] = (), **extra) -> Spec:
    def base(ctx):
        sup_id, version = supervision_in(ctx, status)
        return dict(supervision_id=sup_id, version=version, **extra)
    return Spec(command, actor, base, (ident("supervision_id"), integer("version")) + fields)


def _milestone_input(ctx: Ctx, **extra) -> dict:
    ms_id, version = milestone(ctx)
    return dict(milestone_id=ms_id, version=version, **extra)


def _change_liaison_input(ctx: Ctx) -> dict:
    unit_id = ctx.units["education"]
    unit_version = ctx.once(("unit version", unit_id), lambda: ctx.version(Unit, unit_id))
    return dict(unit_id=unit_id, unit_version=unit_version, name=f"联络员{ctx.fresh()}", phone="027-83831234",
                start_on=date(2026, 3, 2), reported_on=date(2026, 3, 3), additional=True, replaces_id=None)


def _update_liaison_input(ctx: Ctx) -> dict:
    liaison_id, version, name = liaison_row(ctx)
    return dict(liaison_id=liaison_id, version=version, name=name, phone="13907150000",
                reported_on=date(2026, 3, 3), end_on=None)


def _remind_input(ctx: Ctx) -> dict:
    """A unit with a liaison's e-mail address and an overdue item (no mail server: the command only
    claims the reminders; sending is jobs.remind's)."""
    def make():
        unit_id = ctx.units["economy_it"]
        ChangeLiaison(OFFICE, unit_id=unit_id, unit_version=ctx.version(Unit, unit_id), name=f"催办联络员{ctx.fresh()}",
                      phone="027-83831234", email="economy@example.invalid", start_on=date(2026, 3, 2),
                      reported_on=date(2026, 3, 3), additional=True, replaces_id=None).run(ctx.engine)
        CreateItem(OFFICE, **item_input(ctx) | dict(to_unit_id=unit_id, due_on_override=date(2026, 11, 2),
                                                     override_reason="建议书载明期限")).run(ctx.engine)
        return unit_id
    return dict(unit_id=ctx.once("remind target", make), item_ids=None)


def _todo_settings_input(ctx: Ctx) -> dict:
    with read_session(ctx.engine) as s:
        row = Setting.row(s, "todo")
        return dict(soon_days=3, unsigned_after=2, report_every_weeks=4, escalate_after=5,
                    version=row.version if row else 0)


def _todo_reset_input(ctx: Ctx) -> dict:
    """The version of the saved thresholds, saved first when there are none."""
    def make():
        version = _todo_settings_input(ctx)["version"]
        if version == 0:
            SaveTodoSettings(ADMIN, **_todo_settings_input(ctx)).run(ctx.engine)
            version = 1
        return version
    return dict(version=ctx.once("todo_reset", make))


def _robot_input(ctx: Ctx) -> dict:
    unit_id = ctx.units["housing_renewal"]
    return dict(unit_id=unit_id, unit_version=ctx.version(Unit, unit_id), channel="dingtalk",
                webhook="https://oapi.dingtalk.com/robot/send?access_token=probe", secret="SECprobe", clear_secret=False)


def _user_actor(ctx: Ctx) -> Actor:
    user_id, _, username = user(ctx)
    return Actor(user_id, username, "office")


def _update_user_input(ctx: Ctx) -> dict:
    user_id, version, _ = user(ctx)
    return dict(user_id=user_id, version=version, display_name="李四", role="office", unit_id=None, active=True)


# import files: one row of the template's columns, written as CSV and read by parse_file

def _import_spec(kind: str, row: Callable[[Ctx], dict], fields: tuple[Field, ...]) -> Spec:
    def build(ctx, data):
        cells = [[data.get(c.key) for c in SPECS[kind].columns]]
        return ImportFile(OFFICE, parsed=parse_file(kind, f"{kind}.csv", csv_file(kind, cells)))
    return Spec(ImportFile, lambda ctx: OFFICE, row, fields, name=f"ImportFile[{kind}]", build=build)


def _item_row(ctx: Ctx) -> dict:
    n = ctx.fresh()
    return dict(external_ref=f"CP{n}", kind="检察建议", from_unit=PROC, to_unit=MARKET, doc_number=f"硚检建〔2026〕{n}号",
                title="关于导入事项的检察建议", summary="摘要", sent_on="2026-09-18", received_on="2026-09-22")


def _follow_up_row(ctx: Ctx) -> dict:
    return dict(external_ref=f"CF{ctx.fresh()}", held_on="2026-10-09", meeting_title="2026年第三次联席会议",
                meeting_kind="联席会议", text="导入的议定事项", lead_unit=MARKET, assisting_units=EDU, due_on="2026-11-30")


def _unit_row(ctx: Ctx) -> dict:
    n = ctx.fresh()
    return dict(code=f"probe_unit_{n}", name=f"区探测局{n}", category="区政府部门")


def _liaison_row(ctx: Ctx) -> dict:
    n = ctx.fresh()
    return dict(external_ref=f"CL{n}", unit=MARKET, name=f"导入联络员{n}", phone="13800000000", start_on="2026-04-01")


def _backup(ctx: Ctx, data: dict) -> Command:
    return BackupDatabase(ADMIN, directory=ctx.tmp)


def _csv(path, kind, column=None, required=False) -> Field:
    return Field(path, kind, required, column)


SPECS_UNDER_TEST: tuple[Spec, ...] = (
    # items
    Spec(CreateItem, lambda ctx: OFFICE, item_input, ITEM_FIELDS + (Field("details.<key>", "key"),)),
    Spec(UpdateItem, lambda ctx: OFFICE, _item_update_input,
         (ident("item_id"), integer("version")) + ITEM_FIELDS),
    _transition(ReceiveItem, "sent", liaison_of("market_regulation"), (NOTE,)),
    _transition(StartItem, "received", liaison_of("market_regulation"), (NOTE,)),
    _transition(RecordFeedback, "received", liaison_of("market_regulation"),
                (multiline("feedback_text", Item.feedback_text, required=True), enum("outcome"), NOTE),
                feedback_text="已按建议整改", outcome="采纳"),
    _transition(ReturnItem, "sent", liaison_of("market_regulation"), (REASON,), reason="材料不全"),
    _transition(CloseItem, "responded", lambda ctx: OFFICE, (NOTE,)),
    _transition(WithdrawItem, "received", lambda ctx: OFFICE, (REASON,), reason="发文单位撤回"),
    Spec(AddItemNote, liaison_of("market_regulation"),
         lambda ctx: dict(item_id=item_in(ctx, "sent")[0], note="已电话沟通"),
         (ident("item_id"), multiline("note", ItemEvent.note, required=True))),
    Spec(ExtendPeriod, lambda ctx: OFFICE, _extend_input,
         (ident("item_id"), integer("version"), day("approved_on"), day("new_due_on"),
          multiline("reason", Item.due_override_reason, required=True))),
    Spec(LinkItems, lambda ctx: OFFICE,
         lambda ctx: dict(from_item_id=item_in(ctx, "sent")[0], to_item_id=item_in(ctx, "received")[0]),
         (ident("from_item_id"), ident("to_item_id"))),
    Spec(UnlinkItems, lambda ctx: OFFICE, lambda ctx: dict(link_id=_link(ctx)), (ident("link_id"),)),
    Spec(RecordAccountability, lambda ctx: OFFICE, _accountability_input,
         (ident("item_id"), line("referred_to", Accountability.referred_to, required=True), day("referred_on"),
          line("reference", Accountability.reference), multiline("result", Accountability.result),
          day("result_on", required=False))),
    Spec(RecordAccountabilityResult, lambda ctx: OFFICE, _accountability_result_input,
         (ident("accountability_id"), integer("version"),
          multiline("result", Accountability.result, required=True), day("result_on"))),
    # meetings and follow-ups
    Spec(CreateMeeting, lambda ctx: OFFICE, meeting_input, MEETING_FIELDS),
    Spec(UpdateMeeting, lambda ctx: OFFICE, _meeting_update_input,
         (ident("meeting_id"), integer("version")) + MEETING_FIELDS),
    _follow_up_step(AddFollowUpProgress, liaison_of("justice"),
                    (multiline("note", FollowUpNote.note, required=True),), note="已召开协调会"),
    _follow_up_step(CompleteFollowUp, liaison_of("justice"),
                    (multiline("evidence", FollowUp.evidence, required=True), day("done_on")),
                    evidence="已印发《衔接工作办法》", done_on=STEP_ON),
    _follow_up_step(CancelFollowUp, lambda ctx: OFFICE,
                    (multiline("reason", FollowUp.cancel_reason, required=True),), reason="会议决定不再推进"),
    # supervision
    Spec(DraftSupervision, lambda ctx: OFFICE, supervision_input, SUPERVISION_FIELDS),
    Spec(IssueSupervision, lambda ctx: CONVENER, supervision_input, SUPERVISION_FIELDS),
    _supervision_step(IssueDraftSupervision, lambda ctx: CONVENER, "draft"),
    _supervision_step(RespondSupervision, liaison_of("market_regulation"), "issued",
                      (multiline("response_text", Supervision.response_text, required=True),),
                      response_text="已完成整改并书面报告"),
    _supervision_step(ResolveSupervision, lambda ctx: CONVENER, "issued",
                      (multiline("resolution_text", Supervision.resolution_text, required=True),),
                      resolution_text="整改到位,督办办结"),
    # key tasks
    Spec(AssignTaskUnits, lambda ctx: OFFICE,
         lambda ctx: dict(task_id=ctx.tasks[1], version=ctx.once("task 1", lambda: ctx.version(KeyTask, ctx.tasks[1])),
                          lead_unit_id=ctx.units["justice"], participating_unit_ids=[ctx.units["procuratorate"]]),
         (ident("task_id"), integer("version"), ident("lead_unit_id"), ident("participating_unit_ids[]"))),
    Spec(AddMilestone, lambda ctx: OFFICE,
         lambda ctx: dict(task_id=ctx.tasks[2], title="制定工作方案", planned_on=date(2026, 12, 31)),
         (ident("task_id"), line("title", Milestone.title, required=True), day("planned_on"))),
    Spec(EditMilestone, lambda ctx: OFFICE,
         lambda ctx: _milestone_input(ctx, title="制定并印发工作方案", planned_on=date(2027, 1, 31)),
         (ident("milestone_id"), integer("version"), line("title", Milestone.title, required=True), day("planned_on"))),
    Spec(CompleteMilestone, lambda ctx: OFFICE, lambda ctx: _milestone_input(ctx, done_on=STEP_ON),
         (ident("milestone_id"), integer("version"), day("done_on"))),
    Spec(AddProgressUpdate, liaison_of("market_regulation"),
         lambda ctx: dict(task_id=assigned_task(ctx), unit_id=ctx.units["market_regulation"], percent=50,
                          text="完成阶段性工作", reported_on=STEP_ON),
         (ident("task_id"), ident("unit_id"), integer("percent"),
          multiline("text", ProgressUpdate.text, required=True), day("reported_on"))),
    # liaisons
    Spec(ChangeLiaison, lambda ctx: OFFICE, _change_liaison_input,
         (ident("unit_id"), integer("unit_version"), line("name", Liaison.name, required=True),
          line("phone", Liaison.phone, required=True), email("email", Liaison.email), day("start_on"),
          day("reported_on", required=False),
          ident("replaces_id", required=False, prepare=_with(additional=False), valid=NO_VALID), flag("additional"))),
    Spec(UpdateLiaison, lambda ctx: OFFICE, _update_liaison_input,
         (ident("liaison_id"), integer("version"), line("name", Liaison.name, required=True),
          line("phone", Liaison.phone, required=True), email("email", Liaison.email),
          day("reported_on", required=False), day("end_on", required=False))),
    # settings
    Spec(RemindUnit, lambda ctx: OFFICE, _remind_input, (ident("unit_id"), ident("item_ids[]"))),
    Spec(RefreshEstimates, lambda ctx: ADMIN, lambda ctx: {}, ()),
    Spec(EnterHolidayNotice, lambda ctx: ADMIN, lambda ctx: dict(text=NOTICE_2027, year=None),
         (multiline("text", None, required=True), integer("year"))),
    Spec(SetUnitAliases, lambda ctx: OFFICE,
         lambda ctx: dict(unit_id=ctx.units["statistics"], unit_version=ctx.version(Unit, ctx.units["statistics"]),
                          aliases=["武汉市硚口区统计局"]),
         (ident("unit_id"), integer("unit_version"), line("aliases[]", Unit.aliases))),
    Spec(SaveTodoSettings, lambda ctx: ADMIN, _todo_settings_input,
         (integer("soon_days"), integer("unsigned_after"), integer("report_every_weeks"), integer("escalate_after"),
          integer("version"))),
    Spec(ResetTodoSettings, lambda ctx: ADMIN, _todo_reset_input, (integer("version"),)),
    Spec(SetUnitRobot, lambda ctx: ADMIN, _robot_input,
         (ident("unit_id"), integer("unit_version"), enum("channel", required=False),
          line("webhook", Unit.robot_webhook), line("secret", Unit.robot_secret), flag("clear_secret"))),
    Spec(SaveDeadlineRule, lambda ctx: ADMIN,
         lambda ctx: dict(kind="procuratorial_suggestion", amount=2, unit="months",
                          version=rule_version(ctx, "procuratorial_suggestion")),
         (enum("kind"), integer("amount", extra=(("10**9", 10**9),)), enum("unit"), integer("version"))),
    Spec(ResetDeadlineRule, lambda ctx: ADMIN,
         lambda ctx: dict(kind="crime_transfer", version=rule_version(ctx, "crime_transfer", ensure=True)),
         (enum("kind"), integer("version"))),
    Spec(AddHolidayEntry, lambda ctx: ADMIN,
         lambda ctx: dict(day=date(2030, 1, 1) + timedelta(days=ctx.fresh()), kind="holiday", note="探测假日"),
         (day("day"), enum("kind"), line("note", HolidayEntry.note))),
    Spec(DeleteHolidayEntry, lambda ctx: ADMIN, lambda ctx: dict(day=holiday(ctx)), (day("day"),)),
    # accounts
    Spec(CreateUser, lambda ctx: ADMIN,
         lambda ctx: dict(username=f"probe{ctx.fresh()}", display_name="张三", password="Good-pass-1", role="office",
                          unit_id=None),
         (line("username", User.username, required=True), line("display_name", User.display_name, required=True),
          email("email", User.email), Field("password", "password"), enum("role"), ident("unit_id", required=False), flag("is_demo"))),
    Spec(UpdateUser, lambda ctx: ADMIN, _update_user_input,
         (ident("user_id"), integer("version"), line("display_name", User.display_name, required=True),
          email("email", User.email), enum("role"), ident("unit_id", required=False), flag("active"))),
    Spec(ResetPassword, lambda ctx: ADMIN,
         lambda ctx: dict(user_id=user(ctx)[0], version=user(ctx)[1], new_password="New-pass-22"),
         (ident("user_id"), integer("version"), Field("new_password", "password"))),
    Spec(ChangeOwnPassword, _user_actor, lambda ctx: dict(current_password="Good-pass-1", new_password="New-pass-22"),
         (Field("current_password", "password"), Field("new_password", "password"))),
    Spec(SignOut, _user_actor, lambda ctx: {}, ()),
    Spec(RecordSignInAttempt, lambda ctx: SYSTEM, lambda ctx: dict(username=user(ctx)[2], success=True),
         (Field("username", "lookup"), flag("success"))),
    # districts
    Spec(AddDistrict, lambda ctx: CITY_ADMIN_ACTOR,
         lambda ctx: dict(code=f"probe_{ctx.fresh()}", name=f"探测{ctx.fresh()}区", plan_files=plan_files(SEED_DIR)),
         (line("code", District.code, required=True), line("name", District.name, required=True))),
    # imports and backup
    _import_spec("items", _item_row, (
        _csv("title", "csv_line", Item.title, required=True), _csv("summary", "csv_multiline", Item.summary),
        _csv("doc_number", "csv_line", Item.doc_number, required=True),
        _csv("sent_on", "csv_date", required=True), _csv("key_task", "csv_int"))),
    _import_spec("follow_ups", _follow_up_row, (
        _csv("text", "csv_multiline", FollowUp.text, required=True), _csv("due_on", "csv_date", required=True))),
    _import_spec("units", _unit_row, (
        _csv("name", "csv_line", Unit.name, required=True), _csv("leader_name", "csv_line", Unit.leader_name),
        _csv("sort_order", "csv_int"))),
    _import_spec("liaisons", _liaison_row, (
        _csv("name", "csv_line", Liaison.name, required=True), _csv("email", "csv_email", Liaison.email),
        _csv("start_on", "csv_date", required=True))),
    Spec(BackupDatabase, lambda ctx: ADMIN, lambda ctx: {}, (), build=_backup,
         valid_outcome=(("postgresql", "refused"),)),
)


def all_cases() -> list[Case]:
    cases = []
    for spec in SPECS_UNDER_TEST:
        cases.append(Case(spec, None, "<valid>", None, False,
                          expect=tuple((b, dict(spec.valid_outcome).get(b, "saved")) for b in BACKENDS)))
        for field in spec.fields:
            if field.prepare is not None and field.valid is not NO_VALID:
                cases.append(Case(spec, field, "<valid>", field.valid, False,
                                  expect=tuple((b, "saved") for b in BACKENDS)))
            for label, value, must_refuse in corpus(field):
                cases.append(Case(spec, field, label, value, must_refuse))
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "probe ids must be unique"
    return cases


CASES = all_cases()


# -- running a probe ------------------------------------------------------------------------------

class ProbeTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Interrupt a probe that runs away (e.g. counting 10**9 working days)."""
    def stop(_signum, _frame):
        raise ProbeTimeout(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


ROOT = Path(__file__).resolve().parents[2]


def _excerpt(exc: BaseException) -> str:
    """The traceback's frames in the project's code (not this file's), and the innermost one."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if Path(f.filename).resolve().is_relative_to(ROOT) and "site-packages" not in f.filename
           and not f.filename.endswith("test_command_corpus.py")]
    shown = own[-4:] + ([frames[-1]] if frames and frames[-1] not in own[-4:] else [])
    lines = [f"  {Path(f.filename).resolve().relative_to(ROOT) if Path(f.filename).resolve().is_relative_to(ROOT) else Path(f.filename).name}"
             f":{f.lineno} in {f.name}: {f.line}" for f in shown]
    return "\n".join(lines + [f"  {type(exc).__name__}: {str(exc)[:300]}"])


def _chinese(message: Any) -> bool:
    return isinstance(message, str) and bool(CJK.search(message))


def _message_problems(exc: CommandError) -> list[str]:
    problems = []
    if not _chinese(exc.message):
        problems.append(f"message is not Chinese: {exc.message!r}")
    if isinstance(exc, ValidationFailed):
        if not exc.field_errors:
            problems.append("ValidationFailed without a field message")
        problems += [f"field message {k!r} is not Chinese: {v!r}" for k, v in exc.field_errors.items()
                     if not _chinese(v)]
    if isinstance(exc, ImportRefused):
        if not exc.row_errors:
            problems.append("ImportRefused without a row error")
        problems += [f"row error {e} is not Chinese" for e in exc.row_errors if not _chinese(e.message)]
    return problems


def _stored_as_typed(ctx: Ctx, case: Case) -> str | None:
    """A saved text value of a column is found, as typed (surrounding blanks dropped)."""
    field, value = case.field, case.value
    if field is None or field.column is None or not isinstance(value, str) or not value.strip():
        return None
    column = field.column
    if isinstance(column.property.columns[0].type, JSON):
        return None
    with read_session(ctx.engine) as s:
        found = s.scalar(select(func.count()).select_from(column.class_).where(column == value.strip()))
    return None if found else f"saved, but no {column.class_.__tablename__}.{column.key} holds the value as typed"


def probe(ctx: Ctx, case: Case) -> str | None:
    """Run one probe; None when it ended as it must, else what went wrong."""
    spec = case.spec
    data = spec.base(ctx)
    if case.field is not None:
        if case.field.prepare is not None:
            case.field.prepare(data)
        set_path(data, case.field.path, case.value)
    actor = spec.actor(ctx)
    before = ctx.snapshot()
    # The probe's own CPU time, with the garbage collector off meanwhile: a collection of the whole
    # suite's objects (seconds, late in a CI run) or another process on the machine is not the probe's.
    gc.disable()
    started = time.thread_time()
    refusal: CommandError | None = None
    try:
        with time_limit(PROBE_SECONDS * 2):
            # an import file is read here (parse_file), as the page reads an upload
            command = spec.build(ctx, data) if spec.build else spec.command(actor, **data)
            command.run(ctx.engine)
    except CommandError as exc:
        refusal = exc
    except Exception as exc:  # noqa: BLE001 - the very thing this test looks for
        ctx.invalidate()
        return f"{case.id} [{ctx.backend}] raised {type(exc).__name__}, not a Chinese refusal:\n{_excerpt(exc)}"
    finally:
        gc.enable()
    elapsed = time.thread_time() - started
    after = ctx.snapshot()
    changed = [f"{k}: {before[k]} -> {after[k]}" for k in before if before[k] != after[k]]
    outcome = "refused" if refusal else "saved"
    problems = []
    if elapsed > PROBE_SECONDS:
        problems.append(f"took {elapsed:.1f} s")
    expected = dict(case.expect).get(ctx.backend)
    if expected and outcome != expected:
        problems.append(f"expected {expected}, was {outcome}"
                        + (f": {refusal.message} {refusal.field_errors}" if refusal else ""))
    if refusal:
        problems += _message_problems(refusal)
        if changed:
            problems.append("refused, yet wrote: " + ", ".join(changed))
    else:
        ctx.invalidate()  # the targets may have moved on: later probes build fresh ones
        if case.must_refuse:
            problems.append("SAVED a value that must be refused")
        if after["audit_log rows"] <= before["audit_log rows"] and changed:  # a write that changes
            problems.append("saved without an audit row")  # nothing (NothingChanged) leaves no trace
        stored = _stored_as_typed(ctx, case)
        if stored and not case.must_refuse:
            problems.append(stored)
    if not problems:
        return None
    detail = f"refused: {refusal.message!r} {refusal.field_errors}" if refusal else "saved"
    return f"{case.id} [{ctx.backend}] value={case.value!r:.80}: {detail}\n  " + "\n  ".join(problems)


def _params():
    params = []
    for backend in BACKENDS:
        for case in CASES:
            backends, reason = KNOWN_BUGS.get(case.id, ((), ""))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if backend in backends else []
            params.append(pytest.param(backend, case, id=f"{backend}-{case.id}", marks=marks))
    return params


@pytest.mark.parametrize("backend, case", _params())
def test_bad_value_is_refused_in_chinese_or_saved_cleanly(request, backend, case):
    ctx = request.getfixturevalue(f"{backend}_ctx")
    problem = probe(ctx, case)
    assert problem is None, problem


# -- coverage ------------------------------------------------------------------------------------

def all_commands() -> set[type]:
    """Every concrete command (abstract bases, named with a leading underscore, left out)."""
    return {c for c in command_classes() if not c.__name__.startswith("_")}


def test_every_command_has_corpus_cases():
    commands = all_commands()
    assert {spec.command for spec in SPECS_UNDER_TEST} <= commands  # the walk finds what the specs name
    covered = {case.spec.command for case in CASES if case.field is not None or not case.spec.fields}
    missing = sorted(c.__name__ for c in commands - covered)
    assert not missing, f"commands without corpus cases (add a Spec to SPECS_UNDER_TEST): {missing}"


def test_known_bugs_name_existing_probes():
    ids = {case.id for case in CASES}
    assert not set(KNOWN_BUGS) - ids, sorted(set(KNOWN_BUGS) - ids)
