"""Account health the daemon keeps between runs: the circuit breaker and the last tag-count check (tables
``account_health`` and ``tag_checks``, migration 0002)."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from . import schema as t
from .base import StoreBase, aware, now, upsert
from .leases import Fence, check_fenced, fence_of, release_held_in, release_in


class CircuitState(enum.Enum):
    CLOSED = "closed"  # runs normally
    OPEN = "open"  # paused after repeated failures until ``retry_at``; then tried once more


class TagVerdict(enum.Enum):
    OK = "ok"
    MISMATCH = "mismatch"  # the platform's count differs from the store's and nothing explains it
    PENDING = "pending"  # differs, but writes are still owed or items quarantined: the next run settles it
    NOT_COMPARED = "not_compared"  # an account we do not fully write (pull-only, no creates): shown, not judged


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


def health_from(row: Any, prefix: str = "") -> Health:
    """The :class:`Health` in an ``account_health`` row, its columns named with ``prefix`` (a claim reads them
    joined with the leases, :meth:`~contactsync.store.leases.Leases.claim_lease`)."""
    m = row._mapping
    return Health(
        m[f"{prefix}account"],
        m[f"{prefix}book"],
        m[f"{prefix}failures"],
        CircuitState(m[f"{prefix}circuit"]),
        aware(m[f"{prefix}opened_at"]),
        aware(m[f"{prefix}retry_at"]),
        m[f"{prefix}last_failure"],
        aware(m[f"{prefix}tags_checked_at"]),
        m[f"{prefix}tags_error"],
        aware(m[f"{prefix}repair_requested_at"]),
    )


#: built once: these run after every run (#18)
_HEALTH_OF = sa.select(t.account_health).where(t.account_health.c.account.in_(sa.bindparam("accounts", expanding=True)))
_FORGET_CHECKS = sa.delete(t.tag_checks).where(t.tag_checks.c.account.in_(sa.bindparam("accounts", expanding=True)))
_INSERT_CHECK = sa.insert(t.tag_checks)


class HealthRecords(StoreBase):
    """Each method is a transaction of its own; the writes are fenced when made inside a run (see ``leases``)."""

    def health(self, accounts: Collection[str] | None = None) -> dict[str, Health]:
        """Every account's health, or only that of ``accounts`` (a run reads its book's alone: reading every
        account's row per run made a daemon cycle of N books cost O(N²) rows)."""
        q, params = sa.select(t.account_health), {}
        if accounts is not None:
            q, params = _HEALTH_OF, {"accounts": list(accounts)}
        with self._reading() as conn:
            return {r.account: health_from(r) for r in conn.execute(q, params)}

    def put_health(self, rows: Iterable[Health]) -> None:
        with self._begin() as conn:  # fenced inside a run: a stale run records no health
            self._put_health(conn, rows)

    def record_checks(
        self,
        checks: Mapping[str, Iterable[TagCheck]],
        health: Iterable[Health],
        *,
        release: tuple[str, str, datetime | None] | None = None,
    ) -> None:
        """What follows a run in one transaction: each account's tag-count check (replacing its last one, as
        :meth:`put_tag_checks`) and the accounts' health. One commit, and one lease check when fenced, instead
        of one per account and one more for the health.

        ``release``: (book, owner, next due): the run is over, and its leases are handed back in the same commit
        (:meth:`release_lease` with ``finished``), after the lease check; a stale run's check fails first, and
        neither its records nor the hand-back are committed (#18)."""
        if release is None:
            with self._begin() as conn:  # fenced inside a run: a stale run records neither
                self._record_checks(conn, checks, health)
            return
        book, owner, next_due_at = release
        fence = fence_of(self._local)
        with self.engine.begin() as conn:
            if fence is not None and (fence.book, fence.owner) == (book, owner) and conn.dialect.name == "postgresql":
                # the checks, the health and the hand-back (its lease check) in one statement (#18)
                _record_and_release(conn, checks, health, fence, next_due_at)
                return
            self._record_checks(conn, checks, health)
            if fence is not None and (fence.book, fence.owner) == (book, owner):
                # the run's own leases: the hand-back is the lease check (it releases only what is still held)
                release_held_in(conn, fence, next_due_at)
            else:
                self._before_commit(conn)  # the lease check (fenced inside a run) before the lease is handed back
                release_in(conn, book, owner, next_due_at=next_due_at, finished=True)

    def _record_checks(
        self, conn: sa.Connection, checks: Mapping[str, Iterable[TagCheck]], health: Iterable[Health]
    ) -> None:
        # every account's check in two statements, whatever the number of accounts
        rows = [_check_row(c) for checked in checks.values() for c in checked]
        if checks:
            conn.execute(_FORGET_CHECKS, {"accounts": list(checks)})
        if rows:
            conn.execute(_INSERT_CHECK, rows)
        self._put_health(conn, health)

    def _put_health(self, conn: sa.Connection, rows: Iterable[Health]) -> None:
        data = [_health_row(h) for h in rows]
        if data:
            upsert(conn, t.account_health, data, ["account"])

    # --- tag-count checks -------------------------------------------------------------------------------------
    def put_tag_checks(self, account: str, checks: Iterable[TagCheck]) -> None:
        """Replace the account's last check with this one (tags that disappeared leave the table)."""
        with self._begin() as conn:  # fenced inside a run, like its other commits
            self._put_tag_checks(conn, account, checks)

    def _put_tag_checks(self, conn: sa.Connection, account: str, checks: Iterable[TagCheck]) -> None:
        rows = [_check_row(c) for c in checks]
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
                    aware(r.checked_at) or now(),
                )
                for r in conn.execute(q)
            ]


def _check_row(c: TagCheck) -> dict[str, object]:
    return {
        "account": c.account,
        "book": c.book,
        "tag_key": c.tag_key,
        "tag_name": c.tag_name,
        "platform_count": c.platform_count,
        "store_count": c.store_count,
        "verdict": c.verdict.value,
        "checked_at": c.checked_at,
    }


_CHECK_COLUMNS = ("account", "tag_key", "book", "tag_name", "platform_count", "store_count", "verdict", "checked_at")
_CHECK_TYPES = ("varchar", "varchar", "varchar", "varchar", "integer", "integer", "varchar", "timestamptz")
_HEALTH_COLUMNS = (
    "account",
    "book",
    "failures",
    "circuit",
    "opened_at",
    "retry_at",
    "last_failure",
    "tags_checked_at",
    "tags_error",
    "repair_requested_at",
)
_HEALTH_TYPES = (
    "varchar",
    "varchar",
    "integer",
    "varchar",
    "timestamptz",
    "timestamptz",
    "text",
    "timestamptz",
    "text",
    "timestamptz",
)


def _unnest(prefix: str, columns: tuple[str, ...], types: tuple[str, ...]) -> str:
    arrays = ", ".join(f"CAST(:{prefix}{c} AS {kind}[])" for c, kind in zip(columns, types, strict=True))
    return f"SELECT * FROM unnest({arrays}) AS n({', '.join(columns)})"


def _updates(columns: tuple[str, ...], keys: tuple[str, ...]) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)


#: PostgreSQL: what :meth:`HealthRecords.record_checks` writes at a run's end (each account's check replacing its
#: last, the accounts' health) and the run's hand-back, which is its commit's lease check (``release_held_in``),
#: in one statement of data-modifying WITH queries where they took five (#18). Every list is one array parameter,
#: so the statement's text is the same whatever the number of accounts and tags. A check's tags that are gone are
#: deleted, the others upserted: the delete and the insert never touch the same row
_RECORD_AND_RELEASE = sa.text(
    f"""WITH checks AS ({_unnest("c_", _CHECK_COLUMNS, _CHECK_TYPES)}),
forgotten AS (
    DELETE FROM tag_checks WHERE account = ANY(CAST(:checked AS varchar[]))
    AND NOT EXISTS (
        SELECT 1 FROM checks WHERE checks.account = tag_checks.account AND checks.tag_key = tag_checks.tag_key
    )
),
checked AS (
    INSERT INTO tag_checks ({", ".join(_CHECK_COLUMNS)}) SELECT * FROM checks
    ON CONFLICT (account, tag_key) DO UPDATE SET {_updates(_CHECK_COLUMNS, ("account", "tag_key"))}
),
health AS (
    INSERT INTO account_health ({", ".join(_HEALTH_COLUMNS)}) {_unnest("h_", _HEALTH_COLUMNS, _HEALTH_TYPES)}
    ON CONFLICT (account) DO UPDATE SET {_updates(_HEALTH_COLUMNS, ("account",))}
),
released_accounts AS (
    UPDATE account_leases SET owner = NULL, expires_at = NULL
    WHERE owner = :owner AND (account, epoch) IN (
        SELECT * FROM unnest(CAST(:held AS varchar[]), CAST(:epochs AS integer[]))
    )
    RETURNING account
),
released_book AS (
    UPDATE daemon_leases SET owner = NULL, expires_at = NULL, next_due_at = :next_due, last_finished_at = :finished
    WHERE book = :book AND owner = :owner AND epoch = :epoch
    RETURNING book
)
SELECT (SELECT count(*) FROM released_book) AS book, ARRAY(SELECT account FROM released_accounts) AS accounts"""
).columns(
    # typed: SQLAlchemy then keeps the result's description with the compiled statement, not rebuilt from the
    # cursor's at every execution as for a bare text
    sa.column("book", sa.Integer),
    sa.column("accounts", sa.ARRAY(sa.String)),
)


def _record_and_release(
    conn: sa.Connection,
    checks: Mapping[str, Iterable[TagCheck]],
    health: Iterable[Health],
    fence: Fence,
    next_due_at: datetime | None,
) -> None:
    """:data:`_RECORD_AND_RELEASE`: raises :class:`LeaseLost` (the caller's transaction rolls back, nothing of it
    committed) when the book or an account is no longer held at the fence's epochs, as ``release_held_in``."""
    check_rows = [_check_row(c) for checked in checks.values() for c in checked]
    health_rows = [_health_row(h) for h in health]
    params: dict[str, Any] = {f"c_{c}": [r[c] for r in check_rows] for c in _CHECK_COLUMNS}
    params.update({f"h_{c}": [r[c] for r in health_rows] for c in _HEALTH_COLUMNS})
    params.update(
        checked=list(checks),
        owner=fence.owner,
        held=[a for a, _ in fence.accounts],
        epochs=[e for _, e in fence.accounts],
        book=fence.book,
        epoch=fence.epoch,
        next_due=next_due_at,
        finished=now(),
    )
    check_fenced(conn.execute(_RECORD_AND_RELEASE, params).one(), fence)


def _health_row(h: Health) -> dict[str, Any]:
    return {
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
