"""催办记录: every reminder sent or tried, and whether the daily run is running (admin and office)."""
import pandas as pd
import streamlit as st

from core.clock import utcnow
from core.i18n import fmt_date, t
from db.queries.reminders import last_reminder_run, overdue_run, reminder_log
from ui.session import read
from ui.tables import escape_markdown
from ui.url_state import url_selectbox

STATUSES = ("", "sent", "failed", "pending", "unknown")

st.title(t("reminders.title"))
run = read(last_reminder_run)
if overdue_run(run, utcnow()):
    st.warning(t("reminders.job_late") if run else t("reminders.job_never"), icon=":material/schedule:")
if run and run["finished_at"]:
    st.caption(t("reminders.job_last", at=run["finished_at"].strftime("%Y-%m-%d %H:%M"),
                 outcome=escape_markdown(run["outcome"] or "")))
status = url_selectbox(t("reminders.status"), STATUSES, key="reminders.status", param="status",
                       format_func=lambda s: t(f"reminders.status.{s}") if s else t("common.all"))
log = read(reminder_log, status or None)
if log.empty:
    st.info(t("reminders.empty"))
else:
    st.dataframe(pd.DataFrame({
        t("reminders.col.at"): log["at"].map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
        t("reminders.col.day"): log["day"].map(fmt_date),
        t("reminders.col.unit"): log["unit"].fillna(""),
        t("reminders.col.recipient"): log["recipient"],
        t("reminders.col.channel"): log["channel"].map(lambda c: t(f"reminders.channel.{c}")),
        t("reminders.col.what"): [f"{t(f'reminder.entity.{e}')} · {x or ''}" for e, x in zip(log["entity"], log["title"])],
        t("reminders.col.stage"): log["stage"].map(lambda s: t(f"reminder.stage.{s}")),
        t("reminders.col.outcome"): log["status"].map(lambda s: t(f"reminders.status.{s}")),
        t("reminders.col.error"): log["error"].fillna(""),
        t("reminders.col.by"): log["username"],
    }), hide_index=True, width="stretch")
