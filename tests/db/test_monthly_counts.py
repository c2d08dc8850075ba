"""The monthly trends count in SQL, by calendar month, on SQLite and PostgreSQL: items sent per
month and kind (移送与反馈), answers per month and district with the share on time (全市)."""
from __future__ import annotations

from datetime import date

from core.permissions import Actor
from db.commands.items import CreateItem, ReceiveItem, RecordFeedback
from db.queries.city import monthly_on_time
from db.queries.referrals import ItemFilter, monthly_by_kind
from tests.conftest import TODAY

OFFICE = Actor(None, "office1", "office")


def sent(engine, units, kind: str, on: date, n: int) -> int:
    details = {"suggestion_number": str(n)} if kind == "procuratorial_suggestion" else {}
    return CreateItem(OFFICE, kind=kind, from_unit_id=units["procuratorate"], to_unit_id=units["justice"],
                      title=f"事项{n}", doc_number=f"硚检〔2026〕{n}号", sent_on=on, details=details).run(engine)


def test_items_sent_are_counted_per_calendar_month_and_kind(engine, units):
    for n, (kind, on) in enumerate((("procuratorial_suggestion", date(2026, 9, 30)),
                                    ("procuratorial_suggestion", date(2026, 10, 1)),
                                    ("procuratorial_suggestion", date(2026, 10, 31)),
                                    ("pil_clue_transfer", date(2026, 10, 15)),
                                    ("procuratorial_suggestion", date(2026, 11, 2)))):
        sent(engine, units, kind, on, n)
    rows = monthly_by_kind(engine, ItemFilter(period="12m"), TODAY)
    assert list(rows.columns) == ["month", "kind", "count"]
    assert rows.values.tolist() == [["2026-09", "procuratorial_suggestion", 1],
                                    ["2026-10", "pil_clue_transfer", 1],
                                    ["2026-10", "procuratorial_suggestion", 2],
                                    ["2026-11", "procuratorial_suggestion", 1]]


def test_answers_are_counted_per_month_with_the_share_on_time(engine, units):
    for n, (on, answered) in enumerate(((date(2026, 8, 3), date(2026, 9, 30)),   # on time
                                        (date(2026, 8, 3), date(2026, 10, 1)),   # on time
                                        (date(2026, 6, 1), date(2026, 10, 20)))):  # late
        item_id = sent(engine, units, "procuratorial_suggestion", on, n)
        ReceiveItem(OFFICE, item_id=item_id, on=on).run(engine)
        RecordFeedback(OFFICE, item_id=item_id, on=answered, outcome="采纳", feedback_text="已整改").run(engine)
    trend = monthly_on_time(engine, TODAY)
    assert trend[["month", "answered"]].values.tolist() == [["2026-09", 1], ["2026-10", 2]]
    assert trend["on_time_rate"].tolist() == [1.0, 0.5]
    assert set(trend["district"]) == {"硚口区"}
