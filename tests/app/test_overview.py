"""总览 page (AppTest): true figures for demo data and for an empty database; URL filters."""
from datetime import date

from sqlalchemy import select

from db.engine import make_engine, read_session
from db.models import FollowUp, Item, Unit
from tests.app.conftest import new_app, signed_in_app
from tests.conftest import TODAY
from tests.app.helpers import hand_count, metrics

OPEN = ("sent", "received", "in_progress")


def test_overview_kpis_match_the_database(app_env):
    at = signed_in_app("convener").run()
    assert not at.exception
    m = metrics(at)
    assert m["在办事项"] == str(hand_count(app_env, Item.status.in_(OPEN)))
    overdue = hand_count(app_env, Item.status.in_(OPEN), Item.needs_feedback.is_(True), Item.due_on < TODAY)
    assert overdue > 0 and m["逾期未反馈"] == str(overdue)
    due7 = hand_count(app_env, Item.status.in_(OPEN), Item.needs_feedback.is_(True), Item.due_on >= TODAY,
                      Item.due_on <= date.fromordinal(TODAY.toordinal() + 7))
    assert m["7日内到期"] == str(due7)
    open_fu = hand_count(app_env, FollowUp.status.in_(("open", "in_progress")), model=FollowUp)
    assert m["未完成议定事项"] == str(open_fu)
    late_fu = hand_count(app_env, FollowUp.status.in_(("open", "in_progress")), FollowUp.due_on < TODAY, model=FollowUp)
    assert m["逾期议定事项"] == str(late_fu)
    assert m["重点工作平均进度"].endswith("%")


def test_overview_unit_table_counts_received_and_overdue(app_env):
    at = signed_in_app("office").run()
    table = at.dataframe[0].value.set_index("成员单位")
    with read_session(make_engine(app_env)) as s:
        police = s.scalar(select(Unit.id).where(Unit.code == "public_security"))
    overdue = hand_count(app_env, Item.to_unit_id == police, Item.status.in_(OPEN), Item.needs_feedback.is_(True),
                         Item.due_on < TODAY)
    assert table.at["区公安分局", "逾期"] == overdue
    # sorted by total by default
    assert list(table["收到"]) == sorted(table["收到"], reverse=True)


def test_overview_empty_database_shows_zeroes_and_guidance(empty_env):
    at = new_app()
    at.session_state["auth"] = {"username": "root", "issued_at": __import__("core.clock", fromlist=["utcnow"]).utcnow()}
    at.run()
    assert not at.exception
    assert set(metrics(at).values()) <= {"0", "0%"}
    assert any("暂无事项记录" in i.value for i in at.info)
    assert not any("演示数据" in w.value for w in at.warning)


def test_filters_live_in_the_url(app_env):
    at = signed_in_app("office").run()
    at.selectbox(key="overview.period").set_value("30d").run()
    at.selectbox(key="overview.category").set_value("subdistrict").run()
    assert at.query_params["period"] == "30d" and at.query_params["category"] == "subdistrict"
    table = at.dataframe[0].value
    assert set(table["类别"]) == {"街道"}
    # a link with these parameters reproduces the view
    again = signed_in_app("office")
    again.query_params["period"] = "30d"
    again.query_params["category"] = "subdistrict"
    again.run()
    assert again.selectbox(key="overview.period").value == "30d"
    assert again.selectbox(key="overview.category").value == "subdistrict"


def test_sort_by_overdue(app_env):
    at = signed_in_app("office").run()
    at.selectbox(key="overview.sort").set_value("overdue").run()
    table = at.dataframe[0].value
    assert list(table["逾期"]) == sorted(table["逾期"], reverse=True)


def _link_params(at, page):
    from urllib.parse import parse_qs
    link = next(p for p in at.get("page_link") if p.proto.page == page)
    return {k: v for k, v in parse_qs(link.proto.query_string).items()}


def test_kpi_links_open_lists_with_the_same_count(app_env):
    """The KPI's link applies the matching filters: the list it opens holds exactly that many items."""
    at = signed_in_app("office").run()
    m = metrics(at)
    for kpi, page in (("在办事项", "referrals"),):
        params = _link_params(at, page)
        target = signed_in_app("office", "app_pages/referrals.py")
        for key, values in params.items():
            target.query_params[key] = values if len(values) > 1 else values[0]
        target.run()
        assert not target.exception
        count_caption = next(c.value for c in target.caption if c.value.startswith("共 "))
        assert count_caption.startswith(f"共 {m[kpi]} 件")
    due = _link_params(at, "referrals")
    assert due["period"] == ["all"]
    assert any(p.proto.page == "overdue" for p in at.get("page_link"))


def test_kpi_due_soon_link_matches(app_env):
    at = signed_in_app("office").run()
    m = metrics(at)
    link = [p for p in at.get("page_link") if p.proto.page == "referrals"][1]
    assert "due_within=7" in link.proto.query_string
    target = signed_in_app("office", "app_pages/referrals.py")
    target.query_params["period"] = "all"
    target.query_params["due_within"] = "7"
    target.run()
    count_caption = next(c.value for c in target.caption if c.value.startswith("共 "))
    assert count_caption.startswith(f"共 {m['7日内到期']} 件")


def test_liaison_sees_own_unit_first(app_env):
    at = signed_in_app("liaison", "app_pages/overview.py").run()  # a liaison lands on 待办; the overview is a click away
    own = [i.value for i in at.info if i.value.startswith("本单位(区市场监管局)")]
    assert own
    table = at.dataframe[0].value.set_index("成员单位")
    assert f"期内收到 {table.at['区市场监管局', '收到']} 件" in own[0]
    assert f"逾期未反馈 {table.at['区市场监管局', '逾期']} 件" in own[0]
    assert not any(i.value.startswith("本单位") for i in signed_in_app("viewer").run().info)
