"""Checks JSON schema cannot express: schedules, phone regions, store URLs."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

import phonenumbers

from .schema import INTERVAL_PATTERN

_MONTHS: Final = {
    m: i
    for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)
}
_WEEKDAYS: Final = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}

#: (name, lowest, highest, names) of the five cron fields; day of week 7 is Sunday again, as in cron(8)
_CRON_FIELDS: Final[tuple[tuple[str, int, int, dict[str, int]], ...]] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _WEEKDAYS),
)

_SCHEDULE_HELP: Final = "write 'every <N>s|m|h' (e.g. every 15m) or a five-field cron expression (e.g. */10 * * * *)"


class _BadField(ValueError):
    pass


def _cron_value(text: str, low: int, high: int, names: dict[str, int]) -> int:
    number = names.get(text.lower()) if names else None
    if number is None:
        if not text.isdigit():
            raise _BadField(f"{text!r} is not a number")
        number = int(text)
    if not low <= number <= high:
        raise _BadField(f"{number} is outside {low}-{high}")
    return number


def _check_cron_field(text: str, low: int, high: int, names: dict[str, int]) -> None:
    for item in text.split(","):
        base, slash, step = item.partition("/")
        if slash and (not step.isdigit() or int(step) < 1):
            raise _BadField(f"step {step!r} must be a positive whole number")
        if base == "*":
            continue
        first, dash, last = base.partition("-")
        start = _cron_value(first, low, high, names)
        if dash:
            if _cron_value(last, low, high, names) < start:
                raise _BadField(f"range {base!r} runs backwards")
        elif slash:
            raise _BadField(f"a step needs '*' or a range before it, not {base!r}")


def schedule_problem(schedule: str) -> str | None:
    """Why ``schedule`` is not a valid book schedule, or None when it is."""
    interval = re.match(INTERVAL_PATTERN, schedule.strip())
    if interval:
        if int(interval.group(1)) < 1:
            return "an interval must be at least 1"
        return None
    if schedule.strip().lower().startswith("every"):
        return f"{schedule!r} is not an interval: {_SCHEDULE_HELP}"
    fields = schedule.split()
    if len(fields) != len(_CRON_FIELDS):
        return f"{schedule!r} has {len(fields)} fields, a cron expression has 5: {_SCHEDULE_HELP}"
    for text, (name, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        try:
            _check_cron_field(text, low, high, names)
        except _BadField as exc:
            return f"cron {name} field {text!r}: {exc}; {_SCHEDULE_HELP}"
    return None


def region_problem(region: str) -> str | None:
    """Why ``region`` cannot be used to read national phone numbers, or None."""
    if region in phonenumbers.SUPPORTED_REGIONS:
        return None
    if region.upper() in phonenumbers.SUPPORTED_REGIONS:
        return f"region codes are upper case; did you mean '{region.upper()}'?"
    return f"{region!r} is not an ISO 3166 alpha-2 region code known to phonenumbers (e.g. BR, US, DE)"


def store_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the store, or None. Never quotes the URL: it may hold a password."""
    scheme = url.split(":", 1)[0] if ":" in url else ""
    if not (
        scheme == "sqlite"
        or scheme.startswith("sqlite+")
        or scheme in {"postgresql", "postgres"}
        or scheme.startswith("postgresql+")
    ):
        return "expected a sqlite:///<path> or postgresql://user@host/database URL"
    if scheme == "postgres":
        return "SQLAlchemy spells this scheme 'postgresql://', not 'postgres://'"
    return None


def url_has_password(url: str) -> bool:
    try:
        return urlsplit(url).password is not None
    except ValueError:
        return False
