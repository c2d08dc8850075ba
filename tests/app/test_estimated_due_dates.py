"""Estimated due dates (their year's State Council notice not yet entered) carry the mark (估)
wherever they are listed — the referrals list and its download, the liaison's 待办, the export
sheet's 期限为估算 column — and lose it once the notice is entered."""
from datetime import date

from core.permissions import Actor
from db.commands.items import CreateItem
from db.commands.settings import EnterHolidayNotice
from db.engine import make_engine, read_session
from db.models import Item
from db.queries.exports import items_table
from tests.app.conftest import open_page, signed_in_app, unit_id
from tests.db.test_holiday_notice_entry import NOTICE_2027

SYSTEM_ADMIN = Actor(None, "system", "admin")
TITLE = "二〇二七年到期的检察建议"


def estimated_item(url) -> Item:
    engine = make_engine(url)
    item_id = CreateItem(SYSTEM_ADMIN, kind="procuratorial_suggestion", from_unit_id=unit_id(url, "procuratorate"),
                         to_unit_id=unit_id(url, "market_regulation"), doc_number="硚检建〔2026〕977号", title=TITLE,
                         sent_on=date(2026, 11, 20), details={}).run(engine)
    with read_session(engine) as s:
        item = s.get(Item, item_id)
    assert item.due_approximate
    return item


def listed_due(at) -> str:
    table = next(d.value for d in at.dataframe if "事项标题" in d.value.columns or "标题" in d.value.columns)
    title_col = "事项标题" if "事项标题" in table.columns else "标题"
    return table.loc[table[title_col] == TITLE, "反馈期限"].iloc[0]


def test_an_estimate_is_marked_in_lists_todo_and_exports_until_the_notice_is_entered(app_env):
    item = estimated_item(app_env)
    due = item.due_on.isoformat()
    at = open_page("office", "app_pages/referrals.py", q=TITLE)
    assert listed_due(at) == f"{due}(估)"
    todo = signed_in_app("liaison").run()
    assert any(f"{due}(估)" in c.value for c in todo.caption)
    sheet = items_table(make_engine(app_env), None)
    assert sheet.loc[sheet["标题"] == TITLE, "期限为估算"].tolist() == ["是"]

    EnterHolidayNotice(SYSTEM_ADMIN, text=NOTICE_2027).run(make_engine(app_env))
    with read_session(make_engine(app_env)) as s:
        exact = s.get(Item, item.id).due_on.isoformat()
    assert listed_due(open_page("office", "app_pages/referrals.py", q=TITLE)) == exact
    sheet = items_table(make_engine(app_env), None)
    assert sheet.loc[sheet["标题"] == TITLE, "期限为估算"].tolist() == ["否"]
