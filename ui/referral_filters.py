"""The filter bar of 移送与反馈 and its URL parameters: kind, from, to, period, status, outcome,
category (kept by hand: codes and ids), q, overdue, outcome (bound by Streamlit), due_within
(digits, by hand)."""
from __future__ import annotations

import streamlit as st

from core.i18n import t
from core.kinds import KINDS, kind_option_label, kind_order
from core.lifecycles import ITEM_STATUSES
from db.queries.common import units
from db.queries.overview import PERIODS
from db.queries.referrals import ItemFilter
from ui.overview_links import CATEGORIES, category_label
from ui.session import read
from ui.url_state import url_checkbox, url_int, url_multiselect, url_option, url_selectbox, url_text

PREFIX = "referrals"  # widget keys of the hand-kept filters: referrals.<param>


def referral_filters() -> ItemFilter:
    prefix = PREFIX
    unit_rows = read(units)
    names = {u["id"]: u["name"] for u in unit_rows}
    unit_options = [None] + [u["id"] for u in unit_rows]

    def unit_label(unit_id):
        return names.get(unit_id, t("common.all")) if unit_id else t("common.all")

    with st.expander(t("filters.title"), expanded=True, icon=":material/filter_list:"):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
        kinds = url_multiselect(t("item.kind"), kind_order(), key=f"{prefix}.kind", param="kind",
                                format_func=kind_option_label, container=c1, placeholder=t("common.all"))
        from_unit = url_selectbox(t("item.from_unit"), unit_options, key=f"{prefix}.from", param="from",
                                  format_func=unit_label, container=c2)
        to_unit = url_selectbox(t("item.to_unit"), unit_options, key=f"{prefix}.to", param="to",
                                format_func=unit_label, container=c3)
        period = url_selectbox(t("overview.filter.period"), PERIODS, key=f"{prefix}.period", param="period",
                               format_func=lambda p: t(f"overview.period.{p}"), container=c4)
        c5, c6, c7, c0, c8, c9 = st.columns([3, 2, 2, 2, 1, 1])
        statuses = url_multiselect(t("item.status"), ITEM_STATUSES, key=f"{prefix}.status", param="status",
                                   format_func=lambda s: t(f"status.{s}"), container=c5, placeholder=t("common.all"))
        outcome = url_option(t("item.outcome"), [""] + sorted({o for k in KINDS.values() for o in k.outcomes}),
                             param="outcome", container=c6)
        category = url_selectbox(t("overview.filter.category"), CATEGORIES, key=f"{prefix}.category",
                                 param="category", format_func=category_label, container=c0)
        text = url_text(t("filters.text"), param="q", container=c7, placeholder=t("filters.text_placeholder"))
        overdue = url_checkbox(t("filters.overdue_only"), param="overdue", container=c8)
        due_within = url_int(t("filters.due_within"), key=f"{prefix}.due_within", param="due_within", default=0,
                             max_value=365, container=c9)
    return ItemFilter(kinds=tuple(kinds), from_unit_id=from_unit, to_unit_id=to_unit, statuses=tuple(statuses),
                      outcome=outcome or None, period=period, overdue_only=overdue,
                      due_within=due_within or None, text=text, category=category or None)
