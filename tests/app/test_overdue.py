"""逾期反馈 page (AppTest): true overdue figures, oldest first, aging, category filter, per-unit
table, the 7-day list, and 督办 issued (convener) or drafted (office) from a chosen item."""
from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
from sqlalchemy import func, select, update

from core.permissions import Actor
from db.commands.items import CreateItem
from db.engine import make_engine, read_session
from db.models import Item, Supervision, Unit
from tests.app.conftest import open_page
from tests.conftest import TODAY
from tests.app.helpers import caption_after, captions, hand_count, metrics, table_with, walk

PAGE = "app_pages/overdue.py"
OPEN = ("sent", "received", "in_progress")
SYSTEM_ADMIN = Actor(None, "system", "admin")
OVERDUE = (Item.needs_feedback.is_(True), Item.status.in_(OPEN), Item.due_on < TODAY)


def overdue_page(username: str = "convener", **params):
    return open_page(username, PAGE, **params)


def overdue_list(at):
    return table_with(at, "逾期天数", "督办中")


def aging_chart_data(at):
    """The data behind the aging bar chart (bucket, count)."""
    chart = next(n for n in walk(at._tree) if n.type == "vega_lite_chart")
    raw = chart.proto.datasets[0].data.data
    return pa.ipc.open_stream(raw).read_pandas()


def an_overdue_item(url) -> Item:
    with read_session(make_engine(url)) as s:
        return s.scalars(select(Item).where(*OVERDUE).order_by(Item.due_on, Item.id)).first()


def test_overdue_metric_matches_a_hand_count(app_env):
    at = overdue_page()
    assert not at.exception
    expected = hand_count(app_env, *OVERDUE)
    assert expected > 0
    assert metrics(at)["逾期未反馈"] == str(expected)
    assert len(overdue_list(at)) == expected
    oldest = an_overdue_item(app_env)
    assert metrics(at)["最长逾期"] == f"{(TODAY - oldest.due_on).days} 天"


def test_overdue_list_is_oldest_first(app_env):
    shown = overdue_list(overdue_page())
    due = list(shown["反馈期限"])
    assert due == sorted(due) and due[0] < due[-1]
    assert list(shown["逾期天数"]) == sorted(shown["逾期天数"], reverse=True)
    assert all(d < TODAY.isoformat() for d in due)


def test_aging_buckets_sum_to_the_total(app_env):
    at = overdue_page()
    buckets = aging_chart_data(at)
    assert list(buckets["bucket"]) == ["1–7", "8–30", "31–90", ">90"]
    assert int(buckets["count"].sum()) == hand_count(app_env, *OVERDUE)
    days = overdue_list(at)["逾期天数"]
    assert int(buckets.set_index("bucket").at[">90", "count"]) == int((days > 90).sum())


def test_category_filter_from_the_url_restricts_to_subdistricts(app_env):
    engine = make_engine(app_env)
    with read_session(engine) as s:
        subdistricts = dict(s.execute(select(Unit.name, Unit.id).where(Unit.category == "subdistrict")).all())
        procuratorate = s.scalar(select(Unit.id).where(Unit.code == "procuratorate"))
    # the demo data has no overdue item owed by a sub-district office: add one (15 days, long past)
    street = sorted(subdistricts)[0]
    CreateItem(SYSTEM_ADMIN, kind="investigation_assistance", from_unit_id=procuratorate,
               to_unit_id=subdistricts[street], title="请协助核实某小区违建情况", sent_on=TODAY - timedelta(days=60),
               details={}).run(engine)
    at = overdue_page(category="subdistrict")
    assert not at.exception
    assert at.selectbox(key="overdue.category").value == "subdistrict"
    expected = hand_count(app_env, *OVERDUE, Item.to_unit_id.in_(subdistricts.values()))
    assert 0 < expected < hand_count(app_env, *OVERDUE)
    assert metrics(at)["逾期未反馈"] == str(expected)
    shown = overdue_list(at)
    assert len(shown) == expected and set(shown["接收单位"]) <= set(subdistricts)
    assert "请协助核实某小区违建情况" in set(shown["标题"])
    units = table_with(at, "成员单位", "按期反馈率")
    assert set(units["成员单位"]) <= set(subdistricts)
    # choosing another category is written back to the URL
    at.selectbox(key="overdue.category").set_value("police_fire_traffic").run()
    assert at.query_params["category"] == "police_fire_traffic"
    assert set(overdue_list(at)["接收单位"]).isdisjoint(subdistricts)


def test_per_unit_table_overdue_column_matches_hand_counts(app_env):
    at = overdue_page()
    table = table_with(at, "成员单位", "按期反馈率").set_index("成员单位")
    with read_session(make_engine(app_env)) as s:
        expected = dict(s.execute(select(Unit.name, func.count()).join(Item, Item.to_unit_id == Unit.id)
                                  .where(*OVERDUE).group_by(Unit.name)).all())
    assert expected
    for name, n in expected.items():
        assert table.at[name, "逾期未反馈"] == n, name
    assert int(table["逾期未反馈"].sum()) == sum(expected.values())
    assert list(table["逾期未反馈"]) == sorted(table["逾期未反馈"], reverse=True)


def test_due_within_7_days_lists_exactly_the_items_due_this_week(app_env):
    at = overdue_page()
    end = TODAY + timedelta(days=7)
    with read_session(make_engine(app_env)) as s:
        expected = sorted(s.scalars(select(Item.title).where(
            Item.needs_feedback.is_(True), Item.status.in_(OPEN), Item.due_on >= TODAY, Item.due_on <= end)))
    assert metrics(at)["7日内到期"] == str(len(expected))
    if not expected:
        assert "7日内没有到期的事项。" in captions(at)
        return
    soon = table_with(at, "剩余天数")
    assert sorted(soon["标题"]) == expected
    assert all(TODAY.isoformat() <= d <= end.isoformat() for d in soon["反馈期限"])


def fill_supervision(at, item_id, *, level="重点", deadline=None, instruction="请于期限内书面反馈办理情况。"):
    key = f"overdue.supervise.{item_id}"
    at.radio(key=f"{key}.level").set_value(level)
    at.date_input(key=f"{key}.deadline").set_value(deadline or TODAY + timedelta(days=10))
    at.text_area(key=f"{key}.instruction").input(instruction)
    return at


def supervisions_of(url, item_id) -> list[Supervision]:
    with read_session(make_engine(url)) as s:
        return list(s.scalars(select(Supervision).where(Supervision.target_type == "item",
                                                         Supervision.target_id == item_id)))


def test_convener_issues_supervision_on_a_chosen_overdue_item(app_env):
    item = an_overdue_item(app_env)
    before = len(supervisions_of(app_env, item.id))
    at = overdue_page(item=str(item.id))
    assert not at.exception
    assert "限期督办" in [e.label for e in at.expander]
    fill_supervision(at, item.id, instruction="请区里于12月6日前书面反馈。")
    next(b for b in at.button if b.label == "限期督办").click().run()
    assert not at.exception and not at.error
    assert "督办已保存。" in [m.value for m in at.success]
    rows = supervisions_of(app_env, item.id)
    assert len(rows) == before + 1
    new = max(rows, key=lambda r: r.id)
    assert (new.status, new.level, new.deadline) == ("issued", "重点", TODAY + timedelta(days=10))
    assert new.instruction == "请区里于12月6日前书面反馈。"
    assert new.unit_id == item.to_unit_id and new.issued_on == TODAY


def test_office_drafts_supervision_from_the_overdue_list(app_env):
    item = an_overdue_item(app_env)
    at = overdue_page("office", item=str(item.id))
    labels = [e.label for e in at.expander]
    assert "草拟督办(报召集人签发)" in labels and "限期督办" not in labels
    fill_supervision(at, item.id, level="一般")
    next(b for b in at.button if b.label == "草拟督办(报召集人签发)").click().run()
    assert not at.exception and not at.error
    new = max(supervisions_of(app_env, item.id), key=lambda r: r.id)
    assert (new.status, new.level, new.issued_on) == ("draft", "一般", None)


def test_supervision_without_instruction_says_required_and_keeps_input(app_env):
    item = an_overdue_item(app_env)
    before = len(supervisions_of(app_env, item.id))
    at = overdue_page(item=str(item.id))
    fill_supervision(at, item.id, level="挂牌", deadline=TODAY + timedelta(days=5), instruction="")
    next(b for b in at.button if b.label == "限期督办").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["请检查标红的字段。"]
    key = f"overdue.supervise.{item.id}"
    assert caption_after(at, at.text_area(key=f"{key}.instruction")) == ":red[必填。]"
    assert at.radio(key=f"{key}.level").value == "挂牌"
    assert at.date_input(key=f"{key}.deadline").value == TODAY + timedelta(days=5)
    assert len(supervisions_of(app_env, item.id)) == before


def test_viewer_sees_the_overdue_list_but_no_supervision_form(app_env):
    item = an_overdue_item(app_env)
    at = overdue_page("viewer", item=str(item.id))
    assert not at.exception
    assert len(overdue_list(at)) == hand_count(app_env, *OVERDUE)
    assert not at.get("form")
    assert "限期督办" not in [e.label for e in at.expander]


def suggestions(url, count: int, *, number_from: int, title: str, days_ago) -> list[int]:
    """`count` suggestions from the procuratorate to 区市场监管局 (`title` + n), each sent and received
    `days_ago(n)` days before TODAY; their ids."""
    engine = make_engine(url)
    with read_session(engine) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
    return [CreateItem(SYSTEM_ADMIN, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                       to_unit_id=units["market_regulation"], doc_number=f"硚检建〔2025〕{n + number_from}号",
                       title=f"{title}{n}", sent_on=TODAY - timedelta(days=days_ago(n)),
                       received_on=TODAY - timedelta(days=days_ago(n)), details={}).run(engine)
            for n in range(count)]


def test_a_long_overdue_list_is_shown_a_page_at_a_time_oldest_first(app_env):
    engine = make_engine(app_env)
    suggestions(app_env, 60, number_from=300, title="逾期建议", days_ago=lambda n: 200 + n)  # more than a page
    total = hand_count(app_env, *OVERDUE)
    pages = -(-total // 50)
    first = overdue_page()
    assert len(overdue_list(first)) == 50 and f"共 {total} 件 · 第 1/{pages} 页" in captions(first)
    last = overdue_page(page=str(pages))
    rest = overdue_list(last)
    assert len(rest) == total - 50 * (pages - 1) and f"共 {total} 件 · 第 {pages}/{pages} 页" in captions(last)
    assert list(overdue_list(first)["反馈期限"])[-1] <= list(rest["反馈期限"])[0]  # oldest first across pages
    assert metrics(last)["逾期未反馈"] == str(total)

    # The sixty are answered meanwhile: one page is left, and the box says page 1 again.
    with engine.begin() as conn:
        conn.execute(update(Item).where(Item.title.like("逾期建议%")).values(status="responded", feedback_on=TODAY))
    left = hand_count(app_env, *OVERDUE)
    assert left <= 50
    last.run()
    assert f"共 {left} 件 · 第 1/1 页" in captions(last) and last.number_input(key="overdue.page").value == 1
    assert "page" not in last.query_params


def test_a_link_to_an_overdue_item_on_a_later_page_opens_it(app_env):
    ids = suggestions(app_env, 55, number_from=500, title="较新的逾期建议", days_ago=lambda n: 70)
    at = overdue_page(item=str(ids[-1]))  # among the newest overdue: not on the first page
    assert "较新的逾期建议54" not in set(overdue_list(at)["标题"]) and not at.exception
    assert any("较新的逾期建议54" in m.value for m in at.markdown)


def test_a_long_list_of_late_answers_shows_the_latest_fifty_and_downloads_them_all(app_env):
    engine = make_engine(app_env)
    ids = suggestions(app_env, 60, number_from=700, title="迟复建议", days_ago=lambda n: 150)
    with engine.begin() as conn:  # all answered late within the last 90 days, each a day after the one before
        for n, item_id in enumerate(ids):
            conn.execute(update(Item).where(Item.id == item_id)
                         .values(status="responded", feedback_on=TODAY - timedelta(days=80 - n)))
    late = (Item.feedback_on.is_not(None), Item.feedback_on > Item.due_on, Item.feedback_on >= TODAY - timedelta(days=90))
    total = hand_count(app_env, *late)
    assert total > 60
    at = overdue_page()
    shown = table_with(at, "逾期天数", "反馈日期")
    assert metrics(at)["期内逾期反馈"] == str(total)
    assert len(shown) == 50 and "迟复建议59" in set(shown["标题"])  # the latest answers first
    assert list(shown["反馈日期"]) == sorted(shown["反馈日期"], reverse=True)
    assert f"共 {total} 件,列出前 50 件;下载含全部。" in captions(at)
    assert {"overdue.download_late.csv", "overdue.download_late.xlsx"} <= {b.key for b in at.download_button}
