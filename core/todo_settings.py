"""The thresholds of 待办 and of the daily reminders, adjustable by an admin (管理 → 待办与催办),
stored as one JSON setting (key "todo"). Each threshold's default and allowed range are written
here once: the form's limits, the command's check and the reads all take them from this class."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

SETTING_KEY = "todo"


def _threshold(default: int, low: int, high: int) -> int:
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class TodoSettings:
    """Working days unless said otherwise."""
    soon_days: int = _threshold(3, 1, 20)  # amber, and the reminders' "due soon", within this many working days
    unsigned_after: int = _threshold(2, 1, 20)  # office: an item not signed for after this many working days
    report_every_weeks: int = _threshold(4, 1, 26)  # liaison: a key-task progress report is due this often (weeks)
    escalate_after: int = _threshold(5, 1, 60)  # convener: items overdue by more than this many working days

    @classmethod
    def from_stored(cls, value) -> "TodoSettings":
        """The stored setting, each threshold missing or out of its range left at its default."""
        value = value if isinstance(value, dict) else {}
        given = {}
        for name, (low, high) in ranges().items():
            number = value.get(name)
            if isinstance(number, int) and not isinstance(number, bool) and low <= number <= high:
                given[name] = number
        return cls(**given)

    def as_stored(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def ranges() -> dict[str, tuple[int, int]]:
    """threshold name -> (lowest, highest) allowed."""
    return {f.name: f.metadata["range"] for f in dataclasses.fields(TodoSettings)}
