"""会议与议定事项: meetings by kind and period, one meeting with its decisions, the follow-up
tracker across all meetings with per-unit completion, and the new-meeting form."""
import pandas as pd
import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from core.kinds import MEETING_KINDS
from core.lifecycles import FOLLOW_UP_STATUSES
from core.permissions import can
from db.queries import meetings as q
from db.queries.common import units
from db.queries.overview import PERIODS
from ui.charts import follow_ups_by_unit, show
from ui.follow_up_actions import render_follow_up
from ui.meeting_form import meeting_form, new_meeting_form
from ui.session import actor, read
from ui.tables import download_buttons, escape_markdown, pick_table
from ui.url_state import (set_param, url_checkbox, url_int, url_multiselect, url_segmented, url_selectbox,
                          url_selection, url_text)

day = today()
st.title(t("meetings.title"))
if can(actor(), "edit_records"):
    with st.expander(t("meeting.new"), icon=":material/add:"):
        new_meeting_form()

view = url_segmented(t("meetings.view"), ("meetings", "tracker"), key="meetings.view", param="view",
                     format_func=lambda v: t(f"meetings.view.{v}"))
unit_rows = read(units)
names = {u["id"]: u["name"] for u in unit_rows}
kinds = [""] + list(MEETING_KINDS)


def kind_label(k):
    return MEETING_KINDS.get(k, t("common.all")) if k else t("common.all")


def follow_up_table(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("follow_up.text"): df["text"], t("follow_up.lead_unit"): df["lead_unit"],
        t("follow_up.assisting_units"): df["assisting_units"], t("follow_up.due_on"): df["due_on"].map(fmt_date),
        t("item.status"): [t("fu_status.overdue") if o else t(f"fu_status.{s}") for s, o in zip(df["status"], df["overdue"])],
        t("follow_up.days"): [t("common.none") if d is None or pd.isna(d) else
                              (t("item.overdue_by", n=-int(d)) if d < 0 else t("item.due_in", n=int(d)))
                              for d in df["days_left"]],
        t("follow_up.latest_note"): df["latest_note"].fillna(""),
        t("follow_up.meeting"): df["meeting_title"],
    })


def selectable(df: pd.DataFrame, table: pd.DataFrame, key: str, state_key: str, param: str) -> None:
    pick_table(table, df["id"].tolist(), key=key, on_pick=lambda chosen: set_param(state_key, param, chosen or 0))


if view == "meetings":
    c1, c2 = st.columns(2)
    kind = url_selectbox(t("meeting.kind"), kinds, key="meetings.kind", param="kind", format_func=kind_label,
                         container=c1)
    period = url_selectbox(t("overview.filter.period"), PERIODS, key="meetings.period", param="period",
                           format_func=lambda p: t(f"overview.period.{p}"), container=c2)
    meetings = read(q.meeting_list, day, kind or None, period)
    if meetings.empty:
        st.info(t("meetings.empty"))
        st.stop()
    table = pd.DataFrame({
        t("meeting.held_on"): meetings["held_on"].map(fmt_date), t("meeting.kind"): meetings["kind"].map(MEETING_KINDS.get),
        t("meeting.title"): meetings["title"], t("meeting.convened_by"): meetings["convened_by"].fillna(""),
        t("meeting.place"): meetings["place"].fillna(""), t("meetings.col.units"): meetings["units"],
        t("meetings.col.follow_ups"): meetings["follow_ups"], t("meetings.col.done"): meetings["done"],
        t("meetings.col.overdue"): meetings["overdue"]})
    selectable(meetings, table, "meetings.list", "meetings.meeting", "meeting")
    download_buttons(lambda: table, f"meetings-{day.isoformat()}", key="meetings.download")
    meeting_id = url_selection("meeting")
    detail = read(q.meeting_detail, int(meeting_id)) if meeting_id else None
    if detail:
        st.divider()
        st.subheader(escape_markdown(detail["title"]), anchor=False)
        st.caption(f"{MEETING_KINDS[detail['kind']]} · {fmt_date(detail['held_on'])} · "
                   f"{escape_markdown(detail['place'] or '')} · {escape_markdown(detail['convened_by'] or '')}")
        st.markdown(f"**{t('meeting.attending_units')}**")
        st.text("、".join(detail["attending_units"]) or t("common.none"))
        for field in ("topics", "minutes_summary"):
            st.markdown(f"**{t(f'meeting.{field}')}**")
            st.text(detail[field] or t("common.none"))
        decisions = read(q.follow_up_list, q.FollowUpFilter(meeting_id=int(meeting_id)), day)
        st.markdown(f"**{t('meeting.follow_ups')}**")
        st.dataframe(follow_up_table(decisions), hide_index=True, width="stretch")
        if can(actor(), "edit_records"):
            with st.expander(t("meeting.edit"), icon=":material/edit:"):
                meeting_form(detail)
    else:
        st.caption(t("meetings.choose_hint"))
else:
    with st.expander(t("filters.title"), expanded=True, icon=":material/filter_list:"):
        c1, c2, c3, c4 = st.columns(4)
        unit_id = url_selectbox(t("follow_up.unit_filter"), [None] + list(names), key="tracker.unit", param="unit",
                                format_func=lambda u: names.get(u, t("common.all")), container=c1)
        statuses = url_multiselect(t("item.status"), FOLLOW_UP_STATUSES, key="tracker.status", param="status",
                                   format_func=lambda s: t(f"fu_status.{s}"), container=c2, placeholder=t("common.all"))
        kind = url_selectbox(t("meeting.kind"), kinds, key="tracker.kind", param="kind", format_func=kind_label,
                             container=c3)
        period = url_selectbox(t("overview.filter.period"), PERIODS, key="tracker.period", param="period",
                               default="all", format_func=lambda p: t(f"overview.period.{p}"), container=c4)
        c5, c6, c7 = st.columns([3, 1, 1])
        text = url_text(t("filters.text"), param="q", container=c5)
        overdue = url_checkbox(t("filters.overdue_only"), param="overdue", container=c6)
        due_within = url_int(t("filters.due_within"), key="tracker.due_within", param="due_within", default=0,
                             max_value=365, container=c7)
    f = q.FollowUpFilter(unit_id=unit_id, statuses=tuple(statuses), overdue_only=overdue,
                         due_within=due_within or None, meeting_kind=kind or None, period=period, text=text)
    rows = read(q.follow_up_list, f, day)
    m = st.columns(3, border=True)
    m[0].metric(t("tracker.kpi.open"), int(rows["status"].isin(("open", "in_progress")).sum()))
    m[1].metric(t("tracker.kpi.overdue"), int(rows["overdue"].sum()))
    m[2].metric(t("tracker.kpi.done"), int((rows["status"] == "done").sum()))
    if rows.empty:
        st.info(t("tracker.empty"))
    else:
        table = follow_up_table(rows)
        selectable(rows, table, "tracker.list", "tracker.follow_up", "fu")
        download_buttons(lambda: table, f"follow-ups-{day.isoformat()}", key="tracker.download")
        chosen = url_selection("fu")
        match = rows[rows["id"] == chosen]
        if chosen and not match.empty:
            st.divider()
            render_follow_up(match.iloc[0].to_dict())
        else:
            st.caption(t("tracker.choose_hint"))
    rates = read(q.follow_up_unit_rates, f, day)
    if not rates.empty:
        st.subheader(t("tracker.by_unit"))
        left, right = st.columns([3, 2])
        show(follow_ups_by_unit, rates, container=left)
        right.dataframe(pd.DataFrame({
            t("overview.col.unit"): rates["unit"], t("tracker.col.total"): rates["total"],
            t("tracker.col.completion"): rates["completion_rate"].map(lambda r: f"{r:.0%}"),
            t("tracker.col.on_time"): rates["on_time_rate"].map(lambda r: t("common.none") if r is None or pd.isna(r) else f"{r:.0%}"),
        }), hide_index=True, width="stretch")
