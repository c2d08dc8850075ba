"""Every chart the pages draw is valid Vega-Lite (the pages draw them from a cached spec that is not
checked again on each run: ui.charts.show), and the spec they get carries its data and leaves the
size to the page."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from ui import charts

DAY = date(2026, 11, 26)
UNITS = pd.DataFrame({"unit_id": [1, 2], "unit": ["区市场监管局", "区司法局"], "status": ["sent", "closed"],
                      "count": [3, 5], "overdue": [2, 1]})
BUILDERS = {
    "stacked_status_by_unit": (charts.stacked_status_by_unit, (UNITS, ["区市场监管局", "区司法局"]), {}),
    "bars": (charts.bars, (UNITS, "overdue", "unit", "逾期", "成员单位"), {"color": "#2c7fb8"}),
    "monthly_by_kind": (charts.monthly_by_kind, (pd.DataFrame({"month": ["2026-10", "2026-11"],
                                                               "kind": ["crime_transfer", "procuratorial_suggestion"],
                                                               "count": [2, 4]}),), {}),
    "median_days_by_kind": (charts.median_days_by_kind, (pd.DataFrame({"kind": ["crime_transfer"],
                                                                       "median_days": [3.0], "answered": [9]}),), {}),
    "aging_buckets": (charts.aging_buckets, (pd.DataFrame({"bucket": ["1–7天", "8–30天"], "count": [4, 1]}),), {}),
    "follow_ups_by_unit": (charts.follow_ups_by_unit, (pd.DataFrame({"unit": ["区司法局"], "done": [3], "open": [2],
                                                                     "overdue": [1]}),), {}),
    "progress_by_task": (charts.progress_by_task, (pd.DataFrame({
        "id": [1, 2], "number": [1, 2], "title": ["推进平安建设", "优化营商环境"], "group_number": [1, 2],
        "group_title": ["推进平安硚口建设", "服务保障发展"], "status": ["late", "in_progress"], "percent": [30, 60]}),), {}),
    "milestone_timeline": (charts.milestone_timeline, (pd.DataFrame({
        "task_label": ["1. 推进平安建设"] * 2, "milestone": ["方案", "总结"], "state": ["done_late", "pending"],
        "planned_on": [date(2026, 3, 1), date(2026, 12, 1)], "done_on": [date(2026, 3, 9), None]}), DAY), {}),
    "feedback_trend": (charts.feedback_trend, (pd.DataFrame({"month": ["2026-10", "2026-11"], "answered": [4, 6],
                                                             "on_time_rate": [0.75, 0.5]}),), {}),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_chart_is_valid_vega_lite(name):
    builder, args, kwargs = BUILDERS[name]
    builder(*args, **kwargs).to_dict(validate=True)  # raises on a spec the schema refuses


def test_the_drawn_spec_carries_its_data_leaves_the_width_to_the_page_and_can_pick_a_unit():
    builder, args, kwargs = BUILDERS["bars"]
    data = (args, tuple(sorted(kwargs.items())))
    spec = charts._spec(builder, "bars", charts._digest(data), data, "unit_id")
    (data,) = spec["datasets"].values()  # as the Arrow stream Streamlit sends
    assert list(pa.ipc.open_stream(data).read_pandas()["unit"]) == ["区市场监管局", "区司法局"]
    assert "continuousWidth" not in str(spec.get("config", {}))  # no default 300-pixel view
    assert spec["params"][0]["name"] == "pick" and spec["params"][0]["select"]["fields"] == ["unit_id"]


def test_a_charts_cache_key_follows_its_data():
    def frame(overdue_of_justice: int) -> pd.DataFrame:  # built afresh each time, as a page run does
        return pd.DataFrame({"unit": ["区市场监管局", "区司法局"], "overdue": [3, overdue_of_justice]})
    key = charts._digest(((frame(1),), ()))
    assert charts._digest(((frame(1),), ())) == key  # the same data on the next run: the spec is reused
    assert charts._digest(((frame(2),), ())) != key  # one count changed: a new spec
    assert charts._digest(((frame(1),), (("title", "x"),))) != key
