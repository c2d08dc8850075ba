"""Word and Excel documents built from data (no Streamlit): the weekly report (周报)."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from core.i18n import long_date, t
from core.spreadsheets import workbook_bytes
from core.text import xml_safe

BODY_FONT, TITLE_FONT = "仿宋", "方正小标宋简体"


def font(run, name: str, size: float, *, bold: bool = False, fallback: str | None = None) -> None:
    """Set a run's font, including the East Asian font Word uses for Chinese text."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = fallback or name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), fallback or name)
    fonts.set(qn("w:hAnsi"), fallback or name)


def add_text(paragraph, text: str, font_name: str, size: float, *, bold: bool = False,
             fallback: str | None = None):
    """A run of `text` in a paragraph, in the given font. Every text of a document goes through
    here: characters a Word file cannot hold (text stored before the rule) are dropped."""
    run = paragraph.add_run(xml_safe(text))
    font(run, font_name, size, bold=bold, fallback=fallback)
    return run


def _paragraph(doc, text: str, *, size: float = 14, bold: bool = False, align=None, font_name: str = BODY_FONT):
    p = doc.add_paragraph()
    add_text(p, text, font_name, size, bold=bold)
    if align is not None:
        p.alignment = align
    return p


def _table(doc, df: pd.DataFrame) -> None:
    table = doc.add_table(rows=1, cols=len(df.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, df.columns):
        cell.text = ""
        add_text(cell.paragraphs[0], str(name), BODY_FONT, 11, bold=True)
    for row in df.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = ""
            add_text(cell.paragraphs[0], "" if value is None or (isinstance(value, float) and pd.isna(value))
                     else str(value), BODY_FONT, 11)


def weekly_docx(title_range: tuple[date, date], intro: str, sections: list[tuple[str, pd.DataFrame]],
                issued_on: date) -> bytes:
    """A 周报: title, date range, a summary paragraph, then one heading and table per section."""
    doc = Document()
    _paragraph(doc, t("weekly.doc_title"), size=22, align=WD_ALIGN_PARAGRAPH.CENTER, font_name=TITLE_FONT)
    _paragraph(doc, t("weekly.doc_subtitle", start=long_date(title_range[0]), end=long_date(title_range[1])),
               size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, intro)
    for number, (heading, df) in enumerate(sections, 1):
        _paragraph(doc, f"{t('common.numerals')[number - 1]}、{heading}", size=16, bold=True, font_name="黑体")
        if df.empty:
            _paragraph(doc, t("weekly.none"))
        else:
            _table(doc, df)
    _paragraph(doc, t("weekly.doc_issuer"), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, long_date(issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def workbook(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    """One sheet per section, header row frozen, formulas neutralised."""
    return workbook_bytes(dict(sheets))
