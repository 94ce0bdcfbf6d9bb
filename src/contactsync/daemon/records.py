"""What the daemon keeps in the store: leases on books and accounts, account health (the circuit breaker),
tag-count checks — the daemon's view of :class:`contactsync.store.Store` (parts ``leases``, ``health``, ``runs``),
which holds the SQL and the row types; these are re-exported here for the daemon's modules.

Leases: a book is the unit of scheduling (one engine run reconciles all of a book's accounts together), and a
run holds a lease (owner, expiry) on its book AND on each of the book's accounts, taken, renewed and handed back
together (see :mod:`contactsync.store.leases`). A one-off ``contactsync sync`` takes the same leases (see
:mod:`.oneoff`). SQLite has a single daemon (see :mod:`.lock`).

Account names are unique in one configuration file, so an account belongs to one book and the book's lease alone
would keep two runs off it. The account leases still matter when instances run different configurations for a
while (one reloaded after an account moved to another book, the other not yet): the account's own lease then
keeps both from writing it at once. They also let ``status`` show who holds each account.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime

from ..settings import BookSettings
from ..store import AccountLease, CircuitState, Claim, Health, Lease, Store, TagCheck, TagVerdict

__all__ = [
    "PAUSED",
    "AccountLease",
    "CircuitState",
    "Claim",
    "DaemonRecords",
    "DeferredChecks",
    "Health",
    "Lease",
    "TagCheck",
    "TagVerdict",
]

#: how the run of an account the circuit breaker pauses ends: the start of the error it records (see
#: :func:`.circuit.pause_notice`; ``status`` shows the failure behind the pause then)
PAUSED = "paused by the circuit breaker"


class DaemonRecords:
    def __init__(self, store: Store) -> None:
        self.store = store

    # --- leases -----------------------------------------------------------------------------------------------
    def ensure_books(self, books: Iterable[BookSettings]) -> None:
        """A lease row for every book and every account (new ones appear on start and on reload)."""
        self.store.ensure_leases({b.name: [a.name for a in b.accounts] for b in books})

    def claim(
        self,
        book: str,
        accounts: Collection[str],
        owner: str,
        lease_s: float,
        *,
        at: datetime | None = None,
        due_only: bool = True,
        next_slot: Callable[[datetime], datetime | None] | None = None,
        start_run: bool = False,
        abandon_open_runs: bool = False,
    ) -> Claim:
        """See :meth:`Store.claim_lease`."""
        return self.store.claim_lease(
            book,
            accounts,
            owner,
            lease_s,
            at=at,
            due_only=due_only,
            next_slot=next_slot,
            start_run=start_run,
            abandon_open_runs=abandon_open_runs,
        )

    def renew(self, held: Mapping[str, Collection[str]], owner: str, lease_s: float) -> set[str]:
        """See :meth:`Store.renew_leases`: the books whose lease (or an account's) we no longer hold."""
        return self.store.renew_leases(held, owner, lease_s)

    def mark_done(self, book: str, owner: str, next_due_at: datetime | None) -> None:
        """See :meth:`Store.lease_done`."""
        self.store.lease_done(book, owner, next_due_at)

    def release(self, book: str, owner: str, *, next_due_at: datetime | None, finished: bool) -> None:
        """See :meth:`Store.release_lease`."""
        self.store.release_lease(book, owner, next_due_at=next_due_at, finished=finished)

    def orphaned(self, *, at: datetime | None = None) -> list[str]:
        """Books whose lease expired while held: the instance running them is gone."""
        return self.store.orphaned_leases(at=at)

    def leases(self) -> dict[str, Lease]:
        return self.store.leases()

    def account_leases(self) -> dict[str, AccountLease]:
        return self.store.account_leases()

    def interrupt_open_runs(self, book: str, since: datetime | None, *, status: str = "interrupted") -> None:
        """See :meth:`Store.interrupt_open_runs`."""
        self.store.interrupt_open_runs(book, since, status=status)

    # --- account health: the circuit breaker, tag-count checks -----------------------------------------------
    def health(self, accounts: Collection[str] | None = None) -> dict[str, Health]:
        """Every account's health, or only that of ``accounts``."""
        return self.store.health(accounts)

    def put_health(self, rows: Iterable[Health]) -> None:
        self.store.put_health(rows)

    def put_tag_checks(self, account: str, checks: Iterable[TagCheck]) -> None:
        """Replace the account's last check with this one (tags that disappeared leave the table)."""
        self.store.put_tag_checks(account, checks)

    def tag_checks(self) -> list[TagCheck]:
        return self.store.tag_checks()

    def pending_writes(self, account: str) -> int:
        return self.store.outbox_count(account)

    def quarantined(self, account: str) -> int:
        return self.store.quarantine_count(account)

    def request_full_comparison(self, account: str) -> None:
        """Drop the account's sync token: its next pull is a full listing compared against the bases."""
        self.store.request_full_comparison(account)

    def counts_by_account(self) -> Mapping[str, int]:
        """Linked contacts per account (the metrics' contacts gauge)."""
        return self.store.link_counts()


class DeferredChecks(DaemonRecords):
    """The records of one run's tag checks: each account's check is held until :meth:`flush`, which writes all
    of them and the accounts' health in one transaction (one commit and one lease check instead of one per
    account plus one). Everything else goes to the store at once, as with :class:`DaemonRecords`."""

    def __init__(self, store: Store, owed: Mapping[str, tuple[int, int]] | None = None) -> None:
        super().__init__(store)
        self._checks: dict[str, list[TagCheck]] = {}
        #: account → (writes owed, items quarantined) as the run counted them at its end, under the lease that
        #: still keeps every other writer off the account: not counted again
        self._owed = dict(owed or {})

    def pending_writes(self, account: str) -> int:
        known = self._owed.get(account)
        return known[0] if known is not None else super().pending_writes(account)

    def quarantined(self, account: str) -> int:
        known = self._owed.get(account)
        return known[1] if known is not None else super().quarantined(account)

    def put_tag_checks(self, account: str, checks: Iterable[TagCheck]) -> None:
        self._checks[account] = list(checks)

    def flush(self, health: Iterable[Health], *, release: tuple[str, str, datetime | None] | None = None) -> None:
        """The held checks and ``health`` in one transaction (fenced inside a run, like the writes it replaces);
        with ``release`` (book, owner, next due) the run's leases are handed back in it too."""
        checks, self._checks = self._checks, {}
        self.store.record_checks(checks, health, release=release)
