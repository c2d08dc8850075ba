"""Liaison commands and the reporting rule (DESIGN §2, §5), on SQLite and PostgreSQL: a change ends
the previous liaison the day before it takes effect and keeps the history; an additional liaison
ends nobody; changes reported late or never are listed worst first; every field has its
Chinese message; only office staff and admins may write; stale edits are refused.

Report deadlines used below (5 working days, start day not counted; checked against
chinese_calendar): Mon 2026-06-01 -> Mon 06-08; Wed 2026-09-30 -> Tue 10-13 (National Day
10-01..07 skipped, make-up Sat 10-10 counted); Fri 2026-11-20 -> Fri 11-27 (not yet past on
"today" 2026-11-26)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.permissions import Actor
from db.commands.base import PermissionDenied, StaleEdit, ValidationFailed
from db.commands.items import CreateItem
from db.commands.liaisons import ChangeLiaison, UpdateLiaison
from db.engine import read_session
from db.models import AuditLog, Liaison, Unit
from db.reminders import plan
from db.queries.units import late_liaison_reports, liaison_history, report_due, unit_directory
from tests.conftest import TODAY, count

OFFICE = Actor(None, "office1", "office")
ADMIN = Actor(None, "admin1", "admin")


def unit_version(engine, unit_id) -> int:
    with read_session(engine) as s:
        return s.get(Unit, unit_id).version


def liaisons_of(engine, unit_id) -> list[Liaison]:
    with read_session(engine) as s:
        return list(s.scalars(select(Liaison).where(Liaison.unit_id == unit_id).order_by(Liaison.start_on, Liaison.id)))


def change(engine, unit_id, actor=OFFICE, **fields) -> int:
    data = dict(name="张三", phone="027-83831234", start_on=date(2026, 3, 2), reported_on=date(2026, 3, 3),
                additional=False, replaces_id=None)
    data.update(fields)
    return ChangeLiaison(actor, unit_id=unit_id, unit_version=unit_version(engine, unit_id), **data).run(engine)


def messages(exc_info) -> dict[str, str]:
    return exc_info.value.field_errors


# -- change and history --------------------------------------------------------------------------

def test_change_ends_the_previous_liaison_the_day_before_and_keeps_the_history(engine, units):
    unit = units["market_regulation"]
    first = change(engine, unit, name="张三", start_on=date(2026, 3, 2), reported_on=date(2026, 3, 2))
    version = unit_version(engine, unit)
    audits = count(engine, AuditLog)
    second = change(engine, unit, name="李四", phone="13907150000", start_on=date(2026, 11, 2),
                    reported_on=date(2026, 11, 3))
    old, new = liaisons_of(engine, unit)
    assert (old.id, old.name, old.start_on, old.end_on) == (first, "张三", date(2026, 3, 2), date(2026, 11, 1))
    assert (new.id, new.name, new.phone, new.start_on, new.end_on, new.reported_on) == (
        second, "李四", "13907150000", date(2026, 11, 2), None, date(2026, 11, 3))
    assert unit_version(engine, unit) == version + 1  # a concurrent change of this unit now fails
    [audit] = [a for a in _audits(engine) if a.id > audits]
    assert (audit.action, audit.entity, audit.entity_id, audit.username) == ("liaison.change", "liaison", second,
                                                                            "office1")
    assert audit.before["ended"][0]["name"] == "张三" and audit.before["ended"][0]["end_on"] is None
    assert audit.after["name"] == "李四" and audit.after["ended_ids"] == [first]
    history = liaison_history(engine, unit, TODAY)
    assert list(history["name"]) == ["李四", "张三"]  # newest first
    assert list(history["current"]) == [True, False]
    assert list(history["end_on"].map(lambda d: d if isinstance(d, date) else None)) == [None, date(2026, 11, 1)]
    directory = unit_directory(engine, TODAY).set_index("code")
    assert directory.at["market_regulation", "liaisons"] == "李四 13907150000"


def _audits(engine) -> list[AuditLog]:
    with read_session(engine) as s:
        return list(s.scalars(select(AuditLog).order_by(AuditLog.id)))


def test_additional_liaison_keeps_the_current_one(engine, units):
    unit = units["public_security"]
    change(engine, unit, name="张三", start_on=date(2026, 3, 2))
    change(engine, unit, name="王五", phone="027 8383 5555", start_on=date(2026, 6, 1), reported_on=date(2026, 6, 1),
           additional=True)
    rows = liaisons_of(engine, unit)
    assert [(r.name, r.end_on) for r in rows] == [("张三", None), ("王五", None)]
    assert unit_directory(engine, TODAY).set_index("code").at["public_security", "liaison_count"] == 2


def test_replacing_one_of_two_current_liaisons_ends_only_that_one(engine, units):
    unit = units["public_security"]
    zhang = change(engine, unit, name="张三", start_on=date(2026, 3, 2))
    change(engine, unit, name="王五", start_on=date(2026, 4, 1), reported_on=date(2026, 4, 1), additional=True)
    change(engine, unit, name="赵六", start_on=date(2026, 9, 1), reported_on=date(2026, 9, 1), replaces_id=zhang)
    ends = {r.name: r.end_on for r in liaisons_of(engine, unit)}
    assert ends == {"张三": date(2026, 8, 31), "王五": None, "赵六": None}


def test_without_additional_every_current_liaison_is_replaced(engine, units):
    unit = units["public_security"]
    change(engine, unit, name="张三", start_on=date(2026, 3, 2))
    change(engine, unit, name="王五", start_on=date(2026, 4, 1), reported_on=date(2026, 4, 1), additional=True)
    change(engine, unit, name="赵六", start_on=date(2026, 9, 1), reported_on=date(2026, 9, 1))
    ends = {r.name: r.end_on for r in liaisons_of(engine, unit)}
    assert ends == {"张三": date(2026, 8, 31), "王五": date(2026, 8, 31), "赵六": None}


# -- the reporting rule and the late/never list ------------------------------------------------------

def test_report_deadline_is_five_working_days_skipping_holidays():
    assert report_due(date(2026, 6, 1)) == date(2026, 6, 8)
    assert report_due(date(2026, 9, 30)) == date(2026, 10, 13)
    assert report_due(date(2026, 11, 20)) == date(2026, 11, 27)


def test_late_and_never_reported_changes_are_listed_worst_first(engine, units):
    on_time = units["education"]      # reported on the 5th working day: on time
    one_day = units["finance"]        # reported the day after the deadline: late by 1 day
    holiday = units["health"]         # reported 10-14, the day after the deadline that skips National Day
    never = units["audit"]            # never reported, deadline 06-08: 171 days past on 11-26
    pending = units["commerce"]       # not reported, but the deadline (11-27) has not passed yet
    change(engine, on_time, start_on=date(2026, 6, 1), reported_on=date(2026, 6, 8))
    change(engine, one_day, start_on=date(2026, 6, 1), reported_on=date(2026, 6, 9))
    change(engine, holiday, start_on=date(2026, 9, 30), reported_on=date(2026, 10, 14))
    change(engine, never, start_on=date(2026, 6, 1), reported_on=None)
    change(engine, pending, start_on=date(2026, 11, 20), reported_on=None)
    late = late_liaison_reports(engine, TODAY)
    assert list(late["unit_id"]) == [never, one_day, holiday]
    assert list(late["report_state"]) == ["missing", "late", "late"]
    assert list(late["days_late"]) == [(TODAY - date(2026, 6, 8)).days, 1, 1]
    assert late.iloc[0]["report_due"] == date(2026, 6, 8)
    # the category filter of the page applies
    assert list(late_liaison_reports(engine, TODAY, category="subdistrict")["unit_id"]) == []
    states = {u: liaison_history(engine, u, TODAY).iloc[0]["report_state"] for u in (on_time, pending)}
    assert states == {on_time: "on_time", pending: "pending"}


def test_recording_the_report_later_moves_a_change_from_never_to_late(engine, units):
    unit = units["audit"]
    lid = change(engine, unit, start_on=date(2026, 6, 1), reported_on=None)
    assert list(late_liaison_reports(engine, TODAY)["report_state"]) == ["missing"]
    UpdateLiaison(OFFICE, liaison_id=lid, version=1, name="张三", phone="027-83831234",
                  reported_on=date(2026, 6, 18), end_on=None).run(engine)
    late = late_liaison_reports(engine, TODAY)
    assert list(late["report_state"]) == ["late"] and list(late["days_late"]) == [10]


# -- validation ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fields,field,message", [
    ({"name": "  "}, "name", "必填。"),
    ({"name": "张" * 51}, "name", "不能超过 50 个字。"),
    ({"phone": ""}, "phone", "必填。"),
    ({"phone": "027-8383abcd"}, "phone", "电话只能由数字、连字符和空格组成(可带开头的 +),数字应为 7–20 位。"),
    ({"phone": "12345"}, "phone", "电话只能由数字、连字符和空格组成(可带开头的 +),数字应为 7–20 位。"),
    ({"phone": "1" * 51}, "phone", "不能超过 50 个字。"),
    ({"start_on": None}, "start_on", "必填。"),
    ({"start_on": TODAY + timedelta(days=1), "reported_on": None}, "start_on", "不能晚于今天。"),
    ({"start_on": "2026-03-02"}, "start_on", "日期格式不正确。"),
    ({"start_on": date(2026, 3, 2), "reported_on": date(2026, 3, 1)}, "reported_on", "不能早于生效日期。"),
    ({"reported_on": TODAY + timedelta(days=1)}, "reported_on", "不能晚于今天。"),
])
def test_each_field_has_its_message_and_nothing_is_written(engine, units, fields, field, message):
    before = (count(engine, Liaison), count(engine, AuditLog))
    with pytest.raises(ValidationFailed) as exc:
        change(engine, units["justice"], **fields)
    assert exc.value.message == "请检查标红的字段。"
    assert messages(exc)[field] == message
    assert (count(engine, Liaison), count(engine, AuditLog)) == before


def test_plausible_phones_are_accepted(engine, units):
    for i, phone in enumerate(["68839462", "027-68839462", "+86 139 0715 0000", "027-8383 1234-806"]):
        change(engine, units["justice"], name=f"联络员{i}", phone=phone, start_on=date(2026, 3, 2 + i),
               reported_on=date(2026, 3, 2 + i))
    assert [r.phone for r in liaisons_of(engine, units["justice"])][-1] == "027-8383 1234-806"


def test_new_liaison_must_start_after_the_one_replaced_and_not_be_current_already(engine, units):
    unit = units["justice"]
    change(engine, unit, name="张三", start_on=date(2026, 3, 2))
    with pytest.raises(ValidationFailed) as exc:
        change(engine, unit, name="李四", start_on=date(2026, 3, 2), reported_on=date(2026, 3, 2))
    assert messages(exc) == {"start_on": "须晚于被接替的联络员张三的生效日期(2026-03-02)。"}
    with pytest.raises(ValidationFailed) as exc:
        change(engine, unit, name="张三", start_on=date(2026, 5, 6), reported_on=date(2026, 5, 6))
    assert messages(exc) == {"name": "张三已是该单位的现任联络员。"}
    assert len(liaisons_of(engine, unit)) == 1


def test_unknown_unit_and_unknown_replaced_liaison_are_refused(engine, units):
    with pytest.raises(ValidationFailed) as exc:
        ChangeLiaison(OFFICE, unit_id=99999, unit_version=1, name="张三", phone="68839462",
                      start_on=date(2026, 3, 2), reported_on=None).run(engine)
    assert messages(exc) == {"unit_id": "未知单位。"}
    with pytest.raises(ValidationFailed) as exc:
        change(engine, units["justice"], replaces_id=12345)
    assert messages(exc) == {"replaces_id": "所选联络员不是该单位的现任联络员。"}


def test_update_validates_report_and_end_dates(engine, units):
    lid = change(engine, units["justice"], start_on=date(2026, 3, 2))
    with pytest.raises(ValidationFailed) as exc:
        UpdateLiaison(OFFICE, liaison_id=lid, version=1, name="张三", phone="abc", reported_on=date(2026, 3, 1),
                      end_on=date(2026, 2, 1)).run(engine)
    assert messages(exc) == {"phone": "电话只能由数字、连字符和空格组成(可带开头的 +),数字应为 7–20 位。",
                             "reported_on": "不能早于生效日期。", "end_on": "不能早于生效日期。"}


# -- permission -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("actor,allowed", [
    (OFFICE, True), (ADMIN, True),
    (Actor(None, "c", "convener"), False), (Actor(None, "v", "viewer"), False),
    ("own_unit_liaison", False),
])
def test_only_office_and_admin_may_change_or_edit_liaisons(engine, units, actor, allowed):
    unit = units["market_regulation"]
    if actor == "own_unit_liaison":  # a liaison may not even change their own unit's liaison
        actor = Actor(None, "l", "liaison", unit_id=unit)
    lid = change(engine, unit, name="张三", start_on=date(2026, 3, 2))
    before = (count(engine, Liaison), count(engine, AuditLog))
    if allowed:
        change(engine, unit, actor=actor, name="李四", start_on=date(2026, 6, 1), reported_on=date(2026, 6, 1))
        UpdateLiaison(actor, liaison_id=lid, version=2, name="张三", phone="68839462", reported_on=None,
                      end_on=date(2026, 5, 31)).run(engine)
        assert count(engine, Liaison) == before[0] + 1 and count(engine, AuditLog) == before[1] + 2
        return
    with pytest.raises(PermissionDenied) as exc:
        change(engine, unit, actor=actor, name="李四", start_on=date(2026, 6, 1))
    assert exc.value.message == "您没有执行此操作的权限。"
    with pytest.raises(PermissionDenied):
        UpdateLiaison(actor, liaison_id=lid, version=1, name="张三", phone="68839462", reported_on=None,
                      end_on=None).run(engine)
    assert (count(engine, Liaison), count(engine, AuditLog)) == before
    assert liaisons_of(engine, unit)[0].end_on is None


# -- optimistic locking ----------------------------------------------------------------------------------

def test_stale_edit_of_a_liaison_row_is_refused(engine, units):
    lid = change(engine, units["justice"], name="张三", phone="68839462", start_on=date(2026, 3, 2))
    # two people open the same row at version 1; the first saves a new phone
    UpdateLiaison(OFFICE, liaison_id=lid, version=1, name="张三", phone="13907150000", reported_on=date(2026, 3, 3),
                  end_on=None).run(engine)
    with pytest.raises(StaleEdit) as exc:
        UpdateLiaison(ADMIN, liaison_id=lid, version=1, name="张三丰", phone="68839462", reported_on=None,
                      end_on=None).run(engine)
    assert exc.value.message.startswith("该记录已被他人修改")
    [row] = liaisons_of(engine, units["justice"])
    assert (row.name, row.phone, row.reported_on, row.version) == ("张三", "13907150000", date(2026, 3, 3), 2)


def test_two_changes_of_the_same_unit_from_the_same_version_cannot_both_replace(engine, units):
    unit = units["justice"]
    change(engine, unit, name="张三", start_on=date(2026, 3, 2))
    opened = unit_version(engine, unit)
    ChangeLiaison(OFFICE, unit_id=unit, unit_version=opened, name="李四", phone="68839462",
                  start_on=date(2026, 6, 1), reported_on=date(2026, 6, 1)).run(engine)
    with pytest.raises(StaleEdit):
        ChangeLiaison(ADMIN, unit_id=unit, unit_version=opened, name="王五", phone="68839462",
                      start_on=date(2026, 7, 1), reported_on=date(2026, 7, 1)).run(engine)
    assert [(r.name, r.end_on) for r in liaisons_of(engine, unit)] == [("张三", date(2026, 5, 31)), ("李四", None)]


def test_a_new_liaisons_email_receives_the_units_reminders(engine, units):
    change(engine, units["market_regulation"], email="Market.Liaison@Example.invalid")
    CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
               to_unit_id=units["market_regulation"], doc_number="硚检建〔2026〕9号", title="超期事项",
               sent_on=date(2026, 10, 9), due_on_override=date(2026, 11, 20), override_reason="建议书载明期限").run(engine)
    assert [(d.recipient, d.unit_name) for d in plan(engine, TODAY)] == [("market.liaison@example.invalid", "区市场监管局")]


def test_a_liaisons_email_is_corrected_or_refused_like_any_field(engine, units):
    liaison_id = change(engine, units["education"], email="edu@example.invalid")
    row = liaisons_of(engine, units["education"])[0]
    with pytest.raises(ValidationFailed) as refused:
        UpdateLiaison(OFFICE, liaison_id=liaison_id, version=row.version, name=row.name, phone=row.phone,
                      email="edu at example", reported_on=row.reported_on, end_on=None).run(engine)
    assert set(messages(refused)) == {"email"}
    UpdateLiaison(OFFICE, liaison_id=liaison_id, version=row.version, name=row.name, phone=row.phone,
                  email=None, reported_on=row.reported_on, end_on=None).run(engine)
    assert liaisons_of(engine, units["education"])[0].email is None
