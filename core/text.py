"""The one rule for stored text, and the cleaning that documents need (no Streamlit, no database).

A value typed or pasted into any field, or read from an imported file, may hold invisible control
characters (BEL, NUL, vertical tab … from other systems). They are refused everywhere: Word and
Excel cannot hold them, PostgreSQL cannot store NUL. Newline, tab and carriage return are allowed
only in multi-line fields. The length limit is the field's own (its database column's).

Documents (Word, Excel, CSV) are built from stored text that may predate the rule, so their
builders drop whatever XML 1.0 cannot hold instead of failing."""
from __future__ import annotations

import re

# C0 controls, DEL, C1 controls and the two Unicode non-characters U+FFFE / U+FFFF; tab, newline
# and carriage return are matched separately (allowed in multi-line fields only).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
# What XML 1.0 cannot hold (python-docx and openpyxl refuse it; xlsxwriter escapes it oddly).
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def text_problem(value: str, *, multiline: bool, max_len: int | None) -> tuple[str, dict] | None:
    """Why `value` cannot be stored in such a field: a catalog key and its arguments, or None."""
    if _CONTROL.search(value):
        return "error.control_chars", {}
    if not multiline and _LINE_BREAKS.search(value):
        return "error.single_line", {}
    if max_len is not None and len(value) > max_len:
        return "error.too_long", {"limit": max_len}
    return None


# An e-mail address as reminders are sent to it: one @, a dotted domain, no spaces or quotes.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


def email_address(value) -> str | None:
    """The address as stored (trimmed, lower case), None when blank; ValueError when it is not
    one a reminder can be sent to."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if not text:
        return None
    if not _EMAIL.match(text) or ".." in text:
        raise ValueError(text)
    return text


def clean_text(value: str, *, multiline: bool) -> str:
    """`value` with control characters removed (line breaks kept in multi-line fields, else
    turned into spaces): what the migration does to text stored before the rule."""
    value = _CONTROL.sub("", value)
    return value if multiline else _LINE_BREAKS.sub(" ", value)


def xml_safe(value: str) -> str:
    """`value` without the characters a Word or Excel file cannot hold."""
    return _XML_INVALID.sub("", value)


def document_mark(plan_number: str) -> str:
    """The district's mark on its documents' numbers: 硚 of 硚政〔2025〕1号 (硚府检联通〔2026〕3号).
    Here, not in core.documents, so that reading it does not load python-docx."""
    return plan_number.split("〔")[0].removesuffix("政")
