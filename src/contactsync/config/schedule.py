"""A book's ``schedule``: ``every <N>s|m|h`` or a five-field cron expression, parsed into a typed value.

The daemon should build its triggers from :func:`parse_schedule`, not from the raw text: APScheduler 3 numbers
weekdays from Monday (0 = Monday) while cron numbers them from Sunday (0 and 7 = Sunday), so the day-of-week
field is handed over as weekday names, which both read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

INTERVAL_PATTERN: Final = r"^every\s+([0-9]+)\s*(s|m|h)$"
_UNIT_SECONDS: Final = {"s": 1, "m": 60, "h": 3600}

_MONTHS: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS: Final = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

HELP: Final = "write 'every <N>s|m|h' (e.g. every 15m) or a five-field cron expression (e.g. */10 * * * *)"


@dataclass(frozen=True)
class IntervalSchedule:
    """Run every ``seconds`` seconds."""

    seconds: int


@dataclass(frozen=True)
class CronSchedule:
    """A cron expression, field by field, as APScheduler's ``CronTrigger(minute=…, …)`` takes them.

    ``day_of_week`` is ``*`` or a comma list of names (``mon,tue``), never numbers (see the module docstring).
    """

    minute: str
    hour: str
    day: str
    month: str
    day_of_week: str

    @property
    def either_day(self) -> bool:
        """cron(8) runs when *either* day field matches if both are restricted (``0 9 1 * mon``: the 1st and
        every Monday); APScheduler's CronTrigger wants both, so the daemon must OR two triggers then."""
        return self.day != "*" and self.day_of_week != "*"


Schedule = IntervalSchedule | CronSchedule


@dataclass(frozen=True)
class _CronField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    #: the number the first name stands for (jan = 1, sun = 0)
    first_named: int = 0


_FIELDS: Final = (
    _CronField("minute", 0, 59),
    _CronField("hour", 0, 23),
    _CronField("day of month", 1, 31),
    _CronField("month", 1, 12, _MONTHS, 1),
    # 7 is Sunday again, as in cron(8)
    _CronField("day of week", 0, 7, _WEEKDAYS, 0),
)


def _value(text: str, spec: _CronField) -> int:
    lowered = text.lower()
    if lowered in spec.names:
        return spec.names.index(lowered) + spec.first_named
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a number")
    number = int(text)
    if not spec.low <= number <= spec.high:
        raise ValueError(f"{number} is outside {spec.low}-{spec.high}")
    return number


def _values(text: str, spec: _CronField) -> set[int]:
    """Every number a cron field selects; raises ValueError saying what is wrong."""
    selected: set[int] = set()
    for item in text.split(","):
        base, slash, step_text = item.partition("/")
        if slash and (not step_text.isdigit() or int(step_text) < 1):
            raise ValueError(f"step {step_text!r} must be a positive whole number")
        step = int(step_text) if slash else 1
        if base == "*":
            start, end = spec.low, spec.high
        else:
            first, dash, last = base.partition("-")
            start = _value(first, spec)
            end = _value(last, spec) if dash else start
            if end < start:
                raise ValueError(f"range {base!r} runs backwards")
            if slash and not dash:
                raise ValueError(f"a step needs '*' or a range before it, not {base!r}")
        selected.update(range(start, end + 1, step))
    return selected


def parse_schedule(text: str) -> Schedule:
    """The schedule ``text`` means. Raises ValueError with a sentence an admin can act on."""
    interval = re.match(INTERVAL_PATTERN, text.strip())
    if interval:
        count = int(interval.group(1))
        if count < 1:
            raise ValueError("an interval must be at least 1")
        return IntervalSchedule(count * _UNIT_SECONDS[interval.group(2)])
    if text.strip().lower().startswith("every"):
        raise ValueError(f"{text!r} is not an interval: {HELP}")
    fields = text.split()
    if len(fields) != len(_FIELDS):
        raise ValueError(f"{text!r} has {len(fields)} fields, a cron expression has 5: {HELP}")
    selections: list[set[int]] = []
    for field_text, spec in zip(fields, _FIELDS, strict=True):
        try:
            selections.append(_values(field_text, spec))
        except ValueError as exc:
            raise ValueError(f"cron {spec.name} field {field_text!r}: {exc}; {HELP}") from None
    weekdays = {d % 7 for d in selections[4]}
    day_of_week = "*" if fields[4] == "*" else ",".join(_WEEKDAYS[d] for d in sorted(weekdays))
    return CronSchedule(fields[0], fields[1], fields[2], fields[3], day_of_week)
