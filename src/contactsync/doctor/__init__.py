"""``contactsync doctor``: check real accounts before the first sync, and say what to fix.

The checks run in this order, each yielding :class:`contactsync.checks.CheckResult` values:

1. the configuration loads (:func:`check_config`): nothing else runs without it;
2. the store is reachable (:mod:`.store`), read-only;
3. per account: its secret files' modes (:mod:`.files`), each endpoint's connection, TLS trust and clock
   (:mod:`.endpoint`), then its type's own hook (``ConnectorType.doctor``: credentials, permissions, the address
   book or folder, sync support, and with ``write`` one scratch contact created, read back and deleted).

Nothing here prints: the CLI (:mod:`contactsync.cli.doctor`) renders the results. Nothing raises for a failed
check either: a failure is a result with its fix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .. import registry
from ..checks import CheckResult, DoctorContext, Outcome
from ..errors import ConfigError, NotFound
from ..settings import AccountSettings, BookSettings, Settings
from ..wording import counted
from .endpoint import CHECK_CLOCK, CHECK_ENDPOINT, CHECK_TLS, Endpoint, check_endpoint, endpoints_of
from .files import CHECK_SECRET, SecretFile, check_mode, check_secret_files, secret_files
from .store import CHECK_STORE, EVERY_ACCOUNT, check_store

__all__ = [
    "CHECK_CLOCK",
    "CHECK_CONFIG",
    "CHECK_ENDPOINT",
    "CHECK_SECRET",
    "CHECK_STORE",
    "CHECK_TLS",
    "CHECK_TYPE",
    "EVERY_ACCOUNT",
    "DoctorReport",
    "Endpoint",
    "check_endpoint",
    "config_failed",
    "config_passed",
    "diagnose",
    "endpoints_of",
    "select_accounts",
]

log = logging.getLogger(__name__)

CHECK_CONFIG: Final = "config"
#: the result of a type's hook that could not run at all (unknown type, a bug in the hook)
CHECK_TYPE: Final = "connector"


@dataclass(frozen=True)
class DoctorReport:
    """Every result of one doctor run, in the order they were made."""

    results: tuple[CheckResult, ...]

    @property
    def failed(self) -> bool:
        return any(r.outcome is Outcome.FAIL for r in self.results)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.failed,
            "counts": {o.value: self.count(o) for o in Outcome},
            "results": [
                {
                    "account": r.account or None,
                    "check": r.check,
                    "outcome": r.outcome.value,
                    "detail": r.detail,
                    "fix": r.fix,
                }
                for r in self.results
            ],
        }


def config_failed(path: Path, error: ConfigError) -> CheckResult:
    """The result for a configuration that does not load: every problem, with its line and key."""
    problems = "; ".join(str(p) for p in error.problems)
    return CheckResult(
        EVERY_ACCOUNT,
        CHECK_CONFIG,
        Outcome.FAIL,
        f"{path} has problems: {problems}",
        "fix each one (file:line and key are given) and run `contactsync config check`",
    )


def config_passed(path: Path, settings: Settings) -> CheckResult:
    accounts = sum(len(b.accounts) for b in settings.books)
    return CheckResult(
        EVERY_ACCOUNT,
        CHECK_CONFIG,
        Outcome.PASS,
        f"{path} loads ({counted(len(settings.books), 'book')}, {counted(accounts, 'account')})",
    )


def select_accounts(settings: Settings, names: Sequence[str]) -> list[tuple[AccountSettings, BookSettings]]:
    """The accounts named (all when none), each with its book. Raises NotFound naming the unknown ones."""
    every = [(a, b) for b in settings.books for a in b.accounts]
    if not names:
        return every
    known = {a.name for a, _ in every}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise NotFound(
            f"no account named {', '.join(unknown)} in the configuration (known: {', '.join(sorted(known))})"
        )
    return [(a, b) for a, b in every if a.name in names]


def diagnose(settings: Settings, names: Sequence[str] = (), *, write: bool = False) -> Iterator[CheckResult]:
    """The store's check, then every selected account's. Raises NotFound for an unknown account name."""
    selected = select_accounts(settings, names)
    yield check_store(settings.store_url)
    yield from _other_secret_files(settings)
    for account, book in selected:
        yield from _account_checks(account, book, write, settings.allow_world_readable)


def _other_secret_files(settings: Settings) -> Iterator[CheckResult]:
    """Secret files of no account (the store's ``url_file``): the loader lists every file it read."""
    of_accounts = {
        item.path for book in settings.books for account in book.accounts for item in secret_files(account, {})
    }
    for path in settings.secret_files:
        if path not in of_accounts:
            item = SecretFile("store", path)
            yield check_mode(EVERY_ACCOUNT, item, allow_world_readable=settings.allow_world_readable)


def _account_checks(
    account: AccountSettings, book: BookSettings, write: bool, allow_world_readable: bool
) -> Iterator[CheckResult]:
    try:
        kind = registry.connector_type(account.type)
    except registry.UnknownConnector as exc:
        yield CheckResult(
            account.name, CHECK_TYPE, Outcome.FAIL, str(exc), "install the connector's package, or fix the type"
        )
        return
    yield from check_secret_files(account, kind.options_schema, allow_world_readable=allow_world_readable)
    unreachable = False
    for endpoint in endpoints_of(account, kind.options_schema):
        for result in check_endpoint(account.name, endpoint):
            unreachable |= result.outcome is Outcome.FAIL
            yield result
    if kind.doctor is None:
        return
    if unreachable:
        yield CheckResult(
            account.name, account.type, Outcome.SKIP, f"the {account.type} checks need the endpoint: fix it first"
        )
        return
    try:
        yield from kind.doctor(DoctorContext(account, book, write=write))
    except Exception as exc:  # a bug in a hook must not hide the other accounts' results
        log.debug("doctor hook of %s failed", account.type, exc_info=True)
        yield CheckResult(
            account.name,
            CHECK_TYPE,
            Outcome.FAIL,
            f"the {account.type} checks stopped: {type(exc).__name__}: {exc}",
            "run `contactsync -v doctor` for details and report it as a bug",
        )
