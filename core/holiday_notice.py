"""Reading the State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) into the
days it makes rest days (放假, 补休) and make-up working days (上班).

Each numbered line of the notice names one or two festivals and says, in sentences:
"1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天", "1月1日放假，与周末连休",
"1月26日（周日）、2月8日（周六）上班", older years also "6月22日（星期一）补休". Parenthesised notes
(weekday, lunar date, "除夕（2月9日）") are dropped first; a range's end may omit its month or
state its year ("2022年12月31日至2023年1月2日"). A stated total ("共8天") must match the range,
so a misread line is refused rather than saved."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.i18n import t

_NUMERALS = "一二三四五六七八九十"
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年[^\n]*?节假日安排")
_ITEM = re.compile(rf"^\s*[{_NUMERALS}]+\s*[、.．]\s*(?P<name>[^：:]+?)\s*[：:]\s*(?P<body>.*)$")
_NOTES = re.compile(r"[（(][^（）()]*[）)]")
_DAY = r"(?:(?P<{p}y>\d{{4}})\s*年\s*)?(?:(?P<{p}m>\d{{1,2}})\s*月\s*)?(?P<{p}d>\d{{1,2}})\s*日"
_RANGE = re.compile(_DAY.format(p="a") + r"(?:\s*(?:至|—|－|-|~|～)\s*" + _DAY.format(p="b") + r")?")
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_SENTENCES = re.compile(r"[。；;]")
_CLAUSES = re.compile(r"[，,]")


MAX_CHARS = 20_000  # a notice is about 1,500 characters; a paste longer than this is not one


@dataclass(frozen=True)
class NoticeEntry:
    day: date
    workday: bool  # True: a make-up working day (上班); False: a rest day (放假 / 补休)
    name: str  # the festival(s) of the line, e.g. 春节 or 国庆节、中秋节


class _Unreadable(Exception):
    pass


def _date(match: re.Match, prefix: str, year: int, month: int | None) -> date:
    y = int(match[f"{prefix}y"]) if match[f"{prefix}y"] else year
    m = int(match[f"{prefix}m"]) if match[f"{prefix}m"] else month
    if m is None:
        raise _Unreadable
    try:
        return date(y, m, int(match[f"{prefix}d"]))
    except ValueError:
        raise _Unreadable from None


def _days(text: str, year: int) -> list[date]:
    """Every day a sentence names, ranges expanded (a range's end takes the start's month/year)."""
    out: list[date] = []
    for match in _RANGE.finditer(text):
        start = _date(match, "a", year, None)
        if match["bd"] is None:
            out.append(start)
            continue
        end = _date(match, "b", int(match["by"] or start.year), int(match["bm"] or start.month))
        if not start < end <= start + timedelta(days=31):
            raise _Unreadable
        out += [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return out


def _line_entries(name: str, body: str, year: int) -> list[NoticeEntry]:
    entries: list[NoticeEntry] = []
    for sentence in _SENTENCES.split(_NOTES.sub("", body)):
        rest: list[date] = []
        for clause in _CLAUSES.split(sentence):
            verb = next((v for v in ("放假", "补休", "上班") if v in clause), None)
            if verb is None:
                continue
            days = _days(clause[:clause.index(verb)], year)
            if not days and verb != "放假":
                raise _Unreadable
            if verb == "上班":
                entries += [NoticeEntry(d, True, name) for d in days]
            else:
                rest += days
        total = _TOTAL.search(sentence)
        if total and int(total[1]) != len(rest):
            raise _Unreadable
        entries += [NoticeEntry(d, False, name) for d in rest]
    if not any(not e.workday for e in entries):
        raise _Unreadable
    return entries


def _lines(text: str) -> list[str]:
    """The notice's lines, with numbered items that were pasted into one line split apart."""
    text = re.sub(rf"([。；])\s*(?=[{_NUMERALS}]+、)", "\\1\n", text.replace("\r", "\n"))
    return text.split("\n")


def notice_year(entries: list[NoticeEntry]) -> int:
    """The year a notice arranges: that of most of its days (a 元旦 range may start in December)."""
    years = [e.day.year for e in entries]
    return max(set(years), key=years.count)


def parse_notice(text: str, year: int | None = None) -> list[NoticeEntry]:
    """The rest days and make-up working days of a pasted notice, in date order. The year comes
    from the title, else from `year`. Raises ValueError with a Chinese message naming the line it
    cannot read (or saying that no year or no arrangement was found)."""
    title = _TITLE_YEAR.search(text or "")
    year = int(title[1]) if title else year
    if year is None:
        raise ValueError(t("holiday_notice.error.no_year"))
    entries: dict[date, NoticeEntry] = {}
    for number, line in enumerate(_lines(text), start=1):
        item = _ITEM.match(line.strip())
        if not item or not re.search(r"放假|上班|补休", item["body"]):
            continue
        name = _NOTES.sub("", item["name"]).strip()
        try:
            found = _line_entries(name, item["body"], year)
        except _Unreadable:
            raise ValueError(t("holiday_notice.error.line", line=number, text=line.strip()[:60])) from None
        for entry in found:
            if entries.get(entry.day, entry).workday != entry.workday:
                raise ValueError(t("holiday_notice.error.line", line=number, text=line.strip()[:60]))
            entries[entry.day] = entry
    if not entries:
        raise ValueError(t("holiday_notice.error.nothing"))
    return sorted(entries.values(), key=lambda e: e.day)
