"""Next year's calendar (AppTest): from November, admins and office staff see a banner while next
year's State Council notice is not entered (liaisons do not); the admin pastes the notice, sees
its days beside the calendar, saves it, and the banner is gone."""
from sqlalchemy import func, select

from db.engine import make_engine, read_session
from db.models import HolidayEntry
from tests.app.conftest import admin_page, signed_in_app
from tests.db.test_holiday_notice_entry import NOTICE_2027

BANNER = "尚未录入国务院办公厅2027年节假日安排"


def banner_shown(at) -> bool:
    return any(BANNER in w.value for w in at.warning)


def test_the_banner_shows_to_admins_and_office_staff_only(app_env):
    assert banner_shown(signed_in_app("admin").run())
    assert banner_shown(signed_in_app("office").run())
    assert not banner_shown(signed_in_app("liaison").run())
    assert not banner_shown(signed_in_app("convener").run())


def test_the_admin_pastes_the_notice_checks_the_preview_and_saves_it(app_env):
    at = admin_page("admin", "节假日")
    at.text_area(key="settings.notice.text").input(NOTICE_2027).run()
    assert not at.exception
    assert any("识别出 **2027 年**放假 28 天、调休上班 5 天" in m.value for m in at.markdown)
    preview = next(d.value for d in at.dataframe if "通知安排" in d.value.columns)
    assert len(preview) == 33
    assert preview.loc[preview["日期"] == "2027-02-13", "变化"].tolist() == ["将变更"]  # a Saturday to work on
    at.button(key="settings.notice.save").click().run()
    assert "已按通知保存 2027 年的 33 天安排,相关事项的期限已重新计算。" in [s.value for s in at.success]
    assert at.text_area(key="settings.notice.text").value == ""
    with read_session(make_engine(app_env)) as s:
        assert s.scalar(select(func.count()).select_from(HolidayEntry)) == 33
    assert not banner_shown(at)


def test_a_notice_it_cannot_read_says_which_line(app_env):
    at = admin_page("admin", "节假日")
    at.text_area(key="settings.notice.text").input(
        "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至1月40日放假，共3天。").run()
    assert any("第2行无法识别" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "settings.notice.save"]
