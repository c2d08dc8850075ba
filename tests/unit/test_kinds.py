"""The item kinds of DESIGN §3: each kind's default feedback deadline, its description and overrides.

Expected due dates were worked out by hand from the counting rules (start day not counted; months end
on the same date or the month's last day; a calendar period ending on a rest day rolls to the next
working day; working days skip rest days and count 调休) and the State Council arrangements shipped in
chinesecalendar (each expected date checked with chinese_calendar.is_workday):
  2026 New Year: Jan 1–3 off, make-up Sun Jan 4.
  2026 Spring Festival: Feb 15–23 off, make-up Sat Feb 14 and Sat Feb 28.
  2026 Mid-Autumn: Fri Sep 25 – Sun Sep 27 off; National Day: Oct 1–7 off, make-up Sun Sep 20, Sat Oct 10.

Received Tue 2026-09-22 (the autumn holidays fall inside most periods):
  3 days   -> Fri 09-25 (Mid-Autumn), 26, 27 off            -> Mon 09-28
  7 days   -> Tue 09-29 (working)                           -> 09-29
  15 days  -> Wed 10-07 (National Day)                      -> Thu 10-08
  30 days  -> Thu 10-22 (working)                           -> 10-22
  2 months -> Sun 11-22                                     -> Mon 11-23
  15 working days: 09-23(1) 24(2) [25–27 off] 28(3) 29(4) 30(5) [10-01..07 off] 10-08(6) 09(7)
                   Sat 10(8, make-up) [11 Sun] 12(9) 13(10) 14(11) 15(12) 16(13) 19(14) 20(15) -> Tue 10-20
Received Wed 2025-12-31 (New Year and a make-up Saturday):
  3 days   -> Sat 2026-01-03 (holiday)                      -> Sun 01-04 (make-up working day)
  7 days   -> Wed 01-07;  15 days -> Thu 01-15;  30 days -> Fri 01-30
  2 months -> Feb has no 31st: Sat 02-28, a make-up working day, so no roll -> 02-28
  15 working days: [01-01..03 off] Sun 04(1) 05(2) 06(3) 07(4) 08(5) 09(6) 12(7) 13(8) 14(9) 15(10)
                   16(11) 19(12) 20(13) 21(14) 22(15)       -> Thu 01-22
"""
from datetime import date

import chinese_calendar
import pytest

from core.deadlines import UNITS, add_period
from core.kinds import KINDS, MECHANISMS, DeadlineRule, describe_rule, kind, rule_for, with_override

AUTUMN = date(2026, 9, 22)
NEW_YEAR = date(2025, 12, 31)

# kind -> (amount, unit, due when received AUTUMN, due when received NEW_YEAR)
EXPECTED = {
    "crime_transfer": (3, "days", date(2026, 9, 28), date(2026, 1, 4)),
    "non_filing_review_request": (3, "days", date(2026, 9, 28), date(2026, 1, 4)),
    "transfer_suggestion": (15, "days", date(2026, 10, 8), date(2026, 1, 15)),
    "non_filing_explanation": (7, "days", date(2026, 9, 29), date(2026, 1, 7)),
    "filing_notice": (15, "days", date(2026, 10, 8), date(2026, 1, 15)),
    "procuratorial_opinion": (2, "months", date(2026, 11, 23), date(2026, 2, 28)),
    "procuratorial_suggestion": (2, "months", date(2026, 11, 23), date(2026, 2, 28)),
    "pil_pre_suit_suggestion": (2, "months", date(2026, 11, 23), date(2026, 2, 28)),
    "pil_clue_transfer": (30, "days", date(2026, 10, 22), date(2026, 1, 30)),
    "pre_suit_consultation": (None, None, None, None),
    "enforcement_clue_transfer": (30, "days", date(2026, 10, 22), date(2026, 1, 30)),
    "major_case_notice": (None, None, None, None),
    "legal_risk_consultation": (15, "working_days", date(2026, 10, 20), date(2026, 1, 22)),
    "investigation_assistance": (15, "days", date(2026, 10, 8), date(2026, 1, 15)),
}

# The mechanism column of the DESIGN §3 table (and the two kinds issue 12 adds from the plan's 四(五):
# the procuratorate's 建议移送 and the sender's request for 复议 of a 不予立案 decision).
MECHANISM = {
    "crime_transfer": "四(五)", "non_filing_explanation": "四(五)", "non_filing_review_request": "四(五)",
    "transfer_suggestion": "四(五)", "filing_notice": "四(五)",
    "procuratorial_opinion": "四(五)", "procuratorial_suggestion": "四(五)",
    "pil_pre_suit_suggestion": "四(六)", "pil_clue_transfer": "四(六)", "pre_suit_consultation": "四(六)",
    "enforcement_clue_transfer": "四(五)", "major_case_notice": "四(三)",
    "legal_risk_consultation": "四(三)", "investigation_assistance": "四(七)",
}


def test_every_kind_of_the_design_table_and_the_plan_is_there_and_nothing_else():
    assert set(KINDS) == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(KINDS))
def test_kind_belongs_to_its_mechanism_and_has_outcomes(code):
    k = kind(code)
    assert k.code == code and k.label
    assert k.mechanism == MECHANISM[code] and k.mechanism in MECHANISMS
    assert k.outcomes and len(set(k.outcomes)) == len(k.outcomes)
    assert k.rule.basis  # shown next to every computed due date
    assert k.rule.anchor == "received_on"


@pytest.mark.parametrize("code", sorted(KINDS))
def test_default_rule_amount_and_unit(code):
    amount, unit, _, _ = EXPECTED[code]
    rule = rule_for(code)
    assert (rule.amount, rule.unit) == (amount, unit)
    assert unit is None or unit in UNITS


@pytest.mark.parametrize("received,column", [(AUTUMN, 2), (NEW_YEAR, 3)], ids=["2026-09-22", "2025-12-31"])
@pytest.mark.parametrize("code", sorted(c for c, e in EXPECTED.items() if e[0] is not None))
def test_default_due_date_of_each_kind(code, received, column):
    expected = EXPECTED[code][column]
    assert chinese_calendar.is_workday(expected)  # a due date is always a working day
    rule = rule_for(code)
    assert add_period(received, rule.amount, rule.unit) == expected


def test_pil_pre_suit_suggestion_urgent_is_15_days_otherwise_2_months():
    normal, urgent = rule_for("pil_pre_suit_suggestion"), rule_for("pil_pre_suit_suggestion", urgent=True)
    assert (normal.amount, normal.unit) == (2, "months")
    assert (urgent.amount, urgent.unit) == (15, "days")
    assert "紧急" in urgent.basis or "继续扩大" in urgent.basis
    # 2026-09-22 + 15 days = Wed 10-07 (National Day) -> Thu 10-08; + 2 months = Sun 11-22 -> Mon 11-23
    assert add_period(AUTUMN, urgent.amount, urgent.unit) == date(2026, 10, 8)
    assert add_period(AUTUMN, normal.amount, normal.unit) == date(2026, 11, 23)
    # 2025-12-31 + 15 days = Thu 2026-01-15; + 2 months = Sat 02-28, a make-up working day
    assert add_period(NEW_YEAR, urgent.amount, urgent.unit) == date(2026, 1, 15)
    assert add_period(NEW_YEAR, normal.amount, normal.unit) == date(2026, 2, 28)


@pytest.mark.parametrize("code", sorted(set(KINDS) - {"pil_pre_suit_suggestion"}))
def test_urgent_changes_nothing_for_kinds_without_an_urgent_rule(code):
    assert kind(code).urgent_rule is None
    assert rule_for(code, urgent=True) == rule_for(code)


def test_kinds_without_a_period():
    consultation, notice = rule_for("pre_suit_consultation"), rule_for("major_case_notice")
    assert consultation.amount is None and consultation.unit is None
    assert consultation.needs_feedback  # the agreed date is set per item
    assert notice.amount is None and notice.unit is None
    assert notice.needs_feedback is False  # information only
    others = [c for c in KINDS if c != "major_case_notice"]
    assert all(rule_for(c).needs_feedback for c in others)


@pytest.mark.parametrize("code,text", [
    ("crime_transfer", "收到后3日"),
    ("non_filing_explanation", "收到后7日"),
    ("filing_notice", "收到后15日"),
    ("procuratorial_opinion", "收到后2个月"),
    ("procuratorial_suggestion", "收到后2个月"),
    ("pil_pre_suit_suggestion", "收到后2个月"),
    ("pil_clue_transfer", "收到后30日"),
    ("pre_suit_consultation", "由双方议定"),
    ("enforcement_clue_transfer", "收到后30日"),
    ("major_case_notice", "无需反馈"),
    ("legal_risk_consultation", "收到后15个工作日"),
    ("investigation_assistance", "收到后15日"),
])
def test_describe_rule_of_each_kind(code, text):
    assert describe_rule(rule_for(code)) == text


def test_describe_rule_urgent_and_sent_anchor():
    assert describe_rule(rule_for("pil_pre_suit_suggestion", urgent=True), urgent=True) == "收到后15日(紧急情形)"
    assert describe_rule(DeadlineRule(10, "working_days", "sent_on", "x")) == "发出后10个工作日"
    assert describe_rule(DeadlineRule(1, "months", "sent_on", "x")) == "发出后1个月"


def test_with_override_changes_amount_and_unit_but_keeps_basis_anchor_and_feedback():
    base = rule_for("procuratorial_suggestion")
    changed = with_override(base, 30, "days")
    assert (changed.amount, changed.unit) == (30, "days")
    assert (changed.anchor, changed.basis, changed.needs_feedback) == (base.anchor, base.basis, base.needs_feedback)
    assert describe_rule(changed) == "收到后30日"
    # 2026-09-22 + 30 days = Thu 10-22 instead of Mon 11-23
    assert add_period(AUTUMN, changed.amount, changed.unit) == date(2026, 10, 22)
    # the kind's own rule is untouched
    assert (rule_for("procuratorial_suggestion").amount, rule_for("procuratorial_suggestion").unit) == (2, "months")


def test_with_override_on_a_rule_without_feedback_keeps_needs_feedback_false():
    changed = with_override(rule_for("major_case_notice"), 10, "working_days")
    assert (changed.amount, changed.unit, changed.needs_feedback) == (10, "working_days", False)


@pytest.mark.parametrize("amount,unit", [(None, "days"), (30, None), (None, None)])
def test_with_override_incomplete_keeps_the_default(amount, unit):
    base = rule_for("legal_risk_consultation")
    assert with_override(base, amount, unit) == base
