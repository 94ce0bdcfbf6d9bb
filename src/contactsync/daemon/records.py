"""What the daemon keeps in the store: leases on books and accounts, account health (the circuit breaker),
tag-count checks.

These live beside :class:`contactsync.store.Store` rather than in it so the daemon's tables have one owner; they
use the store's engine and its tables (``store/schema.py``, migrations 0002 and 0004) and its
one-transaction-per-step rule.

Leases: a book is the unit of scheduling (one engine run reconciles all of a book's accounts together), and a
run holds a lease (owner, expiry) on its book AND on each of the book's accounts. All of them are taken in one
short transaction or none is; they are renewed together while the run lasts, handed back together, and expire
together when the instance holding them dies. On PostgreSQL the rows are read ``FOR UPDATE SKIP LOCKED``, so two
instances claiming the same book at the same instant never wait on each other: the second sees a row missing
and moves on. A one-off ``contactsync sync`` takes the same leases (see :mod:`.oneoff`). SQLite has a single
daemon (see :mod:`.lock`), so the same statements simply run without row locks there.

Account names are unique in one configuration file, so an account belongs to one book and the book's lease alone
would keep two runs off it. The account leases still matter when instances run different configurations for a
while (one reloaded after an account moved to another book, the other not yet): the account's own lease then
keeps both from writing it at once. They also let ``status`` show who holds each account.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..settings import BookSettings
from ..store import Store, now
from ..store import schema as t


class CircuitState(enum.Enum):
    CLOSED = "closed"  # runs normally
    OPEN = "open"  # paused after repeated failures until ``retry_at``; then tried once more


class TagVerdict(enum.Enum):
    OK = "ok"
    MISMATCH = "mismatch"  # the platform's count differs from the store's and nothing explains it
    PENDING = "pending"  # differs, but writes are still owed or items quarantined: the next run settles it
    NOT_COMPARED = "not_compared"  # an account we do not fully write (pull-only, no creates): shown, not judged


@dataclass(frozen=True, slots=True)
class Lease:
    book: str
    owner: str | None
    expires_at: datetime | None
    next_due_at: datetime | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_owner: str | None


@dataclass(frozen=True, slots=True)
class AccountLease:
    account: str
    book: str
    owner: str | None
    expires_at: datetime | None
    last_started_at: datetime | None
    last_owner: str | None

    def holder(self, at: datetime) -> str | None:
        """Who holds the account at ``at``: None when nobody does or the lease ran out."""
        return self.owner if self.owner and self.expires_at and self.expires_at > at else None


@dataclass(frozen=True, slots=True)
class Claim:
    """The answer to a claim: taken, or why not."""

    taken: bool
    #: who holds a live lease that stopped us ("" when a row was locked by a claim in flight: try again shortly)
    holder: str | None = None
    #: what they hold: "book NAME" or "account NAME"
    held: str | None = None
    #: when their lease runs out unless they renew it
    until: datetime | None = None
    #: the book's run for this slot is already done (a daemon's claim only)
    not_due: bool = False
    #: taken: the holder whose lease on the book had run out (it died mid-run), if any
    took_over_from: str | None = None

    def __bool__(self) -> bool:
        return self.taken


@dataclass(frozen=True, slots=True)
class Health:
    account: str
    book: str
    failures: int
    circuit: CircuitState
    opened_at: datetime | None
    retry_at: datetime | None
    last_failure: str | None
    tags_checked_at: datetime | None
    tags_error: str | None
    repair_requested_at: datetime | None

    def paused(self, at: datetime) -> bool:
        return self.circuit is CircuitState.OPEN and self.retry_at is not None and self.retry_at > at


@dataclass(frozen=True, slots=True)
class TagCheck:
    account: str
    book: str
    tag_key: str
    tag_name: str
    platform_count: int | None
    store_count: int
    verdict: TagVerdict
    checked_at: datetime


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives naive datetimes back; every time we write is UTC
    if value is not None and value.tzinfo is None:
        from datetime import UTC

        return value.replace(tzinfo=UTC)
    return value


def _upsert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    if not rows:
        return
    ins: Any = postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)
    stmt = ins.on_conflict_do_update(
        index_elements=keys,
        set_={c.name: ins.excluded[c.name] for c in table.columns if c.name not in keys and c.name in rows[0]},
    )
    conn.execute(stmt, rows)


def _insert_missing(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    if not rows:
        return
    ins: Any = postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)
    conn.execute(ins.on_conflict_do_nothing(index_elements=keys), rows)


class DaemonRecords:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # --- leases -----------------------------------------------------------------------------------------------
    def ensure_books(self, books: Iterable[BookSettings]) -> None:
        """A lease row for every book and every account (new ones appear on start and on reload)."""
        books = list(books)
        book_rows = [{"book": b.name} for b in books]
        account_rows = [{"account": a.name, "book": b.name} for b in books for a in b.accounts]
        with self.engine.begin() as conn:
            _insert_missing(conn, t.daemon_leases, book_rows, ["book"])
            _insert_missing(conn, t.account_leases, account_rows, ["account"])

    def claim(
        self,
        book: str,
        accounts: Collection[str],
        owner: str,
        lease_s: float,
        *,
        at: datetime | None = None,
        due_only: bool = True,
    ) -> Claim:
        """Take the lease on ``book`` and on each of ``accounts`` (the book's accounts), all in one transaction or
        none: refused while anyone else holds a live lease on one of them, or (``due_only``, the daemon's case)
        when the book's run for this slot is already done. A lease whose holder let it expire is taken over.
        The rows must exist (:meth:`ensure_books`); a missing one reads as locked by a claim in flight."""
        stamp = at or now()
        until = stamp + timedelta(seconds=lease_s)
        leases, accts = t.daemon_leases, t.account_leases
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(leases).where(leases.c.book == book).with_for_update(skip_locked=True)).first()
            if row is None:  # locked by an instance claiming it right now
                return Claim(False, "", f"book {book}")
            expires, due = _aware(row.expires_at), _aware(row.next_due_at)
            if row.owner is not None and row.owner != owner and expires is not None and expires > stamp:
                return Claim(False, row.owner, f"book {book}", expires)
            if due_only and due is not None and due > stamp:
                if row.owner is not None:
                    # its holder died after the run's work was done (mark_done), before handing the leases
                    # back: the slot is done; only the leases are left to free
                    conn.execute(
                        sa.update(leases)
                        .where(leases.c.book == book, leases.c.owner == row.owner)
                        .values(owner=None, expires_at=None)
                    )
                    conn.execute(
                        sa.update(accts)
                        .where(accts.c.book == book, accts.c.owner == row.owner)
                        .values(owner=None, expires_at=None)
                    )
                return Claim(False, not_due=True)  # this slot's run is done (by us or another instance)
            rows = conn.execute(
                sa.select(accts)
                .where(accts.c.account.in_(list(accounts)))
                .order_by(accts.c.account)
                .with_for_update(skip_locked=True)
            ).all()
            if len(rows) < len(set(accounts)):
                missing = sorted(set(accounts) - {r.account for r in rows})
                return Claim(False, "", f"account {missing[0]}")
            for r in rows:
                expires = _aware(r.expires_at)
                if r.owner is not None and r.owner != owner and expires is not None and expires > stamp:
                    return Claim(False, r.owner, f"account {r.account}", expires)
            conn.execute(
                sa.update(leases)
                .where(leases.c.book == book)
                .values(owner=owner, expires_at=until, last_started_at=stamp, last_owner=owner)
            )
            if accounts:
                conn.execute(
                    sa.update(accts)
                    .where(accts.c.account.in_(list(accounts)))
                    .values(book=book, owner=owner, expires_at=until, last_started_at=stamp, last_owner=owner)
                )
        return Claim(True, took_over_from=row.owner)

    def renew(self, held: Mapping[str, Collection[str]], owner: str, lease_s: float) -> set[str]:
        """Extend our leases on each book of ``held`` and on its accounts, in one transaction; returns the books
        whose lease, or one of whose accounts' leases, we no longer hold (taken over after it expired)."""
        lost: set[str] = set()
        until = now() + timedelta(seconds=lease_s)
        leases, accts = t.daemon_leases, t.account_leases
        with self.engine.begin() as conn:
            for book, accounts in held.items():
                result = conn.execute(
                    sa.update(leases).where(leases.c.book == book, leases.c.owner == owner).values(expires_at=until)
                )
                if result.rowcount == 0:
                    lost.add(book)
                if accounts:
                    result = conn.execute(
                        sa.update(accts)
                        .where(accts.c.account.in_(list(accounts)), accts.c.owner == owner)
                        .values(expires_at=until)
                    )
                    if result.rowcount < len(set(accounts)):
                        lost.add(book)
        return lost

    def mark_done(self, book: str, owner: str, next_due_at: datetime | None) -> None:
        """The run's work is committed: the book is next due at ``next_due_at``, though the leases stay held
        (what follows a run, tag checks and health, still runs under them)."""
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(t.daemon_leases)
                .where(t.daemon_leases.c.book == book, t.daemon_leases.c.owner == owner)
                .values(next_due_at=next_due_at, last_finished_at=now())
            )

    def release(self, book: str, owner: str, *, next_due_at: datetime | None, finished: bool) -> None:
        """Give the book's lease and its accounts' back. ``finished``: the run ended and the book is next due at
        ``next_due_at``; else (a stop in the middle, a one-off sync) the due time is left as it was, so a stopped
        run's book is taken by another instance at once."""
        values: dict[str, Any] = {"owner": None, "expires_at": None}
        if finished:
            values.update(next_due_at=next_due_at, last_finished_at=now())
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(t.daemon_leases)
                .where(t.daemon_leases.c.book == book, t.daemon_leases.c.owner == owner)
                .values(**values)
            )
            conn.execute(
                sa.update(t.account_leases)
                .where(t.account_leases.c.book == book, t.account_leases.c.owner == owner)
                .values(owner=None, expires_at=None)
            )

    def set_next_due(self, book: str, at: datetime | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(t.daemon_leases).where(t.daemon_leases.c.book == book).values(next_due_at=at))

    def orphaned(self, *, at: datetime | None = None) -> list[str]:
        """Books whose lease expired while held: the instance running them is gone."""
        stamp = at or now()
        q = sa.select(t.daemon_leases.c.book).where(
            t.daemon_leases.c.owner.is_not(None), t.daemon_leases.c.expires_at < stamp
        )
        with self.engine.connect() as conn:
            return [str(b) for (b,) in conn.execute(q)]

    def leases(self) -> dict[str, Lease]:
        with self.engine.connect() as conn:
            return {
                r.book: Lease(
                    r.book,
                    r.owner,
                    _aware(r.expires_at),
                    _aware(r.next_due_at),
                    _aware(r.last_started_at),
                    _aware(r.last_finished_at),
                    r.last_owner,
                )
                for r in conn.execute(sa.select(t.daemon_leases))
            }

    def account_leases(self) -> dict[str, AccountLease]:
        with self.engine.connect() as conn:
            return {
                r.account: AccountLease(
                    r.account, r.book, r.owner, _aware(r.expires_at), _aware(r.last_started_at), r.last_owner
                )
                for r in conn.execute(sa.select(t.account_leases))
            }

    def interrupt_open_runs(self, book: str, since: datetime | None, *, status: str = "interrupted") -> None:
        """Mark the book's runs stopped mid-way (SIGTERM, a lost lease: "interrupted"; an instance that died:
        "abandoned") as ended, not forever running. What they did is recorded; what they still owed is in the
        outbox for the next run."""
        q = sa.update(t.runs).where(t.runs.c.book == book, t.runs.c.finished_at.is_(None))
        if since is not None:
            q = q.where(t.runs.c.started_at >= since)
        with self.engine.begin() as conn:
            conn.execute(q.values(finished_at=now(), status=status))

    # --- account health: the circuit breaker ------------------------------------------------------------------
    def health(self) -> dict[str, Health]:
        with self.engine.connect() as conn:
            return {
                r.account: Health(
                    r.account,
                    r.book,
                    r.failures,
                    CircuitState(r.circuit),
                    _aware(r.opened_at),
                    _aware(r.retry_at),
                    r.last_failure,
                    _aware(r.tags_checked_at),
                    r.tags_error,
                    _aware(r.repair_requested_at),
                )
                for r in conn.execute(sa.select(t.account_health))
            }

    def put_health(self, rows: Iterable[Health]) -> None:
        data = [
            {
                "account": h.account,
                "book": h.book,
                "failures": h.failures,
                "circuit": h.circuit.value,
                "opened_at": h.opened_at,
                "retry_at": h.retry_at,
                "last_failure": h.last_failure,
                "tags_checked_at": h.tags_checked_at,
                "tags_error": h.tags_error,
                "repair_requested_at": h.repair_requested_at,
            }
            for h in rows
        ]
        with self.engine.begin() as conn:
            _upsert(conn, t.account_health, data, ["account"])

    # --- tag-count checks -------------------------------------------------------------------------------------
    def put_tag_checks(self, account: str, checks: Iterable[TagCheck]) -> None:
        """Replace the account's last check with this one (tags that disappeared leave the table)."""
        rows = [
            {
                "account": c.account,
                "book": c.book,
                "tag_key": c.tag_key,
                "tag_name": c.tag_name,
                "platform_count": c.platform_count,
                "store_count": c.store_count,
                "verdict": c.verdict.value,
                "checked_at": c.checked_at,
            }
            for c in checks
        ]
        with self.engine.begin() as conn:
            conn.execute(sa.delete(t.tag_checks).where(t.tag_checks.c.account == account))
            if rows:
                conn.execute(sa.insert(t.tag_checks), rows)

    def tag_checks(self) -> list[TagCheck]:
        q = sa.select(t.tag_checks).order_by(t.tag_checks.c.book, t.tag_checks.c.tag_key, t.tag_checks.c.account)
        with self.engine.connect() as conn:
            return [
                TagCheck(
                    r.account,
                    r.book,
                    r.tag_key,
                    r.tag_name,
                    r.platform_count,
                    r.store_count,
                    TagVerdict(r.verdict),
                    _aware(r.checked_at) or now(),
                )
                for r in conn.execute(q)
            ]

    def pending_writes(self, account: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(t.outbox).where(t.outbox.c.account == account)
                ).scalar_one()
            )

    def quarantined(self, account: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(t.quarantine).where(t.quarantine.c.account == account)
                ).scalar_one()
            )

    def request_full_comparison(self, account: str) -> None:
        """Drop the account's sync token: its next pull is a full listing compared against the bases."""
        with self.engine.begin() as conn:
            conn.execute(sa.update(t.sync_state).where(t.sync_state.c.account == account).values(token=None))

    def counts_by_account(self) -> Mapping[str, int]:
        """Linked contacts per account (the metrics' contacts gauge)."""
        with self.engine.connect() as conn:
            return {
                str(a): int(n)
                for a, n in conn.execute(sa.select(t.links.c.account, sa.func.count()).group_by(t.links.c.account))
            }
