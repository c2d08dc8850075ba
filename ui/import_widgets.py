"""Widgets of the import section: the progress bar an importer drives through its callback, and
the tables of a check (per-row problems, or what each row will do)."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from core.i18n import t
from db.imports import SPECS, RowError


def progress_bar() -> tuple[object, Callable[[str, int, int], None]]:
    """An st.progress bar and the callback (phase, done, total) that moves it."""
    bar = st.progress(0.0, text=t("import.phase.read"))

    def update(phase: str, done: int, total: int) -> None:
        fraction = min(1.0, done / total) if total else 1.0
        bar.progress(fraction, text=t(f"import.phase.{phase}", done=done, total=total))

    return bar, update


def errors_frame(errors: list[RowError]) -> pd.DataFrame:
    return pd.DataFrame({
        t("import.errors.row"): [str(e.row) if e.row is not None else t("import.errors.file") for e in errors],
        t("import.errors.column"): [e.column or t("common.none") for e in errors],
        t("import.errors.message"): [e.message for e in errors],
    })


def preview_frame(plans: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        t("import.preview.row"): [p["row"] for p in plans],
        t("import.preview.ref"): [p["ref"] for p in plans],
        t("import.preview.label"): [p["label"] for p in plans],
        t("import.preview.action"): [t(f"import.action.{p['action']}") for p in plans],
        t("import.preview.changed"): ["、".join(p["changed"]) for p in plans],
    })


def columns_frame(kind: str) -> pd.DataFrame:
    """The template's instructions: every column, whether it is required, what to write."""
    spec = SPECS[kind]
    return pd.DataFrame({
        t("import.template.col_header"): [c.label for c in spec.columns],
        t("import.template.col_required"): [t("common.yes") if c.required else "" for c in spec.columns],
        t("import.template.col_hint"): [t(c.hint) if c.hint else "" for c in spec.columns],
    })
