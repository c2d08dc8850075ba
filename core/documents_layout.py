"""The layout of an official document (公文) on A4, shared by the 督办通知单 / 催办单
(core/documents_notice.py) and the 通报 / 年度工作情况报告 (core/documents_bulletin.py): GB/T 9704
margins, the title in 方正小标宋简体 二号 (22 pt), body in 仿宋 三号 (16 pt) on a 28 pt line,
headings in 黑体, tables in 仿宋 小四 (12 pt) with their header row repeated on every page.

Fonts on a machine that lacks them. Every run names its East Asian font (w:eastAsia), so Word never
sets Chinese text in a Latin font. The body and heading fonts are the ones every Chinese Windows
has (仿宋, 黑体, 宋体). The title keeps the 方正小标宋简体 the form asks for, which many machines
lack; so its runs name 宋体 as their Latin font, and the document's font table lists every font
with w:altName (方正小标宋简体 → 宋体; 仿宋 → FangSong, 黑体 → SimHei, 宋体 → SimSun, the names
an English-language system knows them by), the GB2312 character set and the PANOSE class of a Song
or sans face: Word substitutes by these, so the title comes out in 宋体 rather than in a Latin
font, and the body in the same face under its other name. The Normal style declares Chinese
(w:lang eastAsia zh-CN), from which LibreOffice picks an installed CJK font for any of them."""
from __future__ import annotations

import io
from typing import Iterable, Sequence

from docx import Document
from lxml import etree
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.documents import add_text

TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋", "黑体"
TITLE_FALLBACK = "宋体"
TITLE_PT, BODY_PT, TABLE_PT = 22, 16, 12
LINE_PT = 28

# font -> (altName, PANOSE-1, family, pitch) as the font table lists it
FONT_TABLE = {
    TITLE_FONT: (TITLE_FALLBACK, "02010600030101010101", "auto", "variable"),
    TITLE_FALLBACK: ("SimSun", "02010600030101010101", "auto", "variable"),
    BODY_FONT: ("FangSong", "02010609060101010101", "modern", "fixed"),
    HEADING_FONT: ("SimHei", "02010609060101010101", "modern", "fixed"),
}
GB2312_CHARSET = "86"


def _declare_fonts(doc) -> None:
    """Add the fonts of FONT_TABLE, with their substitutes, to the document's font table."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    fonts = parse_xml(part.blob)
    for element in fonts.findall(qn("w:font")):
        if element.get(qn("w:name")) in FONT_TABLE:
            fonts.remove(element)
    for name, (alt, panose, family, pitch) in FONT_TABLE.items():
        element = OxmlElement("w:font")
        element.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", GB2312_CHARSET),
                           ("w:family", family), ("w:pitch", pitch)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            element.append(child)
        fonts.append(element)
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def official_document():
    """A new A4 document with GB/T 9704 margins, 仿宋 三号 as its Normal text and the font table
    of the module docstring."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    _declare_fonts(doc)
    return doc


def paragraph(doc, text: str = "", *, font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
              align=None, indent: bool = False, space_after: float = 0):
    """A paragraph on the 28 pt line of the form; `indent`: two characters in."""
    p = doc.add_paragraph()
    if text:
        add_text(p, text, font, size, bold=bold)
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    fmt.line_spacing = Pt(LINE_PT)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    return p


def title(doc, text: str):
    """The document's title, centred, in the title font (宋体 where it is missing)."""
    p = paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    add_text(p, text, TITLE_FONT, TITLE_PT, fallback=TITLE_FALLBACK)
    p.paragraph_format.line_spacing = Pt(40)
    return p


def repeat_header(row) -> None:
    """Print the header row again on every page the table runs over."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def table(doc, headers: Sequence[str], rows: Iterable[Sequence[str]], widths_cm: Sequence[float] | None = None,
          *, left: Iterable[int] = (1,)) -> None:
    """A bordered table: the header row in 黑体, the cells in 仿宋, centred except the columns
    `left` (a row's own text reads left-aligned; numbers and dates are centred)."""
    left = set(left)
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    repeat_header(grid.rows[0])
    for cell, text in zip(grid.rows[0].cells, headers):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_text(p, text, HEADING_FONT, TABLE_PT)
    for values in rows:
        cells = grid.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values)):
            p = cell.paragraphs[0]
            if i not in left:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_text(p, text, BODY_FONT, TABLE_PT)
    if widths_cm:
        for row in grid.rows:
            for cell, width in zip(row.cells, widths_cm):
                cell.width = Cm(width)


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
