"""管理: accounts — create, set role and unit, reset password, deactivate — and the settings (admin
only): each item kind's feedback deadline (override or reset to default), the year's statutory
holidays and make-up working days, and the thresholds and group robots of 待办 and the reminders
(ui/reminder_settings.py). A city admin manages the accounts of the district chosen in the
sidebar, and the deadlines and holidays of the city layer, which hold in every district that has
not set its own (db/districts.py).

Widget keys — accounts: admin.create.*, admin.edit.user_id, admin.edit.<user id>.*;
deadline rules: settings.rule.kind (which kind), settings.rule.<kind>.amount / .unit (the form
settings.rule.<kind>, buttons "save" and "reset"); holidays: settings.holiday.year,
settings.holiday.add.day / .kind / .note (form settings.holiday.add), settings.holiday.delete.day
(form settings.holiday.delete)."""
from datetime import date
from typing import Callable

import pandas as pd
import streamlit as st

from core.clock import today
from core.deadlines import UNITS
from core.i18n import t
from core.kinds import KINDS, UNIT_LABELS, describe_rule, with_override
from core.permissions import CITY_ROLES, ROLES, can
from db.commands.settings import (ENTRY_KINDS, WORKDAY, AddHolidayEntry, DeleteHolidayEntry, ResetDeadlineRule,
                                  SaveDeadlineRule)
from db.commands.districts import PLAN_FILE_MAX_BYTES, AddDistrict
from db.commands.users import CreateUser, ResetPassword, UpdateUser
from db.queries.city import district_list
from db.queries.common import units
from db.queries.settings import calendar_coverage, deadline_rules, holiday_entries, holiday_years
from db.queries.users import list_city_users, list_users
from db.stored_values import FIRST_DAY, LAST_DAY
from ui import state
from ui.fields import draw, form_fields
from ui.holiday_notice import notice_section
from ui.reminder_settings import reminder_settings_section, thresholds_section
from ui.session import FieldErrors, actor, read, read_city, read_settings, run_command, saved
from ui.tables import escape_markdown

TAB = "tab"  # the open tab's query parameter
ROLE, UNIT = ("admin.role", "select"), ("admin.unit", "select")
EMAIL = ("admin.email", "text", {"help_key": "admin.email_help"})
CREATE_FIELDS = form_fields(CreateUser, username=("admin.username", "text"), display_name=("admin.display_name", "text"),
                            email=EMAIL, password=("admin.password", "password"), role=ROLE, unit_id=UNIT)
EDIT_FIELDS = form_fields(UpdateUser, display_name=("admin.display_name", "text"), email=EMAIL, role=ROLE,
                          unit_id=UNIT, active=("admin.active", "checkbox"))
RESET_FIELDS = form_fields(ResetPassword, new_password=("admin.new_password", "password"))
DISTRICT_FIELDS = form_fields(AddDistrict, code=("district.code", "text", {"help_key": "district.code_help"}),
                              name=("district.name", "text"))
HOLIDAY_FIELDS = form_fields(AddHolidayEntry, day=("settings.holidays.day", "date"),
                             kind=("settings.holidays.kind", "select"), note=("settings.holidays.note", "text"))

me = actor()
CITY_LAYER = can(me, "manage_city_settings")  # a city admin's settings are the city layer's
unit_rows = read(units)
unit_names = {u["id"]: u["name"] for u in unit_rows}
unit_options = [None] + [u["id"] for u in unit_rows]


def unit_label(unit_id):
    return unit_names.get(unit_id, t("admin.no_unit")) if unit_id else t("admin.no_unit")


def role_label(role: str) -> str:
    return t(f"role.{role}")


def status_label(row) -> str:
    if not row["active"]:
        return t("admin.status_inactive")
    return t("admin.status_locked") if row["locked"] else t("admin.status_active")


def accounts_section(city: bool = False) -> None:
    """The district's accounts, or (city: a city admin's) the city accounts, which belong to no
    district and have no unit."""
    users = read_city(list_city_users) if city else read(list_users)
    roles = CITY_ROLES if city else ROLES
    form_prefix = "admin.city" if city else "admin"
    table = users.assign(role=users["role"].map(lambda r: t(f"role.{r}")),
                         unit=users["unit"].fillna(t("common.none")), email=users["email"].fillna(""),
                         status=[status_label(r) for _, r in users.iterrows()])
    st.caption(t("admin.user_count", n=len(users)))
    shown = ["username", "display_name", "role", "email", "status"] if city else \
        ["username", "display_name", "role", "unit", "email", "status"]
    st.dataframe(table[shown].rename(columns={
        "username": t("admin.username"), "display_name": t("admin.display_name"), "role": t("admin.role"),
        "email": t("admin.email"),
        "unit": t("admin.unit"), "status": t("admin.status")}), hide_index=True, width="stretch")

    create_tab, edit_tab = st.tabs([t("admin.create_user"), t("admin.edit_user")])

    with create_tab, st.form(f"{form_prefix}.create", clear_on_submit=False):
        form = f"{form_prefix}.create"
        errs = FieldErrors(form)
        data: dict = {}
        draw(CREATE_FIELDS["username"], form, errs, into=data)
        draw(CREATE_FIELDS["display_name"], form, errs, into=data)
        draw(CREATE_FIELDS["email"], form, errs, into=data)
        draw(CREATE_FIELDS["password"], form, errs, into=data)
        draw(CREATE_FIELDS["role"], form, errs, into=data, options=roles, format_func=role_label)
        if city:
            data["unit_id"] = None
        else:
            draw(CREATE_FIELDS["unit_id"], form, errs, into=data, options=unit_options, format_func=unit_label)
        if st.form_submit_button(t("admin.create"), type="primary"):
            if run_command(CreateUser(me, **data), form_key=form, across=city):
                saved(form, t("admin.created", username=escape_markdown(data["username"].strip())))
        errs.show()

    with edit_tab:
        if users.empty:
            return
        chosen = st.selectbox(t("admin.select_user"), users["id"].tolist(), key=f"{form_prefix}.edit.user_id",
                              format_func=lambda i: f"{users.set_index('id').at[i, 'username']} · "
                                                    f"{users.set_index('id').at[i, 'display_name']}")
        row = users.set_index("id").loc[chosen]
        form = f"{form_prefix}.edit.{chosen}"
        errs = FieldErrors(form)
        version = state.edit_version(form, row["version"])  # the version this edit started from
        with st.form(form):
            data: dict = {"user_id": int(chosen), "version": version}
            draw(EDIT_FIELDS["display_name"], form, errs, into=data, value=row["display_name"])
            draw(EDIT_FIELDS["email"], form, errs, into=data, value=row["email"] if isinstance(row["email"], str) else "")
            draw(EDIT_FIELDS["role"], form, errs, into=data, options=roles, index=roles.index(row["role"]),
                 format_func=role_label)
            current_unit = None if row["unit_id"] is None or row["unit_id"] != row["unit_id"] else int(row["unit_id"])
            if city:
                data["unit_id"] = None
            else:
                draw(EDIT_FIELDS["unit_id"], form, errs, into=data, options=unit_options,
                     index=unit_options.index(current_unit), format_func=unit_label)
            draw(EDIT_FIELDS["active"], form, errs, into=data, value=bool(row["active"]))
            if st.form_submit_button(t("admin.save"), type="primary"):
                if run_command(UpdateUser(me, **data), form_key=form, across=city):
                    saved(form, t("admin.saved", username=escape_markdown(row["username"])))
            errs.show()
        reset_errs = FieldErrors(f"{form}.reset")
        with st.form(f"{form}.reset", clear_on_submit=True):
            st.markdown(f"**{t('admin.reset_password')}**")
            new_password = draw(RESET_FIELDS["new_password"], form, reset_errs)
            if st.form_submit_button(t("admin.reset")):
                if run_command(ResetPassword(me, user_id=int(chosen), version=None, new_password=new_password),
                               form_key=f"{form}.reset", across=city):
                    saved(f"{form}.reset", t("admin.reset_done", username=escape_markdown(row["username"])))
            reset_errs.show()


def unit_text(unit: str) -> str:
    return UNIT_LABELS[unit]


def override_text(amount, unit, configurable: bool) -> str:
    if amount is not None:
        return f"{amount}{unit_text(unit)}"
    return t("settings.rules.no_override") if configurable else t("common.none")


def rules_section() -> None:
    st.subheader(t("settings.rules.title"))
    st.caption(t("settings.rules.caption"))
    if CITY_LAYER:
        st.info(t("settings.city_layer.rules"), icon=":material/location_city:")
    rules = read_settings(deadline_rules, city_layer=CITY_LAYER)
    by_kind = {r["kind"]: r for r in rules}
    none = t("common.none")
    columns = {
        t("settings.rules.col.kind"): [r["label"] for r in rules],
        t("settings.rules.col.mechanism"): [r["mechanism"] for r in rules],
        t("settings.rules.col.default"): [r["default_text"] for r in rules]}
    city_set = any(r["city_amount"] is not None for r in rules)
    if city_set:  # the city layer has set some: shown beside the district's own
        columns[t("settings.rules.col.city")] = [override_text(r["city_amount"], r["city_unit"], r["configurable"])
                                                 for r in rules]
    own = "settings.rules.col.city" if CITY_LAYER else "settings.rules.col.own" if city_set else "settings.rules.col.override"
    columns[t(own)] = [
        override_text(r["override_amount"], r["override_unit"], r["configurable"]) for r in rules]
    columns |= {
        t("settings.rules.col.effective"): [r["effective_text"] for r in rules],
        t("settings.rules.col.urgent"): [r["urgent_text"] or none for r in rules],
        t("settings.rules.col.basis"): [r["basis"] for r in rules]}
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch", key="settings.rules.table",
                 height=38 + 35 * len(rules))

    state.keep_choice(state.RULE_KIND, list(by_kind), next((r["kind"] for r in rules if r["configurable"]), None))
    kind = st.selectbox(t("settings.rules.select"), list(by_kind), key=state.RULE_KIND,
                        format_func=lambda k: f"{by_kind[k]['mechanism']} {by_kind[k]['label']}")
    rule = by_kind[kind]
    st.caption(t("settings.rules.current", default=rule["default_text"], effective=rule["effective_text"]))
    st.caption(t("settings.rules.basis", basis=rule["basis"]))
    if not rule["configurable"]:
        reason = "no_feedback" if not rule["needs_feedback"] else "agreed"
        st.info(t("settings.rules.not_configurable", label=rule["label"], reason=t(f"settings.rules.reason.{reason}")))
        return
    urgent_help = None
    if rule["urgent_text"]:
        urgent_help = t("settings.rules.urgent_note", label=rule["label"], rule=rule["urgent_text"],
                        basis=rule["urgent_basis"])
        st.info(urgent_help, icon=":material/gavel:")

    form = f"settings.rule.{kind}"
    version = state.edit_version(form, rule["version"])  # the override the user started from (0: none)
    amount_now = rule["override_amount"] if rule["override_amount"] is not None else rule["default_amount"]
    unit_now = rule["override_unit"] or rule["default_unit"]
    errs = FieldErrors(form)
    with st.form(form):
        c1, c2 = st.columns(2)
        with c1:
            amount = st.number_input(t("settings.rules.amount"), value=int(amount_now), step=1, format="%d",
                                     key=f"{form}.amount",
                                     help=t("settings.rules.amount_help") + (f" {urgent_help}" if urgent_help else ""))
            errs.slot("amount")
        with c2:
            unit = st.selectbox(t("settings.rules.unit"), UNITS, index=UNITS.index(unit_now), key=f"{form}.unit",
                                format_func=unit_text)
            errs.slot("unit")
        errs.slot("kind")
        b1, b2, _ = st.columns([1, 1, 3])
        save = b1.form_submit_button(t("settings.rules.save"), type="primary", key=f"{form}.save")
        reset = b2.form_submit_button(t("settings.rules.reset"), key=f"{form}.reset",
                                      disabled=rule["override_amount"] is None)
        if save:
            new_rule = with_override(KINDS[kind].rule, amount, unit)
            if run_command(SaveDeadlineRule(me, kind=kind, amount=amount, unit=unit, version=version), form_key=form,
                           city_layer=CITY_LAYER):
                # the fields start again from the stored values
                saved(form, t("settings.rules.saved", label=rule["label"],
                              rule=describe_rule(new_rule) if unit in UNITS else ""), clear=("amount", "unit"))
        elif reset:
            if run_command(ResetDeadlineRule(me, kind=kind, version=version), form_key=form, city_layer=CITY_LAYER):
                saved(form, t("settings.rules.reset_done", label=rule["label"], rule=rule["default_text"]),
                      clear=("amount", "unit"))
        errs.show()


def entry_kind_label(kind: str) -> str:
    return t(f"settings.holiday.kind.{kind}")


def weekday_label(day: date) -> str:
    return t("settings.holidays.weekday", d=t("settings.holidays.weekdays")[day.weekday()])


def holidays_section() -> None:
    st.subheader(t("settings.holidays.title"))
    st.caption(t("settings.holidays.precedence"))
    if CITY_LAYER:
        st.info(t("settings.city_layer.holidays"), icon=":material/location_city:")
    this_year = today().year
    years = sorted(set(range(this_year - 1, this_year + 3)) | set(read_settings(holiday_years, city_layer=CITY_LAYER)))
    goto = state.take(state.HOLIDAY_GOTO_YEAR)  # the year of an entry just added
    if goto in years:
        state.put(state.HOLIDAY_YEAR, goto)
    state.keep_choice(state.HOLIDAY_YEAR, years, this_year)
    next_year = read_settings(calendar_coverage, this_year + 1, city_layer=CITY_LAYER)
    notice_section(expanded=not (next_year["packaged"] or next_year["entries"]), city_layer=CITY_LAYER)
    year_col, _ = st.columns([1, 3])
    year = year_col.selectbox(t("settings.holidays.year"), years, key=state.HOLIDAY_YEAR)

    cov = read_settings(calendar_coverage, year, city_layer=CITY_LAYER)
    span = dict(year=year, first=cov["packaged_first"], last=cov["packaged_last"])
    if cov["packaged"]:
        st.info(t("settings.holidays.packaged", **span), icon=":material/event_available:")
    elif cov["entries"]:
        st.info(t("settings.holidays.admin_only", holidays=cov["holidays"], workdays=cov["workdays"], **span),
                icon=":material/edit_calendar:")
    else:
        st.warning(t("settings.holidays.uncovered", **span), icon=":material/warning:")

    entries = read_settings(holiday_entries, year, city_layer=CITY_LAYER)
    if entries:
        st.caption(t("settings.holidays.count", year=year, n=len(entries)))
        columns = {
            t("settings.holidays.col.day"): [e["day"].isoformat() for e in entries],
            t("settings.holidays.col.weekday"): [weekday_label(e["day"]) for e in entries],
            t("settings.holidays.col.kind"): [entry_kind_label(WORKDAY if e["is_workday"] else "holiday")
                                              for e in entries],
            t("settings.holidays.col.note"): [e["note"] or t("common.none") for e in entries]}
        if any(e["city"] for e in entries):  # the city layer's entries, which the district's own override
            columns[t("settings.holidays.col.source")] = [t("settings.holidays.source.city" if e["city"]
                                                            else "settings.holidays.source.own") for e in entries]
        st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch", key="settings.holiday.table")
    else:
        st.caption(t("settings.holidays.empty", year=year))

    add_col, delete_col = st.columns(2)
    with add_col:
        form = "settings.holiday.add"
        errs = FieldErrors(form)
        st.markdown(f"**{t('settings.holidays.add')}**")
        with st.form(form):
            data: dict = {}
            day = draw(HOLIDAY_FIELDS["day"], form, errs, into=data, value=None, min_value=FIRST_DAY, max_value=LAST_DAY)
            kind = draw(HOLIDAY_FIELDS["kind"], form, errs, into=data, options=ENTRY_KINDS, format_func=entry_kind_label)
            draw(HOLIDAY_FIELDS["note"], form, errs, into=data)
            if st.form_submit_button(t("settings.holidays.submit"), type="primary"):
                if run_command(AddHolidayEntry(me, **data), form_key=form, city_layer=CITY_LAYER):
                    state.put(state.HOLIDAY_GOTO_YEAR, day.year)
                    saved(form, t("settings.holidays.added", day=day.isoformat(), kind=entry_kind_label(kind)),
                          clear=("day", "note"))  # the kind chosen stays for the next entry
            errs.show()
    with delete_col:
        form = "settings.holiday.delete"
        st.markdown(f"**{t('settings.holidays.delete')}**")
        entries = [e for e in entries if not e["city"]]  # the city layer's are the city admin's
        if not entries:
            st.caption(t("settings.holidays.nothing_to_delete"))
            return
        errs = FieldErrors(form)
        by_day = {e["day"]: e for e in entries}
        with st.form(form):
            day = st.selectbox(t("settings.holidays.delete_select"), list(by_day), key=f"{form}.day",
                               format_func=lambda d: f"{d.isoformat()} {weekday_label(d)} · "
                                                     f"{entry_kind_label(WORKDAY if by_day[d]['is_workday'] else 'holiday')}")
            errs.slot("day")
            if st.form_submit_button(t("settings.holidays.delete_submit")):
                if run_command(DeleteHolidayEntry(me, day=day), form_key=form, city_layer=CITY_LAYER):
                    saved(form, t("settings.holidays.deleted", day=day.isoformat()))
            errs.show()


def districts_section() -> None:
    """The districts, and a new one with its plan (a city admin's)."""
    listed = read_city(district_list)
    st.subheader(t("district.list.title"))
    st.caption(t("district.list.caption", n=len(listed)))
    st.dataframe(pd.DataFrame({
        t("district.col.name"): listed["name"], t("district.col.code"): listed["code"],
        t("district.col.units"): listed["units"], t("district.col.users"): listed["users"],
        t("district.col.created_on"): [d.isoformat() for d in listed["created_on"]],
    }), hide_index=True, width="stretch", key="district.table")
    form = "district.create"
    errs = FieldErrors(form)
    st.markdown(f"**{t('district.create.title')}**")
    with st.form(form):
        data: dict = {}
        draw(DISTRICT_FIELDS["code"], form, errs, into=data)
        draw(DISTRICT_FIELDS["name"], form, errs, into=data)
        files = st.file_uploader(t("district.plan_files"), type=["csv", "json"], accept_multiple_files=True,
                                 key=f"{form}.plan_files", help=t("district.plan_files_help"),
                                 max_upload_size=max(1, PLAN_FILE_MAX_BYTES // 1_000_000))
        errs.slot("plan_files")
        if st.form_submit_button(t("district.create.submit"), type="primary"):
            command = AddDistrict(me, **data, plan_files={f.name: f.getvalue() for f in files or []})
            if run_command(command, form_key=form, across=True):
                saved(form, t("district.create.done", name=escape_markdown(data["name"].strip()), n=command.loaded),
                      clear=True)
        errs.show()


def draw_tabs(sections: dict[str, Callable[[], None]]) -> None:
    """The sections as tabs, of which only the open one is drawn: a click on another reruns the
    page, which then draws that one. The open tab is in the address (?tab=…), so a reload or a
    link keeps it. The forms of a tab left start again from their records when it is opened again."""
    state.bound_to_url(TAB)
    tabs = st.tabs(list(sections), key=TAB, bind="query-params",
                   on_change=lambda: state.forget_edit_versions("admin.", "settings.", "district."))
    for tab, section in zip(tabs, sections.values()):
        if tab.open:
            with tab:
                section()


st.title(t("page.admin"))
if can(me, "manage_settings"):
    draw_tabs({t("settings.tab.accounts"): accounts_section, t("settings.tab.rules"): rules_section,
               t("settings.tab.holidays"): holidays_section, t("settings.tab.reminders"): reminder_settings_section})
elif CITY_LAYER:  # a city admin: the chosen district's accounts, and the city layer's settings
    draw_tabs({t("settings.tab.districts"): districts_section, t("settings.tab.accounts"): accounts_section,
               t("settings.tab.city_accounts"): lambda: accounts_section(city=True),
               t("settings.tab.city_rules"): rules_section, t("settings.tab.city_holidays"): holidays_section,
               t("settings.tab.city_todo"): lambda: thresholds_section(city_layer=True)})
else:
    accounts_section()
