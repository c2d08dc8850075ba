"""What users type is shown as text, and downloads follow the export permission."""
from datetime import date

from sqlalchemy import select

from core.permissions import Actor
from db.commands.items import CreateItem
from db.engine import make_engine, read_session
from db.models import Unit
from tests.app.conftest import signed_in_app

EVIL = "[请重新登录](http://evil.example) ![t](http://evil.example/t.png) **粗**"


def new_item(url) -> int:
    engine = make_engine(url)
    with read_session(engine) as s:
        ids = dict(s.execute(select(Unit.code, Unit.id)).all())
    return CreateItem(Actor(None, "system", "admin"), kind="investigation_assistance",
                      from_unit_id=ids["procuratorate"], to_unit_id=ids["justice"], title=EVIL,
                      sent_on=date(2026, 11, 20)).run(engine)


def test_a_title_with_links_and_images_is_shown_as_text(app_env):
    item_id = new_item(app_env)
    at = signed_in_app("office", "app_pages/referrals.py")
    at.query_params["item"] = str(item_id)
    at.run()
    heading = next(h.value for h in at.subheader if "请重新登录" in h.value)
    assert heading.startswith(r"\[请重新登录\]") and r"\!\[t\]" in heading and r"\*\*粗\*\*" in heading


def test_viewer_and_liaison_get_no_cross_unit_downloads(app_env):
    for username in ("viewer", "liaison"):
        for page in ("app_pages/referrals.py", "app_pages/overdue.py", "app_pages/weekly.py",
                     "app_pages/bulletin.py"):
            at = signed_in_app(username, page).run()
            assert not at.exception
            assert not at.get("download_button"), (username, page)
    office = signed_in_app("office", "app_pages/referrals.py").run()
    assert office.get("download_button")


def test_item_history_tab_only_for_roles_that_read_the_audit_log(app_env):
    item_id = new_item(app_env)
    for username, expected in (("office", True), ("viewer", False), ("liaison", False)):
        at = signed_in_app(username, "app_pages/referrals.py")
        at.query_params["item"] = str(item_id)
        at.run()
        labels = [tab.label for tab in at.tabs]
        assert ("修改记录" in labels) == expected, username
