"""Settings commands (deadline-rule overrides, holiday entries), on SQLite and PostgreSQL: an override
and an entry change the due dates computed afterwards; validation per field; stale overrides and
contradictory entries refused; only the admin may change settings; every change is audited.

Due dates below (checked against chinese_calendar; "today" is pinned to 2026-11-26):
  检察建议 received Tue 2026-09-22: default 2 months -> Sun 11-22 -> Mon 11-23; override 1 month -> Thu 10-22
  法律风险评估 (15 working days) received 09-22 -> Tue 10-20; with an admin holiday on Thu 10-15 -> Wed 10-21;
  with a make-up working day on Sat 10-17 as well -> back to Tue 10-20
"""
from datetime import date

import pytest

from core.permissions import Actor
from db.calendar import due_for, effective_rule
from db.commands.base import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from db.commands.items import CreateItem
from db.commands.settings import AddHolidayEntry, DeleteHolidayEntry, ResetDeadlineRule, SaveDeadlineRule
from db.engine import read_session
from db.models import DeadlineRuleSetting, HolidayEntry, Item
from db.queries.settings import calendar_coverage, deadline_rules, holiday_entries, holiday_years
from tests.conftest import audits, count

ADMIN = Actor(None, "admin1", "admin")
OFFICE = Actor(None, "office1", "office")
RECEIVED_ON = date(2026, 9, 22)


def create_item(engine, units, kind="procuratorial_suggestion", urgent=False) -> Item:
    values = dict(kind=kind, from_unit_id=units["procuratorate"], to_unit_id=units["market_regulation"],
                  title="测试事项", doc_number="硚检行建〔2026〕1号", sent_on=date(2026, 9, 18),
                  received_on=RECEIVED_ON, urgent=urgent, details={})
    if kind == "legal_risk_consultation":
        values.update(from_unit_id=units["market_regulation"], to_unit_id=units["procuratorate"])
    item_id = CreateItem(OFFICE, **values).run(engine)
    with read_session(engine) as s:
        return s.get(Item, item_id)


def override_row(engine, kind):
    with read_session(engine) as s:
        return DeadlineRuleSetting.row(s, kind)


# -- deadline rule overrides ---------------------------------------------------------------------

def test_override_is_used_by_new_items_and_reset_restores_default(engine, units):
    assert create_item(engine, units).due_on == date(2026, 11, 23)  # default: 2 months
    SaveDeadlineRule(ADMIN, kind="procuratorial_suggestion", amount=1, unit="months", version=0).run(engine)
    item = create_item(engine, units)
    assert item.due_on == date(2026, 10, 22) and item.due_rule == "收到后1个月"
    assert "检察建议工作规定" in item.due_basis  # the basis stays
    row = override_row(engine, "procuratorial_suggestion")
    assert (row.amount, row.unit, row.version) == (1, "months", 1)
    audit = audits(engine, "settings.rule.save")[-1]
    assert audit.entity == "deadline_rule" and audit.before is None
    assert audit.after["kind"] == "procuratorial_suggestion" and audit.after["amount"] == 1

    ResetDeadlineRule(ADMIN, kind="procuratorial_suggestion", version=1).run(engine)
    assert override_row(engine, "procuratorial_suggestion") is None
    assert create_item(engine, units).due_on == date(2026, 11, 23)
    reset = audits(engine, "settings.rule.reset")[-1]
    assert reset.before["amount"] == 1 and reset.after is None


def test_override_changes_unit_too(engine, units):
    SaveDeadlineRule(ADMIN, kind="procuratorial_suggestion", amount=20, unit="working_days", version=0).run(engine)
    with read_session(engine) as s:
        rule = effective_rule(s, "procuratorial_suggestion")
    assert (rule.amount, rule.unit) == (20, "working_days")
    from core.deadlines import add_period
    assert create_item(engine, units).due_on == add_period(RECEIVED_ON, 20, "working_days")


def test_urgent_rule_is_not_overridden(engine, units):
    SaveDeadlineRule(ADMIN, kind="pil_pre_suit_suggestion", amount=1, unit="months", version=0).run(engine)
    assert create_item(engine, units, "pil_pre_suit_suggestion").due_on == date(2026, 10, 22)
    # urgent: 15 days by law -> Wed 10-07 (National Day) -> Thu 10-08, whatever the override
    assert create_item(engine, units, "pil_pre_suit_suggestion", urgent=True).due_on == date(2026, 10, 8)


def test_rules_table_lists_every_kind_with_its_override(engine):
    SaveDeadlineRule(ADMIN, kind="filing_notice", amount=10, unit="days", version=0).run(engine)
    rows = {r["kind"]: r for r in deadline_rules(engine)}
    from core.kinds import KINDS
    assert set(rows) == set(KINDS)
    assert rows["filing_notice"]["override_amount"] == 10 and rows["filing_notice"]["version"] == 1
    assert rows["filing_notice"]["effective_text"] == "收到后10日"
    assert rows["procuratorial_suggestion"]["override_amount"] is None
    assert rows["procuratorial_suggestion"]["effective_text"] == "收到后2个月"
    assert rows["pil_pre_suit_suggestion"]["urgent_text"] == "收到后15日(紧急情形)"
    assert not rows["major_case_notice"]["configurable"] and not rows["pre_suit_consultation"]["configurable"]


@pytest.mark.parametrize("data,field", [
    (dict(amount=0), "amount"),
    (dict(amount=366), "amount"),
    (dict(amount=-3), "amount"),
    (dict(amount=1.5), "amount"),
    (dict(amount=None), "amount"),
    (dict(amount="30"), "amount"),
    (dict(amount=True), "amount"),
    (dict(unit="weeks"), "unit"),
    (dict(unit=None), "unit"),
    (dict(kind="no_such_kind"), "kind"),
    (dict(kind="major_case_notice"), "kind"),  # information only: no feedback, no period
    (dict(kind="pre_suit_consultation"), "kind"),  # as agreed, per item
])
def test_invalid_override_refused_per_field(engine, data, field):
    values = dict(kind="procuratorial_suggestion", amount=30, unit="days", version=0)
    values.update(data)
    with pytest.raises(ValidationFailed) as exc:
        SaveDeadlineRule(ADMIN, **values).run(engine)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    assert count(engine, DeadlineRuleSetting) == 0 and not audits(engine, "settings.rule.save")


def test_amount_bounds_are_accepted(engine):
    SaveDeadlineRule(ADMIN, kind="filing_notice", amount=1, unit="days", version=0).run(engine)
    SaveDeadlineRule(ADMIN, kind="filing_notice", amount=365, unit="days", version=1).run(engine)
    assert override_row(engine, "filing_notice").amount == 365


def test_stale_override_refused(engine):
    SaveDeadlineRule(ADMIN, kind="filing_notice", amount=10, unit="days", version=0).run(engine)
    # a second admin who opened the form before the first saved (no override then)
    with pytest.raises(StaleEdit):
        SaveDeadlineRule(ADMIN, kind="filing_notice", amount=20, unit="days", version=0).run(engine)
    SaveDeadlineRule(ADMIN, kind="filing_notice", amount=12, unit="days", version=1).run(engine)
    with pytest.raises(StaleEdit):  # saw version 1, it is 2 now
        SaveDeadlineRule(ADMIN, kind="filing_notice", amount=30, unit="days", version=1).run(engine)
    with pytest.raises(StaleEdit):
        ResetDeadlineRule(ADMIN, kind="filing_notice", version=1).run(engine)
    row = override_row(engine, "filing_notice")
    assert (row.amount, row.version) == (12, 2)
    ResetDeadlineRule(ADMIN, kind="filing_notice", version=2).run(engine)
    with pytest.raises(StaleEdit):  # saw the override, someone reset it meanwhile
        SaveDeadlineRule(ADMIN, kind="filing_notice", amount=30, unit="days", version=2).run(engine)
    with pytest.raises(StaleEdit):
        ResetDeadlineRule(ADMIN, kind="filing_notice", version=2).run(engine)
    with pytest.raises(NotFound):
        ResetDeadlineRule(ADMIN, kind="filing_notice", version=0).run(engine)
    assert override_row(engine, "filing_notice") is None


@pytest.mark.parametrize("role", ["convener", "office", "liaison", "viewer"])
def test_only_admin_changes_settings(engine, role):
    who = Actor(7, "someone", role, unit_id=1)
    SaveDeadlineRule(ADMIN, kind="filing_notice", amount=10, unit="days", version=0).run(engine)
    AddHolidayEntry(ADMIN, day=date(2026, 10, 15), kind="holiday", note="").run(engine)
    for command in (SaveDeadlineRule(who, kind="filing_notice", amount=5, unit="days", version=1),
                    ResetDeadlineRule(who, kind="filing_notice", version=1),
                    AddHolidayEntry(who, day=date(2026, 10, 16), kind="holiday", note=""),
                    DeleteHolidayEntry(who, day=date(2026, 10, 15))):
        with pytest.raises(PermissionDenied):
            command.run(engine)
    assert override_row(engine, "filing_notice").amount == 10
    assert [e["day"] for e in holiday_entries(engine, 2026)] == [date(2026, 10, 15)]


# -- holiday entries ------------------------------------------------------------------------------

def test_holiday_entry_changes_working_day_due_dates_computed_afterwards(engine, units):
    before = create_item(engine, units, "legal_risk_consultation")
    assert before.due_on == date(2026, 10, 20)
    AddHolidayEntry(ADMIN, day=date(2026, 10, 15), kind="holiday", note="临时休假").run(engine)
    assert create_item(engine, units, "legal_risk_consultation").due_on == date(2026, 10, 21)
    AddHolidayEntry(ADMIN, day=date(2026, 10, 17), kind="workday", note="调休上班").run(engine)
    assert create_item(engine, units, "legal_risk_consultation").due_on == date(2026, 10, 20)
    DeleteHolidayEntry(ADMIN, day=date(2026, 10, 17)).run(engine)
    assert create_item(engine, units, "legal_risk_consultation").due_on == date(2026, 10, 21)
    with read_session(engine) as s:
        # an open item's rule-based due date follows the calendar the admin corrected
        assert s.get(Item, before.id).due_on == date(2026, 10, 21)
    added = audits(engine, "settings.holiday.add")
    assert [a.after["day"] for a in added] == ["2026-10-15", "2026-10-17"]
    assert added[0].after["note"] == "临时休假" and added[1].after["is_workday"] is True
    deleted = audits(engine, "settings.holiday.delete")
    assert deleted[0].before["day"] == "2026-10-17" and deleted[0].after["day"] == "2026-10-17"


def test_entries_cover_a_year_the_package_does_not(engine):
    later = date(2099, 3, 2)  # beyond the packaged State Council lists
    with read_session(engine) as s:
        assert due_for(s, "filing_notice", False, later, later)[3] is True  # weekends only, flagged
    coverage = calendar_coverage(engine, 2099)
    assert not coverage["packaged"] and coverage["entries"] == 0
    AddHolidayEntry(ADMIN, day=date(2099, 3, 10), kind="holiday", note="").run(engine)
    with read_session(engine) as s:
        due_on, _, _, approximate = due_for(s, "filing_notice", False, later, later)
    # 15 days -> Tue 03-17; the year is now covered by the admin's entries
    assert due_on == date(2099, 3, 17) and approximate is False
    assert calendar_coverage(engine, 2099)["entries"] == 1 and calendar_coverage(engine, 2026)["packaged"]
    assert holiday_years(engine) == [2099]


def test_duplicate_and_contradictory_entries_refused(engine):
    AddHolidayEntry(ADMIN, day=date(2026, 10, 15), kind="holiday", note="").run(engine)
    with pytest.raises(ValidationFailed) as exc:
        AddHolidayEntry(ADMIN, day=date(2026, 10, 15), kind="holiday", note="").run(engine)
    assert "已录入" in exc.value.field_errors["day"]
    with pytest.raises(ValidationFailed) as exc:
        AddHolidayEntry(ADMIN, day=date(2026, 10, 15), kind="workday", note="").run(engine)
    assert "不能既是法定节假日又是调休上班日" in exc.value.field_errors["day"]
    assert len(holiday_entries(engine, 2026)) == 1 and len(audits(engine, "settings.holiday.add")) == 1


@pytest.mark.parametrize("data,field", [
    (dict(day=None), "day"),
    (dict(day="2026-10-15"), "day"),
    (dict(kind="vacation"), "kind"),
    (dict(kind=None), "kind"),
    (dict(note="节" * 101), "note"),
])
def test_invalid_entry_refused_per_field(engine, data, field):
    values = dict(day=date(2026, 10, 15), kind="holiday", note="国庆")
    values.update(data)
    with pytest.raises(ValidationFailed) as exc:
        AddHolidayEntry(ADMIN, **values).run(engine)
    assert field in exc.value.field_errors and exc.value.field_errors[field]
    assert count(engine, HolidayEntry) == 0


def test_note_of_100_characters_accepted_and_listing_by_year(engine):
    AddHolidayEntry(ADMIN, day=date(2026, 10, 15), kind="holiday", note="节" * 100).run(engine)
    AddHolidayEntry(ADMIN, day=date(2026, 2, 14), kind="workday", note="").run(engine)
    AddHolidayEntry(ADMIN, day=date(2027, 1, 1), kind="holiday", note="元旦").run(engine)
    entries = holiday_entries(engine, 2026)
    assert [(e["day"], e["is_workday"]) for e in entries] == [(date(2026, 2, 14), True), (date(2026, 10, 15), False)]
    assert entries[0]["note"] is None and len(entries[1]["note"]) == 100
    assert holiday_years(engine) == [2026, 2027]
    cov = calendar_coverage(engine, 2026)
    assert cov["holidays"] == 1 and cov["workdays"] == 1


def test_deleting_a_missing_entry_is_not_found(engine):
    with pytest.raises(NotFound):
        DeleteHolidayEntry(ADMIN, day=date(2026, 10, 15)).run(engine)
    with pytest.raises(ValidationFailed):
        DeleteHolidayEntry(ADMIN, day=None).run(engine)


def test_a_holiday_entry_moves_the_due_dates_of_open_items(engine, units, monkeypatch):
    """An item received 2027-01-04 with 15 days: the weekends-only date is replaced once the
    admin enters the 2027 calendar (here: 2027-01-19 declared a holiday)."""
    from db.commands.items import CreateItem
    admin = ADMIN
    ids = units
    monkeypatch.setenv("FJLD_TODAY", "2027-01-05")  # a day in the year being entered
    item_id = CreateItem(admin, kind="investigation_assistance", from_unit_id=ids["procuratorate"],
                         to_unit_id=ids["justice"], title="跨年事项", sent_on=date(2027, 1, 4),
                         received_on=date(2027, 1, 4)).run(engine)
    with read_session(engine) as s:
        item = s.get(Item, item_id)
        assert (item.due_on, item.due_approximate) == (date(2027, 1, 19), True)
    AddHolidayEntry(admin, day=date(2027, 1, 19), kind="holiday", note="测试").run(engine)
    with read_session(engine) as s:
        item = s.get(Item, item_id)
    assert (item.due_on, item.due_approximate) == (date(2027, 1, 20), False)
