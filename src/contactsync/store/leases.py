"""Leases: which instance runs a book now, and holds each of its accounts, with an expiry so a dead instance's
work is taken over (tables ``daemon_leases`` and ``account_leases``, migrations 0002 and 0004).

A run holds a lease (owner, expiry) on its book AND on each of the book's accounts. All of them are taken in one
short transaction or none is; they are renewed together while the run lasts, handed back together, and expire
together when the instance holding them dies. On PostgreSQL the rows are read ``FOR UPDATE SKIP LOCKED``, so two
instances claiming the same book at the same instant never wait on each other: the second sees a row missing
and moves on. SQLite has a single daemon (see :mod:`contactsync.daemon.lock`), so the same statements simply run
without row locks there.

Fencing (migration 0006): a lease that runs out is no proof that its holder stopped. A daemon paused past its
lease (SIGSTOP, a VM frozen, a long GC pause) resumes believing it still runs the book, while another instance
has taken it over. So every claim bumps an epoch on the book's row and on each account's row, and the claim
hands the run a :class:`Fence` with the epochs it took. Inside :meth:`Leases.fenced`, every write transaction of
the store made on that thread checks, in the same transaction and just before it commits, that the book and
each account are still held by the run's owner at the run's epochs; if not, it raises :class:`LeaseLost` and
rolls back, so nothing of the stale run is committed. On PostgreSQL the lease rows are read ``FOR KEY SHARE``:
a claim (``FOR UPDATE``) cannot change them between the check and the commit, while renewals (plain updates of
the expiry) are not held up. On SQLite the check runs after the transaction's writes, which already hold the
database's write lock. The engine asks :meth:`Leases.check_fence` before each batch it sends, so a stale run
writes nothing more to the platforms either.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import SyncAborted
from . import schema as t
from .base import StoreBase, TxBase, aware, insert_missing, now

if TYPE_CHECKING:
    from .health import Health

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Lease:
    book: str
    owner: str | None
    expires_at: datetime | None
    next_due_at: datetime | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_owner: str | None

    def holder(self, at: datetime) -> str | None:
        """Who holds the book at ``at``: None when nobody does or the lease ran out."""
        return self.owner if self.owner and self.expires_at and self.expires_at > at else None


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


class LeaseLost(SyncAborted):
    """Another instance took the book (or one of its accounts) over: this run must stop, committing nothing more
    and writing nothing more to the platforms. What it still owed stays queued for the run that took over."""


@dataclass(frozen=True, slots=True)
class Fence:
    """What a claim took: the owner, and the epoch of the book's lease and of each account's. A run's commits are
    made under it (:meth:`Leases.fenced`)."""

    owner: str
    book: str
    epoch: int
    #: (account, epoch) for each account of the book
    accounts: tuple[tuple[str, int], ...] = ()


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
    #: taken: what the run's commits are fenced with
    fence: Fence | None = None
    #: taken with ``start_run``: the run recorded as started in the claim's own transaction
    run_id: int | None = None
    #: taken: the accounts' health as the claim read it (an account with no row yet has none), read in the claim's
    #: own statement: a run needs it first thing (its circuit breaker), and a statement of its own cost one more
    #: per run (#18)
    health: Mapping[str, Health] | None = None

    def __bool__(self) -> bool:
        return self.taken


def _fence_query(postgresql: bool) -> sa.Select[Any]:
    """The book's lease row joined with its accounts' (an expanding ``accounts`` parameter): one statement per
    fenced commit, built once (#18). On PostgreSQL both tables' rows are read FOR KEY SHARE."""
    leases, accts = t.daemon_leases, t.account_leases
    q = (
        sa.select(
            leases.c.owner,
            leases.c.epoch,
            accts.c.account,
            accts.c.owner.label("account_owner"),
            accts.c.epoch.label("account_epoch"),
        )
        .select_from(leases.join(accts, accts.c.account.in_(sa.bindparam("accounts", expanding=True))))
        .where(leases.c.book == sa.bindparam("book"))
        .order_by(accts.c.account)
    )
    return q.with_for_update(read=True, key_share=True) if postgresql else q


_FENCE = {True: _fence_query(True), False: _fence_query(False)}


def _stale(conn: Connection, fence: Fence) -> str | None:
    """What of ``fence`` is no longer held ("book NAME", "account NAME"), or None. On PostgreSQL the rows stay
    locked FOR KEY SHARE until the transaction ends: no claim can take them before it commits."""
    if not fence.accounts:
        return _stale_book(conn, fence)
    postgresql = conn.dialect.name == "postgresql"
    rows = conn.execute(_FENCE[postgresql], {"book": fence.book, "accounts": [a for a, _ in fence.accounts]}).all()
    if not rows:
        # no book row, or none of the accounts': the book's own check says which
        return _stale_book(conn, fence) or f"account {fence.accounts[0][0]}"
    if (rows[0].owner, rows[0].epoch) != (fence.owner, fence.epoch):
        return f"book {fence.book}"
    held = {r.account: (r.account_owner, r.account_epoch) for r in rows}
    for account, epoch in fence.accounts:
        if held.get(account) != (fence.owner, epoch):
            return f"account {account}"
    return None


def _stale_book(conn: Connection, fence: Fence) -> str | None:
    leases = t.daemon_leases
    book = sa.select(leases.c.owner, leases.c.epoch).where(leases.c.book == fence.book)
    if conn.dialect.name == "postgresql":
        book = book.with_for_update(read=True, key_share=True)
    row = conn.execute(book).first()
    if row is None or (row.owner, row.epoch) != (fence.owner, fence.epoch):
        return f"book {fence.book}"
    return None


# the statements of every claim and hand-back, built once (#18); parameter names end in "_" where a column's
# own name would clash with it in an UPDATE
_L, _A = t.daemon_leases, t.account_leases
_CLAIM_BOOK = sa.select(_L).where(_L.c.book == sa.bindparam("book")).with_for_update(skip_locked=True)
_CLAIM_ACCOUNTS = (
    sa.select(_A)
    .where(_A.c.account.in_(sa.bindparam("accounts", expanding=True)))
    .order_by(_A.c.account)
    .with_for_update(skip_locked=True)
)
_H = t.account_health
#: the book's row, its accounts' and their health in one statement (#18). An inner join: a row missing (locked by a
#: claim in flight, on PostgreSQL, or absent) removes an account's line, or every line when it is the book's; the
#: health, never locked, is joined outside. Only the lease rows are locked, as by the two reads it replaces
#: what a claim reads: the book's lease, each account's and its health (the statement below and the one-statement
#: claim on PostgreSQL, _CLAIM_FREE, read the same columns under the same names)
_CLAIM_COLUMNS = (
    _L.c.owner,
    _L.c.epoch,
    _L.c.expires_at,
    _L.c.next_due_at,
    _L.c.last_started_at,
    _A.c.account,
    _A.c.owner.label("account_owner"),
    _A.c.epoch.label("account_epoch"),
    _A.c.expires_at.label("account_expires_at"),
    *(c.label(f"health_{c.name}") for c in _H.c),
)
_CLAIM_ALL = (
    sa.select(*_CLAIM_COLUMNS)
    .select_from(
        _L.join(_A, _A.c.account.in_(sa.bindparam("accounts", expanding=True))).outerjoin(
            _H, _H.c.account == _A.c.account
        )
    )
    .where(_L.c.book == sa.bindparam("book"))
    .order_by(_A.c.account)
    .with_for_update(skip_locked=True, of=[_L, _A])
)
_TAKE_BOOK = (
    sa.update(_L)
    .where(_L.c.book == sa.bindparam("book_"))
    .values(
        owner=sa.bindparam("owner_"),
        expires_at=sa.bindparam("until"),
        last_started_at=sa.bindparam("stamp"),
        last_owner=sa.bindparam("owner_"),
        epoch=_L.c.epoch + 1,
    )
)
_TAKE_ACCOUNTS = (
    sa.update(_A)
    .where(_A.c.account.in_(sa.bindparam("accounts", expanding=True)))
    .values(
        book=sa.bindparam("book_"),
        owner=sa.bindparam("owner_"),
        expires_at=sa.bindparam("until"),
        last_started_at=sa.bindparam("stamp"),
        last_owner=sa.bindparam("owner_"),
        epoch=_A.c.epoch + 1,
    )
)
_START_RUN = sa.insert(t.runs).values(
    book=sa.bindparam("book"), started_at=sa.bindparam("started_at"), status="running", dry_run=False
)
#: PostgreSQL: the book's lease, its accounts' and the run's start in one statement (data-modifying WITH
#: queries, run once each whatever reads them; the rows are already locked by the claim's read), where the three
#: took a statement each (#18); SQLite has no such WITH
_TAKE_ALL_AND_START = (
    # parameters named after no column of the updated tables: SQLAlchemy would add such a one to their SET
    sa.insert(t.runs)
    .values(book=sa.bindparam("run_book"), started_at=sa.bindparam("run_started_at"), status="running", dry_run=False)
    .add_cte(_TAKE_BOOK.returning(_L.c.book).cte("taken_book"))
    .add_cte(_TAKE_ACCOUNTS.returning(_A.c.account).cte("taken_accounts"))
    .returning(t.runs.c.id)
)
#: PostgreSQL, a daemon's claim of a book whose lease nobody holds (the common case): :data:`_CLAIM_ALL`'s locked read
#: of the book's row, its accounts' and their health, and :data:`_TAKE_ALL_AND_START` in one statement where they
#: took two (#18). The lease rows are locked FOR UPDATE SKIP LOCKED as by ``_CLAIM_ALL``: the accounts' only once
#: the book's is (``accounts`` waits on ``book`` through its EXISTS), so a claim that misses the book locks none of
#: its accounts, as the join did. ``go`` takes them only when the book's lease is free and due (or ``due_only`` is
#: off) and every account's row is locked by us and not held live by anyone else; otherwise nothing is written and
#: the lines read tell :meth:`Leases.claim_lease` why (or lead it, on a lease held or let expire, or on a due time
#: the schedule in force brings forward, to the statements of its general case, on rows already locked). The lines
#: carry ``_CLAIM_ALL``'s columns and the run's id (NULL: not taken). Every list is one array parameter: the same
#: text whatever the number of accounts
_CLAIM_TAKE_AND_START = sa.text(
    f"""WITH book AS (
    SELECT owner, epoch, expires_at, next_due_at, last_started_at FROM daemon_leases WHERE book = :book
    FOR UPDATE SKIP LOCKED
),
accounts AS (
    SELECT account, owner, epoch, expires_at FROM account_leases
    WHERE account = ANY(CAST(:accounts AS varchar[])) AND EXISTS (SELECT FROM book)
    FOR UPDATE SKIP LOCKED
),
go AS (
    SELECT FROM book
    WHERE book.owner IS NULL
    AND NOT (CAST(:due_only AS boolean) AND book.next_due_at IS NOT NULL AND book.next_due_at > :stamp)
    AND (SELECT count(*) FROM accounts) = CAST(:n AS integer)
    AND NOT EXISTS (
        SELECT FROM accounts
        WHERE owner IS NOT NULL AND owner <> :owner AND expires_at IS NOT NULL AND expires_at > :stamp
    )
),
taken_book AS (
    UPDATE daemon_leases
    SET owner = :owner, expires_at = :until, last_started_at = :stamp, last_owner = :owner, epoch = epoch + 1
    WHERE book = :book AND EXISTS (SELECT FROM go)
),
taken_accounts AS (
    UPDATE account_leases
    SET book = :book, owner = :owner, expires_at = :until, last_started_at = :stamp, last_owner = :owner,
        epoch = epoch + 1
    WHERE account = ANY(CAST(:accounts AS varchar[])) AND EXISTS (SELECT FROM go)
),
run AS (
    INSERT INTO runs (book, started_at, status, dry_run) SELECT :book, :started, 'running', false FROM go
    RETURNING id
)
SELECT book.owner, book.epoch, book.expires_at, book.next_due_at, book.last_started_at, accounts.account,
    accounts.owner AS account_owner, accounts.epoch AS account_epoch, accounts.expires_at AS account_expires_at,
    {", ".join(f"account_health.{c.name} AS health_{c.name}" for c in t.account_health.c)},
    (SELECT id FROM run) AS run_id
FROM book JOIN accounts ON true LEFT JOIN account_health ON account_health.account = accounts.account
ORDER BY accounts.account"""
).columns(
    # typed: the result's columns are then known when the statement is compiled, and SQLAlchemy keeps their
    # description with it instead of building it from the cursor's at every execution (a bare text's way)
    *_CLAIM_COLUMNS,
    sa.column("run_id", sa.Integer),
)
_HELD_BOOK = (_L.c.book == sa.bindparam("book_"), _L.c.owner == sa.bindparam("owner_"))
_DONE = (
    sa.update(_L)
    .where(*_HELD_BOOK)
    .values(next_due_at=sa.bindparam("next_due"), last_finished_at=sa.bindparam("finished"))
)
_RELEASE_BOOK = sa.update(_L).where(*_HELD_BOOK).values(owner=None, expires_at=None)
_RELEASE_DONE = _RELEASE_BOOK.values(next_due_at=sa.bindparam("next_due"), last_finished_at=sa.bindparam("finished"))
_RELEASE_ACCOUNTS = (
    sa.update(_A)
    .where(_A.c.book == sa.bindparam("book_"), _A.c.owner == sa.bindparam("owner_"))
    .values(owner=None, expires_at=None)
)


#: a run's hand-back that is its commit's lease check too (#18): each row is released only while still held at the
#: claim's epochs, so a count short of the fence's says something was taken over (:func:`release_held_in`)
_RELEASE_HELD_BOOK = _RELEASE_DONE.where(_L.c.epoch == sa.bindparam("epoch_"))
_RELEASE_HELD_ACCOUNTS = (
    sa.update(_A)
    .where(
        _A.c.owner == sa.bindparam("owner_"),
        sa.tuple_(_A.c.account, _A.c.epoch).in_(sa.bindparam("held", expanding=True)),
    )
    .values(owner=None, expires_at=None)
    .returning(_A.c.account)
)


def fence_of(local: threading.local) -> Fence | None:
    """The fence this thread's run works under (:meth:`Leases.fenced`), if any."""
    fence: Fence | None = getattr(local, "fence", None)
    return fence


class Leases(StoreBase):
    """Claims, renewals and hand-backs are each a transaction of their own (never fenced)."""

    @contextmanager
    def fenced(self, fence: Fence | None) -> Iterator[None]:
        """Fence every write transaction this thread makes meanwhile with ``fence`` (a run of the book it was
        taken for); ``None`` fences nothing (a run under no lease)."""
        previous = fence_of(self._local)
        self._local.fence = fence
        try:
            yield
        finally:
            self._local.fence = previous

    def current_fence(self) -> Fence | None:
        """The fence this thread's writes carry now (:meth:`fenced`): for a thread that works for the same run
        (the engine's listing threads), whose writes must carry it too."""
        return fence_of(self._local)

    def check_fence(self) -> None:
        """Raise :class:`LeaseLost` when this thread's run no longer holds its book and accounts at the epochs it
        claimed them (nothing when it runs under no fence). For the engine, before it sends a batch."""
        fence = fence_of(self._local)
        if fence is None:
            return
        with self._reading() as conn:
            lost = _stale(conn, fence)
        if lost is not None:
            raise _lost(fence, lost)

    def check_fence_after_wait(self) -> None:
        """:meth:`check_fence`, for a run about to send again after a retry wait: raises LeaseLost; a store that
        cannot be read just now is logged and the run goes on (its commits are fenced, and the next batch checks
        again), so that a moment of the store's is not the platform account's failure."""
        try:
            self.check_fence()
        except LeaseLost:
            raise
        except Exception as exc:
            log.warning("the lease could not be checked after a wait (%s); sending again", type(exc).__name__)
            log.debug("the lease check after a wait", exc_info=True)

    def _before_commit(self, conn: Connection) -> None:
        fence = fence_of(self._local)
        checked, _CHECKED.tx = getattr(_CHECKED, "tx", None), None
        if fence is None:
            return
        if checked is not None and checked == (conn, fence):
            # the run's end checked the fence in this transaction already (LeaseWrites.lease_done), with the rows
            # locked until it commits: checking again could find nothing new (#18)
            return
        lost = _stale(conn, fence)
        if lost is not None:
            raise _lost(fence, lost)

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
        next_slot: Callable[[datetime], datetime | None] | None = None,
        start_run: bool = False,
        abandon_open_runs: bool = False,
    ) -> Claim:
        """Take the lease on ``book`` and on each of ``accounts`` (the book's accounts), all in one transaction or
        none: refused while anyone else holds a live lease on one of them, or (``due_only``, the daemon's case)
        when the book's run for this slot is already done. A lease whose holder let it expire is taken over.
        The rows must exist (:meth:`ensure_leases`); a missing one reads as locked by a claim in flight.

        ``next_slot``: the schedule in force (its first slot after a time). The book is then due at the earlier of
        the time stored by its last run and the schedule's first slot after that run's start: a stored time from a
        longer schedule (changed since, by a restart or a reload) does not hold a shorter one back. Under an
        unchanged schedule the two are the same time, written by the same instance's clock, so instances still
        agree on each slot, provided they read the schedule alike: a cron schedule is read in each host's time
        zone, so a daemon gives none for it on a shared store (``Daemon._slot_in_force``). A refused claim writes
        the earlier time in place of the stored one (``status``).

        ``start_run``: once taken, the book's run is recorded as started in the same transaction (its id is the
        claim's ``run_id``; one commit fewer per run, #18), after the book's runs still open are marked
        abandoned when the lease was taken over from a holder that let it expire, or ``abandon_open_runs``."""
        from .health import health_from  # here: health.py imports this module for its hand-back

        stamp = at or now()
        until = stamp + timedelta(seconds=lease_s)
        leases, accts = t.daemon_leases, t.account_leases
        names = sorted(set(accounts))
        with self.engine.begin() as conn:
            one = start_run and bool(names) and not abandon_open_runs and conn.dialect.name == "postgresql"
            if one:
                # taken, and the run started, in this statement when the lease is free (#18); else its lines
                # are _CLAIM_ALL's, with the rows locked as it locks them, and what follows says why not
                params = {
                    "book": book,
                    "accounts": names,
                    "n": len(names),
                    "owner": owner,
                    "stamp": stamp,
                    "until": until,
                    "due_only": due_only,
                    "started": now(),
                }
                lines = conn.execute(_CLAIM_TAKE_AND_START, params).all()
                if lines and lines[0].run_id is not None:
                    first = lines[0]
                    return Claim(
                        True,
                        fence=Fence(
                            owner, book, first.epoch + 1, tuple((r.account, r.account_epoch + 1) for r in lines)
                        ),
                        run_id=int(first.run_id),
                        health={r.account: health_from(r, "health_") for r in lines if r.health_account is not None},
                    )
            else:
                lines = conn.execute(_CLAIM_ALL, {"book": book, "accounts": names}).all() if accounts else []
            # no line: the book's row is locked or missing, or every account's is (or the book has none): the two
            # reads the joined one replaces say which, in the same order
            row: Any = lines[0] if lines else conn.execute(_CLAIM_BOOK, {"book": book}).first()
            if row is None:  # locked by an instance claiming it right now
                return Claim(False, "", f"book {book}")
            expires, due = aware(row.expires_at), aware(row.next_due_at)
            if row.owner is not None and row.owner != owner and expires is not None and expires > stamp:
                return Claim(False, row.owner, f"book {book}", expires)
            if due_only and due is not None and due > stamp and next_slot is not None:
                due = _due_in_force(conn, book, due, aware(row.last_started_at), next_slot, stamp)
            if due_only and due is not None and due > stamp:
                if row.owner is not None:
                    # its holder died after the run's work was done (lease_done), before handing the leases
                    # back: the slot is done; only the leases are left to free
                    # (a change of hands like any: the epochs move, fencing out whatever its holder still does)
                    conn.execute(
                        sa.update(leases)
                        .where(leases.c.book == book, leases.c.owner == row.owner)
                        .values(owner=None, expires_at=None, epoch=leases.c.epoch + 1)
                    )
                    conn.execute(
                        sa.update(accts)
                        .where(accts.c.book == book, accts.c.owner == row.owner)
                        .values(owner=None, expires_at=None, epoch=accts.c.epoch + 1)
                    )
                return Claim(False, not_due=True)  # this slot's run is done (by us or another instance)
            health: dict[str, Health] | None = None
            if lines:
                held = [(r.account, r.account_owner, r.account_expires_at, r.account_epoch) for r in lines]
                health = {r.account: health_from(r, "health_") for r in lines if r.health_account is not None}
            else:
                rows = conn.execute(_CLAIM_ACCOUNTS, {"accounts": list(accounts)}).all()
                held = [(r.account, r.owner, r.expires_at, r.epoch) for r in rows]
            if len(held) < len(set(accounts)):
                missing = sorted(set(accounts) - {account for account, *_ in held})
                return Claim(False, "", f"account {missing[0]}")
            for account, holder, account_expires, _epoch in held:
                expires = aware(account_expires)
                if holder is not None and holder != owner and expires is not None and expires > stamp:
                    return Claim(False, holder, f"account {account}", expires)
            # every claim moves the epochs (the rows are locked: row epoch + 1 is what the update writes), even a
            # claim by the same owner: a run of an earlier claim of ours is fenced out too
            taken = {"book_": book, "owner_": owner, "until": until, "stamp": stamp}
            # the instance that held it died mid-run: its run never finishes; the run history says so
            abandon = start_run and (abandon_open_runs or row.owner is not None)
            run_id = None
            if start_run and accounts and not abandon and conn.dialect.name == "postgresql":
                started = {"run_book": book, "run_started_at": now(), "accounts": list(accounts)}
                run_id = int(conn.execute(_TAKE_ALL_AND_START, {**taken, **started}).scalar_one())
            else:
                conn.execute(_TAKE_BOOK, taken)
                if accounts:
                    conn.execute(_TAKE_ACCOUNTS, {**taken, "accounts": list(accounts)})
                if start_run:
                    if abandon:
                        conn.execute(
                            sa.update(t.runs)
                            .where(t.runs.c.book == book, t.runs.c.finished_at.is_(None))
                            .values(finished_at=now(), status="abandoned")
                        )
                    pk = conn.execute(_START_RUN, {"book": book, "started_at": now()}).inserted_primary_key
                    assert pk is not None
                    run_id = int(pk[0])
        fence = Fence(owner, book, row.epoch + 1, tuple(sorted((a, epoch + 1) for a, _, _, epoch in held)))
        return Claim(True, took_over_from=row.owner, fence=fence, run_id=run_id, health=health)

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
        (what follows a run, tag checks and health, still runs under them). :meth:`LeaseWrites.lease_done` does
        it inside a transaction of the caller's."""
        with self.engine.begin() as conn:
            _lease_done(conn, book, owner, next_due_at)

    def release_lease(self, book: str, owner: str, *, next_due_at: datetime | None, finished: bool) -> None:
        """Give the book's lease and its accounts' back. ``finished``: the run ended and the book is next due at
        ``next_due_at``; else (a stop in the middle, a one-off sync) the due time is left as it was, so a stopped
        run's book is taken by another instance at once."""
        with self.engine.begin() as conn:
            release_in(conn, book, owner, next_due_at=next_due_at, finished=finished)

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


def _due_in_force(
    conn: Connection,
    book: str,
    stored: datetime,
    started: datetime | None,
    next_slot: Callable[[datetime], datetime | None],
    stamp: datetime,
) -> datetime:
    """When ``book`` is due under the schedule in force: ``stored`` (its last run's next slot, later than
    ``stamp``), or the schedule's first slot after that run's ``started`` when earlier (the schedule changed since).
    An earlier time that has not come yet replaces the stored one, so ``status`` shows it; the row is locked by the
    claim (PostgreSQL) or the store is ours (SQLite)."""
    slot = next_slot(started) if started is not None else None
    if slot is None or slot >= stored:
        return stored
    if slot > stamp:
        leases = t.daemon_leases
        conn.execute(sa.update(leases).where(leases.c.book == book).values(next_due_at=slot))
    return slot


def _lease_done(conn: Connection, book: str, owner: str, next_due_at: datetime | None) -> None:
    conn.execute(_DONE, {"book_": book, "owner_": owner, "next_due": next_due_at, "finished": now()})


def release_in(conn: Connection, book: str, owner: str, *, next_due_at: datetime | None, finished: bool) -> None:
    """:meth:`Leases.release_lease` in the caller's transaction ``conn``."""
    if finished:
        conn.execute(_RELEASE_DONE, {"book_": book, "owner_": owner, "next_due": next_due_at, "finished": now()})
    else:
        conn.execute(_RELEASE_BOOK, {"book_": book, "owner_": owner})
    conn.execute(_RELEASE_ACCOUNTS, {"book_": book, "owner_": owner})


def release_held_in(conn: Connection, fence: Fence, next_due_at: datetime | None) -> None:
    """Hand back the leases ``fence`` holds (as :func:`release_in` with ``finished``) in the caller's transaction,
    as its last statements, checking them as :meth:`Leases._before_commit` would: raises :class:`LeaseLost` (the
    caller's transaction rolls back, nothing of it committed) when the book or an account is no longer held at the
    fence's epochs. One statement fewer than the check followed by the hand-back (#18), with the same guarantee: on
    PostgreSQL the updated rows stay locked until the commit, so no claim takes them in between; on SQLite the
    transaction holds the database's write lock."""
    book = conn.execute(
        _RELEASE_HELD_BOOK,
        {"book_": fence.book, "owner_": fence.owner, "epoch_": fence.epoch, "next_due": next_due_at, "finished": now()},
    )
    if book.rowcount != 1:
        raise _lost(fence, f"book {fence.book}")
    if fence.accounts:
        released = set(
            conn.execute(_RELEASE_HELD_ACCOUNTS, {"owner_": fence.owner, "held": list(fence.accounts)}).scalars()
        )
        for account, _epoch in fence.accounts:
            if account not in released:
                raise _lost(fence, f"account {account}")


#: PostgreSQL: a run's end marked on its book's lease (:data:`_DONE`) and its commit's lease check (``_stale``) in
#: one statement where they took two (#18): the book's row is updated only while held at the fence's epoch, which
#: locks it until the commit as the check's FOR KEY SHARE did, and the accounts still held at the fence's epochs are
#: read FOR KEY SHARE, as the check reads them. A count or a list short of the fence's says something was taken
_DONE_HELD = sa.text(
    """WITH done AS (
    UPDATE daemon_leases SET next_due_at = :next_due, last_finished_at = :finished
    WHERE book = :book AND owner = :owner AND epoch = :epoch
    RETURNING book
),
held AS (
    SELECT account FROM account_leases
    WHERE owner = :owner
    AND (account, epoch) IN (SELECT * FROM unnest(CAST(:held AS varchar[]), CAST(:epochs AS integer[])))
    FOR KEY SHARE OF account_leases
)
SELECT (SELECT count(*) FROM done) AS book, ARRAY(SELECT account FROM held) AS accounts"""
).columns(sa.column("book", sa.Integer), sa.column("accounts", sa.ARRAY(sa.String)))  # typed: as _CLAIM_TAKE_AND_START

#: the transaction (its connection) whose lease check a run's end made already, with the fence it checked, on this
#: thread: :meth:`Leases._before_commit` of that transaction need not check again
_CHECKED = threading.local()


class LeaseWrites(TxBase):
    """Lease writes inside a caller's transaction (:class:`~contactsync.store.Transaction`)."""

    def lease_done(self, book: str, owner: str, next_due_at: datetime | None, *, fence: Fence | None = None) -> None:
        """See :meth:`Leases.lease_done`: here it commits with the caller's transaction (the run's end), or not
        at all.

        ``fence``: the run's (it is made under :meth:`Leases.fenced`), as the last write of the transaction: the
        transaction's lease check is made here, raising :class:`LeaseLost` as the check before its commit would
        (the transaction rolls back), and not again before it commits: on PostgreSQL in the same statement as
        the write (#18). Holds as well as a check just before the commit: the book's and the accounts' rows stay
        locked until then (PostgreSQL), or the transaction holds the database's write lock (SQLite), so nothing
        can take them over in between."""
        if fence is None or (fence.book, fence.owner) != (book, owner):
            _lease_done(self.conn, book, owner, next_due_at)
            return
        if self.conn.dialect.name == "postgresql":
            params = {
                "book": book,
                "owner": owner,
                "epoch": fence.epoch,
                "held": [a for a, _ in fence.accounts],
                "epochs": [e for _, e in fence.accounts],
                "next_due": next_due_at,
                "finished": now(),
            }
            check_fenced(self.conn.execute(_DONE_HELD, params).one(), fence)
        else:
            _lease_done(self.conn, book, owner, next_due_at)
            lost = _stale(self.conn, fence)
            if lost is not None:
                raise _lost(fence, lost)
        _CHECKED.tx = (self.conn, fence)


def check_fenced(row: sa.Row[Any], fence: Fence) -> None:
    """Raise LeaseLost unless a fenced statement's ``row`` found the book (``row.book``, 1) and every account of
    ``fence`` (``row.accounts``) still held at the fence's epochs."""
    if row.book != 1:
        raise _lost(fence, f"book {fence.book}")
    released = set(row.accounts)
    for account, _epoch in fence.accounts:
        if account not in released:
            raise _lost(fence, f"account {account}")


def _lost(fence: Fence, what: str) -> LeaseLost:
    return LeaseLost(
        f"book {fence.book}: {what} was taken over by another instance while this run held it as {fence.owner} "
        "(its lease ran out: the process was paused, or the store unreachable, for longer than "
        "daemon.lease_seconds); the run stopped without committing or sending anything more, and what it still "
        "owed stays queued for the instance that took over"
    )
