"""The 通报 (period bulletin) and the yearly 府检联动工作情况报告 to the 联席会议 as Word documents
(python-docx, no Streamlit). Both are one builder, `build_report`: the two differ only in their
words — title, 文号 (the 通报 has one, the report has none), addressee, opening paragraph and
section headings — which ui/bulletin.py takes from the catalog (bulletin.doc.* and
bulletin.annual.*), over the same figures and tables.

The form is that of a government 通报 (GB/T 9704): title, 文号, addressee, an opening paragraph
with the summary figures, sections 一、二、三… (黑体) each with its text and tables, then the 落款
of the office and the date, right-aligned. Layout and fonts: core/documents_layout.py — every run
names its East Asian font; the title's 方正小标宋简体 falls back to 宋体 and the body fonts (仿宋,
黑体) are on every Chinese Windows, each listed in the font table with its substitute, so the
document renders on a machine without the 方正 fonts (see that module's docstring)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from core.i18n import long_date, t


@dataclass(frozen=True)
class DocTable:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    left: tuple[int, ...] = (0,)  # columns of text, left-aligned (numbers and dates are centred)


@dataclass(frozen=True)
class DocSection:
    heading: str  # numbered 一、二、… by the builder
    blocks: Sequence[str | DocTable] = field(default_factory=tuple)  # paragraphs and tables in order
    empty: str = ""  # said instead of a table that has no rows


@dataclass(frozen=True)
class Report:
    title: str
    issued_on: date
    signature: str
    intro: str
    sections: Sequence[DocSection]
    number: str | None = None  # the 文号 line; None: the document has none
    addressee: str | None = None


def build_report(report: Report) -> bytes:
    """The .docx bytes of a 通报 or 工作情况报告."""
    # python-docx is loaded here, when a document is made, not with the pages that show the figures
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from core.documents_layout import HEADING_FONT, official_document, paragraph, table, title, to_bytes
    doc = official_document()
    title(doc, report.title)
    if report.number is not None:
        paragraph(doc, report.number, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    if report.addressee:
        paragraph(doc, report.addressee)
    paragraph(doc, report.intro, indent=True)
    numerals = t("common.numerals")
    for number, section in enumerate(report.sections):
        paragraph(doc, f"{numerals[number]}、{section.heading}", font=HEADING_FONT, indent=True)
        for block in section.blocks:
            if isinstance(block, DocTable):
                if block.rows:
                    table(doc, block.headers, block.rows, left=block.left)
                elif section.empty:
                    paragraph(doc, section.empty, indent=True)
            else:
                paragraph(doc, block, indent=True)
    paragraph(doc, space_after=24)
    paragraph(doc, report.signature, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(doc, long_date(report.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(doc)
