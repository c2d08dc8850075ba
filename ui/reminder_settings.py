"""管理 → 待办与催办 (admin): the thresholds of 待办 and the daily reminders, and each member unit's
work-chat group robot. The robot's webhook and secret are typed in but never shown back: the
page only ever receives their masked form (db.queries.reminder_settings).

Widget keys: settings.todo.<threshold> (form settings.todo); settings.robot.unit (which unit);
settings.robot.<unit id>.channel / .webhook / .secret / .clear_secret (form settings.robot.<unit id>)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.channels import ROBOT_CHANNELS
from core.i18n import t
from core.todo_settings import ranges
from db.commands.reminder_settings import ResetTodoSettings, SaveTodoSettings, SetUnitRobot
from db.queries.reminder_settings import todo_thresholds, unit_robots
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, district_name, read, read_settings, run_command, saved
from ui.state import edit_version
from ui.tables import escape_markdown, table_or_note

THRESHOLD_FIELDS = form_fields(SaveTodoSettings, **{
    name: (f"settings.todo.{name}", "number", {"help_key": f"settings.todo.{name}_help"}) for name in ranges()})
ROBOT_FIELDS = form_fields(
    SetUnitRobot, channel=("settings.robot.channel", "select"),
    webhook=("settings.robot.webhook", "password", {"help_key": "settings.robot.webhook_help"}),
    secret=("settings.robot.secret", "password", {"help_key": "settings.robot.secret_help"}),
    clear_secret=("settings.robot.clear_secret", "checkbox"))


def channel_label(channel: str | None) -> str:
    return t(f"reminders.channel.{channel}") if channel else t("settings.robot.none")


def thresholds_section(city_layer: bool = False) -> None:
    """The thresholds of the district, or (a city admin's) of the city layer."""
    st.subheader(t("settings.todo.title"))
    st.caption(t("settings.todo.caption"))
    if city_layer:
        st.info(t("settings.city_layer.todo"), icon=":material/location_city:")
    current, saved_version, source = read_settings(todo_thresholds, city_layer=city_layer)
    if source == "city":  # a district that has saved none of its own: the city's hold until it does
        st.caption(t("settings.todo.from_city"))
    form = "settings.todo"
    errs = FieldErrors(form)
    with st.form(form):
        data: dict = {"version": edit_version(form, saved_version)}
        columns = st.columns(len(THRESHOLD_FIELDS))
        for column, (name, spec) in zip(columns, THRESHOLD_FIELDS.items()):
            low, high = ranges()[name]
            draw(spec, form, errs, into=data, container=column, value=getattr(current, name), min_value=low,
                 max_value=high, step=1)
        if st.form_submit_button(t("settings.todo.save"), type="primary"):
            if run_command(SaveTodoSettings(actor(), **data), form_key=form, city_layer=city_layer):
                saved(form, t("settings.todo.saved"))
        errs.show()
    if source == "own":  # what this layer saved can be dropped: the city's thresholds, else the defaults, hold again
        label, help_key = (
            ("settings.todo.reset_city_to_default", "settings.todo.reset_city_to_default_help") if city_layer else
            ("settings.todo.reset_to_city", "settings.todo.reset_to_city_help") if district_name() else
            ("settings.todo.reset_to_default", "settings.todo.reset_to_default_help"))
        if st.button(t(label), key="settings.todo.reset", help=t(help_key)):
            # the version the form was first drawn with: thresholds saved meanwhile by someone else are not dropped unseen
            if run_command(ResetTodoSettings(actor(), version=edit_version(form, saved_version)), form_key=form,
                           city_layer=city_layer):
                saved(form, t("settings.todo.reset_done"), clear=True)


def robots_section() -> None:
    st.subheader(t("settings.robot.title"))
    st.caption(t("settings.robot.caption"))
    robots = read(unit_robots)
    configured = pd.DataFrame([r for r in robots if r["channel"]], columns=["name", "channel", "webhook", "secret_set"])
    table_or_note(pd.DataFrame({
        t("settings.robot.col.unit"): configured["name"],
        t("settings.robot.col.channel"): configured["channel"].map(channel_label),
        t("settings.robot.col.webhook"): configured["webhook"],
        t("settings.robot.col.secret"): configured["secret_set"].map(
            lambda s: t("settings.robot.set") if s else t("settings.robot.not_set")),
    }), "settings.robot.empty", key="settings.robot.table")
    by_id = {r["id"]: r for r in robots}
    if not by_id:
        return
    unit_id = st.selectbox(t("settings.robot.unit"), list(by_id), key="settings.robot.unit",
                           format_func=lambda i: by_id[i]["name"])
    robot = by_id[unit_id]
    if robot["channel"]:
        st.caption(t("settings.robot.current", channel=channel_label(robot["channel"]),
                     webhook=escape_markdown(robot["webhook"] or ""),
                     secret=t("settings.robot.set") if robot["secret_set"] else t("settings.robot.not_set")))
    form = f"settings.robot.{unit_id}"
    errs = FieldErrors(form)
    with st.form(form):
        data: dict = {"unit_id": unit_id, "unit_version": edit_version(form, robot["version"])}
        options = [None, *ROBOT_CHANNELS]
        draw(ROBOT_FIELDS["channel"], form, errs, into=data, options=options, index=options.index(robot["channel"]),
             format_func=channel_label)
        draw(ROBOT_FIELDS["webhook"], form, errs, into=data, value="")
        draw(ROBOT_FIELDS["secret"], form, errs, into=data, value="")
        if robot["secret_set"]:
            draw(ROBOT_FIELDS["clear_secret"], form, errs, into=data)
        errs.slot("unit_id")
        if st.form_submit_button(t("settings.robot.save"), type="primary"):
            if run_command(SetUnitRobot(actor(), **data), form_key=form):
                saved(form, t("settings.robot.saved", unit=escape_markdown(robot["name"])), clear=True)
        errs.show()


def reminder_settings_section() -> None:
    thresholds_section()
    robots_section()
