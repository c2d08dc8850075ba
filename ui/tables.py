"""Tables shown to users: Chinese column labels, formatted dates and statuses, and downloads as
CSV and XLSX with spreadsheet formulas neutralised."""
from __future__ import annotations

import re
from datetime import date
from typing import Callable, Sequence

import pandas as pd
import streamlit as st

from core.spreadsheets import csv_bytes, workbook_bytes
from core.i18n import fmt_date, fmt_due, t
from core.kinds import KINDS
from ui import state


def present(value) -> bool:
    """True for a real value: not None, not a pandas blank (NaN/NaT), not an empty string."""
    return value is not None and value != "" and not pd.isna(value)


def kind_label(code: str | None) -> str:
    return KINDS[code].label if isinstance(code, str) and code in KINDS else t("common.none")


def status_label(code: str | None) -> str:
    """Chinese name of a lifecycle stage; blank cells (None, NaN) show as a dash."""
    return t(f"status.{code}") if isinstance(code, str) and code else t("common.none")


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>!|~$#])")  # enough to stop emphasis, links, images, HTML
# Streamlit's Markdown also turns bare text into markup: GFM autolink literals (http(s)://a,
# www.a, x@a.b) become live links, and `:name:` / `:material/name:` become emoji and icons. A
# backslash escape does not stop that (it is resolved before links are looked for), so an
# invisible WORD JOINER breaks each pattern where it could form — before the "://" of http(s),
# between "www" and ".", after an "@" followed by a dotted domain, after a ":" that opens a
# `:name:` — and the text reads unchanged. Ordinary text is left alone.
_WORD_JOINER = "\u2060"
_MARKUP_SPOTS = re.compile(r"(?i:(?<=http)|(?<=https))(?=://)"
                           r"|(?i:(?<=www))(?=\.)"
                           r"|(?<=@)(?=[-\w]+\.)"
                           r"|(?<=:)(?=[\w+/-]+:)")


def escape_markdown(value):
    """Show user text literally wherever Streamlit reads Markdown (headings, captions, alerts,
    st.table cells, labels): no emphasis, links, images, HTML, autolinks, emoji or icons."""
    if not isinstance(value, str):
        return value
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _MARKUP_SPOTS.sub(_WORD_JOINER, value))  # spots found in the raw text


def labelled_text(label_key: str, text, day: date | None = None, container=st) -> None:
    """A record's text under its bold label (with the day it was written, if given); nothing when
    the text is blank. User text is drawn as plain text, never as markdown."""
    if not present(text):
        return
    container.markdown(f"**{t(label_key)}**" + (f"({fmt_date(day)})" if day else ""))
    container.text(text)


def literal_table(df: pd.DataFrame) -> pd.DataFrame:
    return df.map(escape_markdown)


def for_display(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Keep `columns` (name -> catalog key), format dates one way (a due date marked when the frame
    says it is an estimate, column due_approximate) and map codes to labels."""
    out = df[list(columns)].copy()
    for col in out.columns:
        if col == "due_on" and "due_approximate" in df.columns:  # an estimate is marked (估)
            out[col] = [fmt_due(d if present(d) else None, bool(a)) for d, a in zip(df[col], df["due_approximate"])]
        elif col in ("kind",):
            out[col] = out[col].map(kind_label)
        elif col in ("status",):
            out[col] = out[col].map(status_label)
        elif out[col].map(lambda v: isinstance(v, date)).any():
            out[col] = out[col].map(lambda v: fmt_date(v) if isinstance(v, date) else t("common.none"))
    return out.rename(columns={c: t(k) for c, k in columns.items()})


def table_or_note(table, empty_key: str, note: Callable = st.caption, **options) -> None:
    """A section's table (a frame or its Styler), or, when it has no rows, the catalog's sentence
    saying so (a caption unless `note` says otherwise)."""
    rows = table.data if hasattr(table, "data") else table
    if rows.empty:
        note(t(empty_key))
    else:
        st.dataframe(table, hide_index=True, width="stretch", **options)


def whole_list_download(shown: pd.DataFrame, total: int, make_df: Callable[[], pd.DataFrame], file_stem: str, *,
                        key: str) -> None:
    """Under a list drawn as its first rows only: how many it holds in all when some are not drawn,
    and the downloads, which hold every row."""
    if total > len(shown):
        st.caption(t("common.first_shown", total=total, shown=len(shown)))
    if total:
        download_buttons(make_df, file_stem, key=key)


to_csv_bytes = csv_bytes


def pick_table(data: pd.DataFrame, ids: Sequence, *, key: str, on_pick: Callable[[int | None], None],
               **dataframe_args) -> None:
    """A table whose rows are chosen one at a time: a click calls `on_pick` with the id of the
    chosen row (`ids` in the order of the rows), or with None when the choice is cleared."""
    def picked() -> None:
        rows = state.selected_rows(key)
        on_pick(int(ids[rows[0]]) if rows else None)

    st.dataframe(data, hide_index=True, width="stretch", on_select=picked, selection_mode="single-row", key=key,
                 **dataframe_args)


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    return workbook_bytes({sheet: df})


def download_buttons(make_df: Callable[[], pd.DataFrame], file_stem: str, *, key: str,
                     owner_unit_ids: tuple = ()) -> None:
    """CSV and XLSX downloads, built only when clicked, for users who may export these rows
    (a liaison only rows of their own unit: pass `owner_unit_ids` when every row is one unit's)."""
    from core.permissions import can
    from ui.session import actor
    if not can(actor(), "export_data", owner_unit_ids):
        return
    c1, c2 = st.columns(2)
    c1.download_button(t("common.download_csv"), lambda: to_csv_bytes(make_df()), file_name=f"{file_stem}.csv",
                       mime="text/csv", key=f"{key}.csv", on_click="ignore", icon=":material/download:")
    c2.download_button(t("common.download_xlsx"), lambda: to_xlsx_bytes(make_df()), file_name=f"{file_stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}.xlsx", on_click="ignore", icon=":material/download:")
