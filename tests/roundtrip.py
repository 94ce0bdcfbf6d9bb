"""What the round-trip tests of issue #15 share (tests/test_roundtrip_google.py, tests/test_roundtrip_outlook.py):
an account that builds fresh connectors, a book of two accounts over its own store (one leg of a trip, run by the
engine as ``contactsync sync`` does), and what a platform declares it cannot hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contactsync.connector import Capabilities, Connector
from contactsync.emulators.google import PeopleEmulator
from contactsync.engine import Engine
from contactsync.model import Field
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store
from tests.google.helpers import connector_for


@dataclass(frozen=True)
class Account:
    """An account of a book: its name, its connector type and how to build a fresh connector for it."""

    name: str
    type: str
    make: Callable[[], Connector]


@dataclass
class Book:
    """Two accounts over their own store: one leg of a trip."""

    path: Path
    accounts: tuple[Account, Account]
    #: per account, the "field: reason" entries the last run counted as not carried to it
    not_carried: dict[str, set[str]] = field(default_factory=dict)

    def run(self) -> dict[str, tuple[int, int]]:
        """One run; per account (created, updated). Every account must end without error or quarantine."""
        settings = BookSettings(
            self.path.stem,
            tuple(AccountSettings(a.name, a.type) for a in self.accounts),
            brake=BrakeSettings(max_delete_ratio=1),
        )
        connectors = {a.name: a.make() for a in self.accounts}
        try:
            with Store.open(f"sqlite:///{self.path}") as store:
                report = Engine(store, settings, connectors, sleep=lambda _s: None).run()
        finally:
            for connector in connectors.values():
                connector.close()
        for account in report.accounts.values():
            assert account.error is None and account.quarantined == 0, account
        self.not_carried = {name: set(r.not_carried) for name, r in report.accounts.items()}
        return {name: (r.created, r.updated) for name, r in report.accounts.items()}


def vdir(name: str, path: Path) -> Account:
    from contactsync.connectors.vdir import VdirConnector

    path.mkdir(exist_ok=True)
    return Account(name, "vdir", lambda: VdirConnector(name, path))


def google(emu: PeopleEmulator, name: str, user: str) -> Account:
    return Account(name, "google", lambda: connector_for(emu, user, name=name))


def declared_cut(via: Capabilities) -> frozenset[Field]:
    """The fields a trip through ``via`` may change: not held, or held only in part."""
    held = via.fields if via.holds_tags else via.fields - {Field.TAGS}
    return frozenset(f for f in Field if f not in held or f in via.lossy)


def declared_fields(not_carried: set[str]) -> frozenset[Field]:
    """The fields a run's "not carried" entries ("field: reason") name."""
    return frozenset(Field.named(entry.split(":", 1)[0]) for entry in not_carried)
