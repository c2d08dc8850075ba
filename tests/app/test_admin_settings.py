"""管理 page, settings sections (AppTest): deadline-rule overrides (good and bad input, message under
the field, input kept, stale edit, reset) and holiday entries (add, refuse, delete, coverage); only
the admin sees the settings."""
from datetime import date

import pytest
from sqlalchemy import select

from core.kinds import KINDS
from core.permissions import Actor
from db.calendar import due_preview
from db.commands.settings import SaveDeadlineRule
from db.engine import make_engine, read_session
from db.models import DeadlineRuleSetting, HolidayEntry
from tests.app.conftest import admin_page as open_admin
from tests.app.conftest import signed_in_app
from tests.app.helpers import captions

PAGE = "app_pages/admin.py"
OTHER_ADMIN = Actor(None, "other_admin", "admin")
KIND = "procuratorial_suggestion"
FORM = f"settings.rule.{KIND}"


def admin_page(tab: str = "期限规则"):
    return open_admin("admin", tab)


def override(url, kind=KIND):
    with read_session(make_engine(url)) as s:
        return DeadlineRuleSetting.row(s, kind)


def entries(url):
    with read_session(make_engine(url)) as s:
        return [(e.day, e.is_workday, e.note) for e in s.scalars(select(HolidayEntry).order_by(HolidayEntry.day))]


def click(at, label):
    next(b for b in at.button if b.label == label).click().run()
    return at


def infos(at):
    return " ".join(x.value for x in at.info) + " ".join(x.value for x in at.warning)


def rules_table(at):
    return next(d.value for d in at.dataframe if "事项类型" in d.value.columns)


def choose_kind(at, kind=KIND):
    at.selectbox(key="settings.rule.kind").set_value(kind).run()
    return at


# -- deadline rules -------------------------------------------------------------------------------

def test_admin_sees_tabs_and_every_kind(app_env):
    at = admin_page()
    assert not at.exception
    labels = [t.label for t in at.tabs]
    assert {"账户", "期限规则", "节假日"} <= set(labels) and labels[0] == "账户"
    table = rules_table(at)
    assert len(table) == len(KINDS) and "检察建议" in set(table["事项类型"])
    row = table.set_index("事项类型").loc["检察建议"]
    assert row["默认期限"] == "收到后2个月" and row["管理员调整"] == "未调整"
    assert "检察建议工作规定" in row["依据"]


def test_save_override_then_new_items_use_it(app_env):
    at = choose_kind(admin_page())
    assert at.number_input(key=f"{FORM}.amount").value == 2
    at.number_input(key=f"{FORM}.amount").set_value(1)
    click(at, "保存期限")
    assert not at.exception and not at.error
    row = override(app_env)
    assert (row.amount, row.unit, row.version) == (1, "months", 1)
    assert any("已调整为收到后1个月" in s.value for s in at.success)
    table = rules_table(at).set_index("事项类型")
    assert table.loc["检察建议", "现行期限"] == "收到后1个月" and table.loc["检察建议", "管理员调整"] == "1个月"
    # the due date of a new item now follows the override (received Tue 2026-09-22 -> Thu 10-22)
    preview = due_preview(make_engine(app_env), KIND, False, date(2026, 9, 18), date(2026, 9, 22))
    assert preview["due_on"] == date(2026, 10, 22)
    # a second change starts from the saved version
    at.number_input(key=f"{FORM}.amount").set_value(45)
    at.selectbox(key=f"{FORM}.unit").set_value("days")
    click(at, "保存期限")
    assert not at.error and (override(app_env).amount, override(app_env).unit) == (45, "days")


@pytest.mark.parametrize("amount", [0, 400, -5])
def test_bad_amount_shows_message_under_field_and_keeps_input(app_env, amount):
    at = choose_kind(admin_page())
    at.number_input(key=f"{FORM}.amount").set_value(amount)
    at.selectbox(key=f"{FORM}.unit").set_value("working_days")
    click(at, "保存期限")
    assert at.error[0].value == "请检查标红的字段。"
    assert "须为 1–365 之间的整数。" in " ".join(captions(at))
    assert at.number_input(key=f"{FORM}.amount").value == amount
    assert at.selectbox(key=f"{FORM}.unit").value == "working_days"
    assert override(app_env) is None


def test_stale_override_refused_and_input_kept(app_env):
    at = choose_kind(admin_page())
    SaveDeadlineRule(OTHER_ADMIN, kind=KIND, amount=3, unit="months", version=0).run(make_engine(app_env))
    at.number_input(key=f"{FORM}.amount").set_value(1)
    click(at, "保存期限")
    assert "已被他人修改" in at.error[0].value
    assert at.number_input(key=f"{FORM}.amount").value == 1
    assert override(app_env).amount == 3
    click(at, "保存期限")  # submitting again applies to the version now shown
    assert not at.error and override(app_env).amount == 1


def test_reset_to_default(app_env):
    SaveDeadlineRule(OTHER_ADMIN, kind=KIND, amount=1, unit="months", version=0).run(make_engine(app_env))
    at = choose_kind(admin_page())
    assert at.number_input(key=f"{FORM}.amount").value == 1
    click(at, "恢复默认")
    assert not at.error and override(app_env) is None
    assert at.number_input(key=f"{FORM}.amount").value == 2  # the form shows the default again
    assert rules_table(at).set_index("事项类型").loc["检察建议", "现行期限"] == "收到后2个月"


def test_urgent_rule_explained_and_information_kinds_not_configurable(app_env):
    at = choose_kind(admin_page(), "pil_pre_suit_suggestion")
    assert "紧急情形期限(收到后15日(紧急情形))由法律规定,不能在此调整" in infos(at)
    assert "由法律规定" in at.number_input(key="settings.rule.pil_pre_suit_suggestion.amount").help
    choose_kind(at, "major_case_notice")
    assert "不设统一期限" in infos(at)
    assert not [n for n in at.number_input if n.key.startswith("settings.rule.major_case_notice")]


# -- holidays -------------------------------------------------------------------------------------

def test_coverage_of_the_year(app_env):
    at = admin_page("节假日")
    assert at.selectbox(key="settings.holiday.year").value == 2026
    assert "2026 年已包含在系统内置的国务院节假日安排中" in infos(at)
    at.selectbox(key="settings.holiday.year").set_value(2027).run()
    assert "仅按周末推算" in infos(at)


def test_add_and_delete_holiday_entry(app_env):
    at = admin_page("节假日")
    at.selectbox(key="settings.holiday.year").set_value(2027).run()
    at.date_input(key="settings.holiday.add.day").set_value(date(2027, 1, 1))
    at.selectbox(key="settings.holiday.add.kind").set_value("holiday")
    at.text_input(key="settings.holiday.add.note").input("元旦")
    click(at, "添加")
    assert not at.exception and not at.error
    assert entries(app_env) == [(date(2027, 1, 1), False, "元旦")]
    table = next(d.value for d in at.dataframe if "星期" in d.value.columns)
    assert table.iloc[0].tolist() == ["2027-01-01", "周五", "法定节假日(休息)", "元旦"]
    assert "以管理员录入的安排为准" in infos(at)
    assert at.text_input(key="settings.holiday.add.note").value == ""  # ready for the next entry

    # a make-up working day on the same date is refused: message under the field, input kept
    at.date_input(key="settings.holiday.add.day").set_value(date(2027, 1, 1))
    at.selectbox(key="settings.holiday.add.kind").set_value("workday")
    at.text_input(key="settings.holiday.add.note").input("调休")
    click(at, "添加")
    assert "不能既是法定节假日又是调休上班日" in " ".join(captions(at))
    assert at.text_input(key="settings.holiday.add.note").value == "调休"
    assert len(entries(app_env)) == 1

    at.selectbox(key="settings.holiday.delete.day").set_value(date(2027, 1, 1))
    click(at, "删除")
    assert not at.error and entries(app_env) == []
    assert "仅按周末推算" in infos(at)


def test_date_is_required(app_env):
    at = admin_page("节假日")
    at.text_input(key="settings.holiday.add.note").input("没有日期")
    click(at, "添加")
    assert at.error[0].value == "请检查标红的字段。" and "必填。" in " ".join(captions(at))
    assert at.text_input(key="settings.holiday.add.note").value == "没有日期"
    assert entries(app_env) == []


def test_added_entry_moves_a_working_day_due_date(app_env):
    """法律风险评估 (15 working days) received 2026-09-22 is due 10-20; a holiday on 10-15 moves it."""
    engine = make_engine(app_env)
    args = ("legal_risk_consultation", False, date(2026, 9, 22), date(2026, 9, 22))
    assert due_preview(engine, *args)["due_on"] == date(2026, 10, 20)
    at = admin_page("节假日")
    at.date_input(key="settings.holiday.add.day").set_value(date(2026, 10, 15))
    click(at, "添加")
    assert not at.error
    assert due_preview(engine, *args)["due_on"] == date(2026, 10, 21)


@pytest.mark.parametrize("username", ["convener", "office", "liaison", "viewer"])
def test_non_admin_does_not_see_settings(app_env, username):
    at = signed_in_app(username, PAGE).run()
    assert not at.exception
    assert "期限规则" not in [t.label for t in at.tabs]
    assert not [w for w in list(at.selectbox) + list(at.number_input) + list(at.date_input)
                if w.key and w.key.startswith("settings.")]
