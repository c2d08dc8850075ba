"""Item kinds, the mechanism each belongs to, and the default feedback-deadline rule with its
legal basis (DESIGN §3). Admins may override amount/unit in settings; the basis text stays."""
from __future__ import annotations

from dataclasses import dataclass

# The eight work mechanisms of 四、工作机制 (seed/mechanisms.json carries their full text).
MECHANISMS = ("四(一)", "四(二)", "四(三)", "四(四)", "四(五)", "四(六)", "四(七)", "四(八)")
MEETINGS_MECHANISM = "四(二)"  # 联席会议制度: the meetings and their follow-up items


@dataclass(frozen=True)
class DeadlineRule:
    amount: int | None  # None: no default period (information only, or "as agreed")
    unit: str | None  # "days" | "months" | "working_days"
    anchor: str  # which date the period runs from: "received_on" or "sent_on"
    basis: str  # legal or plan basis, shown next to every computed due date
    needs_feedback: bool = True


@dataclass(frozen=True)
class Extension:
    """A lawful extension of a kind's period that the receiving side may grant itself, with a reason
    (the police review of a transfer): recorded with its new due date, it is not lateness."""
    max_days: int  # the latest new due date, in calendar days from the period's anchor
    basis: str


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    mechanism: str
    direction: str  # human description of the usual direction
    rule: DeadlineRule
    outcomes: tuple[str, ...]
    urgent_rule: DeadlineRule | None = None  # e.g. 诉前检察建议 where harm continues
    extra_fields: tuple[str, ...] = ()  # kind-specific fields kept in Item.details
    required_details: tuple[str, ...] = ()  # of extra_fields, those a user must fill
    doc_number_required: bool = False  # the document (建议书/意见书) number is required
    doc_number_detail: str | None = None  # the extra field that repeats the document number
    default_from: str | None = None  # unit code preselected as sender (None: the user chooses)
    default_to: str | None = None  # unit code preselected as receiver
    extension: Extension | None = None  # the period may be extended by the receiver (see Extension)

    @property
    def agreed_due_date(self) -> bool:
        """No default period although feedback is due: each item carries the agreed date."""
        return self.rule.needs_feedback and self.rule.amount is None

    @property
    def form_details(self) -> tuple[str, ...]:
        """Kind-specific fields a form or import shows (the document-number twin is the number)."""
        return tuple(f for f in self.extra_fields if f != self.doc_number_detail)


_RULES_CRIMINAL = "《人民检察院刑事诉讼规则》"
_TRANSFER_RULES = "《行政执法机关移送涉嫌犯罪案件的规定》(国务院令第310号)"
# Unit codes of seed/units.json that most kinds run from or to.
PROCURATORATE, PUBLIC_SECURITY = "procuratorate", "public_security"

KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("crime_transfer", "涉嫌犯罪案件移送", "四(五)", "行政机关 → 区公安分局",
         DeadlineRule(3, "days", "received_on", f"{_TRANSFER_RULES}第8条:公安机关自接受之日起3日内审查,决定立案或不予立案并书面通知移送机关"),
         ("立案", "不予立案"), extra_fields=("case_name", "suspected_offence"),
         required_details=("case_name", "suspected_offence"), default_to=PUBLIC_SECURITY,
         extension=Extension(30, "《公安机关受理行政执法机关移送涉嫌犯罪案件规定》:案情重大、疑难、复杂或者跨区域的,经公安机关负责人批准可延长审查期限(最长至接受之日起30日),并书面告知移送机关")),
    Kind("non_filing_review_request", "不予立案复议", "四(五)", "行政机关 → 区公安分局",
         DeadlineRule(3, "days", "received_on", f"{_TRANSFER_RULES}第9条:移送机关自接到不予立案通知书之日起3日内提请复议,公安机关自收到复议文件之日起3日内作出决定并书面通知移送机关"),
         ("维持不予立案", "改为立案"), extra_fields=("case_name",), required_details=("case_name",),
         default_to=PUBLIC_SECURITY),
    Kind("transfer_suggestion", "建议移送涉嫌犯罪案件", "四(五)", "区检察院 → 行政机关",
         DeadlineRule(15, "days", "received_on", f"本方案 四(五);{_TRANSFER_RULES}第14条(移送工作接受人民检察院监督);无法定期限,默认收到后15日内移送公安机关或书面说明不移送理由"),
         ("已移送公安机关", "不予移送"), extra_fields=("case_name", "suspected_offence"),
         required_details=("case_name",), default_from=PROCURATORATE),
    Kind("non_filing_explanation", "要求说明不立案理由", "四(五)", "区检察院 → 区公安分局",
         DeadlineRule(7, "days", "received_on", f"{_RULES_CRIMINAL}第559–560条"),
         ("已说明理由", "已立案"), extra_fields=("case_name",),
         default_from=PROCURATORATE, default_to=PUBLIC_SECURITY),
    Kind("filing_notice", "通知立案", "四(五)", "区检察院 → 区公安分局",
         DeadlineRule(15, "days", "received_on", f"{_RULES_CRIMINAL}第563条:公安机关应在15日内立案"),
         ("已立案", "未立案"), extra_fields=("case_name",),
         default_from=PROCURATORATE, default_to=PUBLIC_SECURITY),
    Kind("procuratorial_opinion", "检察意见", "四(五)", "区检察院 → 行政主管机关",
         DeadlineRule(2, "months", "received_on", f"{_RULES_CRIMINAL}第373条(及时处理);本地惯例默认收到后2个月,检察意见书另有期限的从其规定"),
         ("已处理", "部分处理", "不予处理"), extra_fields=("case_name",),
         doc_number_required=True, default_from=PROCURATORATE),
    Kind("procuratorial_suggestion", "检察建议", "四(五)", "区检察院 → 行政机关",
         DeadlineRule(2, "months", "received_on", "《人民检察院检察建议工作规定》:收到检察建议书后2个月内书面回复,建议书另有期限的从其规定"),
         ("采纳", "部分采纳", "不采纳"), extra_fields=("suggestion_number",),
         doc_number_required=True, doc_number_detail="suggestion_number", default_from=PROCURATORATE),
    Kind("pil_pre_suit_suggestion", "行政公益诉讼诉前检察建议", "四(六)", "区检察院 → 行政机关",
         DeadlineRule(2, "months", "received_on", "两高《关于检察公益诉讼案件适用法律若干问题的解释》第21条:收到检察建议书之日起2个月内"),
         ("已整改", "整改中", "未整改"),
         urgent_rule=DeadlineRule(15, "days", "received_on", "两高《关于检察公益诉讼案件适用法律若干问题的解释》第21条:国家利益或社会公共利益损害继续扩大等紧急情形,15日内书面回复"),
         extra_fields=("suggestion_number",), doc_number_required=True, doc_number_detail="suggestion_number",
         default_from=PROCURATORATE),
    Kind("pil_clue_transfer", "公益诉讼线索移送", "四(六)", "行政机关 → 区检察院",
         DeadlineRule(30, "days", "received_on", "本方案 四(六);无法定期限,默认30日内告知移送单位处理决定"),
         ("已立案", "不予立案", "移送其他机关"), default_to=PROCURATORATE),
    Kind("pre_suit_consultation", "诉前磋商", "四(六)", "区检察院 ↔ 行政机关",
         DeadlineRule(None, None, "received_on", "本方案 四(六):期限由双方磋商议定"),
         ("达成一致", "未达成一致"), default_from=PROCURATORATE),
    Kind("enforcement_clue_transfer", "执法监督线索移送", "四(五)", "区司法局 ↔ 区检察院",
         DeadlineRule(30, "days", "received_on", "本方案 四(五);默认30日"),
         ("已立案", "不予立案", "已处理"), default_to=PROCURATORATE),
    Kind("major_case_notice", "重大行政执法案件通报", "四(三)", "行政机关 → 区检察院",
         DeadlineRule(None, None, "received_on", "本方案 四(三):通报情况,无需反馈", needs_feedback=False),
         ("已知悉",), default_to=PROCURATORATE),
    Kind("legal_risk_consultation", "法律风险评估/法律咨询", "四(三)", "行政机关 → 区检察院",
         DeadlineRule(15, "working_days", "received_on", "本方案 四(三);默认15个工作日"),
         ("已出具意见", "已答复"), default_to=PROCURATORATE),
    Kind("investigation_assistance", "调查核实协助", "四(七)", "区检察院 → 行政机关",
         DeadlineRule(15, "days", "received_on", "本方案 四(七);以协助函载明期限为准,默认15日"),
         ("已协助", "部分协助", "未协助"), default_from=PROCURATORATE),
)}

# The five kinds of meeting of 四(二) 联席会议制度.
MEETING_KINDS: dict[str, str] = {
    "joint_meeting": "联席会议",
    "partial_meeting": "部分成员单位会议",
    "business_symposium": "专题业务座谈会",
    "difficult_case_seminar": "疑难问题分析研讨会",
    "emergency_assessment": "应急事件研判会",
}


def register(new: Kind) -> None:
    """Add a kind (e.g. one a later plan introduces); it appears wherever kinds are listed."""
    KINDS[new.code] = new


def kind_order() -> list[str]:
    """Kind codes grouped by the plan's mechanisms 四(一)…(八), the order of every list and form."""
    return [code for m in MECHANISMS for code, k in KINDS.items() if k.mechanism == m]


def detail_fields() -> tuple[str, ...]:
    """Every kind-specific field a form or import sheet shows, in kind order, each once."""
    return tuple(dict.fromkeys(f for code in kind_order() for f in KINDS[code].form_details))


def kind_option_label(code: str) -> str:
    """A kind as a choice: its mechanism, then its name."""
    return f"{KINDS[code].mechanism} {KINDS[code].label}"


def kind(code: str) -> Kind:
    return KINDS[code]


def rule_for(code: str, urgent: bool = False) -> DeadlineRule:
    k = KINDS[code]
    return k.urgent_rule if urgent and k.urgent_rule else k.rule


UNIT_LABELS = {"days": "日", "months": "个月", "working_days": "个工作日"}


def describe_rule(rule: DeadlineRule, urgent: bool = False) -> str:
    """A short Chinese description of a rule, e.g. 收到后2个月 / 收到后15个工作日."""
    if rule.amount is None:
        return "无需反馈" if not rule.needs_feedback else "由双方议定"
    anchor = "收到后" if rule.anchor == "received_on" else "发出后"
    return f"{anchor}{rule.amount}{UNIT_LABELS[rule.unit]}" + ("(紧急情形)" if urgent else "")


def with_override(rule: DeadlineRule, amount: int | None, unit: str | None) -> DeadlineRule:
    """The kind's rule with an admin's amount/unit from settings (the basis text stays)."""
    if amount is None or unit is None:
        return rule
    return DeadlineRule(amount, unit, rule.anchor, rule.basis, rule.needs_feedback)
