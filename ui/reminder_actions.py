"""催办 by hand, the same from every page that offers it (the office's 待办, a unit's page): run
RemindUnit, then send what it claimed by the unit's channels and say how it went."""
from __future__ import annotations

import streamlit as st

from core.i18n import t
from core.permissions import can
from db.commands.reminders import RemindUnit
from ui.session import actor, engine, run_command, saved


def may_remind() -> bool:
    return can(actor(), RemindUnit.permission)


def remind(unit_id: int, item_ids: list[int] | None = None) -> None:
    """Remind the unit of these items (None: all its overdue ones)."""
    from jobs.remind import send_claimed  # sends by e-mail / robot: only on the click
    command = RemindUnit(actor(), unit_id=unit_id, item_ids=item_ids)
    if not run_command(command):
        return
    if not command.claimed:
        st.info(t("remind.already_today"))
        return
    report = send_claimed(engine(), command)
    if report.sent and not report.failed:
        saved(None, t("todo.reminded", n=report.sent))
    st.warning(t("todo.remind_failed"))
