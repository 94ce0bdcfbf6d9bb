"""What the daemon keeps in the store: book leases, account health (the circuit breaker), tag-count checks.

These live beside :class:`contactsync.store.Store` rather than in it so the daemon's tables have one owner; they
use the store's engine and its tables (``store/schema.py``, migration 0002) and its one-transaction-per-step rule.

Leases: a book is run under a lease (owner, expiry) taken in a short transaction and renewed while it
runs. On PostgreSQL the row is read ``FOR UPDATE SKIP LOCKED`` so two instances claiming the same book at the
same instant never wait on each other: the second sees nothing and moves on. SQLite has a single daemon (see
:mod:`.lock`), so the same statements simply run without row locks there.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..store import Store, now
from ..store import schema as t


class CircuitState(enum.Enum):
    CLOSED = "closed"   # runs normally
    OPEN = "open"       # paused after repeated failures until ``retry_at``; then tried once more


class TagVerdict(enum.Enum):
    OK = "ok"
    MISMATCH = "mismatch"          # the platform's count differs from the store's and nothing explains it
    PENDING = "pending"            # differs, but writes are still owed or items quarantined: the next run settles it
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
    stmt = ins.on_conflict_do_update(index_elements=keys, set_={
        c.name: ins.excluded[c.name] for c in table.columns if c.name not in keys and c.name in rows[0]})
    conn.execute(stmt, rows)


class DaemonRecords:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # --- leases -----------------------------------------------------------------------------------------------
    def ensure_books(self, books: Iterable[str]) -> None:
        rows = [{"book": b} for b in books]
        if not rows:
            return
        ins: Any = postgresql.insert(t.daemon_leases) if self.engine.dialect.name == "postgresql" \
            else sqlite.insert(t.daemon_leases)
        with self.engine.begin() as conn:
            conn.execute(ins.on_conflict_do_nothing(index_elements=["book"]), rows)

    def claim(self, book: str, owner: str, lease_s: float, *, at: datetime | None = None) -> bool:
        """Take the book's lease if nobody holds a live one and the book is due. True when taken."""
        stamp = at or now()
        q = sa.select(t.daemon_leases).where(t.daemon_leases.c.book == book).with_for_update(skip_locked=True)
        with self.engine.begin() as conn:
            row = conn.execute(q).first()
            if row is None:  # locked by an instance claiming it right now, or the book is new
                return False
            expires, due = _aware(row.expires_at), _aware(row.next_due_at)
            if row.owner is not None and row.owner != owner and expires is not None and expires > stamp:
                return False
            if due is not None and due > stamp and row.owner is None:
                return False  # this slot's run is done (by us or another instance)
            conn.execute(sa.update(t.daemon_leases).where(t.daemon_leases.c.book == book).values(
                owner=owner, expires_at=stamp + timedelta(seconds=lease_s), last_started_at=stamp,
                last_owner=owner))
        return True

    def renew(self, books: Iterable[str], owner: str, lease_s: float) -> set[str]:
        """Extend our leases; returns the books whose lease we no longer hold (taken over after it expired)."""
        lost: set[str] = set()
        stamp = now()
        with self.engine.begin() as conn:
            for book in books:
                result = conn.execute(sa.update(t.daemon_leases).where(
                    t.daemon_leases.c.book == book, t.daemon_leases.c.owner == owner).values(
                    expires_at=stamp + timedelta(seconds=lease_s)))
                if result.rowcount == 0:
                    lost.add(book)
        return lost

    def release(self, book: str, owner: str, *, next_due_at: datetime | None, finished: bool) -> None:
        """Give the lease back. ``finished``: the run ended and the book is next due at ``next_due_at``; else
        (a stop in the middle) the due time is left as it was so another instance takes the book at once."""
        values: dict[str, Any] = {"owner": None, "expires_at": None}
        if finished:
            values.update(next_due_at=next_due_at, last_finished_at=now())
        with self.engine.begin() as conn:
            conn.execute(sa.update(t.daemon_leases).where(
                t.daemon_leases.c.book == book, t.daemon_leases.c.owner == owner).values(**values))

    def set_next_due(self, book: str, at: datetime | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(t.daemon_leases).where(t.daemon_leases.c.book == book).values(next_due_at=at))

    def orphaned(self, *, at: datetime | None = None) -> list[str]:
        """Books whose lease expired while held: the instance running them is gone."""
        stamp = at or now()
        q = sa.select(t.daemon_leases.c.book).where(t.daemon_leases.c.owner.is_not(None),
                                                     t.daemon_leases.c.expires_at < stamp)
        with self.engine.connect() as conn:
            return [str(b) for (b,) in conn.execute(q)]

    def leases(self) -> dict[str, Lease]:
        with self.engine.connect() as conn:
            return {r.book: Lease(r.book, r.owner, _aware(r.expires_at), _aware(r.next_due_at),
                                  _aware(r.last_started_at), _aware(r.last_finished_at), r.last_owner)
                    for r in conn.execute(sa.select(t.daemon_leases))}

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
            return {r.account: Health(r.account, r.book, r.failures, CircuitState(r.circuit), _aware(r.opened_at),
                                      _aware(r.retry_at), r.last_failure, _aware(r.tags_checked_at), r.tags_error,
                                      _aware(r.repair_requested_at))
                    for r in conn.execute(sa.select(t.account_health))}

    def put_health(self, rows: Iterable[Health]) -> None:
        data = [{"account": h.account, "book": h.book, "failures": h.failures, "circuit": h.circuit.value,
                 "opened_at": h.opened_at, "retry_at": h.retry_at, "last_failure": h.last_failure,
                 "tags_checked_at": h.tags_checked_at, "tags_error": h.tags_error,
                 "repair_requested_at": h.repair_requested_at} for h in rows]
        with self.engine.begin() as conn:
            _upsert(conn, t.account_health, data, ["account"])

    # --- tag-count checks -------------------------------------------------------------------------------------
    def put_tag_checks(self, account: str, checks: Iterable[TagCheck]) -> None:
        """Replace the account's last check with this one (tags that disappeared leave the table)."""
        rows = [{"account": c.account, "book": c.book, "tag_key": c.tag_key, "tag_name": c.tag_name,
                 "platform_count": c.platform_count, "store_count": c.store_count, "verdict": c.verdict.value,
                 "checked_at": c.checked_at} for c in checks]
        with self.engine.begin() as conn:
            conn.execute(sa.delete(t.tag_checks).where(t.tag_checks.c.account == account))
            if rows:
                conn.execute(sa.insert(t.tag_checks), rows)

    def tag_checks(self) -> list[TagCheck]:
        q = sa.select(t.tag_checks).order_by(t.tag_checks.c.book, t.tag_checks.c.tag_key, t.tag_checks.c.account)
        with self.engine.connect() as conn:
            return [TagCheck(r.account, r.book, r.tag_key, r.tag_name, r.platform_count, r.store_count,
                             TagVerdict(r.verdict), _aware(r.checked_at) or now()) for r in conn.execute(q)]

    def pending_writes(self, account: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.outbox).where(
                t.outbox.c.account == account)).scalar_one())

    def quarantined(self, account: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.quarantine).where(
                t.quarantine.c.account == account)).scalar_one())

    def request_full_comparison(self, account: str) -> None:
        """Drop the account's sync token: its next pull is a full listing compared against the bases."""
        with self.engine.begin() as conn:
            conn.execute(sa.update(t.sync_state).where(t.sync_state.c.account == account).values(token=None))

    def counts_by_account(self) -> Mapping[str, int]:
        """Linked contacts per account (the metrics' contacts gauge)."""
        with self.engine.connect() as conn:
            return {str(a): int(n) for a, n in conn.execute(
                sa.select(t.links.c.account, sa.func.count()).group_by(t.links.c.account))}
