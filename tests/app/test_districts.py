"""Several districts in one app: every page, opened by another district's admin with 硚口区's
record ids in its address, shows nothing of 硚口区; the city convener compares the districts on
全市总览 and reads a district's pages without any form to change them. On the city demo
(FJLD_DEMO=city: 硚口区 and two fictional districts)."""
from __future__ import annotations

from contextlib import ExitStack
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.permissions import ADMIN, CITY_ADMIN, OFFICE, Actor
from db import districts
from db.commands.items import CreateItem
from db.commands.meetings import CreateMeeting
from db.commands.supervision import IssueSupervision
from db.commands.users import CreateUser
from db.engine import make_engine, migrate, read_session
from db.models import FollowUp, KeyTask, Unit
from seed.reference import load_reference
from seed.demo_districts import CITY_DEMO_ACTOR, CITY_DEMO_DISTRICTS, create_city_demo
from tests.app.conftest import admin_page, signed_in_app
from tests.app.helpers import markdown_bodies
from tests.conftest import TODAY, copy_db, pg_database
from ui.navigation import PAGES

MARK = "硚口独有标记"  # in the titles of 硚口区's records made below
STREET = "汉正街道办事处"  # a member unit of 硚口区 only
ALIAS = "硚口区市场监管局"  # another name of 硚口区's market regulator (?unit= below)
QIAOKOU_ONLY = (MARK, STREET, ALIAS)
OTHER = CITY_DEMO_DISTRICTS[0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def city_template(request, tmp_path_factory, demo_template):
    """The demo database with the city demo's districts, 硚口区's marked records and an admin
    of the first fictional district (jia_admin): a SQLite file, or a PostgreSQL database that each
    test copies. Yields (backend, path or database URL, ids)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("city") / "city.db"
        path.write_bytes(demo_template.read_bytes())
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        yield "sqlite", path, _with_qiaokou_marks(engine)
        return
    from seed.demo import create_demo_accounts, generate_demo
    with pg_database() as url:
        engine = make_engine(url)
        migrate(engine)
        load_reference(engine)
        generate_demo(engine, today=TODAY)
        create_demo_accounts(engine)
        yield "postgresql", url, _with_qiaokou_marks(engine)


def _with_qiaokou_marks(engine) -> dict:
    """Add the city demo, 硚口区's marked records and jia_admin to the database; their ids. Leaves
    no connection open (a PostgreSQL template must have none)."""
    create_city_demo(engine)
    home = districts.by_code(engine, districts.HOME)
    other = districts.by_code(engine, OTHER["code"])
    office = Actor(None, "office", OFFICE, district_id=home)
    qk = districts.scoped(engine, home)
    with read_session(qk) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
        task = s.scalar(select(KeyTask.id).where(KeyTask.number == 9))
    item = CreateItem(office, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                      to_unit_id=units["hanzheng_street"],
                      title=f"{MARK}检察建议", doc_number="硚检行建〔2026〕99号", sent_on=TODAY - timedelta(days=3),
                      received_on=None, summary=MARK, details={"suggestion_number": "99"}, urgent=False,
                      key_task_id=task, external_ref=None).run(engine)
    meeting = CreateMeeting(office, kind="joint_meeting", title=f"{MARK}联席会议", held_on=TODAY - timedelta(days=5),
                            place="区政府", convened_by="区政府办公室", topics=MARK, minutes_summary=MARK,
                            attending_unit_ids=[units["procuratorate"]],
                            follow_ups=[dict(text=f"{MARK}议定事项", lead_unit_id=units["justice"], assisting_unit_ids=[],
                                             due_on=TODAY + timedelta(days=20), external_ref=None)]).run(engine)
    with read_session(qk) as s:
        follow_up = s.scalar(select(FollowUp.id).where(FollowUp.meeting_id == meeting))
    IssueSupervision(Actor(None, "convener", "convener", district_id=home), target_type="item", target_id=item,
                     level="一般", deadline=TODAY + timedelta(days=10), instruction=f"{MARK}督办").run(engine)
    CreateUser(Actor(None, "system", ADMIN, district_id=other), username="jia_admin", display_name="示例甲区管理员",
               password="Jia-admin-2025", role=ADMIN, unit_id=None).run(engine)
    CreateUser(CITY_DEMO_ACTOR, username="city_admin", display_name="市级管理员", password="City-admin-2025",
               role=CITY_ADMIN, unit_id=None).run(districts.scoped(engine, districts.ALL))
    engine.dispose()
    return {"item": item, "meeting": meeting, "fu": follow_up, "task": task, "unit": units["market_regulation"],
            "home": home, "other": other}


@pytest.fixture
def city_env(monkeypatch, tmp_path, city_template):
    backend, source, ids = city_template
    with ExitStack() as stack:
        if backend == "sqlite":
            url = copy_db(source, tmp_path)
        else:
            url = stack.enter_context(pg_database(template=source.rsplit("/", 1)[1]))
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("FJLD_DEMO", "city")
        monkeypatch.delenv("COOKIE_KEY", raising=False)
        yield url, ids


def page_text(at) -> str:
    """Everything the page shows as text: Markdown, tables, choices, metrics, inputs."""
    parts = markdown_bodies(at)
    parts += [d.value.to_string() for d in at.dataframe]
    parts += [str(o) for box in [*at.selectbox, *at.multiselect, *at.radio] for o in box.options]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [str(x.value) for x in [*at.text_input, *at.text_area] if x.value]
    parts += [x.value for x in at.text]
    return "\n".join(str(p) for p in parts)


def opened(script: str, username: str, ids: dict):
    at = signed_in_app(username, script)
    for name in ("item", "meeting", "fu", "task", "unit"):
        at.query_params[name] = str(ids[name])
    at.query_params["id"] = str(ids["item"])
    return at.run()


DISTRICT_PAGES = [spec.script for key, spec in PAGES.items() if key != "city"]


@pytest.mark.parametrize("script", DISTRICT_PAGES)
def test_another_districts_admin_sees_nothing_of_qiaokou(city_env, script):
    _, ids = city_env
    at = opened(script, "jia_admin", ids)
    assert not at.exception
    text = page_text(at)
    assert not [m for m in QIAOKOU_ONLY if m in text]
    assert "app.error" not in text and "操作未能完成" not in text


@pytest.mark.parametrize("script", ["app_pages/referrals.py", "app_pages/meetings.py", "app_pages/supervision.py",
                                    "app_pages/units.py"])
def test_qiaokous_own_admin_sees_the_same_addresses(city_env, script):
    """The control: the very addresses do show 硚口区's records to its own admin."""
    _, ids = city_env
    at = opened(script, "admin", ids)
    assert not at.exception
    text = page_text(at)
    assert [m for m in QIAOKOU_ONLY if m in text]


def test_the_city_convener_compares_the_three_districts(city_env):
    at = signed_in_app("city").run()
    assert not at.exception
    assert at.title[0].value == "全市总览"
    table = at.dataframe[0].value
    assert list(table["区"]) == ["硚口区", "示例甲区", "示例乙区"]
    assert (table["在办事项"] > 0).all()
    assert "查看区" in [s.label for s in at.sidebar.selectbox]


def test_the_city_convener_reads_a_districts_pages_without_forms(city_env):
    _, ids = city_env
    at = signed_in_app("city").run()
    choose = next(s for s in at.sidebar.selectbox if s.label == "查看区")
    choose.set_value(ids["home"]).run()
    at.switch_page("app_pages/referrals.py")
    at.query_params["item"] = str(ids["item"])
    at.run()
    assert not at.exception
    assert MARK in page_text(at)
    assert not [b for b in at.button if b.proto.is_form_submitter]  # read only: no form to send
    choose = next(s for s in at.sidebar.selectbox if s.label == "查看区")
    choose.set_value(ids["other"]).run()
    assert MARK not in page_text(at)


def test_the_city_overview_is_for_city_accounts_only(city_env):
    at = signed_in_app("admin", "app_pages/overview.py").run()
    assert "全市总览" not in [p for p in markdown_bodies(at)]
    assert not [s for s in at.sidebar.selectbox if s.label == "查看区"]
    assert any("所属区:硚口区" in c.value for c in at.sidebar.caption)


def test_a_single_district_database_looks_as_before(app_env):
    at = signed_in_app("admin", "app_pages/overview.py").run()
    assert not at.exception
    assert not any("所属区" in c.value for c in at.sidebar.caption)
    assert not [s for s in at.sidebar.selectbox if s.label == "查看区"]



def test_the_city_account_changes_its_own_password(city_env):
    at = signed_in_app("city", "app_pages/account.py").run()
    at.text_input(key="account.password.current").set_value("Demo-city-2025")
    at.text_input(key="account.password.new").set_value("City-new-pass-2026")
    at.text_input(key="account.password.confirm").set_value("City-new-pass-2026")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert any("密码已修改" in s.value for s in at.success)


def test_the_sign_in_page_lists_the_city_account_in_the_city_demo(city_env):
    from tests.app.conftest import new_app
    at = new_app().run()
    accounts = at.dataframe[0].value
    assert "city" in set(accounts[accounts.columns[1]])
    assert "“府检联动”工作机制" in at.caption[0].value and "硚口区" not in at.caption[0].value


def test_the_city_bulletin_compares_the_districts_figures_with_their_own(city_env):
    from io import BytesIO

    import docx
    import openpyxl

    from db.queries.bulletin import bulletin, preset_period
    from ui.city import city_docx, city_xlsx
    from db.queries.city import district_bulletins
    url, ids = city_env
    at = signed_in_app("city").run()
    assert not [d for d in at.dataframe if "本期新增事项" in d.value.columns]  # counted only when asked
    at.toggle(key="city.bulletin.show").set_value(True).run()
    table = next(d.value for d in at.dataframe if "本期新增事项" in d.value.columns)
    assert list(table["区"]) == ["硚口区", "示例甲区", "示例乙区"]
    start, end = preset_period("month", TODAY)
    engine = make_engine(url)
    own = bulletin(districts.scoped(engine, ids["other"]), start, end, TODAY)  # 示例甲区's own 通报
    assert table.set_index("区").loc["示例甲区", "本期新增事项"] == own.figures["received"]
    rows = district_bulletins(engine, start, end, TODAY)
    text = "\n".join(p.text for p in docx.Document(BytesIO(city_docx(rows, start, end, TODAY))).paragraphs)
    assert "全市“府检联动”工作情况的通报" in text and "3个区" in text
    book = openpyxl.load_workbook(BytesIO(city_xlsx(rows)))
    assert [c.value for c in book.worksheets[0]["A"]][1:] == ["硚口区", "示例甲区", "示例乙区"]


def test_the_city_admin_creates_an_account_in_the_district_it_chose(city_env):
    url, ids = city_env
    at = signed_in_app("city_admin").run()
    assert at.title[0].value == "全市总览"
    next(s for s in at.sidebar.selectbox if s.label == "查看区").set_value(ids["other"]).run()
    at.switch_page("app_pages/admin.py")
    at.query_params["tab"] = "账户"
    at.run()
    listed = set(next(d.value for d in at.dataframe if "用户名" in d.value.columns)["用户名"])
    assert "jia_admin" in listed and "admin" not in listed and "city" not in listed
    # the district's accounts, and the city layer's deadlines and holidays (a district's own are its admin's)
    labels = [tab.label for tab in at.tabs]
    assert {"账户", "全市期限规则", "全市节假日", "全市待办阈值"} <= set(labels) and "节假日" not in labels
    at.text_input(key="admin.create.username").set_value("jia_office")
    at.text_input(key="admin.create.display_name").set_value("甲区办公室")
    at.text_input(key="admin.create.password").set_value("Jia-office-2025")
    at.selectbox(key="admin.create.role").set_value("office")
    next(b for b in at.button if b.label == "创建账户").click().run()
    assert not at.exception and not at.error
    with read_session(districts.scoped(make_engine(url), districts.ALL)) as s:
        from db.models import User
        assert s.scalar(select(User.district_id).where(User.username == "jia_office")) == ids["other"]


def _stale_estimate(url: str, district: int) -> int:
    """An item of `district` whose estimated due date the calendar as it is now moves (as after an
    upgrade of the holiday package); its id."""
    from datetime import date

    from core.kinds import KINDS
    from db.engine import session_factory
    from db.models import Item
    engine = districts.scoped(make_engine(url), district)
    with session_factory(engine)() as s, s.begin():
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
        item = Item(kind="procuratorial_suggestion", mechanism=KINDS["procuratorial_suggestion"].mechanism,
                    from_unit_id=units["procuratorate"], to_unit_id=units["market_regulation"], title="旧估算",
                    status="received", sent_on=date(2026, 11, 20), received_on=date(2026, 11, 20), needs_feedback=True,
                    due_on=date(2027, 1, 25), due_approximate=True, details={}, version=1)
        s.add(item)
        s.flush()
        item_id = item.id
        from sqlalchemy import delete

        from db.calendar import ESTIMATES_KEY
        from db.models import Setting
        s.execute(delete(Setting).where(Setting.key == ESTIMATES_KEY))  # the calendar noted is gone, as after an upgrade
    engine.dispose()
    return item_id


def _due_on(url: str, district: int, item_id: int):
    from db.models import Item
    with read_session(districts.scoped(make_engine(url), district)) as s:
        return s.scalar(select(Item.due_on).where(Item.id == item_id))


def test_estimates_are_checked_in_a_district_when_its_pages_are_first_opened(city_env):
    """The estimated due dates the calendar now moves are moved when a district's pages are first
    read, district by district; the city overview, which counts every district, checks them all."""
    from datetime import date
    url, ids = city_env
    home, other = _stale_estimate(url, ids["home"]), _stale_estimate(url, ids["other"])
    assert not signed_in_app("jia_admin", "app_pages/overview.py").run().exception
    assert _due_on(url, ids["other"], other) != date(2027, 1, 25)  # 示例甲区's estimate is moved …
    assert _due_on(url, ids["home"], home) == date(2027, 1, 25)  # … 硚口区's waits for its pages
    at = signed_in_app("city").run()
    assert not at.exception and at.title[0].value == "全市总览"
    assert _due_on(url, ids["home"], home) == _due_on(url, ids["other"], other)


def test_the_city_admin_enters_a_holiday_for_every_district(city_env):
    """The city admin enters a day once, in 全市节假日; each district's admin sees it in its own
    list, marked 全市, and cannot delete it there."""
    from datetime import date
    url, ids = city_env
    at = admin_page("city_admin", "全市节假日")
    at.selectbox(key="settings.holiday.year").set_value(2027).run()
    at.date_input(key="settings.holiday.add.day").set_value(date(2027, 1, 4))
    at.selectbox(key="settings.holiday.add.kind").set_value("holiday")
    at.text_input(key="settings.holiday.add.note").input("全市安排")
    next(b for b in at.button if b.label == "添加").click().run()
    assert not at.exception and not at.error
    for admin in ("admin", "jia_admin"):
        at = admin_page(admin, "节假日")
        at.selectbox(key="settings.holiday.year").set_value(2027).run()
        table = next(d.value for d in at.dataframe if "星期" in d.value.columns)
        assert table.iloc[0].tolist() == ["2027-01-04", "周一", "法定节假日(休息)", "全市安排", "全市"]
        assert not [b for b in at.button if b.label == "删除"]  # nothing of its own to delete


def test_a_districts_admin_returns_to_the_city_thresholds(city_env):
    """The city admin saves the city's thresholds; 甲区's admin, who saved the district's own, drops
    them with 恢复全市阈值, and the form then shows the city's, said to be the city's."""
    at = admin_page("city_admin", "全市待办阈值")
    at.number_input(key="settings.todo.escalate_after").set_value(9)
    next(b for b in at.button if b.label == "保存阈值").click().run()
    assert not at.exception and not at.error
    at = admin_page("jia_admin", "待办与催办")
    assert at.number_input(key="settings.todo.escalate_after").value == 9
    assert not [b for b in at.button if b.label == "恢复全市阈值"]  # nothing of its own yet
    at.number_input(key="settings.todo.escalate_after").set_value(12)
    next(b for b in at.button if b.label == "保存阈值").click().run()
    assert at.number_input(key="settings.todo.escalate_after").value == 12
    next(b for b in at.button if b.label == "恢复全市阈值").click().run()
    assert "已恢复,下列为现在生效的阈值。" in [m.value for m in at.success]
    assert at.number_input(key="settings.todo.escalate_after").value == 9
    assert any("下列为全市阈值" in c.value for c in at.caption)


def districts_table(at):
    return next(d.value for d in at.dataframe if "区代码" in d.value.columns).set_index("区名称")


def test_the_city_admin_adds_a_district_with_its_plan(city_env, tmp_path):
    """管理 → 区: a new district from its four plan files. A missing file is named under the field,
    with the code and name kept; with all four the district is listed with its member units."""
    from db.commands.districts import plan_files
    from seed.demo_districts import fictional_plan
    url, ids = city_env
    plan = plan_files(fictional_plan(dict(CITY_DEMO_DISTRICTS[1], code="bing", name="示例丙区"), tmp_path))
    at = signed_in_app("city_admin", "app_pages/admin.py").run()
    at.text_input(key="district.create.code").input("bing")
    at.text_input(key="district.create.name").input("示例丙区")
    without_tasks = [(name, content, "text/plain") for name, content in plan.items() if name != "key_tasks.json"]
    at.file_uploader(key="district.create.plan_files").set_value(without_tasks)
    next(b for b in at.button if b.label == "新建区").click().run()
    assert not at.exception
    assert any("缺少方案文件 key\\_tasks.json" in c.value for c in at.caption)  # under the field (Markdown-escaped)
    assert at.text_input(key="district.create.code").value == "bing"
    assert "示例丙区" not in set(districts_table(at).index)

    at.file_uploader(key="district.create.plan_files").set_value(
        [(name, content, "text/plain") for name, content in plan.items()])
    next(b for b in at.button if b.label == "新建区").click().run()
    assert not at.exception and not at.error
    assert any("已新建“示例丙区”" in s.value for s in at.success)
    table = districts_table(at)
    assert table.loc["示例丙区", "区代码"] == "bing" and table.loc["示例丙区", "成员单位"] > 30
    assert len(table) == 4  # 硚口区, 示例甲区, 示例乙区 and the new one


def test_the_city_admin_manages_the_city_accounts(city_env):
    """管理 → 市级账户: the city accounts alone (no district's), a new 市级查看 account, and the
    city convener deactivated, whose sign-in then stops working."""
    url, _ = city_env
    at = admin_page("city_admin", "市级账户")
    city_table = next(d.value for d in at.dataframe if "用户名" in d.value.columns and "所属单位" not in d.value.columns)
    assert set(city_table["用户名"]) == {"city", "city_admin"}
    at.text_input(key="admin.city.create.username").set_value("city_viewer1")
    at.text_input(key="admin.city.create.display_name").set_value("市里的查看人")
    at.text_input(key="admin.city.create.password").set_value("City-viewer-2025")
    at.selectbox(key="admin.city.create.role").set_value("city_viewer")
    next(b for b in at.button if b.label == "创建账户" and b.proto.form_id == "admin.city.create").click().run()
    assert not at.exception and not at.error
    from db.models import User
    with read_session(districts.scoped(make_engine(url), districts.ALL)) as s:
        made = s.scalar(select(User).where(User.username == "city_viewer1"))
        convener = s.scalar(select(User.id).where(User.username == "city"))
    assert made.district_id is None and made.role == "city_viewer" and made.unit_id is None
    at.selectbox(key="admin.city.edit.user_id").set_value(convener).run()
    at.checkbox(key=f"admin.city.edit.{convener}.active").uncheck()
    next(b for b in at.button if b.label == "保存修改" and b.proto.form_id == f"admin.city.edit.{convener}").click().run()
    assert not at.exception and not at.error
    at = signed_in_app("city").run()  # the deactivated account's session: the sign-in form again
    assert not at.exception and not [x for x in at.title if x.value == "全市总览"]
    assert at.text_input(key="signin.username")


def _item_in(url: str, district: int, title: str) -> int:
    scoped = districts.scoped(make_engine(url), district)
    with read_session(scoped) as s:
        units = dict(s.execute(select(Unit.code, Unit.id)).all())
    return CreateItem(Actor(None, "office", OFFICE, district_id=district), kind="procuratorial_suggestion",
                      from_unit_id=units["procuratorate"], to_unit_id=units["market_regulation"], title=title,
                      doc_number="检建〔2026〕98号", sent_on=TODAY - timedelta(days=2), received_on=None, summary=None,
                      details={"suggestion_number": "98"}, urgent=False, key_task_id=None,
                      external_ref=None).run(scoped)


def test_a_write_in_another_district_leaves_qiaokous_pages_cached(city_env):
    """The change counters are per district: 甲区's office recording an item does not make
    硚口区's pages read their items again; 硚口区's own new item does, and shows at once."""
    from tests.app.test_read_cache import Statements
    url, ids = city_env
    at = signed_in_app("admin", "app_pages/referrals.py").run()
    at.run()  # each read now keyed on the tables it reads
    _item_in(url, ids["other"], "甲区新录入的检察建议")
    with Statements() as sql:
        at.run()
    assert not at.exception and sql.reading_items() == []
    _item_in(url, ids["home"], "硚口区新录入的检察建议")
    with Statements() as sql:
        at.run()
    assert sql.reading_items()
    assert "硚口区新录入的检察建议" in page_text(at) and "甲区新录入的检察建议" not in page_text(at)
