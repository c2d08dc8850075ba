"""督办通知单 and 催办单: Word documents (python-docx, no Streamlit) that the office prints and sends
to a member unit, listing the unit's overdue items and its open meeting follow-ups. The two forms
differ only in their words (title, number, body, reply request; catalog keys notice.* and
reminder_notice.*): a 催办单 asks the unit to catch up, a 督办通知单 is the formal notice before
the convener's 限期督办.

Layout follows the usual form of a government notice on A4 (core/documents_layout.py: GB/T 9704
margins, title in 方正小标宋简体 — 宋体 where that font is missing — body in 仿宋 三号 (16 pt), tables
in 仿宋 小四); every run names its East Asian font through w:eastAsia so Word does not fall back
to a Latin font.

Number: 硚府检联〔YYYY〕督MMDDNN号 (催办单: 催MMDDNN) — the year, month and day of issue and the unit's id (at least
two digits). It is derived, not counted: the same unit on the same day always gets the same
number, so printing the notice again does not use up a number, and two units never share one."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH

# The layout lives in core/documents_layout.py (shared with the 通报); its old names here still work.
from core.documents_layout import (BODY_FONT, BODY_PT, HEADING_FONT, TABLE_PT, TITLE_FALLBACK,  # noqa: F401
                                   TITLE_FONT, TITLE_PT, official_document, title, to_bytes)
from core.documents_layout import paragraph as _paragraph, repeat_header as _repeat_header  # noqa: F401
from core.documents_layout import table as _table
from core.i18n import fmt_due, long_date, t
from core.text import document_mark

FORMS = ("notice", "reminder_notice")  # 督办通知单, 催办单: the catalog prefix of each form's words


@dataclass(frozen=True)
class NoticeOverdue:
    title: str
    from_unit: str
    due_on: date
    days_overdue: int
    approximate: bool = False  # the due date is an estimate (marked 估)


@dataclass(frozen=True)
class NoticeFollowUp:
    text: str
    meeting: str
    due_on: date
    status: str  # core.lifecycles follow-up status code
    days_overdue: int = 0  # calendar days past due (0: not overdue)
    assisting: bool = False  # the unit assists (the lead is another unit)

    @property
    def status_text(self) -> str:
        status = t(f"fu_status.{self.status}")
        return t("notice.fu_overdue", status=status, n=self.days_overdue) if self.days_overdue > 0 else status

    @property
    def item_text(self) -> str:
        return t("notice.fu_assisting", text=self.text) if self.assisting else self.text


@dataclass(frozen=True)
class NoticeData:
    unit_id: int
    unit_name: str
    issued_on: date
    reply_by: date
    number: str
    overdue: list[NoticeOverdue] = field(default_factory=list)
    follow_ups: list[NoticeFollowUp] = field(default_factory=list)
    office_phone: str = ""
    office_email: str = ""
    plan_number: str = ""
    plan_title: str = ""
    form: str = "notice"  # one of FORMS

    def as_form(self, form: str) -> "NoticeData":
        """The same lists as the other form (a 催办单 of the 督办通知单's data), with its number."""
        return replace(self, form=form, number=notice_number(self.unit_id, self.issued_on, form,
                                                             document_mark(self.plan_number)))

    def words(self, key: str, **args) -> str:
        """This form's own words (title, number, body, reply, file name)."""
        return t(f"{self.form}.{key}", **args)


def notice_number(unit_id: int, day: date, form: str, mark: str) -> str:
    """硚府检联〔2026〕督112607号 for unit 7 on 2026-11-26 (see the module docstring); `mark`: the
    district's (core.text.document_mark)."""
    return t(f"{form}.number", year=day.year, serial=f"{day.month:02d}{day.day:02d}{unit_id:02d}", mark=mark)


def build_notice(data: NoticeData) -> bytes:
    """The .docx bytes of the 督办通知单 or 催办单 for `data`."""
    doc = official_document()
    title(doc, data.words("title"))
    _paragraph(doc, data.number, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _paragraph(doc, t("notice.addressee", unit=data.unit_name))
    basis = t("notice.basis", title=data.plan_title, number=data.plan_number) if data.plan_title else ""
    _paragraph(doc, data.words("body", basis=basis, today=long_date(data.issued_on), overdue=len(data.overdue),
                      follow_ups=len(data.follow_ups)), indent=True)

    _paragraph(doc, t("notice.section_overdue", n=len(data.overdue)), font=HEADING_FONT, indent=True)
    if data.overdue:
        _table(doc, [t("notice.col.no"), t("notice.col.item"), t("notice.col.from_unit"), t("notice.col.due_on"),
                     t("notice.col.days_overdue")],
               [[str(i), r.title, r.from_unit, fmt_due(r.due_on, r.approximate), str(r.days_overdue)]
                for i, r in enumerate(data.overdue, 1)], [1.3, 7.4, 3.4, 2.8, 2.1])
    else:
        _paragraph(doc, t("notice.none"), indent=True)

    _paragraph(doc, t("notice.section_follow_ups", n=len(data.follow_ups)), font=HEADING_FONT, indent=True)
    if data.follow_ups:
        _table(doc, [t("notice.col.no"), t("notice.col.follow_up"), t("notice.col.meeting"),
                     t("notice.col.follow_up_due"), t("notice.col.status")],
               [[str(i), r.item_text, r.meeting, r.due_on.isoformat(), r.status_text]
                for i, r in enumerate(data.follow_ups, 1)],
               [1.3, 6.6, 3.8, 2.8, 2.5])
    else:
        _paragraph(doc, t("notice.none"), indent=True)

    _paragraph(doc, t("notice.section_reply"), font=HEADING_FONT, indent=True)
    _paragraph(doc, data.words("reply", reply_by=long_date(data.reply_by)), indent=True)
    contact = t("notice.contact", phone=data.office_phone or t("common.none"),
                email=data.office_email or t("common.none"))
    _paragraph(doc, contact, indent=True, space_after=24)
    _paragraph(doc, t("notice.signature"), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, long_date(data.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)

    return to_bytes(doc)


def file_name(data: NoticeData) -> str:
    return data.words("file_name", unit=data.unit_name, day=data.issued_on.isoformat())
