"""成员单位 page (AppTest): the directory of all 41 units with leaders, the category filter and the
search in the URL, the list of liaison changes reported late or never, the liaison change form
(good input, bad input kept with the message under the field, a stale edit), who sees the form,
the drill-down ?unit=<id> against hand counts, and who gets the 督办通知单 download."""
from __future__ import annotations

import csv
import json
from datetime import date

from sqlalchemy import func, or_, select

from core.permissions import Actor
from db.commands.liaisons import ChangeLiaison
from db.engine import make_engine, read_session
from db.models import AuditLog, Item, Liaison, Reminder, Unit
from db.queries.units import late_liaison_reports
from tests.app.conftest import open_page, unit_id
from tests.conftest import ROOT, TODAY
from tests.app.helpers import caption_after, metrics, table_with, url_param, walk

PAGE = "app_pages/units.py"
OPEN = ("sent", "received", "in_progress")
OVERDUE = (Item.needs_feedback.is_(True), Item.status.in_(OPEN), Item.due_on < TODAY)
SEED = list(csv.DictReader((ROOT / "seed" / "units.csv").open(encoding="utf-8")))


def units_page(username: str = "office", **params):
    return open_page(username, PAGE, **params)



def directory(at):
    return table_with(at, "成员单位", "分管领导", "现任联络员及电话")


def notice_buttons(at) -> list[str]:
    return [b.key for b in at.get("download_button") if b.key and b.key.endswith(".notice")]


def liaisons(url, unit: int) -> list[Liaison]:
    with read_session(make_engine(url)) as s:
        return list(s.scalars(select(Liaison).where(Liaison.unit_id == unit).order_by(Liaison.start_on, Liaison.id)))


# -- directory ---------------------------------------------------------------------------------------

def test_directory_lists_all_41_units_with_leaders_and_liaisons(app_env):
    at = units_page("viewer")
    assert not at.exception and not at.error
    shown = directory(at)
    assert len(shown) == 41 == len(SEED)
    assert list(shown["成员单位"]) == [u["name"] for u in sorted(SEED, key=lambda u: int(u["sort_order"]))]
    leaders = dict(zip(shown["成员单位"], zip(shown["分管领导"], shown["职务"])))
    for u in SEED:
        assert leaders[u["name"]] == (u["leader_name"], u["leader_title"]), u["name"]
    # every unit of the demo has a current liaison, shown with the phone number
    with read_session(make_engine(app_env)) as s:
        current = s.scalars(select(Liaison).join(Unit, Unit.id == Liaison.unit_id)
                            .where(Unit.code == "market_regulation", Liaison.end_on.is_(None))).one()
    row = shown.set_index("成员单位").loc["区市场监管局"]
    assert row["现任联络员及电话"] == f"{current.name} {current.phone}"
    assert set(shown["状态"]) == {"在册"}


def test_category_filter_comes_from_the_url_and_goes_back_to_it(app_env):
    at = units_page(category="subdistrict")
    assert at.selectbox(key="units.category").value == "subdistrict"
    shown = directory(at)
    streets = [u["name"] for u in SEED if u["category"] == "subdistrict"]
    assert len(shown) == len(streets) == 11 and set(shown["成员单位"]) == set(streets)
    assert set(shown["类别"]) == {"街道"}
    at.selectbox(key="units.category").set_value("police_fire_traffic").run()
    assert at.query_params["category"] == "police_fire_traffic"
    assert set(directory(at)["成员单位"]) == {"区公安分局", "区消防救援大队", "区交通大队"}


def test_search_finds_a_unit_by_its_liaison(app_env):
    with read_session(make_engine(app_env)) as s:
        name = s.scalars(select(Liaison.name).join(Unit, Unit.id == Liaison.unit_id)
                         .where(Unit.code == "gutian_street", Liaison.end_on.is_(None))).one()
    at = units_page(q=name)
    assert at.text_input(key="q").value == name
    assert "古田街道办事处" in set(directory(at)["成员单位"])
    at.text_input(key="q").input("孙万强").run()
    assert list(directory(at)["成员单位"]) == ["区市场监管局"] and url_param(at.text_input(key="q")) == "q"


def test_late_or_never_reported_changes_are_listed_worst_first(app_env):
    at = units_page("viewer")
    expected = late_liaison_reports(make_engine(app_env), TODAY)
    assert not expected.empty and set(expected["report_state"]) == {"late", "missing"}
    shown = table_with(at, "报备期限", "报备情况")
    assert list(shown["成员单位"]) == list(expected["unit"])
    assert list(shown["超期天数"]) == sorted(shown["超期天数"], reverse=True)
    assert set(shown["报备情况"]) == {"逾期报备", "未报备"}


# -- the liaison change form -----------------------------------------------------------------------

def fill_change(at, unit: int, *, name="王小明", phone="027-8383 1234", start_on=date(2026, 11, 20),
                reported_on=date(2026, 11, 24)):
    form = f"units.{unit}.liaison_change"
    at.text_input(key=f"{form}.name").input(name)
    at.text_input(key=f"{form}.phone").input(phone)
    at.date_input(key=f"{form}.start_on").set_value(start_on)
    at.date_input(key=f"{form}.reported_on").set_value(reported_on)
    return at


def submit_change(at):
    next(b for b in at.button if b.label == "保存变更").click().run()
    return at


def test_office_changes_a_liaison_and_the_previous_one_ends_the_day_before(app_env):
    unit = unit_id(app_env, "market_regulation")
    [previous] = liaisons(app_env, unit)
    at = units_page(unit=str(unit))
    assert not at.exception
    submit_change(fill_change(at, unit))
    assert not at.exception and not at.error
    assert "联络员已变更:王小明自 2026-11-20 起任区市场监管局联络员。" in [m.value for m in at.success]
    old, new = liaisons(app_env, unit)
    assert (old.id, old.end_on) == (previous.id, date(2026, 11, 19))
    assert (new.name, new.phone, new.start_on, new.end_on, new.reported_on) == (
        "王小明", "027-8383 1234", date(2026, 11, 20), None, date(2026, 11, 24))
    history = table_with(at, "任职状态", "报备情况")
    assert list(history["姓名"][:2]) == ["王小明", previous.name]
    assert list(history["任职状态"][:2]) == ["现任", "已卸任"]
    assert history["报备情况"].iloc[0] == "按时报备"
    assert at.text_input(key=f"units.{unit}.liaison_change.name").value == ""  # the form starts afresh
    # the directory shows the new liaison
    at.button(key="units.back").click().run()
    assert directory(at).set_index("成员单位").at["区市场监管局", "现任联络员及电话"] == "王小明 027-8383 1234"


def test_bad_input_keeps_what_was_typed_with_the_message_under_the_field(app_env):
    unit = unit_id(app_env, "market_regulation")
    before = liaisons(app_env, unit)
    at = units_page(unit=str(unit))
    submit_change(fill_change(at, unit, name="", phone="83-abc", reported_on=date(2026, 11, 18)))
    assert not at.exception
    assert [e.value for e in at.error] == ["请检查标红的字段。"]
    form = f"units.{unit}.liaison_change"
    assert caption_after(at, at.text_input(key=f"{form}.name")) == ":red[必填。]"
    assert caption_after(at, at.text_input(key=f"{form}.phone")) == \
        ":red[电话只能由数字、连字符和空格组成(可带开头的 +),数字应为 7–20 位。]"
    assert caption_after(at, at.date_input(key=f"{form}.reported_on")) == ":red[不能早于生效日期。]"
    assert caption_after(at, at.date_input(key=f"{form}.start_on")) is None
    assert at.text_input(key=f"{form}.phone").value == "83-abc"
    assert at.date_input(key=f"{form}.start_on").value == date(2026, 11, 20)
    assert at.date_input(key=f"{form}.reported_on").value == date(2026, 11, 18)
    assert [(r.id, r.end_on) for r in liaisons(app_env, unit)] == [(r.id, r.end_on) for r in before]


def test_a_change_made_meanwhile_is_not_overwritten_and_the_input_stays(app_env):
    unit = unit_id(app_env, "market_regulation")
    at = units_page(unit=str(unit))
    fill_change(at, unit)
    with read_session(make_engine(app_env)) as s:  # someone else records a change of the same unit
        version = s.get(Unit, unit).version
    ChangeLiaison(Actor(None, "admin", "admin"), unit_id=unit, unit_version=version, name="赵敏",
                  phone="13907150000", start_on=date(2026, 11, 16), reported_on=date(2026, 11, 16)).run(
        make_engine(app_env))
    submit_change(at)
    assert not at.exception
    assert any(e.value.startswith("该记录已被他人修改") for e in at.error)
    assert at.text_input(key=f"units.{unit}.liaison_change.name").value == "王小明"
    assert [r.name for r in liaisons(app_env, unit)][-1] == "赵敏"
    # submitting again applies to the unit as it is now: 王小明 replaces 赵敏
    submit_change(at)
    assert not at.error
    assert [(r.name, r.end_on) for r in liaisons(app_env, unit)][-2:] == [("赵敏", date(2026, 11, 19)),
                                                                         ("王小明", None)]


def test_liaison_convener_and_viewer_see_no_liaison_form(app_env):
    unit = unit_id(app_env, "market_regulation")
    for username in ("liaison", "convener", "viewer"):
        at = units_page(username, unit=str(unit))
        assert not at.exception, username
        labels = [e.label for e in at.expander]
        assert "联络员变更" not in labels and "修改联络员信息" not in labels, username
        assert "保存变更" not in [b.label for b in at.button], username
        assert table_with(at, "任职状态", "报备情况") is not None  # the history is readable by all
    assert "联络员变更" in [e.label for e in units_page("admin", unit=str(unit)).expander]


# -- drill-down ----------------------------------------------------------------------------------------

def test_drill_down_counts_match_the_database(app_env):
    unit = unit_id(app_env, "procuratorate")
    at = units_page("viewer", unit=str(unit))
    assert not at.exception
    with read_session(make_engine(app_env)) as s:
        def n(*conds):
            return s.scalar(select(func.count()).select_from(Item).where(*conds))
        sent, received, overdue = n(Item.from_unit_id == unit), n(Item.to_unit_id == unit), n(
            Item.to_unit_id == unit, *OVERDUE)
        by_status = dict(s.execute(select(Item.status, func.count()).where(Item.to_unit_id == unit)
                                   .group_by(Item.status)).all())
        both = n(or_(Item.from_unit_id == unit, Item.to_unit_id == unit))
    assert sent > 0 and received > 0 and overdue > 0
    m = metrics(at)
    assert (m["发出事项"], m["收到事项"], m["逾期未反馈"]) == (str(sent), str(received), str(overdue))
    counts = table_with(at, "办理阶段", "本单位发出", "本单位收到").set_index("办理阶段")
    assert counts.at["合计", "本单位发出"] == sent and counts.at["合计", "本单位收到"] == received
    assert counts.at["办理中", "本单位收到"] == by_status.get("in_progress", 0)
    assert counts.at["已办结", "本单位收到"] == by_status.get("closed", 0)
    assert sent + received >= both
    overdue_list = table_with(at, "逾期天数", "发出单位")
    assert len(overdue_list) == overdue
    assert list(overdue_list["逾期天数"]) == sorted(overdue_list["逾期天数"], reverse=True)
    assert at.subheader[0].value == "区检察院"
    # the trend chart is drawn, and the back button returns to the directory
    assert any(n.type == "vega_lite_chart" for n in walk(at._tree))
    at.button(key="units.back").click().run()
    assert len(directory(at)) == 41 and "unit" not in at.query_params


# -- 督办通知单 ---------------------------------------------------------------------------------------------

def test_notice_download_for_office_and_for_the_liaisons_own_unit_only(app_env):
    own, other = unit_id(app_env, "market_regulation"), unit_id(app_env, "procuratorate")
    assert notice_buttons(units_page("office", unit=str(other))) == [f"units.{other}.notice"]
    assert notice_buttons(units_page("convener", unit=str(other))) == [f"units.{other}.notice"]
    assert notice_buttons(units_page("liaison", unit=str(own))) == [f"units.{own}.notice"]
    assert notice_buttons(units_page("liaison", unit=str(other))) == []
    assert notice_buttons(units_page("viewer", unit=str(own))) == []


def test_the_office_reminds_a_unit_of_its_overdue_items_and_downloads_its_reminder_notice(app_env):
    unit = unit_id(app_env, "market_regulation")
    at = units_page("office", unit=str(unit))
    assert f"units.{unit}.reminder_notice" in [b.key for b in at.get("download_button")]
    at.button(key=f"units.{unit}.remind").click().run()
    # the demo has no mail server: the reminder is logged as failed, to be retried
    assert "催办未能发出,请稍后重试;原因已记入催办记录。" in [w.value for w in at.warning]
    with read_session(make_engine(app_env)) as s:
        log = s.execute(select(Reminder.status, Reminder.recipient).where(Reminder.unit_id == unit)).all()
        request = s.scalars(select(AuditLog).where(AuditLog.action == "reminder.request")).one()
    assert log and {status for status, _ in log} == {"failed"}
    assert request.entity_id == unit and request.username == "office"


def test_no_reminder_button_for_those_who_may_not_remind(app_env):
    unit = unit_id(app_env, "market_regulation")
    for username in ("convener", "viewer", "liaison"):
        at = units_page(username, unit=str(unit))
        assert not [b for b in at.button if b.key == f"units.{unit}.remind"], username


def test_liaison_reaches_their_own_unit_with_one_click(app_env):
    at = units_page("liaison")
    at.button(key="units.my_unit").click().run()
    own = unit_id(app_env, "market_regulation")
    assert at.query_params["unit"] == str(own)
    assert at.subheader[0].value == "区市场监管局"
    assert notice_buttons(at) == [f"units.{own}.notice"]


def test_office_staff_edit_a_units_other_names_on_its_page(app_env):
    unit = unit_id(app_env, "statistics")
    at = units_page("office", unit=str(unit))
    assert any("别名:武汉市硚口区统计局" in c.value for c in at.caption)
    form = f"units.{unit}.aliases"
    at.text_area(key=f"{form}.aliases").input("武汉市硚口区统计局\n硚口统计")
    next(b for b in at.button if b.label == "保存别名").click().run()
    assert "区统计局的别名已保存。" in [s.value for s in at.success]
    with read_session(make_engine(app_env)) as s:
        assert s.scalar(select(Unit.aliases).where(Unit.id == unit)) == ["武汉市硚口区统计局", "硚口统计"]
    assert not [x for x in units_page("liaison", unit=str(unit)).text_area if x.key == f"{form}.aliases"]


# -- 协调机制组成人员 -------------------------------------------------------------------------------------

LEADERSHIP = json.loads((ROOT / "seed" / "leadership.json").read_text(encoding="utf-8"))


def members_section(at) -> list[str]:
    """The markdown of the 协调机制组成人员 section, read the way the user reads it (in display order)."""
    nodes = list(walk(at._tree))
    start = next(i for i, n in enumerate(nodes) if n.type == "subheader" and n.value == "协调机制组成人员")
    end = next(i for i, n in enumerate(nodes) if n.type == "subheader" and n.value == "成员单位名录")
    assert start < end  # above the member-unit list
    return [n.value for n in nodes[start:end] if n.type == "markdown"]


def test_the_mechanism_members_are_listed_above_the_units_as_in_the_annex(app_env):
    at = units_page("viewer")
    assert not at.exception and not at.error
    shown = "  \n".join(members_section(at)).split("  \n")
    labels = {"convener": "召集人", "deputy_convener": "副召集人"}
    people = sorted(LEADERSHIP["leaders"], key=lambda p: p["sort_order"])
    # 召集人 刘辉 区政府副区长, 召集人 刘星 区检察院检察长, 副召集人 刘川 …: in the annex's order
    assert shown[:len(people)] == [f"**{labels[p['role']]}** {p['name']} {p['title']}" for p in people]
    assert shown[0] == "**召集人** 刘辉 区政府副区长"
    assert "**成员** 各成员单位分管领导(见下方成员单位名录)" in shown
    office = LEADERSHIP["office"]
    assert f"**协调机制办公室** 设在{office['located_in']},负责日常联络、沟通协调、督办落实等工作" in shown
    assert f"主任 {office['director']}" in shown and f"成员 {'、'.join(office['members'])}" in shown
    assert any(office["phone"] in line for line in shown)


def test_the_mechanism_members_are_not_repeated_in_a_unit_drill_down(app_env):
    at = units_page(unit=str(unit_id(app_env, "market_regulation")))
    assert "协调机制组成人员" not in [h.value for h in at.subheader]
