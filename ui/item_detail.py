"""One item: every field, its due date with the rule and basis (or the override and its reason),
days left or overdue, the timeline, supervision and audit history; and the actions the lifecycle
and the user's role allow. Widget keys: item_detail.<item id>.<action>.<field>."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from core import lifecycles as lc
from core.clock import today
from core.i18n import CATALOG, fmt_date, t
from core.permissions import can
from db.commands.items import ACTIONS, AddItemNote
from db.queries.referrals import item_detail
from ui.item_actions import item_action_form
from ui.item_edit import item_edit_form
from ui import item_records
from ui.item_form import FURTHER
from ui.session import actor, read
from ui.supervision_forms import supervision_issue_form
from ui.tables import escape_markdown, kind_label, status_label


def due_text(item: dict) -> str:
    """今日到期 / 还剩 N 天 / 已逾期 N 天 / 按期反馈 / 逾期反馈 / 无需反馈."""
    if not item["needs_feedback"] or item["due_on"] is None:
        return t("item.no_due")
    if item["feedback_on"]:
        return t("item.answered_late") if lc.answered_late(item["due_on"], item["feedback_on"]) else t("item.answered_on_time")
    if item["status"] not in lc.OPEN_ITEM_STATUSES:
        return t("common.none")
    days = (item["due_on"] - today()).days
    if days > 0:
        return t("item.due_in", n=days)
    return t("item.due_today") if days == 0 else t("item.overdue_by", n=-days)


def _field(label_key: str, value) -> None:
    st.markdown(f"**{t(label_key)}**")
    st.text(value if value not in (None, "") else t("common.none"))


def render_item(item_id: int) -> None:
    detail = read(item_detail, item_id)
    if detail is None:
        st.warning(t("error.not_found"))
        return
    item = detail["item"]
    st.subheader(escape_markdown(item["title"]), anchor=False)
    st.caption(f"{kind_label(item['kind'])} · {item['mechanism']} · {status_label(item['status'])}")
    overdue = lc.is_overdue(item["needs_feedback"], item["status"], item["due_on"], today())
    (st.error if overdue else st.info)(due_text(item), icon=":material/schedule:")

    c1, c2, c3 = st.columns(3)
    with c1:
        _field("item.from_unit", item["from_unit"])
        _field("item.to_unit", item["to_unit"])
        _field("item.doc_number", item["doc_number"])
        for field, value in (item["details"] or {}).items():
            if value:
                _field(f"item.details.{field}", value)
    with c2:
        _field("item.sent_on", fmt_date(item["sent_on"]))
        _field("item.received_on", fmt_date(item["received_on"]))
        _field("item.due_on", fmt_date(item["due_on"]) + (t("item.approximate") if item["due_approximate"] else ""))
        _field("item.due_rule", item["due_rule"])
        if item["due_override_reason"]:
            _field("item.override_reason", item["due_override_reason"])
        _field("item.due_basis", item["due_basis"])
    with c3:
        _field("item.outcome", item["outcome"])
        _field("item.feedback_on", fmt_date(item["feedback_on"]))
        _field("item.closed_on", fmt_date(item["closed_on"]))
        _field("item.key_task", f"{item['task_number']}. {item['task_title']}" if item["task_number"] else None)
        _field("item.external_ref", item["external_ref"])
    _field("item.summary", item["summary"])
    for spec in FURTHER.values():
        _field(spec.label_key, item[spec.name])
    if item["feedback_text"]:
        _field("item.feedback_text", item["feedback_text"])

    may_audit = can(actor(), "read_audit")
    referred = not detail["accountability"].empty or item_records.may_refer(item)
    names = [t("detail.timeline"), t("detail.supervision"), t("detail.links")]
    names += [t("detail.accountability")] if referred else []
    names += [t("detail.audit")] if may_audit else []
    tabs = dict(zip(names, st.tabs(names)))
    timeline, supervision = tabs[t("detail.timeline")], tabs[t("detail.supervision")]
    with timeline:
        events = detail["events"]
        st.dataframe(pd.DataFrame({
            t("detail.col.date"): events["occurred_on"].map(fmt_date),
            t("detail.col.event"): events["event_type"].map(lambda e: t(f"event.{e}")),
            t("detail.col.status"): [f"{status_label(a)} → {status_label(b)}" if b else t("common.none")
                                     for a, b in zip(events["from_status"], events["to_status"])],
            t("detail.col.note"): events["note"].fillna(""),
            t("detail.col.actor"): events["actor"].fillna(t("detail.system")),
        }), hide_index=True, width="stretch")
    with supervision:
        sup = detail["supervision"]
        if sup.empty:
            st.caption(t("detail.no_supervision"))
        else:
            st.dataframe(pd.DataFrame({
                t("supervision.level"): sup["level"], t("supervision.deadline"): sup["deadline"].map(fmt_date),
                t("item.status"): sup["status"].map(lambda s: t(f"sup_status.{s}")),
                t("supervision.instruction"): sup["instruction"],
                t("supervision.response_text"): sup["response_text"].fillna(""),
            }), hide_index=True, width="stretch")
        supervision_issue_form("item", item_id, item["to_unit_id"], key=f"item_detail.{item_id}.supervise")
    with tabs[t("detail.links")]:
        item_records.show_links(item, detail["links"], f"item_detail.{item_id}")
    if referred:
        with tabs[t("detail.accountability")]:
            item_records.show_accountability(item, detail["accountability"], f"item_detail.{item_id}")
    if may_audit:
        with tabs[t("detail.audit")]:
            _history(detail["audit"])
    item_edit_form(item)
    _actions(item)


def _history(audit: pd.DataFrame) -> None:
    """The audit rows of this item (who changed what); only for roles that may read the audit log."""
    if audit.empty:
        st.caption(t("detail.no_audit"))
        return
    st.dataframe(pd.DataFrame({
        t("detail.col.time"): audit["at"].map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
        t("detail.col.actor"): audit["username"],
        t("detail.col.action"): audit["action"].map(lambda a: CATALOG.get(f"audit.action.{a}", a)),
        t("detail.col.change"): [_changes(b, a) for b, a in zip(audit["before"], audit["after"])],
    }), hide_index=True, width="stretch")


def _changes(before: dict | None, after: dict | None) -> str:
    before, after = before or {}, after or {}
    keys = [k for k in after if before.get(k) != after.get(k) and k not in ("version", "updated_at", "created_at")]
    return "; ".join(f"{k}: {before.get(k, '')} → {after.get(k)}" for k in keys)[:500] if before else \
        json.dumps({k: v for k, v in after.items() if k in ("status", "title", "due_on")}, ensure_ascii=False)


def _actions(item: dict) -> None:
    me = actor()
    possible = [a for a in lc.allowed_actions(lc.ITEM_TRANSITIONS, item["status"])
                if can(me, ACTIONS[a].permission, [item["to_unit_id"]])]
    may_note = can(me, AddItemNote.permission, [item["from_unit_id"], item["to_unit_id"]])
    beside = [action for action, may in (("extend", item_records.may_extend(item)), ("link", item_records.may_link()),
                                         ("accountability", item_records.may_refer(item))) if may]
    if not possible and not may_note and not beside:
        return
    st.markdown(f"#### {t('detail.actions')}")
    choices = possible + (["note"] if may_note else []) + beside
    key = f"item_detail.{item['id']}"
    action = st.segmented_control(t("detail.choose_action"), choices, key=f"{key}.action",
                                  format_func=lambda a: t(f"action.{a}"))
    if not action:
        return
    if action in item_records.FORMS:
        item_records.FORMS[action](item, f"{key}.{action}", (f"{key}.action",))
        return
    item_action_form(item, action, key, reset=(f"{key}.action",))  # the action chooser closes when done
