"""通报 page (AppTest) on the demo data: the figures of the period match the query, the chooser
changes the period and the URL carries it, custom dates in the wrong order give a message (not a
traceback), and only the roles that may export get the Word and Excel downloads."""
from datetime import date

import pytest

from db.engine import make_engine
from db.queries.bulletin import bulletin
from tests.app.conftest import open_page
from tests.app.helpers import captions, errors, metrics
from tests.conftest import TODAY

PAGE = "app_pages/bulletin.py"
DOWNLOADS = ["导出通报(Word)", "导出通报(Excel)", "导出年度工作情况报告(Word)"]


def downloads(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


@pytest.mark.parametrize("username", ["office", "convener", "viewer"])
def test_the_month_s_figures_match_the_query(app_env, username):
    at = open_page(username, PAGE)
    assert not at.exception and errors(at) == []
    assert at.title[0].value == "工作情况通报"
    assert at.selectbox(key="bulletin.period").value == "month"
    assert "2026-11-01 至 2026-11-30 · 数据截至 2026-11-25" in captions(at)
    b = bulletin(make_engine(app_env), date(2026, 11, 1), date(2026, 11, 30), TODAY)
    shown = metrics(at)
    assert shown["本期新增事项"] == str(b.figures["received"]) and shown["移送追责"] == str(b.figures["referred"])
    assert shown["期末逾期未反馈"] == str(b.figures["overdue_at_end"])
    assert [s.value for s in at.subheader][:3] == ["总体情况", "各工作机制运行情况", "成员单位反馈情况"]
    units = next(d.value for d in at.dataframe if "按期反馈率" in d.value.columns)
    assert list(units["成员单位"]) == list(b.by_unit["unit"])


def test_last_quarter_changes_the_period_and_the_url(app_env):
    at = open_page("office", PAGE)
    at.selectbox(key="bulletin.period").set_value("last_quarter").run()
    assert not at.exception
    assert (at.query_params["start"], at.query_params["end"]) == ("2026-07-01", "2026-09-30")
    assert "2026-07-01 至 2026-09-30 · 数据截至 2026-09-30" in captions(at)
    b = bulletin(make_engine(app_env), date(2026, 7, 1), date(2026, 9, 30), TODAY)
    assert metrics(at)["本期新增事项"] == str(b.figures["received"])


def test_a_link_reopens_its_period(app_env):
    at = open_page("viewer", PAGE, start="2026-07-01", end="2026-09-30")
    assert at.selectbox(key="bulletin.period").value == "last_quarter"
    assert "2026-07-01 至 2026-09-30 · 数据截至 2026-09-30" in captions(at)
    custom = open_page("viewer", PAGE, start="2026-03-05", end="2026-04-20")
    assert custom.selectbox(key="bulletin.period").value == "custom"
    assert [d.value for d in custom.date_input] == [date(2026, 3, 5), date(2026, 4, 20)]
    assert "2026-03-05 至 2026-04-20 · 数据截至 2026-04-20" in captions(custom)


def test_custom_dates_in_the_wrong_order_give_a_message(app_env):
    at = open_page("office", PAGE)
    at.selectbox(key="bulletin.period").set_value("custom").run()
    assert at.query_params["period"] == "custom"
    at.date_input(key="bulletin.start").set_value(date(2026, 10, 5)).run()
    at.date_input(key="bulletin.end").set_value(date(2026, 9, 1)).run()
    assert not at.exception
    assert errors(at) == ["起始日期不能晚于截止日期,请重新选择。"]
    assert [d.value for d in at.date_input] == [date(2026, 10, 5), date(2026, 9, 1)]  # the input is kept
    assert not at.metric and not downloads(at)
    at.date_input(key="bulletin.end").set_value(date(2026, 10, 31)).run()
    assert errors(at) == [] and "2026-10-05 至 2026-10-31 · 数据截至 2026-10-31" in captions(at)
    assert (at.query_params["start"], at.query_params["end"]) == ("2026-10-05", "2026-10-31")


@pytest.mark.parametrize("username, allowed", [("office", True), ("convener", True), ("admin", True),
                                               ("liaison", False), ("viewer", False)])
def test_downloads_only_for_roles_that_export(app_env, username, allowed):
    at = open_page(username, PAGE)
    assert not at.exception
    assert downloads(at) == (DOWNLOADS if allowed else [])
    assert bool(at.text_input) == allowed  # the 文号 field comes with the downloads


def test_a_number_that_is_not_digits_is_refused_with_a_message(app_env):
    at = open_page("office", PAGE)
    at.text_input(key="bulletin.number").input("三").run()
    assert errors(at) == ["文号序号只能填写数字(如 3),本次导出的文号留空。"]
    assert at.text_input(key="bulletin.number").value == "三" and downloads(at) == DOWNLOADS
