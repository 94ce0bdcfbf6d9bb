"""What ``contactsync doctor`` reports: one typed result per check, and the hook a connector type offers.

A connector type (see :mod:`contactsync.registry`) may give a ``doctor`` hook: called with one account's settings,
it runs that platform's checks against the real account and yields one :class:`CheckResult` each. The hook never
raises for a failed check (a failure is a result naming its fix); it is read-only unless ``write`` is True, when
it may create, read back and delete one clearly named scratch contact.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .settings import AccountSettings, BookSettings


class Outcome(enum.Enum):
    PASS = "pass"
    WARN = "warn"  # works, but a feature is off or a setting is risky (colours without MailboxSettings)
    FAIL = "fail"  # the first sync would fail or lose something: the exit code says so
    SKIP = "skip"  # not checked (a check that needs an earlier one that failed, or --write not given)


@dataclass(frozen=True)
class CheckResult:
    """One check on one account. ``fix`` says what the admin does (which console, which permission, which scope)."""

    account: str
    check: str
    outcome: Outcome
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class DoctorContext:
    """What a doctor hook is given: the account, its book, and whether it may write one scratch contact."""

    account: AccountSettings
    book: BookSettings
    write: bool = False


DoctorHook = Callable[[DoctorContext], Iterable[CheckResult]]
