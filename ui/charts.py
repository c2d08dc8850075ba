"""Altair charts used across pages, and `show`, which draws them. Labels come from the catalog;
text is data, never HTML."""
from __future__ import annotations

import hashlib
import pickle
import threading
from typing import Callable

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from core.i18n import group_label, t
from core.lifecycles import ITEM_STATUSES

_THEME = threading.Lock()  # the Altair theme is global: one chart made at a time


def show(builder: Callable[..., alt.Chart], *args, container=st, pick: str | None = None, key: str | None = None,
         **kwargs):
    """Draw the chart `builder(*args, **kwargs)` makes, as wide as the page.

    Its Vega-Lite spec is made once per builder and data and then kept in the cache: making an
    Altair chart and checking it against the schema, on every run, took most of the time of a page
    whose data was cached (tests/unit/test_charts.py checks every builder's chart against the
    schema instead). With `pick`, a click on a mark selects its `pick` field (selection "pick") and
    reruns the page; the selection is returned."""
    data = (args, tuple(sorted(kwargs.items())))
    spec = _spec(builder, f"{builder.__module__}.{builder.__qualname__}", _digest(data), data, pick)
    if pick:
        return container.vega_lite_chart(spec, width="stretch", on_select="rerun", selection_mode="pick", key=key)
    return container.vega_lite_chart(spec, width="stretch", key=key)


def _digest(data) -> str:
    """The chart data's cache key: a digest of its pickle. Streamlit's own hashing of a frame took
    about 10 ms a chart on every run, this 0.2 ms. Equal data pickled differently (shared or
    separate but equal strings) only misses the cache; different data never shares a digest."""
    return hashlib.sha256(pickle.dumps(data, protocol=5)).hexdigest()


@st.cache_data(show_spinner=False, max_entries=256)
def _spec(_builder: Callable[..., alt.Chart], name: str, digest: str, _data: tuple, pick: str | None) -> dict:
    """The chart's spec, keyed on the builder's name, the data's digest and `pick` (`_builder` and
    `_data` are not hashed: their leading underscore tells Streamlit so)."""
    args, kwargs = _data
    chart = _builder(*args, **dict(kwargs))
    if pick:
        chart = chart.add_params(alt.selection_point(fields=[pick], name="pick"))
    with _THEME, alt.theme.enable("none"):  # no default size: the page gives the width
        spec = chart.to_dict(validate=False)
    # Each dataset as the Arrow stream Streamlit sends, made here once rather than on every run.
    spec["datasets"] = {name: _arrow(rows) for name, rows in spec.get("datasets", {}).items()}
    return spec


def _arrow(rows: list[dict]) -> bytes:
    table = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


STATUS_COLORS = {"sent": "#9ecae1", "received": "#6baed6", "in_progress": "#3182bd", "responded": "#74c476",
                 "closed": "#31a354", "returned": "#bdbdbd", "withdrawn": "#d9d9d9"}


def stacked_status_by_unit(df: pd.DataFrame, unit_order: list[str]) -> alt.Chart:
    """Horizontal bars per unit, stacked by lifecycle stage."""
    data = df.assign(status_label=df["status"].map(lambda s: t(f"status.{s}")))
    labels = [t(f"status.{s}") for s in ITEM_STATUSES]
    return (alt.Chart(data).mark_bar().encode(
        y=alt.Y("unit:N", sort=unit_order, title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X("count:Q", title=t("overview.col.count")),
        color=alt.Color("status_label:N", title=t("overview.col.status"),
                        scale=alt.Scale(domain=labels, range=[STATUS_COLORS[s] for s in ITEM_STATUSES])),
        order=alt.Order("status_rank:Q"),
        tooltip=[alt.Tooltip("unit:N", title=t("overview.col.unit")),
                 alt.Tooltip("status_label:N", title=t("overview.col.status")),
                 alt.Tooltip("count:Q", title=t("overview.col.count"))],
    ).transform_calculate(status_rank=f"indexof({labels!r}, datum.status_label)")
        .properties(height=alt.Step(20)))


def bars(df: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, *, color: str = "#c0392b",
         horizontal: bool = True) -> alt.Chart:
    if horizontal:
        enc = dict(y=alt.Y(f"{y}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
                   x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(tickMinStep=1)))
    else:
        enc = dict(x=alt.X(f"{y}:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
                   y=alt.Y(f"{x}:Q", title=x_title))
    return (alt.Chart(df).mark_bar(color=color).encode(
        **enc, tooltip=[alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip(f"{x}:Q", title=x_title)])
        .properties(height=alt.Step(20) if horizontal else 260))


def monthly_by_kind(df: pd.DataFrame) -> alt.Chart:
    from ui.tables import kind_label
    data = df.assign(kind_label=df["kind"].map(kind_label))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=t("overview.col.count")),
        color=alt.Color("kind_label:N", title=t("item.kind")),
        tooltip=[alt.Tooltip("month:O", title=t("charts.month")), alt.Tooltip("kind_label:N", title=t("item.kind")),
                 alt.Tooltip("count:Q", title=t("overview.col.count"))],
    ).properties(height=300)


def median_days_by_kind(df: pd.DataFrame) -> alt.Chart:
    from ui.tables import kind_label
    data = df.assign(kind_label=df["kind"].map(kind_label))
    return bars(data, "median_days", "kind_label", t("charts.median_days"), t("item.kind"), color="#6a51a3")


def aging_buckets(df: pd.DataFrame) -> alt.Chart:
    return alt.Chart(df).mark_bar(color="#c0392b").encode(
        x=alt.X("bucket:N", sort=None, title=t("overdue.aging_axis"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=t("overview.col.count"), axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("bucket:N", title=t("overdue.aging_axis")),
                 alt.Tooltip("count:Q", title=t("overview.col.count"))],
    ).properties(height=260)


def follow_ups_by_unit(rates: pd.DataFrame) -> alt.Chart:
    """Open / done / overdue follow-up items per lead unit (overdue is part of open)."""
    long = pd.DataFrame({
        "unit": list(rates["unit"]) * 3,
        "state": [t("fu_status.done")] * len(rates) + [t("fu_status.open_on_time")] * len(rates)
        + [t("fu_status.overdue")] * len(rates),
        "count": list(rates["done"]) + list(rates["open"] - rates["overdue"]) + list(rates["overdue"]),
    })
    states = [t("fu_status.done"), t("fu_status.open_on_time"), t("fu_status.overdue")]
    return alt.Chart(long[long["count"] > 0]).mark_bar().encode(
        y=alt.Y("unit:N", sort="-x", title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X("count:Q", title=t("overview.col.count"), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("state:N", title=t("item.status"),
                        scale=alt.Scale(domain=states, range=["#31a354", "#6baed6", "#c0392b"])),
        tooltip=["unit:N", "state:N", "count:Q"],
    ).properties(height=alt.Step(20))


TASK_STATUS_COLORS = {"not_started": "#bdbdbd", "in_progress": "#3182bd", "late": "#c0392b", "done": "#31a354"}


PROGRESS_COLUMNS = ["number", "title", "group_number", "group_title", "status", "percent"]


def progress_by_task(board: pd.DataFrame) -> alt.Chart:
    """Latest progress of each task, grouped by the five groups, coloured by derived status; give
    it the board's PROGRESS_COLUMNS (the cache key hashes what it is given, and the chart's data
    carries it to the browser)."""
    data = board.assign(label=[f"{n}. {x}" for n, x in zip(board["number"], board["title"])],
                        group=[group_label(g, gt) for g, gt in zip(board["group_number"], board["group_title"])],
                        status_label=board["status"].map(lambda s: t(f"task_status.{s}")))
    labels = [t(f"task_status.{s}") for s in TASK_STATUS_COLORS]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("percent:Q", title=t("task.percent"), scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("status_label:N", title=t("item.status"),
                        scale=alt.Scale(domain=labels, range=list(TASK_STATUS_COLORS.values()))),
        row=alt.Row("group:N", title=None, sort=list(dict.fromkeys(data["group"])),
                     header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=260)),
        tooltip=[alt.Tooltip("label:N", title=t("tasks.col.title")), alt.Tooltip("percent:Q", title=t("task.percent")),
                 alt.Tooltip("status_label:N", title=t("item.status"))],
    ).properties(height=alt.Step(18)).resolve_scale(y="independent")


def milestone_timeline(df: pd.DataFrame, today) -> alt.Chart:
    """Planned (hollow) vs actual (filled) milestone dates per task, with today marked."""
    data = df.assign(state_label=df["state"].map(lambda s: t(f"milestone.{s}")),
                     planned=pd.to_datetime(df["planned_on"]), actual=pd.to_datetime(df["done_on"]))
    base = alt.Chart(data).encode(y=alt.Y("task_label:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)))
    planned = base.mark_point(size=90, filled=False, color="#555").encode(
        x=alt.X("planned:T", title=None), tooltip=["milestone:N", alt.Tooltip("planned:T", format="%Y-%m-%d")])
    actual = base.mark_point(size=90, filled=True).encode(
        x="actual:T", color=alt.Color("state_label:N", title=t("item.status")),
        tooltip=["milestone:N", alt.Tooltip("actual:T", format="%Y-%m-%d")])
    link = base.mark_rule(color="#999").encode(x="planned:T", x2="actual:T")
    now = alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]})).mark_rule(color="#b22222", strokeDash=[4, 4]).encode(x="today:T")
    return (link + planned + actual + now).properties(height=alt.Step(22))


def feedback_trend(df: pd.DataFrame) -> alt.Chart:
    """Answered items per month (bars, left axis) and the on-time rate (line, right axis)."""
    answered, rate = t("units.trend.answered"), t("units.trend.on_time_rate")
    month = t("charts.month")
    base = alt.Chart(df).encode(x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color="#9ecae1").encode(
        y=alt.Y("answered:Q", title=answered, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("month:O", title=month), alt.Tooltip("answered:Q", title=answered),
                 alt.Tooltip("on_time_rate:Q", title=rate, format=".0%")])
    line = base.mark_line(color="#c0392b", point=True).encode(
        y=alt.Y("on_time_rate:Q", title=rate, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("month:O", title=month), alt.Tooltip("on_time_rate:Q", title=rate, format=".0%")])
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=280)


def district_on_time_trend(df: pd.DataFrame) -> alt.Chart:
    """The on-time rate of each district's answers by month (one line per district): 全市总览."""
    rate, month, district = t("units.trend.on_time_rate"), t("charts.month"), t("district.name")
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("on_time_rate:Q", title=rate, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("district:N", title=district),
        tooltip=[alt.Tooltip("district:N", title=district), alt.Tooltip("month:O", title=month),
                 alt.Tooltip("answered:Q", title=t("units.trend.answered")),
                 alt.Tooltip("on_time_rate:Q", title=rate, format=".0%")]).properties(height=300)
