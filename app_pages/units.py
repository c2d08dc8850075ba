"""成员单位: the directory of member units (leaders, current liaisons), liaison changes reported
late or never, and — with ?unit=<id> — one unit's drill-down: items sent and received, overdue
feedback, follow-ups, key tasks, supervision, its liaisons (history and change form) and the
督办通知单 download."""
import pandas as pd
import streamlit as st

from core.clock import today
from core.i18n import fmt_date, t
from db.models import Unit
from db.queries import units as q
from db.queries.common import district_words
from db.stored_values import max_length
from db.queries.supervision import supervision_list
from ui.navigation import PAGES
from ui.overview_links import CATEGORIES, category_label
from ui import state
from ui.session import actor, read
from ui.tables import download_buttons, escape_markdown, for_display, pick_table, status_label
from ui.charts import feedback_trend, show
from ui.unit_forms import aliases_form, liaison_change_form, liaison_edit_form, unit_actions
from ui.url_state import set_param, url_selectbox, url_selection, url_text

day = today()
me = actor()


def rate(value) -> str:
    return t("common.none") if value is None or pd.isna(value) else f"{value:.0%}"


def date_or_none(value) -> str:
    return fmt_date(value) if value is not None and not pd.isna(value) else t("common.none")


def back_to_directory() -> None:
    set_param("units.unit", "unit", None)
    state.clear_selection("units.directory", "units.late")


def open_unit(unit_id: int) -> None:
    set_param("units.unit", "unit", unit_id)


def report_table(df: pd.DataFrame, with_unit: bool) -> pd.DataFrame:
    columns = {"unit": "units.col.unit"} if with_unit else {}
    columns |= {"name": "liaison.name", "start_on": "liaison.start_on", "report_due": "units.col.report_due",
                "reported_on": "liaison.reported_on"}
    out = for_display(df, columns)
    out[t("liaison.reported_on")] = df["reported_on"].map(date_or_none)
    out[t("units.col.report_state")] = df["report_state"].map(lambda s: t(f"liaison.report_state.{s}"))
    out[t("units.col.days_late")] = df["days_late"].map(lambda n: int(n) if n else t("common.none"))
    return out


# -- one unit -------------------------------------------------------------------------------------

def drill_down(unit_id: int) -> None:
    unit = read(q.unit_profile, unit_id)
    if unit is None:
        st.warning(t("units.not_found"))
        st.button(t("units.back"), key="units.back", on_click=back_to_directory, icon=":material/arrow_back:")
        return
    st.button(t("units.back"), key="units.back", on_click=back_to_directory, icon=":material/arrow_back:")
    st.subheader(escape_markdown(unit["name"]), anchor=False)
    state = t("units.active") if unit["active"] else t("units.inactive")
    st.caption(f"{category_label(unit['category'])} · "
               f"{t('units.leader_line', name=escape_markdown(unit['leader_name'] or t('common.none')), title=escape_markdown(unit['leader_title'] or t('common.none')))}"
               f" · {state}")
    if unit["aliases"]:
        st.caption(t("units.aliases.line", aliases=escape_markdown("、".join(unit["aliases"]))))

    counts = read(q.unit_item_counts, unit_id)
    stats = read(q.unit_feedback_stats, unit_id, day)
    fu_counts = read(q.unit_follow_up_counts, unit_id, day)
    m = st.columns(6, border=True)
    m[0].metric(t("units.kpi.sent"), int(counts["sent"].sum()))
    m[1].metric(t("units.kpi.received"), int(counts["received"].sum()))
    m[2].metric(t("units.kpi.overdue"), stats["overdue"])
    m[3].metric(t("units.kpi.on_time_rate"), rate(stats["on_time_rate"]),
                help=t("units.kpi.on_time_help", on_time=stats["on_time"], answered=stats["answered"]))
    m[4].metric(t("units.kpi.open_follow_ups"), fu_counts["open"])
    m[5].metric(t("units.kpi.open_supervision"), read(q.unit_open_supervision, unit_id))
    unit_actions(unit, stats["overdue"], lambda: read(q.notice_data, unit_id, day))
    aliases_form(unit)

    tabs = st.tabs([t("units.tab.items"), t("units.tab.follow_ups"), t("units.tab.tasks"), t("units.tab.supervision"),
                    t("units.tab.liaisons")])
    with tabs[0]:
        items_tab(unit_id, counts)
    with tabs[1]:
        follow_ups_tab(unit_id, fu_counts)
    with tabs[2]:
        tasks_tab(unit_id)
    with tabs[3]:
        supervision_tab(unit_id)
    with tabs[4]:
        liaisons_tab(unit)


def items_tab(unit_id: int, counts: pd.DataFrame) -> None:
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**{t('units.counts')}**")
        table = pd.DataFrame({t("units.col.stage"): counts["status"].map(status_label),
                              t("units.col.sent"): counts["sent"], t("units.col.received"): counts["received"]})
        total = pd.DataFrame({t("units.col.stage"): [t("units.total")], t("units.col.sent"): [int(counts["sent"].sum())],
                              t("units.col.received"): [int(counts["received"].sum())]})
        st.dataframe(pd.concat([table, total], ignore_index=True), hide_index=True, width="stretch",
                     key="units.counts")
        st.page_link(PAGES["referrals"].script, label=t("units.open_in_referrals"), icon=":material/open_in_new:",
                     query_params={"to": str(unit_id), "period": "all"})
    with right:
        st.markdown(f"**{t('units.trend')}**")
        st.caption(t("units.trend_caption"))
        show(feedback_trend, read(q.unit_monthly_feedback, unit_id, day))
    st.markdown(f"**{t('units.overdue_list')}**")
    overdue = read(q.overdue_items, day, unit_id)
    if overdue.empty:
        st.caption(t("units.no_overdue"))
        return
    shown = for_display(overdue, {"title": "item.title", "kind": "item.kind", "from_unit": "item.from_unit",
                                  "due_on": "item.due_on"})
    shown[t("item.days_overdue")] = overdue["days_overdue"]
    st.dataframe(shown, hide_index=True, width="stretch", key="units.overdue")


def follow_ups_tab(unit_id: int, fu_counts: dict) -> None:
    fus = read(q.unit_follow_ups, unit_id, day)
    if fus.empty:
        st.caption(t("units.no_follow_ups"))
        return
    st.caption(t("units.follow_ups_caption", lead=int((fus["role"] == "lead").sum()),
                 assist=int((fus["role"] == "assist").sum()), open=fu_counts["open"], overdue=fu_counts["overdue"]))
    table = pd.DataFrame({
        t("follow_up.text"): fus["text"], t("units.col.role"): fus["role"].map(lambda r: t(f"units.role.{r}")),
        t("follow_up.lead_unit"): fus["lead_unit"], t("follow_up.meeting"): fus["meeting_title"],
        t("follow_up.due_on"): fus["due_on"].map(fmt_date),
        t("item.status"): [t("fu_status.overdue") if o else t(f"fu_status.{s}") for s, o in zip(fus["status"], fus["overdue"])],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="units.follow_ups")


def tasks_tab(unit_id: int) -> None:
    tasks = read(q.unit_tasks, unit_id, day)
    if tasks.empty:
        st.caption(t("units.no_tasks"))
        return
    table = pd.DataFrame({
        t("tasks.col.number"): tasks["number"], t("tasks.col.title"): tasks["title"],
        t("units.col.role"): tasks["role"].map(lambda r: t(f"units.role.{r}")),
        t("item.status"): tasks["status"].map(lambda s: t(f"task_status.{s}")),
        t("task.percent"): tasks["percent"],
        t("tasks.col.next_milestone"): tasks["next_milestone"].fillna(t("common.none")),
    })
    st.dataframe(table, hide_index=True, width="stretch", key="units.tasks",
                 column_config={t("task.percent"): st.column_config.ProgressColumn(format="%d%%", min_value=0,
                                                                                   max_value=100)})


def supervision_tab(unit_id: int) -> None:
    sup = read(supervision_list, day, unit_id=unit_id)
    if sup.empty:
        st.caption(t("units.no_supervision"))
        return
    table = pd.DataFrame({
        t("supervision.target_title"): sup["target_title"],
        t("supervision.target_type"): sup["target_type"].map(lambda x: t(f"supervision.target.{x}")),
        t("supervision.level"): sup["level"], t("supervision.deadline"): sup["deadline"].map(fmt_date),
        t("item.status"): [t("sup_status.escalated") if e else t(f"sup_status.{s}")
                           for s, e in zip(sup["status"], sup["escalated"])],
        t("supervision.instruction"): sup["instruction"],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="units.supervision")


def liaisons_tab(unit: dict) -> None:
    history = read(q.liaison_history, unit["id"], day)
    st.markdown(f"**{t('liaison.history')}**")
    if history.empty:
        st.caption(t("liaison.no_history"))
    else:
        table = report_table(history, with_unit=False)
        table.insert(1, t("liaison.phone"), history["phone"].fillna(t("common.none")))
        table.insert(2, t("liaison.email"), history["email"].fillna(t("common.none")))
        table.insert(4, t("liaison.end_on"), history["end_on"].map(date_or_none))
        table.insert(5, t("liaison.state"), history["current"].map(
            lambda c: t("liaison.current") if c else t("liaison.former")))
        st.dataframe(table, hide_index=True, width="stretch", key="units.history")
    st.caption(t("liaison.reported_on_help", n=q.REPORT_WORKING_DAYS))
    liaison_change_form(unit, history)
    liaison_edit_form(unit, history)


# -- the directory --------------------------------------------------------------------------------

LEADER_ROLES = {"convener": "units.members.convener", "deputy_convener": "units.members.deputy_convener"}


def mechanism_members() -> None:
    # 协调机制组成人员 as the plan's annex lists them: conveners, deputy convener, the member
    # units' leaders (the directory below), then the office.
    members = read(q.mechanism_members)
    st.subheader(t("units.members.title"), anchor=False)
    with st.container(border=True):
        left, right = st.columns(2)
        lines = [f"**{t(LEADER_ROLES[p['role']]) if p['role'] in LEADER_ROLES else escape_markdown(p['role'])}**"
                 f" {escape_markdown(p['name'])} {escape_markdown(p['title'])}" for p in members["leaders"]]
        lines.append(f"**{t('units.members.members')}** {t('units.members.units')}")
        left.markdown("  \n".join(lines))
        office = members["office"]
        if office:
            text = [f"**{t('units.members.office')}** "
                    + escape_markdown(t("units.members.office_seat", place=office.get("located_in") or t("common.none")))]
            if office.get("director"):
                text.append(f"{t('units.members.office_director')} {escape_markdown(office['director'])}")
            if office.get("members"):
                text.append(f"{t('units.members.office_members')} {escape_markdown('、'.join(office['members']))}")
            if office.get("phone") or office.get("email"):
                text.append(escape_markdown(t("units.members.office_contact", phone=office.get("phone") or t("common.none"),
                                              email=office.get("email") or t("common.none"))))
            right.markdown("  \n".join(text))


st.title(t("units.title"))
chosen = url_selection("unit")
if chosen:
    drill_down(chosen)
    st.stop()

mechanism_members()

c1, c2 = st.columns([1, 2])
category = url_selectbox(t("overview.filter.category"), CATEGORIES, key="units.category", param="category",
                         format_func=category_label, container=c1) or None
text = url_text(t("units.search"), param="q", container=c2, max_chars=max_length(Unit.name),
                placeholder=t("units.search_placeholder"))
directory = read(q.unit_directory, day, category, text)
st.caption(t("units.caption", n=len(directory), today=fmt_date(day), district=read(district_words)["district"]))
if me is not None and me.role == "liaison" and me.unit_id:
    st.button(t("units.my_unit"), key="units.my_unit", on_click=open_unit, args=(me.unit_id,),
              icon=":material/home:")

st.subheader(t("units.directory"), anchor=False)
if directory.empty:
    st.info(t("units.empty"))
else:
    shown = pd.DataFrame({
        t("units.col.unit"): directory["name"], t("units.col.category"): directory["category"].map(category_label),
        t("units.col.leader"): directory["leader_name"].fillna(t("common.none")),
        t("units.col.leader_title"): directory["leader_title"].fillna(t("common.none")),
        t("units.col.liaisons"): directory["liaisons"].replace("", t("units.no_liaison")),
        t("units.col.overdue"): directory["overdue"],
        t("units.col.active"): directory["active"].map(lambda a: t("units.active") if a else t("units.inactive")),
    })
    st.caption(t("units.directory_hint"))
    pick_table(shown, directory["unit_id"].tolist(), key="units.directory", height=min(38 + 35 * len(shown), 560),
               on_pick=lambda unit_id: unit_id and open_unit(unit_id))
    download_buttons(lambda: shown, f"units-{day.isoformat()}", key="units.download")

st.subheader(t("units.late_reports"), anchor=False)
st.caption(t("units.late_reports_caption", n=q.REPORT_WORKING_DAYS))
late = read(q.late_liaison_reports, day, category)
if late.empty:
    st.success(t("units.no_late_reports"))
else:
    late_table = report_table(late, with_unit=True)
    pick_table(late_table, late["unit_id"].tolist(), key="units.late",
               on_pick=lambda unit_id: unit_id and open_unit(unit_id))
    download_buttons(lambda: late_table, f"liaison-reports-{day.isoformat()}", key="units.late_download")
