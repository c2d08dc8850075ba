"""Dates in an imported 台账 as offices write them: Excel dates, 2025-05-21, 2025/5/21, 2025.5.21,
2025年5月21日 (spaces tolerated), an Excel serial number; anything else is no date."""
from datetime import date, datetime

import pytest

from db.imports.reader import parse_date

MAY_21 = date(2025, 5, 21)


@pytest.mark.parametrize("cell", [
    MAY_21, datetime(2025, 5, 21, 0, 0), "2025-05-21", "2025-5-21", "2025/5/21", "2025/05/21", "2025.5.21",
    "2025.05.21", "2025年5月21日", "2025年05月21日", "2025 年 5 月 21 日", " 2025/5/21 ", "2025-05-21 00:00:00",
    "45798",
])
def test_every_way_an_office_writes_a_date_is_read(cell):
    assert parse_date(cell) == MAY_21


@pytest.mark.parametrize("cell", ["2025-02-30", "2025/13/1", "5/21/2025", "21.5.2025", "2025年5月", "二〇二五年五月二十一日",
                                  "2025-05-21 08:30", "明天", ""])
def test_what_is_not_a_date_is_none(cell):
    assert parse_date(cell) is None
