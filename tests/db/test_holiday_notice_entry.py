"""Entering the State Council's notice (EnterHolidayNotice), on SQLite and PostgreSQL: the year's
days become the admin's entries (replacing those entered before), the open items whose due dates
were estimates get exact ones, the preview shows what changes, and a notice it cannot read is
refused under the text with nothing written.

NOTICE_2027 is a made-up sample in the notices' usual wording (the real 2027 notice is not out
when this is written): it only has to read like one."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.base import PermissionDenied, ValidationFailed
from db.commands.items import CreateItem
from db.commands.settings import AddHolidayEntry, EnterHolidayNotice
from db.engine import read_session
from db.models import AuditLog, HolidayEntry, Item
from db.queries.settings import notice_preview
from core.holiday_notice import parse_notice
from tests.conftest import count

ADMIN = Actor(None, "admin1", "admin")
OFFICE = Actor(None, "office1", "office")
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至2月12日（农历正月初八、周五）放假调休，共8天。2月13日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、国庆节、中秋节：9月15日（周三）放假1天；10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""
REST = [date(2027, 2, 5) + timedelta(days=i) for i in range(8)]


def entries(engine) -> dict[date, bool]:
    with read_session(engine) as s:
        return dict(s.execute(select(HolidayEntry.day, HolidayEntry.is_workday)).all())


@pytest.fixture
def estimated_item(engine, units) -> int:
    """A 检察建议 answered within two months from 2026-12-08: due in February 2027, an estimate."""
    item_id = CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                         to_unit_id=units["market_regulation"], doc_number="硚检建〔2026〕88号", title="二〇二七年到期的建议",
                         sent_on=date(2026, 11, 20), received_on=None, details={}).run(engine)
    with read_session(engine) as s:
        item = s.get(Item, item_id)
        assert item.due_approximate and item.due_on.year == 2027
    return item_id


def test_the_notice_becomes_the_years_entries_and_estimated_due_dates_become_exact(engine, estimated_item):
    with read_session(engine) as s:
        before = s.get(Item, estimated_item).due_on
    EnterHolidayNotice(ADMIN, text=NOTICE_2027).run(engine)
    saved = entries(engine)
    assert all(saved[d] is False for d in REST) and saved[date(2027, 2, 13)] is True
    assert sum(not w for w in saved.values()) == 3 + 8 + 3 + 5 + 1 + 1 + 7
    assert sum(saved.values()) == 1 + 2 + 2
    with read_session(engine) as s:
        item = s.get(Item, estimated_item)
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "settings.holiday.notice")).one()
    assert not item.due_approximate
    assert item.due_on.year == 2027 and item.due_on not in REST and before is not None
    assert audit.after == {"year": 2027, "holidays": 28, "workdays": 5, "due_dates_moved": 1}


def test_entering_the_notice_again_replaces_the_years_entries(engine):
    AddHolidayEntry(ADMIN, day=date(2027, 3, 1), kind="holiday", note="误录").run(engine)
    AddHolidayEntry(ADMIN, day=date(2027, 1, 1), kind="holiday", note="元旦").run(engine)
    preview = notice_preview(engine, parse_notice(NOTICE_2027))
    assert preview["removed"] == [date(2027, 3, 1)]
    assert preview["year"] == 2027 and not next(r for r in preview["rows"] if r["day"] == date(2027, 1, 1))["changes"]
    assert next(r for r in preview["rows"] if r["day"] == date(2027, 2, 13))["changes"]  # a Saturday to work on
    EnterHolidayNotice(ADMIN, text=NOTICE_2027).run(engine)
    EnterHolidayNotice(ADMIN, text=NOTICE_2027).run(engine)
    saved = entries(engine)
    assert date(2027, 3, 1) not in saved and len(saved) == 33


def test_only_the_body_is_read_with_the_year_given(engine):
    body = NOTICE_2027.split("\n", 1)[1]
    with pytest.raises(ValidationFailed) as refused:
        EnterHolidayNotice(ADMIN, text=body).run(engine)
    assert "年份" in refused.value.field_errors["text"]
    EnterHolidayNotice(ADMIN, text=body, year=2027).run(engine)
    assert len(entries(engine)) == 33


@pytest.mark.parametrize("text,expect", [("", "必填"), ("国务院办公厅关于2027年部分节假日安排的通知\n另行通知。", "未找到"),
                                         ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至1月40日放假，共3天。", "第2行")])
def test_a_notice_it_cannot_read_is_refused_under_the_text_and_nothing_is_written(engine, text, expect):
    with pytest.raises(ValidationFailed) as refused:
        EnterHolidayNotice(ADMIN, text=text).run(engine)
    assert expect in refused.value.field_errors["text"]
    assert count(engine, HolidayEntry) == 0


def test_only_admins_enter_the_notice(engine):
    with pytest.raises(PermissionDenied):
        EnterHolidayNotice(OFFICE, text=NOTICE_2027).run(engine)
    assert count(engine, HolidayEntry) == 0
