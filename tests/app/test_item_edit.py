"""Office staff correct an item's recorded fields from its detail; others cannot."""
from datetime import date

from sqlalchemy import select

from core.permissions import Actor
from db.commands.items import CreateItem, ReceiveItem
from db.engine import make_engine, read_session
from db.models import Item, Unit
from tests.app.conftest import signed_in_app

SYSTEM = Actor(None, "system", "admin")


def new_item(url) -> int:
    engine = make_engine(url)
    with read_session(engine) as s:
        ids = dict(s.execute(select(Unit.code, Unit.id)).all())
    return CreateItem(SYSTEM, kind="investigation_assistance", from_unit_id=ids["procuratorate"],
                      to_unit_id=ids["justice"], title="原标题", sent_on=date(2026, 11, 2)).run(engine)


def detail(username, item_id):
    at = signed_in_app(username, "app_pages/referrals.py")
    at.query_params["item"] = str(item_id)
    return at.run()


def item(url, item_id) -> Item:
    with read_session(make_engine(url)) as s:
        return s.get(Item, item_id)


def save(at):
    next(b for b in at.button if b.label == "保存修改").click().run()
    return at


def test_office_corrects_title_and_receipt_date_and_the_due_date_follows(app_env):
    item_id = new_item(app_env)
    at = detail("office", item_id)
    form = f"item_edit.{item_id}"
    at.text_input(key=f"{form}.title").input("更正后的标题")
    at.date_input(key=f"{form}.received_on").set_value(date(2026, 11, 9))
    save(at)
    assert "事项信息已修改。" in [x.value for x in at.success]
    row = item(app_env, item_id)
    assert row.title == "更正后的标题" and row.received_on == date(2026, 11, 9)
    assert row.due_on == date(2026, 11, 24)  # 15 days from the corrected receipt


def test_stale_correction_is_refused_and_input_kept(app_env):
    item_id = new_item(app_env)
    at = detail("office", item_id)
    ReceiveItem(SYSTEM, item_id=item_id, on=date(2026, 11, 3)).run(make_engine(app_env))
    form = f"item_edit.{item_id}"
    at.text_input(key=f"{form}.title").input("我的更正")
    save(at)
    assert any("已被他人修改" in e.value for e in at.error)
    assert at.text_input(key=f"{form}.title").value == "我的更正"
    assert item(app_env, item_id).title == "原标题"


def test_missing_title_is_a_message_under_the_field(app_env):
    item_id = new_item(app_env)
    at = detail("office", item_id)
    at.text_input(key=f"item_edit.{item_id}.title").input("")
    save(at)
    assert any(c.value.endswith("必填。]") or "必填。" in c.value for c in at.caption)
    assert item(app_env, item_id).title == "原标题"


def test_only_office_and_admin_may_correct(app_env):
    item_id = new_item(app_env)
    for username in ("liaison", "viewer", "convener"):
        at = detail(username, item_id)
        assert "保存修改" not in [b.label for b in at.button], username
