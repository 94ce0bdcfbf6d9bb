"""Leases: which instance runs a book now, and holds each of its accounts, with an expiry so a dead instance's
work is taken over (tables ``daemon_leases`` and ``account_leases``, migrations 0002 and 0004).

A run holds a lease (owner, expiry) on its book AND on each of the book's accounts. All of them are taken in one
short transaction or none is; they are renewed together while the run lasts, handed back together, and expire
together when the instance holding them dies. On PostgreSQL the rows are read ``FOR UPDATE SKIP LOCKED``, so two
instances claiming the same book at the same instant never wait on each other: the second sees a row missing
and moves on. SQLite has a single daemon (see :mod:`contactsync.daemon.lock`), so the same statements simply run
without row locks there.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from . import schema as t
from .base import StoreBase, aware, insert_missing, now


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


class Leases(StoreBase):
    """Each method is a transaction of its own."""

    def ensure_leases(self, books: Mapping[str, Collection[str]]) -> None:
        """A lease row for every book and every account (book → its accounts; new ones appear on start and on
        reload)."""
        book_rows = [{"book": b} for b in books]
        account_rows = [{"account": a, "book": b} for b, accounts in books.items() for a in accounts]
        with self.engine.begin() as conn:
            insert_missing(conn, t.daemon_leases, book_rows, ["book"])
            insert_missing(conn, t.account_leases, account_rows, ["account"])

    def claim_lease(
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
        The rows must exist (:meth:`ensure_leases`); a missing one reads as locked by a claim in flight."""
        stamp = at or now()
        until = stamp + timedelta(seconds=lease_s)
        leases, accts = t.daemon_leases, t.account_leases
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(leases).where(leases.c.book == book).with_for_update(skip_locked=True)).first()
            if row is None:  # locked by an instance claiming it right now
                return Claim(False, "", f"book {book}")
            expires, due = aware(row.expires_at), aware(row.next_due_at)
            if row.owner is not None and row.owner != owner and expires is not None and expires > stamp:
                return Claim(False, row.owner, f"book {book}", expires)
            if due_only and due is not None and due > stamp:
                if row.owner is not None:
                    # its holder died after the run's work was done (lease_done), before handing the leases
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
                expires = aware(r.expires_at)
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

    def renew_leases(self, held: Mapping[str, Collection[str]], owner: str, lease_s: float) -> set[str]:
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

    def lease_done(self, book: str, owner: str, next_due_at: datetime | None) -> None:
        """The run's work is committed: the book is next due at ``next_due_at``, though the leases stay held
        (what follows a run, tag checks and health, still runs under them)."""
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(t.daemon_leases)
                .where(t.daemon_leases.c.book == book, t.daemon_leases.c.owner == owner)
                .values(next_due_at=next_due_at, last_finished_at=now())
            )

    def release_lease(self, book: str, owner: str, *, next_due_at: datetime | None, finished: bool) -> None:
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

    def orphaned_leases(self, *, at: datetime | None = None) -> list[str]:
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
                    aware(r.expires_at),
                    aware(r.next_due_at),
                    aware(r.last_started_at),
                    aware(r.last_finished_at),
                    r.last_owner,
                )
                for r in conn.execute(sa.select(t.daemon_leases))
            }

    def account_leases(self) -> dict[str, AccountLease]:
        with self.engine.connect() as conn:
            return {
                r.account: AccountLease(
                    r.account, r.book, r.owner, aware(r.expires_at), aware(r.last_started_at), r.last_owner
                )
                for r in conn.execute(sa.select(t.account_leases))
            }
