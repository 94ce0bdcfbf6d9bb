"""A one-off ``contactsync sync`` beside daemons sharing a PostgreSQL store: the same book and account leases.

Without them a sync could write an account while a daemon's run writes it too (the same owed write sent twice).
So each book is synced under the leases a daemon's run takes (:meth:`.records.DaemonRecords.claim`), renewed in
a background thread while the run lasts, handed back when it ends; the book's schedule is left as it was (the
daemons still run it at its next slot). Books a daemon is running are put off: the others are synced first, then
the held ones are tried again until ``wait_s`` has passed, and those still held are named with their holder in
:class:`LeaseHeld`. Should a lease be lost all the same (the store unreachable for longer than the lease, and a
daemon taking the book over), the run stops at its next batch boundary with :class:`LeaseLost`.

On SQLite none of this is needed: a file lock keeps a sync and the daemon apart (see :mod:`.lock`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Generator, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from ..admin import Wrap, run_book
from ..connector import Connector
from ..engine import EngineHooks
from ..engine.report import RunReport
from ..errors import StoreLocked
from ..settings import BookSettings
from ..store import Fence, LeaseLost, Store, now
from .circuit import fresh_health, pause_notice, succeeded
from .records import CircuitState, Claim, DaemonRecords, DeferredChecks
from .tags import carries_tags, check_account

log = logging.getLogger("contactsync.daemon")


class LeaseHeld(StoreLocked):
    """Books a daemon (or another sync) kept running past the wait; ``held`` maps each to what holds it."""

    def __init__(self, message: str, held: dict[str, Claim]) -> None:
        super().__init__(message)
        self.held = held


@dataclass
class Holding:
    """The leases on one book while a sync runs it."""

    book: BookSettings
    #: what the run's commits are fenced with (see contactsync.store.leases)
    fence: Fence | None = None
    lost: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _lost_now: threading.Event = field(default_factory=threading.Event)

    def sleep(self, seconds: float) -> None:
        """The run's retry waits, cut short once the renewal finds the lease lost (raises LeaseLost): the call that
        would follow is not made (a Retry-After can ask for two minutes)."""
        self.check()
        if self._lost_now.wait(seconds):
            self.check()

    def check(self, _account: str = "", _step: int = 0) -> None:
        """The engine's batch-boundary hook: stop when the lease is no longer ours."""
        if self.lost:
            raise LeaseLost(
                f"book {self.book.name}: its lease was taken over by another instance while this sync "
                "ran (the store was unreachable for longer than daemon.lease_seconds); the run stopped "
                "at a batch boundary or in a retry wait, and what it still owed stays queued for the next run"
            )


def sync_owner() -> str:
    """The name a one-off sync holds leases under: `status` shows it next to the daemons' instance names."""
    return f"sync@{os.uname().nodename}:{os.getpid()}"


class SyncLeases:
    def __init__(
        self,
        store: Store,
        *,
        lease_s: float,
        wait_s: float,
        owner: str | None = None,
        poll_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.records = DaemonRecords(store)
        self.lease_s = lease_s
        self.wait_s = wait_s
        self.owner = owner or sync_owner()
        self.poll_s = poll_s
        self._clock = clock
        self._sleep = sleep

    def each(self, books: list[BookSettings]) -> Generator[Holding, None, None]:
        """Yield a :class:`Holding` per book as its leases are taken (the caller runs the book inside the
        iteration); the leases go back when the caller asks for the next book. Raises :class:`LeaseHeld` at the
        end when some books stayed held past the wait."""
        self.records.ensure_books(books)
        waiting = list(books)
        refused: dict[str, Claim] = {}
        deadline: float | None = None
        while waiting:
            for book in list(waiting):
                claim = self._claim(book)
                if not claim:
                    refused[book.name] = claim
                    continue
                waiting.remove(book)
                refused.pop(book.name, None)
                if claim.took_over_from:
                    # its holder died mid-run: that run never finishes; say so in the run history, as a daemon does
                    log.info("book %s: its lease expired (held by %s); taking it over", book.name, claim.took_over_from)
                    self.records.interrupt_open_runs(book.name, None, status="abandoned")
                with self._held(book, claim.fence) as holding:
                    yield holding
            if not waiting:
                return
            if deadline is None:  # the wait starts once every free book is done
                deadline = self._clock() + self.wait_s
                log.info(
                    "waiting up to %.0fs for %s, run by another instance now",
                    self.wait_s,
                    ", ".join(b.name for b in waiting),
                )
            if self._clock() >= deadline:
                raise LeaseHeld(_refusal(refused, self.wait_s, others=len(books) > len(refused)), refused)
            self._sleep(min(self.poll_s, max(0.0, deadline - self._clock())))

    def _claim(self, book: BookSettings) -> Claim:
        return self.records.claim(book.name, [a.name for a in book.accounts], self.owner, self.lease_s, due_only=False)

    @contextmanager
    def _held(self, book: BookSettings, fence: Fence | None) -> Iterator[Holding]:
        holding = Holding(book, fence)
        accounts = [a.name for a in book.accounts]
        renewer = threading.Thread(target=self._renew, args=(holding, accounts), name=f"lease-{book.name}", daemon=True)
        renewer.start()
        try:
            yield holding
        finally:
            holding._stop.set()
            renewer.join()
            try:
                # the schedule stays as it was: the daemons still run the book at its next slot
                self.records.release(book.name, self.owner, next_due_at=None, finished=False)
            except Exception as exc:
                log.error(
                    "book %s: could not hand the lease back (%s); it expires by itself in %.0fs",
                    book.name,
                    type(exc).__name__,
                    self.lease_s,
                )

    def _renew(self, holding: Holding, accounts: list[str]) -> None:
        while not holding._stop.wait(max(0.5, self.lease_s / 3)):
            try:
                lost = self.records.renew({holding.book.name: accounts}, self.owner, self.lease_s)
            except Exception as exc:  # the store unreachable for a moment: the lease still has time left
                log.warning("book %s: lease renewal failed (%s); retrying", holding.book.name, type(exc).__name__)
                continue
            if lost:
                holding.lost = True
                holding._lost_now.set()
                log.warning(
                    "book %s: lease lost to another instance; stopping at the next batch boundary or wait",
                    holding.book.name,
                )
                return


def say_paused(store: Store, book: BookSettings) -> None:
    """Before a one-off sync runs ``book``: say which of its accounts a daemon's circuit breaker paused. The sync
    tries them all the same (the admin asked for it); a daemon's run would have left them out, so the log says why
    a paused account is contacted, and that the pause stays unless the run works (:func:`after_sync`)."""
    at = now()
    for health in DaemonRecords(store).health([a.name for a in book.accounts]).values():
        if health.paused(at):
            log.info(
                "account %s: %s; this sync tries it now (the pause ends only if it works)",
                health.account,
                pause_notice(health),
            )


def after_sync(store: Store, book: BookSettings, report: RunReport, connectors: Mapping[str, Connector]) -> int:
    """After a one-off sync's run, what a daemon's run records of each account that ran without error: its circuit
    breaker closes and its count of failed runs in a row starts again (:func:`.circuit.succeeded`; a failed
    account's breaker is left as it was, see :mod:`.circuit` for why); and the daemon's tag-count check (invariant
    15, see :mod:`.tags`): an account that carries tags has its counts read back and recorded for ``status``, and a
    mismatch asks for a full comparison on the next run. Returns the number of tags that differ."""
    # the checks and the health are written together at the end, in one transaction
    records = DeferredChecks(store)
    health = records.health([a.name for a in book.accounts])
    store_counts = store.tag_counts(book.name)
    updated = []
    mismatches = 0
    for acct in book.accounts:
        rep = report.accounts.get(acct.name)
        if rep is None or rep.error is not None:
            continue
        before = health.get(acct.name)
        after = before
        if before is not None and (before.failures or before.circuit is not CircuitState.CLOSED):
            after = succeeded(before)
            if before.circuit is CircuitState.OPEN:
                log.info("account %s: works again (circuit closed by a one-off sync)", acct.name)
        connector = connectors.get(acct.name)
        if connector is not None and carries_tags(connector):
            outcome, after = check_account(
                store, records, book, acct, connector, after or fresh_health(acct.name, book.name), store_counts
            )
            mismatches += outcome.mismatches
        if after is not None and after is not before:
            updated.append(after)
    if updated:
        records.flush(updated)
    return mismatches


def run_leased(
    store: Store,
    holding: Holding,
    *,
    dry_run: bool = False,
    allow_deletes: bool = False,
    allow_deletes_on: Collection[str] = (),
    show_values: bool = False,
    watch: Wrap | None = None,
) -> RunReport:
    """:func:`contactsync.admin.run_book` under a lease: the run stops at a batch boundary if the lease is lost;
    then :func:`after_sync` records the accounts' health and tag counts as after a daemon's run. ``watch`` wraps
    the connectors for the run (the CLI's progress display)."""
    book = holding.book
    started = now()

    def after(report: RunReport, built: Mapping[str, Connector]) -> None:
        if dry_run:
            return
        # fenced as the run's own commits, as a daemon fences its tag checks: once another instance took the book
        # over (this process stopped for longer than its lease), its counts and health are newer than ours
        try:
            with store.fenced(holding.fence):
                after_sync(store, book, report, built)
        except LeaseLost:
            log.warning(
                "book %s: taken over by another instance after this sync's run; the tag counts and account health "
                "it read are left to that instance's run",
                book.name,
            )

    if not dry_run:
        say_paused(store, book)
    try:
        # every commit of the run is fenced with the claim's lease epochs: once another instance took the book
        # over, nothing more of this run is committed
        return run_book(
            store,
            book,
            dry_run=dry_run,
            allow_deletes=allow_deletes,
            allow_deletes_on=allow_deletes_on,
            show_values=show_values,
            checkpoints=EngineHooks(after_commit=holding.check),
            sleep=holding.sleep,
            fence=holding.fence,
            wrap=watch,
            then=after,
        )
    except LeaseLost:
        # our run ends "interrupted" unless the book was really taken over: then the instance that took it marked
        # our run abandoned, and the fence keeps this write from touching its run
        with store.fenced(holding.fence), suppress(LeaseLost):
            DaemonRecords(store).interrupt_open_runs(book.name, started)
        raise


def _refusal(refused: dict[str, Claim], wait_s: float, *, others: bool) -> str:
    parts = []
    for book, claim in refused.items():
        if claim.holder:
            kind = "another `contactsync sync`" if claim.holder.startswith("sync@") else "the contactsync daemon"
            until = f" until {claim.until.astimezone():%H:%M:%S}" if claim.until else ""
            what = "it" if claim.held == f"book {book}" else claim.held
            parts.append(f"book {book} is being synced by {kind} {claim.holder} (which holds {what}{until})")
        else:
            parts.append(f"book {book} was being claimed by another instance at every try")
    done = " after syncing the other books" if others else ""
    return (
        f"{'; '.join(parts)}. Waited {wait_s:.0f}s for it (daemon.sync_wait_seconds){done}. Run "
        "`contactsync sync --book NAME` again once that run is over (`contactsync status` shows who holds "
        "what), or stop that daemon first"
    )


__all__ = ["Holding", "LeaseHeld", "LeaseLost", "SyncLeases", "after_sync", "run_leased", "sync_owner"]
