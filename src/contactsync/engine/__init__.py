"""The reconciliation engine: pull every account of a book, plan, absorb the plan into the store, push.

A run has three phases, each in its own module, read in the order the run goes:

1. **Listing** (:mod:`.listing`): pull each readable account (incrementally when it has a state; an expired state
   falls back to a full listing compared against the bases, so it yields neither duplicates nor deletes), keep
   only what changed, compactly, parked on disk past a threshold; then the mass-delete brake.
2. **Plan**: :mod:`.identity` matches every unlinked item to a person (marker → link → email → E.164 phone); then,
   chunk by chunk of contacts, :mod:`.plan` merges each touched contact three-way (:mod:`.merge`, pure) against
   every account's base under the book's conflict rules, and decides deletes (edit beats delete by default),
   data-rule holds and the writes each account is owed.
3. **Absorb, then push, a chunk at a time** (:mod:`.push`). One transaction records a chunk's merged contacts,
   their new bases and every write they are owed in the durable *outbox*; then that chunk's writes are pushed,
   account by account, batch by batch, each recorded only once the platform confirmed it. A chunk holds whole
   people (every account's link of them), so a run stopped between chunks leaves a consistent store: the
   accounts' sync states are only advanced after the last chunk, and the next run re-lists and finds the absorbed
   part unchanged and its owed writes still in the outbox. Memory stays bounded by the chunk, and the push reuses
   the plan's contacts instead of reading and decoding them again. Each account's state is its listing's, with
   the writes the store recorded folded in by its connector where it can (``absorb_writes``): the next run does
   not read back what this one wrote, and still finds a create whose answer was lost.

Every request a run sends goes through one :class:`~contactsync.retry.RetryPolicy`; the run's caller may stop it
at the push's :class:`Checkpoints`; :mod:`.report` holds what the run did and records it. A dry run stops after
the plan: nothing is written anywhere, the store included.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

from ..connector import ChangeKind, Connector, tidy_up
from ..copies import KeepsCopies
from ..retry import RetryPolicy
from ..settings import AccountMode, BookSettings
from ..store import Store, Transaction
from ..store.contacts import forget_encoded
from .checkpoints import Checkpoints, EngineHooks
from .identity import identify, note_possible_duplicate
from .listing import Brakes, Lister, Pulled, Spill, absorb_listings, states_to_record
from .plan import ContactToPlan, Known, Plan, PlanContext, plan_contact
from .push import Pusher
from .report import AccountReport, RunReport, log_run, record_run_in

log = logging.getLogger(__name__)

__all__ = ["Checkpoints", "Engine", "EngineHooks", "RunReport"]


_gc_lock = threading.Lock()
_gc_runs = 0
_gc_threshold: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def _bulk_collection() -> Iterator[None]:
    """A run allocates millions of short-lived objects and keeps a few hundred thousand: at the collector's
    default pace (a pass every 700 allocations, and full passes over everything alive as the heap grows) it cost a
    sixth of a first sync's CPU. While runs are going, collect every 100,000 allocations and leave out the objects
    that existed before (frozen); the first run in sets this, the last one out restores it (daemon workers run
    books in threads). At 20,000 the collector was still 0.07 M instructions per card of a first sync; 100,000
    took a fifth of it off for 1.5% more peak memory at 20,000 cards (#18)."""
    global _gc_runs, _gc_threshold
    with _gc_lock:
        if _gc_runs == 0:
            _gc_threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(100_000, 10, 10)
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0:
                _forget_run_memos()
                gc.set_threshold(*_gc_threshold)
                gc.unfreeze()


def _forget_run_memos() -> None:
    """Empty the memos that keep a run's contacts alive by identity (each entry holds its object, so its id is not
    reused). They only help within a run, whose objects the next run never sees again; left full, 2,000 contacts
    of a first sync outlived it, for the daemon's memory and for the interpreter's last collection at exit (#18:
    with the vdir connectors' fits let go at close, 0.015 M instructions a card). Only by the last run out: the
    runs of other books going on in other threads still use them. The merge's memo only if a run merged."""
    forget_encoded()
    merge = sys.modules.get(f"{__name__}.merge")
    if merge is not None:
        merge.forget_changed()


#: how long a run may work on one account, from the run's start, before what is left stays owed for the next run:
#: a server that answers slowly forever (or a retry budget spent over and over) cannot keep a worker for good
ACCOUNT_DEADLINE_S = 4 * 3600.0


def requests_sent(connector: Connector) -> int:
    """HTTP requests the connector sent so far (its ``request_counts``; 0 for one that sends none or does not
    count them)."""
    counted = getattr(connector, "request_counts", None)
    if isinstance(counted, Mapping):
        return sum(int(v) for v in counted.values())
    return 0


def _fenced(sleep: Callable[[float], None], store: Store) -> Callable[[float], None]:
    """``sleep``, then the run's lease fence checked (raises LeaseLost): the engine checks the fence before each batch
    it sends, and a retry after a wait sends that batch again. A run whose book another instance took over while it
    waited (its store unreachable for longer than its lease, its process paused) sends nothing more; the instance
    that took the book over sends what is still owed."""

    def wait(seconds: float) -> None:
        sleep(seconds)
        store.check_fence_after_wait()

    return wait


class Engine:
    """Runs one book. Connectors are given ready-made (the CLI builds them from the config).

    ``retry`` is the one policy every platform call goes through (by default :class:`RetryPolicy`'s budget,
    waiting with ``sleep``); ``hooks`` are the push's :class:`Checkpoints`; ``account_deadline_s`` is each account's
    deadline in a run, counted from the run's start: no listing or batch for it starts, and no retry wait ends,
    past it (what is left stays owed)."""

    def __init__(
        self,
        store: Store,
        book: BookSettings,
        connectors: Mapping[str, Connector],
        *,
        hooks: Checkpoints | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        account_deadline_s: float = ACCOUNT_DEADLINE_S,
        new_id: Callable[[], str] = Transaction.new_id,
    ) -> None:
        self.store = store
        self.book = book
        self.connectors = dict(connectors)
        self.hooks = hooks or Checkpoints()
        policy = retry or RetryPolicy(sleep=sleep)
        self.retry = replace(policy, sleep=_fenced(policy.sleep, store))
        self.account_deadline_s = account_deadline_s
        self.new_id = new_id
        #: the chunk being pushed, as the plan left it (contact id → record and links): no re-reading the store
        self._known: Known = {}
        self._pusher = Pusher(store, book, self.connectors, self.retry, self.hooks, self._known)
        self._spill = Spill()
        self._brakes: Brakes | None = None
        #: per braked account, the people whose item there is gone (:meth:`Brakes.held_people`): written nothing
        self._held: dict[str, frozenset[str]] = {}

    #: contacts planned, absorbed and pushed per chunk: bounds memory whatever the size of the book. A multiple
    #: of every connector's batch size (Google 200, Graph 20, ...), so full chunks make full batches
    CHUNK = 2000
    #: listed items kept in memory as text; past this many in a run, the rest are parked in a Spill
    KEEP_LISTED = 20_000

    def run(
        self,
        *,
        dry_run: bool = False,
        allow_deletes: bool = False,
        allow_deletes_on: Collection[str] = (),
        show_values: bool = False,
        run_id: int | None = None,
        purge_trash: bool = True,
    ) -> RunReport:
        """One run of the book. ``allow_deletes``: every account's deletes go through although the brake would
        hold them; ``allow_deletes_on``: only these accounts' (the admin approved them, account by account).
        ``run_id``: the run as the caller already recorded it started (else it is recorded here). ``purge_trash``:
        the run's end forgets the book's trashed contacts past their date (a daemon asks for it at most hourly: one
        statement less per run with nothing to do, #18)."""
        started = time.monotonic()
        self._known.clear()
        self._pusher.stopped = set()
        self._pusher.recorded = {}
        self._pusher.deadline = self.retry.clock() + self.account_deadline_s
        self._spill.close()
        self._spill = Spill()
        for name, connector in self.connectors.items():
            if isinstance(connector, KeepsCopies):
                connector.keep_copies(self.store.copies(name))
        try:
            with _bulk_collection():
                approved = frozenset(allow_deletes_on)
                return self._run(started, dry_run, allow_deletes, approved, show_values, run_id, purge_trash)
        finally:
            self._spill.close()

    def _run(
        self,
        started: float,
        dry_run: bool,
        allow_deletes: bool,
        allow_deletes_on: frozenset[str],
        show_values: bool,
        run_id: int | None,
        purge_trash: bool = True,
    ) -> RunReport:
        report = RunReport(self.book.name, dry_run)
        for acct in self.book.accounts:
            report.accounts[acct.name] = AccountReport(acct.name)
        sent_before = {name: requests_sent(c) for name, c in self.connectors.items()}
        if not dry_run and run_id is not None:
            report.run_id = run_id  # recorded by the caller (the daemon, with its claim: one commit fewer)
        elif not dry_run:
            with self.store.transaction() as tx:
                report.run_id = tx.start_run(self.book.name, dry_run=False)

        lister = Lister(
            self.store, self.book, self.connectors, self.retry, self._spill, self.KEEP_LISTED, self._pusher.deadline
        )
        pulled = lister.pull_all(report)
        # each account's brake is decided as identify matches its items (the plan's first step): what it counts
        # as deletes are the gone items no new item took over, as the run itself will take them
        self._brakes = Brakes(self.store, self.book, report, approve_all=allow_deletes, approved=allow_deletes_on)
        if dry_run:
            plan = self._plan(pulled, report, show_values, apply=False)
            for p in plan.planned:
                if not self._held_back(p.account, p.contact_id, p.kind, report):
                    report.accounts[p.account].planned.append(p)
            report.duration_s = time.monotonic() - started
            return report
        self._brakes.keep_unlisted(pulled)  # recorded with the run's end: a brake no run decided still holds
        _tidy(self.connectors, pulled)
        self._plan(pulled, report, show_values, apply=True)
        # only now, with every chunk absorbed: the listings' states (a run stopped earlier lists again); and the
        # run's end, in the same transaction: nothing is sent between them, so one commit (and one lease check)
        # records both (#18), and a crash before it leaves the states as they were and the run unfinished
        with self.store.transaction() as tx:
            # the run's own writes folded into the states, in the transaction recording them: the next run need
            # not read back what this one wrote (#18)
            after_writes = self._pusher.states_after_writes(states_to_record(pulled))
            self._pusher.recorded = {}  # not kept past the run (an engine may live as long as a daemon)
            absorb_listings(tx, self.book, pulled, after_writes, purge_trash=purge_trash)
            # read through the transaction: what it leaves, as `status` will count it
            owed = self.store.owed_counts(a.name for a in self.book.accounts if a.name in pulled)
            for acct in self.book.accounts:
                if acct.name not in owed:
                    continue
                rep = report.accounts[acct.name]
                if acct.writable:
                    rep.pending = owed[acct.name][0]
                # the items the account holds in quarantine now, as `status` lists them: an incremental listing
                # names only the ones that changed, and the summary said 0 while status listed 3 (issue #15)
                rep.quarantined = owed[acct.name][1]
                rep.owed_counted = acct.writable
            for name, connector in self.connectors.items():
                # the requests this run made, as the connector counted them (a run of 2,000 PUTs said 0: issue #15)
                if name in report.accounts:
                    report.accounts[name].requests = requests_sent(connector) - sent_before.get(name, 0)
            report.duration_s = time.monotonic() - started
            record_run_in(tx, report)
            if self.hooks.on_record is not None:
                self.hooks.on_record(tx, report)
        log_run(report)
        return report

    def _plan(self, pulled: Mapping[str, Pulled], report: RunReport, show_values: bool, *, apply: bool) -> Plan:
        """Match, merge and decide, chunk by chunk; with ``apply`` each chunk is absorbed into the store and
        pushed before the next is planned (else, a dry run, the plan is only described)."""
        plan = Plan(describe=not apply)
        book = self.book
        push_only = frozenset(a.name for a in book.accounts if a.mode is AccountMode.PUSH_ONLY)
        found = identify(
            self.store, book.name, pulled, self.new_id, drop_listings=apply, brakes=self._brakes, push_only=push_only
        )
        self._held = self._brakes.held_people(pulled, found.link_of) if self._brakes is not None else {}

        # what to look at: everything touched, everything owed, and everything an account listed in full lacks
        affected = set(found.remote_of) | set(found.deletions)
        writable = [a.name for a in book.accounts if a.writable]
        affected |= self.store.outbox_contact_ids(writable)
        if book.rules.required:
            # held back by a data rule: looked at every run, so a fix (or a relaxed rule) lets it through
            affected.update(cid for _b, cid, _why in self.store.attention(book.name))
        for name, p in pulled.items():
            if p.full and book.account(name).writable:
                affected.update(self.store.unlinked_contact_ids(book.name, name))
        ctx = PlanContext(
            book=book,
            connectors=self.connectors,
            ranks={a.name: book.priority_rank(a.name) for a in book.accounts},
            fields_of={
                a.name: self.connectors[a.name].capabilities.fields
                if a.mode is not AccountMode.PUSH_ONLY
                else frozenset()
                for a in book.accounts
            },
            fits={a.name: self.connectors[a.name].fit for a in book.accounts},
            link_of=found.link_of,
            show_values=show_values,
            plan=plan,
            report=report,
            known=self._known if apply else None,
            refilling=frozenset(name for name, p in pulled.items() if p.reset),
            push_only=push_only,
        )
        names_seen: dict[str, str] = {}

        # merge each contact and decide what every account is owed, a chunk at a time
        ordered = sorted(affected)
        for start in range(0, len(ordered), self.CHUNK):
            chunk = ordered[start : start + self.CHUNK]
            records = self.store.contacts(c for c in chunk if c not in found.fresh)
            all_links = self.store.links_by_contact(chunk)
            held = self.store.open_conflict_fields(chunk)
            self._spill.take_back([it for cid in chunk for it in found.remote_of.get(cid, ())])
            for cid in chunk:
                contact = ContactToPlan(
                    id=cid,
                    record=records.get(cid),
                    fresh=cid in found.fresh,
                    listed=found.remote_of.pop(cid, []),  # freed as soon as its contact is planned
                    deleted_by=found.deletions.get(cid, []),
                    links_before=all_links.get(cid, {}),
                )
                plan_contact(ctx, contact, held.setdefault(cid, set()))
                if contact.fresh:
                    note_possible_duplicate(plan.contacts.get(cid), cid, names_seen, report)
            if apply:
                with self.store.transaction() as tx:
                    plan.flush(tx, book, report.run_id)
                self._push(chunk, pulled.keys(), report)
                self._known.clear()
        return plan

    def _push(self, chunk: list[str], listed: Collection[str], report: RunReport) -> None:
        """Push what every listed account is owed for ``chunk``, but nothing to a braked account's gone items
        (:meth:`Brakes.held_people`): those writes stay owed, untried, until the admin decides."""
        holding = {name: people for name, people in self._held.items() if not people.isdisjoint(chunk)}
        if not holding:
            self._pusher.push_contacts(chunk, listed, report)
            return
        for acct in self.book.accounts:  # account after account, in the order push_contacts takes them
            if acct.name in listed:
                held = holding.get(acct.name, frozenset())
                self._pusher.push_contacts([cid for cid in chunk if cid not in held], [acct.name], report)

    def _held_back(self, account: str, contact_id: str, kind: ChangeKind, report: RunReport) -> bool:
        """Whether the push would hold this planned write back (a dry run describes what a run would do): any
        write to a braked account's gone item, and every delete on a braked account."""
        if report.accounts[account].brake is None:
            return False
        return kind is ChangeKind.DELETE or contact_id in self._held.get(account, frozenset())


def _tidy(connectors: Mapping[str, Connector], pulled: Mapping[str, Pulled]) -> None:
    """Let each listed account's connector remove what a stopped run of ours left on its platform
    (:func:`~contactsync.connector.tidy_up`), once per run that may write: a dry run changes nothing, so it never
    gets here."""
    for name in pulled:
        tidy_up(connectors.get(name))
