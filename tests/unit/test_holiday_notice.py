"""The State Council's holiday notice, pasted, gives the year's rest days and make-up working
days: five years' notices (their wording differs: 周日 / 星期日, ranges across months and years,
"放假1天，不调休", "与周末连休", "补休", two festivals in one line) agree with chinese-calendar's data;
text the parser cannot read is refused with a Chinese message naming the line."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest

from core.holiday_notice import parse_notice

NOTICES = Path(__file__).parent / "notices"
# Days the package has from other notices: 2015's one-off 抗战胜利70周年 rest days, and the weekend
# that 2024's 元旦 joined ("与周末连休", a notice of the next year).
OTHER_NOTICES = {date(2015, 9, 3), date(2015, 9, 4), date(2015, 9, 6), date(2023, 12, 30), date(2023, 12, 31)}


def text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2015, 2023, 2024, 2025, 2026])
def test_each_notice_gives_the_days_of_the_official_calendar(year):
    entries = parse_notice(text(year))
    rest = {e.day for e in entries if not e.workday}
    work = {e.day for e in entries if e.workday}
    official_rest = {d for d in chinese_calendar.holidays if d.year == year} - OTHER_NOTICES
    official_work = {d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5} - OTHER_NOTICES
    assert rest - {date(2022, 12, 31)} == official_rest
    assert work == official_work
    assert [e.day for e in entries] == sorted(e.day for e in entries)


def test_the_2025_notice_in_detail():
    entries = {e.day: e for e in parse_notice(text(2025))}
    assert len([e for e in entries.values() if not e.workday]) == 1 + 8 + 3 + 5 + 3 + 8
    assert entries[date(2025, 1, 1)].name == "元旦" and not entries[date(2025, 1, 1)].workday
    assert entries[date(2025, 1, 26)].workday and entries[date(2025, 1, 26)].name == "春节"
    assert all(not entries[date(2025, 1, 28 + i) if i < 4 else date(2025, 2, i - 3)].workday for i in range(8))
    assert entries[date(2025, 10, 8)].name == "国庆节、中秋节"
    assert entries[date(2025, 10, 11)].workday


def test_a_range_may_cross_into_the_next_year_and_a_holiday_may_be_a_weekend_with_a_substitute():
    entries = {e.day: e.workday for e in parse_notice(text(2023))}
    assert {date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)} <= set(entries)
    entries = {e.day: e.workday for e in parse_notice(text(2015))}
    assert entries[date(2015, 6, 20)] is False and entries[date(2015, 6, 22)] is False  # 补休


def test_the_body_alone_takes_the_year_given_and_a_one_line_paste_reads_the_same():
    body = text(2025).split("如下。", 1)[1]
    assert parse_notice(body, year=2025) == parse_notice(text(2025))
    assert parse_notice(text(2025).replace("\n", "")) == parse_notice(text(2025))
    with pytest.raises(ValueError, match="年份"):
        parse_notice(body)


def test_weekday_spelling_and_half_width_punctuation_do_not_matter():
    variant = text(2025).replace("（周", "（星期").replace("：", ":").replace("（", "(").replace("）", ")")
    assert parse_notice(variant) == parse_notice(text(2025))


@pytest.mark.parametrize("line, bad", [
    ("三、清明节：四月四日至六日放假，共3天。", "written in Chinese numerals"),
    ("三、清明节：4月4日至6日放假，共4天。", "the stated total disagrees with the range"),
    ("三、清明节：4月31日放假。", "no such day"),
    ("四、劳动节：5月1日至5日放假调休，共5天。4月27日上班，5月3日上班。", "a day both rest and work"),
])
def test_a_line_it_cannot_read_is_refused_with_its_number(line, bad):
    notice = text(2025).replace("三、清明节：4月4日（周五）至6日（周日）放假，共3天。", line)
    number = notice.splitlines().index(line) + 1
    with pytest.raises(ValueError, match=f"第{number}行无法识别"):
        parse_notice(notice)


def test_text_without_any_arrangement_is_refused():
    with pytest.raises(ValueError, match="未找到放假或上班安排"):
        parse_notice("国务院办公厅关于2027年部分节假日安排的通知\n请各地区认真贯彻落实。")
