"""What is kept beside an item, on its detail: the extension of its period, its links to other
items (both ways) and its 移送追责 records, each with its form. Widget keys:
item_detail.<item id>.<action>.<field>."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from core import lifecycles as lc
from core.clock import today
from core.i18n import fmt_date, t
from core.kinds import KINDS
from core.permissions import can
from db.commands.item_records import LinkItems, RecordAccountability, RecordAccountabilityResult, UnlinkItems
from db.commands.items import ExtendPeriod
from db.queries.item_records import link_candidates
from ui.fields import draw, form_fields
from ui.session import FieldErrors, actor, read, run_command, saved
from ui.state import edit_version
from ui.tables import escape_markdown, kind_label, status_label

EXTEND = form_fields(ExtendPeriod, approved_on=("extend.approved_on", "date", {"required": True}),
                     new_due_on=("extend.new_due_on", "date", {"required": True}),
                     reason=("extend.reason", "area"))
LINK = form_fields(LinkItems, to_item_id=("link.other", "select", {"required": True, "help_key": "link.search_help"}))
REFER = form_fields(RecordAccountability, referred_to=("accountability.referred_to", "text"),
                    referred_on=("accountability.referred_on", "date", {"required": True}),
                    reference=("accountability.reference", "text"), result=("accountability.result", "area"),
                    result_on=("accountability.result_on", "date"))
RESULT = form_fields(RecordAccountabilityResult, result=("accountability.result", "area"),
                     result_on=("accountability.result_on", "date", {"required": True}))
DIRECTIONS = ("led_to", "came_from")


def _latest(item: dict):
    """The latest due date an extension may set: the kind's longest period from receipt."""
    return item["received_on"] + timedelta(days=KINDS[item["kind"]].extension.max_days)


def may_extend(item: dict) -> bool:
    """The kind allows it, the item is open and was signed for, and its due date can still move."""
    return (KINDS[item["kind"]].extension is not None and item["status"] in lc.OPEN_ITEM_STATUSES
            and item["received_on"] is not None and item["due_on"] is not None and item["due_on"] < _latest(item)
            and can(actor(), ExtendPeriod.permission, [item["to_unit_id"]]))


def may_refer(item: dict) -> bool:
    """Office staff may refer an item left overdue (or answered late) for accountability."""
    return can(actor(), RecordAccountability.permission) and lc.left_overdue(
        item["needs_feedback"], item["status"], item["due_on"], item["feedback_on"], today())


def may_link() -> bool:
    return can(actor(), LinkItems.permission)


def extend_form(item: dict, form: str, reset: tuple[str, ...]) -> None:
    """The new due date and the reason (with who approved it) of a lawful extension."""
    extension = KINDS[item["kind"]].extension
    latest = _latest(item)
    errs = FieldErrors(form)
    with st.form(form):
        data = {"item_id": item["id"], "version": edit_version(form, item["version"])}
        draw(EXTEND["approved_on"], form, errs, into=data, value=min(today(), item["due_on"]),
             min_value=item["received_on"], max_value=today())
        draw(EXTEND["new_due_on"], form, errs, into=data, value=None, min_value=item["due_on"],
             max_value=latest, help=t("extend.help", anchor=t("item.received_on"), n=extension.max_days,
                                      latest=fmt_date(latest), basis=extension.basis))
        draw(EXTEND["reason"], form, errs, into=data)
        errs.slot("action")
        if st.form_submit_button(t("action.submit"), type="primary"):
            if run_command(ExtendPeriod(actor(), **data), form_key=form):
                saved(form, t("action.done", action=t("action.extend")), reset=reset)
        errs.show()


def link_form(item: dict, form: str, reset: tuple[str, ...]) -> None:
    """Choose the other item (among those of the same units) and which way the link runs."""
    choices = read(link_candidates, item["id"])
    labels = {row.id: t("link.option", id=row.id, title=row.title, kind=kind_label(row.kind),
                        sent_on=fmt_date(row.sent_on)) + (f" {row.doc_number}" if row.doc_number else "")
              for row in choices.itertuples()}
    errs = FieldErrors(form)
    with st.form(form):
        other = draw(LINK["to_item_id"], form, errs, options=list(labels), index=None,
                     format_func=labels.get, placeholder=t("item_form.choose"))
        direction = st.radio(t("link.direction"), DIRECTIONS, key=f"{form}.direction", horizontal=True,
                             format_func=lambda d: t(f"link.direction.{d}"))
        errs.slot("action")
        if st.form_submit_button(t("action.submit"), type="primary"):
            # with no choice the command says so under the field, whichever way the link runs
            pair = (item["id"], other) if direction == "led_to" or other is None else (other, item["id"])
            command = LinkItems(actor(), from_item_id=pair[0], to_item_id=pair[1])
            if run_command(command, form_key=form):
                saved(form, t("action.done", action=t("action.link")), clear=True, reset=reset)
        errs.show()


def refer_form(item: dict, form: str, reset: tuple[str, ...]) -> None:
    """Record a referral for accountability: to whom, when, the reference; the result if known."""
    errs = FieldErrors(form)
    with st.form(form):
        st.caption(t("accountability.intro"))
        data = {"item_id": item["id"]}
        c1, c2, c3 = st.columns(3)
        draw(REFER["referred_to"], form, errs, into=data, container=c1)
        draw(REFER["referred_on"], form, errs, into=data, container=c2, value=today(), max_value=today())
        draw(REFER["reference"], form, errs, into=data, container=c3)
        draw(REFER["result"], form, errs, into=data)
        draw(REFER["result_on"], form, errs, into=data, value=None, max_value=today())
        errs.slot("action")
        if st.form_submit_button(t("action.submit"), type="primary"):
            if run_command(RecordAccountability(actor(), **data), form_key=form):
                saved(form, t("action.done", action=t("action.accountability")), clear=True, reset=reset)
        errs.show()


def show_links(item: dict, links: pd.DataFrame, key: str) -> None:
    """Both ways: the items this one led to (后续事项) and those it came from (源于); each opens
    its own detail, and office staff may remove a link set by mistake."""
    if links.empty:
        st.caption(t("link.none"))
        return
    may_unlink = can(actor(), UnlinkItems.permission)
    for row in links.itertuples():
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.page_link("app_pages/referrals.py", query_params={"item": str(row.other_id)},
                     label=t("link.option", id=row.other_id, title=escape_markdown(row.title), kind=kind_label(row.kind),
                             sent_on=fmt_date(row.sent_on)) + f" · {t(f'link.{row.relation}')} · {status_label(row.status)}")
        if may_unlink and c2.button(t("link.remove"), key=f"{key}.unlink.{row.link_id}"):
            if run_command(UnlinkItems(actor(), link_id=int(row.link_id))):
                saved(None, t("link.removed"))


def show_accountability(item: dict, records: pd.DataFrame, key: str) -> None:
    """The item's referrals for accountability; a pending one takes its result."""
    if records.empty:
        st.caption(t("accountability.none"))
        return
    st.dataframe(pd.DataFrame({
        t("accountability.referred_on"): records["referred_on"].map(fmt_date),
        t("accountability.referred_to"): records["referred_to"],
        t("accountability.reference"): records["reference"].fillna(""),
        t("accountability.result"): records["result"].fillna(t("accountability.pending")),
        t("accountability.result_on"): records["result_on"].map(fmt_date),
    }), hide_index=True, width="stretch")
    if not can(actor(), RecordAccountabilityResult.permission):
        return
    for row in records[records["result"].isna()].itertuples():
        with st.expander(f"{t('accountability.record_result')} · {escape_markdown(row.referred_to)} · "
                         f"{fmt_date(row.referred_on)}"):
            form = f"{key}.accountability_result.{row.id}"
            errs = FieldErrors(form)
            with st.form(form):
                data = {"accountability_id": int(row.id), "version": edit_version(form, row.version)}
                draw(RESULT["result"], form, errs, into=data)
                draw(RESULT["result_on"], form, errs, into=data, value=today(), min_value=row.referred_on,
                     max_value=today())
                if st.form_submit_button(t("action.submit"), type="primary"):
                    if run_command(RecordAccountabilityResult(actor(), **data), form_key=form):
                        saved(form, t("action.done", action=t("accountability.record_result")))
                errs.show()


FORMS = {"extend": extend_form, "link": link_form, "accountability": refer_form}
