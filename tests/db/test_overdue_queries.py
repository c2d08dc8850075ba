"""The 逾期反馈 reads on SQLite and PostgreSQL: the figures of the one aggregate query agree with
the full list, and the pages of the list put together are the full list, oldest first."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from core.permissions import Actor
from db.commands.items import CreateItem, ReceiveItem, RecordFeedback
from db.queries import overdue as q
from tests.conftest import TODAY

OFFICE = Actor(None, "office1", "office")


def test_the_figures_and_the_pages_agree_with_the_full_list(engine, units):
    for n, days_ago in enumerate((3, 10, 40, 45, 95, 200, 400)):  # sent then; 2-month periods: some overdue
        item_id = CreateItem(OFFICE, kind="procuratorial_suggestion", from_unit_id=units["procuratorate"],
                             to_unit_id=units["market_regulation" if n % 2 else "justice"], title=f"建议{n}",
                             doc_number=f"硚检建〔2026〕{n}号", sent_on=TODAY - timedelta(days=days_ago + 61),
                             details={}).run(engine)
        ReceiveItem(OFFICE, item_id=item_id, on=TODAY - timedelta(days=days_ago + 61)).run(engine)
    late = CreateItem(OFFICE, kind="legal_risk_consultation", from_unit_id=units["market_regulation"],
                      to_unit_id=units["procuratorate"], title="咨询", sent_on=date(2026, 9, 1), details={}).run(engine)
    RecordFeedback(OFFICE, item_id=late, on=date(2026, 11, 20), outcome="已答复", feedback_text="已答复").run(engine)
    full = q.overdue_items(engine, TODAY)
    summary = q.overdue_summary(engine, TODAY)
    assert summary["overdue"] == len(full) == 7
    assert summary["oldest_days"] == full["days_overdue"].max()
    assert summary["aging"]["count"].tolist() == [
        int(((full["days_overdue"] >= lo) & (full["days_overdue"] <= (hi or 10**6))).sum())
        for _, lo, hi in q.AGING_BUCKETS]
    assert summary["answered_late"] == len(q.answered_late(engine, TODAY)) == 1
    pages = pd.concat([q.overdue_page(engine, TODAY, None, page, 3) for page in (1, 2, 3)], ignore_index=True)
    assert pages["id"].tolist() == full["id"].tolist()
    assert pages["days_overdue"].tolist() == sorted(pages["days_overdue"], reverse=True)
    assert q.overdue_summary(engine, TODAY, "subdistrict")["overdue"] == 0
