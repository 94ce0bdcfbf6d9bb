"""The reconciliation engine: pull every account of a book, plan, absorb the plan into the store, push.

A run has three phases:

1. **Pull** each readable account (incrementally when it has a state; an expired state falls back to a full
   listing compared against the bases, so it yields neither duplicates nor deletes).
2. **Plan**: check the mass-delete brake, match every unlinked item to a person (marker → link → email → E.164
   phone), then, chunk by chunk of contacts, merge each touched contact three-way against every account's base
   under the book's conflict rules, decide deletes (edit beats delete by default), data-rule holds and the writes
   each account is owed.
3. **Absorb, then push, a chunk at a time.** One transaction records a chunk's merged contacts, their new bases
   and every write they are owed in the durable *outbox*; then that chunk's writes are pushed, account by
   account, batch by batch, each recorded only once the platform confirmed it. A chunk holds whole people (every
   account's link of them), so a run stopped between chunks leaves a consistent store: the accounts' sync states
   are only advanced after the last chunk, and the next run re-lists and finds the absorbed part unchanged and its
   owed writes still in the outbox. Memory stays bounded by the chunk, and the push reuses the plan's contacts
   instead of reading and decoding them again. A create is marked as attempted before it is sent, so a crash
   between the remote create and our commit is found by its marker in the next pull and adopted, never created
   twice.

A dry run stops after the plan: nothing is written anywhere, the store included.
"""

from __future__ import annotations

import gc
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ..codec import contact_from_data, field_to_data
from ..connector import Change, ChangeKind, ChangeResult, Connector, PullResult, RemoteContact, RemoteRef
from ..copies import KeepsCopies
from ..errors import ConnectorError, PreconditionFailed, RateLimited, SyncTokenExpired, Transient
from ..model import Contact, Field, Photo
from ..normalize import normalize_contact
from ..rules import as_written, broken_rules
from ..settings import AccountMode, BookSettings, DeletePolicy, PhoneFormat
from ..store import CanonicalRecord, Link, Store, Transaction, encode_contact, now
from .merge import STORE, Side, merge
from .report import AccountReport, PlannedWrite, RunReport

__all__ = ["Engine", "EngineHooks", "RunReport"]

log = logging.getLogger("contactsync.engine")


@dataclass
class EngineHooks:
    """Test seams at the I/O boundaries (crash injection). Each is called with (account, step number)."""

    after_remote_write: Callable[[str, int], None] | None = None
    after_commit: Callable[[str, int], None] | None = None


_KEY_SEP = "\x1f"  # between identity keys: a control character no email or phone holds
_KIND_SEP = "\x1e"  # between the emails and the phones


@dataclass(slots=True)
class _Listed:
    """One listed item, kept compact until its contact is merged: at 100k contacts × 3 accounts the listing
    would not fit in memory as Contact objects (≈1.2 kB each); as JSON with its identity keys it does. Every
    field is a plain string where it can be (one string for all identity keys, not tuples of strings; the id and
    etag, not a RemoteRef): objects cost ~50 bytes each, 300k times over."""

    account: str
    id: str
    etag: str
    marker: str | None
    modified: datetime | None
    blob: str | int  # the contact encoded as the store encodes bases, or its key in the run's _Spill
    photo: Photo | None
    keys: str  # emails, _KIND_SEP, phones; each joined by _KEY_SEP ("" when it has neither)

    @classmethod
    def of(cls, account: str, rc: RemoteContact) -> _Listed:
        c = rc.contact
        emails, phones = _KEY_SEP.join(c.identity_emails()), _KEY_SEP.join(c.identity_phones())
        # encoded as the store encodes bases: the text is written as the item's new base as it is
        return cls(
            account,
            rc.ref.id,
            rc.ref.etag,
            rc.marker,
            rc.modified,
            encode_contact(c),
            c.photo,
            f"{emails}{_KIND_SEP}{phones}" if emails or phones else "",
        )

    @property
    def ref(self) -> RemoteRef:
        return RemoteRef(self.id, self.etag)

    @property
    def emails(self) -> tuple[str, ...]:
        found = self.keys.partition(_KIND_SEP)[0]
        return tuple(found.split(_KEY_SEP)) if found else ()

    @property
    def phones(self) -> tuple[str, ...]:
        found = self.keys.partition(_KIND_SEP)[2]
        return tuple(found.split(_KEY_SEP)) if found else ()

    @property
    def text(self) -> str:
        assert isinstance(self.blob, str), "a spilled item is taken back before it is planned"
        return self.blob

    @property
    def contact(self) -> Contact:
        c = contact_from_data(json.loads(self.text))
        return c if self.photo is None else replace(c, photo=self.photo)


_gc_lock = threading.Lock()
_gc_runs = 0
_gc_threshold: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def _bulk_collection() -> Iterator[None]:
    """A run allocates millions of short-lived objects and keeps a few hundred thousand: at the collector's
    default pace (a pass every 700 allocations, and full passes over everything alive as the heap grows) it cost a
    sixth of a first sync's CPU. While runs are going, collect every 20,000 allocations and leave out the objects
    that existed before (frozen); the first run in sets this, the last one out restores it (daemon workers run
    books in threads)."""
    global _gc_runs, _gc_threshold
    with _gc_lock:
        if _gc_runs == 0:
            _gc_threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(20_000, 10, 10)
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0:
                gc.set_threshold(*_gc_threshold)
                gc.unfreeze()


class _Spill:
    """Listed items' content parked outside memory between the listing and the plan.

    A first sync of 100k people on 3 accounts lists 300k items; as encoded text they are ~65 MB that the plan only
    needs a chunk at a time. Past a threshold, the text goes to a private temporary SQLite database: SQLite
    unlinks its file as soon as it is opened, so nothing is left on disk even if the process is killed, and it
    keeps only a small page cache in memory."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._next = 0

    def park(self, items: Sequence[_Listed]) -> None:
        """Move these items' text out of memory (each item keeps a key instead)."""
        if not items:
            return
        if self._db is None:
            self._db = sqlite3.connect("")  # "": a private on-disk temporary database
            self._db.execute("PRAGMA cache_size=-2048")  # KiB: the point is to keep this out of memory
            self._db.execute("CREATE TABLE parked (k INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        rows = []
        for it in items:
            rows.append((self._next, it.text))
            it.blob = self._next
            self._next += 1
        self._db.executemany("INSERT INTO parked VALUES (?, ?)", rows)

    def take_back(self, items: Sequence[_Listed]) -> None:
        """Give these items their text again (before they are planned)."""
        keys = [it.blob for it in items if isinstance(it.blob, int)]
        if not keys or self._db is None:
            return
        found: dict[int, str] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            found.update(
                self._db.execute(
                    f"SELECT k, text FROM parked WHERE k IN ({','.join('?' * len(part))})", part
                ).fetchall()
            )
        for it in items:
            if isinstance(it.blob, int):
                it.blob = found[it.blob]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@dataclass
class _Pulled:
    """One account's listing, reduced to what changed since its bases (the full listing is not kept)."""

    account: str
    full: bool
    next_state: str | None
    listed: int
    listed_ids: list[str]
    quarantined: dict[str, str]
    changed: list[_Listed]
    deleted_ids: list[str]  # linked remote ids that are gone
    braked: str | None = None


@dataclass
class _Plan:
    """What a run does, one chunk of contacts at a time (flushed into the absorb transaction, or only described
    in a dry run)."""

    contacts: dict[str, Contact] = field(default_factory=dict)  # canonical contacts to write
    new_ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    new_links: list[Link] = field(default_factory=list)  # items and contacts with no link on that account yet
    dropped_links: list[tuple[str, str]] = field(default_factory=list)  # (account, remote id)
    trash: list[str] = field(default_factory=list)
    restore: list[str] = field(default_factory=list)
    queue: dict[str, dict[str, ChangeKind]] = field(default_factory=dict)  # account → contact → kind
    journal: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    planned: list[PlannedWrite] = field(default_factory=list)
    describe: bool = False
    held_back: dict[str, str] = field(default_factory=dict)  # contact → why a data rule holds it back
    passing: list[str] = field(default_factory=list)  # contacts that pass the rules (again)

    def owe(self, account: str, contact_id: str, kind: ChangeKind) -> None:
        self.queue.setdefault(account, {})[contact_id] = kind

    def flush(self, tx: Transaction, book: BookSettings, run_id: int | None) -> None:
        """Write this chunk's part of the plan into the absorb transaction, then forget it."""
        new = {cid: c for cid, c in self.contacts.items() if cid in self.new_ids}
        changed = {cid: c for cid, c in self.contacts.items() if cid not in self.new_ids}
        tx.put_contacts(book.name, new, new=True)
        tx.put_contacts(book.name, changed)
        for cid in self.restore:
            tx.restore_contact(cid)
        for account, rid in self.dropped_links:
            tx.delete_link(account, rid)
        tx.put_links(self.links)
        tx.insert_links(self.new_links)
        for cid in self.trash:
            tx.trash_contact(book.name, cid, days=book.trash_days, reason="deleted on a platform")
        for account, owed in self.queue.items():
            by_kind: dict[ChangeKind, list[str]] = {}
            for cid, kind in owed.items():
                by_kind.setdefault(kind, []).append(cid)
            for kind, ids in by_kind.items():
                tx.queue(account, ids, kind)
        tx.journal([{**row, "run_id": run_id} for row in self.journal])
        for cid, fname, candidates in self.conflicts:
            tx.add_conflict(book.name, cid, fname, candidates)
        tx.set_attention(book.name, self.held_back, self.passing)
        for part in (
            self.contacts,
            self.links,
            self.new_links,
            self.dropped_links,
            self.trash,
            self.restore,
            self.queue,
            self.journal,
            self.conflicts,
            self.new_ids,
            self.held_back,
            self.passing,
        ):
            part.clear()


class Engine:
    """Runs one book. Connectors are given ready-made (the CLI builds them from the config)."""

    def __init__(
        self,
        store: Store,
        book: BookSettings,
        connectors: Mapping[str, Connector],
        *,
        hooks: EngineHooks | None = None,
        max_attempts: int = 3,
        max_wait_s: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        new_id: Callable[[], str] = Transaction.new_id,
    ) -> None:
        self.store = store
        self.book = book
        self.connectors = dict(connectors)
        self.hooks = hooks or EngineHooks()
        self.max_attempts = max_attempts
        self.max_wait_s = max_wait_s
        self.sleep = sleep
        self.new_id = new_id
        self._held: dict[str, set[Field]] = {}
        #: the chunk being pushed, as the plan left it (contact id → record and links): no re-reading the store
        self._known: dict[str, tuple[CanonicalRecord, dict[str, Link]]] = {}
        #: accounts that stopped answering during this run's push: their remaining writes stay owed
        self._stopped: set[str] = set()
        self._spill = _Spill()
        self._kept_listed = 0
        self._writes = 0

    #: contacts planned, absorbed and pushed per chunk: bounds memory whatever the size of the book. A multiple
    #: of every connector's batch size (Google 200, Graph 20, ...), so full chunks make full batches
    CHUNK = 2000
    #: listed items kept in memory as text; past this many in a run, the rest are parked in a _Spill
    KEEP_LISTED = 20_000

    # ------------------------------------------------------------------------------------------------ run
    def run(self, *, dry_run: bool = False, allow_deletes: bool = False, show_values: bool = False) -> RunReport:
        started = time.monotonic()
        self._known = {}
        self._stopped = set()
        self._kept_listed = 0
        self._spill.close()
        self._spill = _Spill()
        for name, connector in self.connectors.items():
            if isinstance(connector, KeepsCopies):
                connector.keep_copies(self.store.copies(name))
        try:
            with _bulk_collection():
                return self._run(started, dry_run, allow_deletes, show_values)
        finally:
            self._spill.close()

    def _run(self, started: float, dry_run: bool, allow_deletes: bool, show_values: bool) -> RunReport:
        report = RunReport(self.book.name, dry_run)
        for acct in self.book.accounts:
            report.accounts[acct.name] = AccountReport(acct.name)
        if not dry_run:
            with self.store.transaction() as tx:
                report.run_id = tx.start_run(self.book.name, dry_run=False)

        pulled = self._pull_all(report)
        self._check_brakes(pulled, report, allow_deletes)
        if dry_run:
            plan = self._plan(pulled, report, show_values, apply=False)
            for p in plan.planned:
                report.accounts[p.account].planned.append(p)
            report.duration_s = time.monotonic() - started
            return report
        self._plan(pulled, report, show_values, apply=True)
        # only now, with every chunk absorbed: the listings' states (a run stopped earlier lists again)
        with self.store.transaction() as tx:
            self._absorb_listings(tx, pulled)
        for acct in self.book.accounts:
            if acct.writable and acct.name in pulled:
                report.accounts[acct.name].pending = self.store.outbox_count(acct.name)
        self._finish(report, started)
        return report

    # ----------------------------------------------------------------------------------------------- pull
    def _call(self, account: str, what: Callable[[], Any], *, may_have_applied: bool = False) -> Any:
        """Call a connector, retrying rate limits and transient faults a bounded number of times.

        With ``may_have_applied`` (a batch holding creates) only a rate limit is retried: after a timeout or a
        reset the creates may exist already, and sending them again would duplicate them. They stay owed and
        marked as attempted; the next pull finds them by their marker.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return what()
            except (RateLimited, Transient) as exc:
                if attempt >= self.max_attempts or (may_have_applied and not isinstance(exc, RateLimited)):
                    raise
                wait = (
                    exc.retry_after
                    if isinstance(exc, RateLimited) and exc.retry_after is not None
                    else min(2.0**attempt, self.max_wait_s)
                )
                log.info("account %s: %s; retrying in %.1fs", account, type(exc).__name__, wait)
                self.sleep(min(wait, self.max_wait_s))

    def _pull_all(self, report: RunReport) -> dict[str, _Pulled]:
        pulled: dict[str, _Pulled] = {}
        for acct in self.book.accounts:
            rep = report.accounts[acct.name]
            connector = self.connectors[acct.name]
            t0 = time.monotonic()
            state = self.store.state(acct.name)
            try:
                try:
                    result = self._call(acct.name, lambda s=state, c=connector: c.pull(s))  # type: ignore[misc]
                except SyncTokenExpired:
                    log.warning(
                        "account %s: sync state expired; listing everything and comparing with the base", acct.name
                    )
                    result = self._call(acct.name, lambda c=connector: c.pull(None))  # type: ignore[misc]
            except Exception as exc:  # one account's failure, of whatever kind, stays its own
                if not isinstance(exc, ConnectorError):
                    log.debug("account %s: unexpected error while listing", acct.name, exc_info=True)
                rep.error, rep.error_kind = str(exc) or type(exc).__name__, type(exc).__name__
                log.error(
                    "account %s: listing failed (%s): nothing destructive is planned for it",
                    acct.name,
                    type(exc).__name__,
                )
                rep.duration_s += time.monotonic() - t0
                continue
            pulled[acct.name] = self._reduce(acct.name, result)
            rep.pulled = len(result.changed)
            rep.full_listing = result.full
            rep.quarantined = len(result.quarantined)
            del result  # the listing itself is not kept: only what changed, compacted
            rep.duration_s += time.monotonic() - t0
        return pulled

    def _reduce(self, account: str, result: PullResult) -> _Pulled:
        """Drop what has not changed since the base (our own writes, re-listed items) and find what is gone.

        The listing is read once, in order, a page at a time: a connector may decode each item only as it is read,
        so a 100k listing never sits in memory as contacts, only as the compact items that changed."""
        quarantined = {q.remote_id: q.reason for q in result.quarantined}
        index = self.store.link_index(account) if result.full or result.present is not None else None
        listed_ids: list[str] = []
        changed: list[_Listed] = []

        def keep_changed(page: list[RemoteContact]) -> None:
            if index is not None:
                etags = {rc.ref.id: index[rc.ref.id][1] for rc in page if rc.ref.id in index}
            else:  # etags only: re-listed items cost no base decoding
                etags = self.store.link_etags(account, [rc.ref.id for rc in page])
            found = [_Listed.of(account, rc) for rc in page if etags.get(rc.ref.id) != rc.ref.etag]
            if self._kept_listed + len(found) > self.KEEP_LISTED:
                self._spill.park(found)
            else:
                self._kept_listed += len(found)
            changed.extend(found)

        page: list[RemoteContact] = []
        for rc in result.changed:
            listed_ids.append(rc.ref.id)
            page.append(rc)
            if len(page) >= 1000:
                keep_changed(page)
                page = []
        keep_changed(page)
        del page
        if result.full:
            assert index is not None
            listed = set(listed_ids)
            deleted = [rid for rid in index if rid not in listed and rid not in quarantined]
        else:
            linked = self.store.link_etags(account, result.deleted)
            deleted = [rid for rid in result.deleted if rid in linked and rid not in quarantined]
            if result.present is not None:
                assert index is not None
                gone = set(index) - result.present - set(listed_ids) - set(quarantined) - set(deleted)
                deleted += sorted(gone)
        return _Pulled(
            account, result.full, result.next_state, len(listed_ids), listed_ids, quarantined, changed, deleted
        )

    def _check_brakes(self, pulled: Mapping[str, _Pulled], report: RunReport, allow_deletes: bool) -> None:
        limits = self.book.brake
        for name, p in pulled.items():
            linked = self.store.link_count(name)
            reason = None
            gone_all = len(p.deleted_ids) >= linked > 1 or (
                p.full and not p.listed and not p.quarantined and linked > 0
            )
            if gone_all:
                reason = f"the account had {linked} contacts and now lists none"
            elif len(p.deleted_ids) > limits.max_deletes:
                reason = f"{len(p.deleted_ids)} deletes exceed max_deletes={limits.max_deletes}"
            elif linked and len(p.deleted_ids) / linked > limits.max_delete_ratio:
                reason = (
                    f"{len(p.deleted_ids)} of {linked} contacts deleted exceeds "
                    f"max_delete_ratio={limits.max_delete_ratio}"
                )
            if reason and not allow_deletes:
                p.braked = reason
                report.accounts[name].brake = reason
                log.warning("account %s: brake engaged: %s; no delete is taken from or applied to it", name, reason)

    # ----------------------------------------------------------------------------------------------- plan
    def _plan(self, pulled: Mapping[str, _Pulled], report: RunReport, show_values: bool, *, apply: bool) -> _Plan:
        """Match, merge and decide, chunk by chunk; with ``apply`` each chunk is absorbed into the store and
        pushed before the next is planned (else, a dry run, the plan is only described)."""
        plan = _Plan(describe=not apply)
        book = self.book
        deletions: dict[str, list[str]] = {}  # contact id → accounts that deleted it
        remote_of: dict[str, list[_Listed]] = {}  # contact → the items listed for it this run
        # (the listings' items are dropped from `pulled` once matched: remote_of holds them, and each is freed
        # as soon as its contact is planned, so memory falls as the plan goes)
        link_of: dict[tuple[str, str], Link] = {}  # (account, contact) → link before this run
        fresh: set[str] = set()  # contacts first seen in this run (no canonical yet)
        fresh_with_email: set[str] = set()

        # 1. identity: link → marker → email → phone
        email_index: dict[str, str] = {}  # identities of contacts created in this run
        phone_index: dict[str, str] = {}
        for name, p in pulled.items():
            links = self.store.links_by_remote(name, [it.id for it in p.changed] + p.deleted_ids)
            taken: set[str] = set()  # contact ids this account holds after matching
            unlinked: list[_Listed] = []
            for it in p.changed:
                lk = links.get(it.id)
                if lk is not None:
                    link_of[(name, lk.contact_id)] = lk
                    remote_of.setdefault(lk.contact_id, []).append(it)
                    taken.add(lk.contact_id)
                else:
                    unlinked.append(it)
            deleted_here: list[str] = []
            if not p.braked:
                for rid in p.deleted_ids:
                    lk = links[rid]
                    link_of[(name, lk.contact_id)] = lk
                    deleted_here.append(lk.contact_id)
            replaced = set() if p.braked else set(p.deleted_ids)
            matched = self._match(name, unlinked, taken, fresh, fresh_with_email, email_index, phone_index, replaced)
            for cid, it in matched:
                remote_of.setdefault(cid, []).append(it)
            del unlinked, matched
            if apply:
                p.changed = []
            # an item deleted and another one matched to the same person on the same account: a replacement
            # (re-created by hand, or re-imported), not a delete
            for cid in deleted_here:
                if not any(it.account == name for it in remote_of.get(cid, ())):
                    deletions.setdefault(cid, []).append(name)
        del email_index, phone_index

        # 2. what to look at: everything touched, everything owed, and everything an account listed in full lacks
        affected = set(remote_of) | set(deletions)
        writable = [a.name for a in book.accounts if a.writable]
        affected |= self.store.outbox_contact_ids(writable)
        if book.rules.required:
            # held back by a data rule: looked at every run, so a fix (or a relaxed rule) lets it through
            affected.update(cid for _b, cid, _why in self.store.attention(book.name))
        for name, p in pulled.items():
            if p.full and book.account(name).writable:
                affected.update(self.store.unlinked_contact_ids(book.name, name))
        ranks = {a.name: book.priority_rank(a.name) for a in book.accounts}
        fields_of = {
            a.name: self.connectors[a.name].capabilities.fields if a.mode is not AccountMode.PUSH_ONLY else frozenset()
            for a in book.accounts
        }
        names_seen: dict[str, str] = {}

        # 3. merge each contact and decide what every account is owed, a chunk at a time
        ordered = sorted(affected)
        for start in range(0, len(ordered), self.CHUNK):
            chunk = ordered[start : start + self.CHUNK]
            records = self.store.contacts(c for c in chunk if c not in fresh)
            all_links = self.store.links_by_contact(chunk)
            held = self.store.open_conflict_fields(chunk)
            self._spill.take_back([it for cid in chunk for it in remote_of.get(cid, ())])
            for cid in chunk:
                self._plan_contact(
                    plan,
                    report,
                    cid,
                    records.get(cid),
                    cid in fresh,
                    remote_of.pop(cid, []),
                    link_of,
                    deletions.get(cid, []),
                    all_links.get(cid, {}),
                    held,
                    ranks,
                    fields_of,
                    show_values,
                    apply,
                )
                if cid in fresh:
                    self._note_possible_duplicate(plan.contacts.get(cid), cid, names_seen, report)
            if apply:
                with self.store.transaction() as tx:
                    plan.flush(tx, book, report.run_id)
                self._push_contacts(chunk, pulled, report)
                self._known.clear()
        return plan

    def _plan_contact(
        self,
        plan: _Plan,
        report: RunReport,
        cid: str,
        record: CanonicalRecord | None,
        is_fresh: bool,
        listed: list[_Listed],
        link_of: dict[tuple[str, str], Link],
        deleted_by: list[str],
        links_before: dict[str, Link],
        held: dict[str, set[Field]],
        ranks: Mapping[str, int],
        fields_of: Mapping[str, frozenset[Field]],
        show_values: bool,
        keep_known: bool,
    ) -> None:
        book = self.book
        current = record.contact if record else Contact()
        current_modified = record.updated_at if record else now()
        trashed = record is not None and record.deleted_at is not None
        erased = record is not None and record.erased
        items = [(it.account, it, it.contact) for it in listed]
        contact_sides = [
            Side(
                name, self._side_base(name, cid, it, record, link_of), remote, it.modified, ranks[name], fields_of[name]
            )
            for name, it, remote in items
        ]
        outcome = merge(current, current_modified, [] if erased else contact_sides, book.conflicts)
        merged = outcome.contact
        if is_fresh:
            # a new person: one "create" entry (the content is in the store); per-field rows only for losers
            plan.journal.append(
                {
                    "book": book.name,
                    "contact_id": cid,
                    "action": "create",
                    "account": ",".join(s.account for s in contact_sides),
                }
            )
        for d in outcome.decisions:
            if not is_fresh or d.losers or d.queued:
                self._journal_decision(plan, cid, d)
            if d.queued:
                held.setdefault(cid, set()).add(d.field)
                candidates = {s: _value_data(d.field, v) for s, v in d.candidates or d.losers}
                if not d.candidates:
                    candidates[STORE] = field_to_data(d.field, d.before)
                plan.conflicts.append((cid, d.field.value, candidates))
                report.conflicts_queued += 1
                for loser, _value in d.losers:
                    if loser in report.accounts:
                        report.accounts[loser].conflicts += 1
        links_now = dict(links_before)
        for name, it, remote in items:
            # an erased person's content is not kept, not even as a base: only what the owed delete needs
            link = Link(
                name,
                it.id,
                cid,
                it.etag,
                Contact() if erased else remote,
                it.modified,
                it.marker == cid,
                base_text=None if erased else it.text,
            )
            # an item linked to nobody, for a contact with no link on its account (a first sync): nothing to clear
            (plan.new_links if name not in links_before else plan.links).append(link)
            links_now[name] = link

        for name in deleted_by:
            lk = link_of[(name, cid)]
            plan.dropped_links.append((name, lk.remote_id))
            links_now.pop(name, None)
        edited = any(s.changed_any() for s in contact_sides if s.account not in deleted_by) or any(
            self.connectors[n].fit(current) != link_of[(n, cid)].base for n in deleted_by
        )
        # a person erased on request never comes back, whatever a lagging account still lists
        survives = not erased and (not trashed or any(s.changed_any() for s in contact_sides))
        if erased:
            merged = current
        elif deleted_by and not trashed:
            delete_wins = book.conflicts.on_delete is DeletePolicy.DELETE_WINS
            if delete_wins or not edited:
                survives = False
                plan.trash.append(cid)
                plan.journal.append(
                    {
                        "book": book.name,
                        "account": ",".join(deleted_by),
                        "contact_id": cid,
                        "action": "trash",
                        "before": None,
                        "after": None,
                        "note": "deleted on " + ", ".join(deleted_by),
                    }
                )
            else:
                plan.journal.append(
                    {
                        "book": book.name,
                        "account": ",".join(deleted_by),
                        "contact_id": cid,
                        "action": "delete-lost",
                        "note": "edited elsewhere: edit wins",
                    }
                )
        elif trashed and survives:
            plan.restore.append(cid)
            plan.journal.append(
                {"book": book.name, "contact_id": cid, "action": "restore", "note": "edited after its delete"}
            )

        if not erased and (is_fresh or merged != current or (trashed and survives)):
            plan.contacts[cid] = merged
            if is_fresh:
                plan.new_ids.add(cid)
        if keep_known:
            # what the store holds once the chunk is absorbed: its push reads it from here
            self._known[cid] = (CanonicalRecord(cid, book.name, merged, now(), None if survives else now()), links_now)
        reasons = broken_rules(merged, book.rules) if survives and book.rules.required else ()
        if reasons:
            plan.held_back[cid] = "; ".join(reasons)
        elif book.rules.required:
            plan.passing.append(cid)
        # owed writes
        for acct in book.accounts:
            if not acct.writable:
                continue
            name = acct.name
            lk_now = links_now.get(name)
            connector = self.connectors[name]
            if not survives:
                if lk_now is not None and acct.allow_delete:
                    self._owe(plan, name, cid, ChangeKind.DELETE, (), merged, show_values)
                continue
            if reasons:
                continue  # listed in status as needing attention; written once it passes the book's rules
            desired = self._desired(connector, merged, lk_now, held.get(cid, set()))
            if lk_now is None:
                if acct.allow_create and not merged.is_empty():
                    self._owe(plan, name, cid, ChangeKind.CREATE, (), merged, show_values)
                continue
            if (desired != lk_now.base or not lk_now.marked) and acct.allow_update:
                changed_fields = desired.differing(lk_now.base)
                self._owe(plan, name, cid, ChangeKind.UPDATE, changed_fields, merged, show_values, before=lk_now.base)

    def _side_base(
        self,
        account: str,
        cid: str,
        it: _Listed,
        record: CanonicalRecord | None,
        link_of: Mapping[tuple[str, str], Link],
    ) -> Contact | None:
        """What ``account``'s item held when we last agreed on it (None: never seen, all of it is new)."""
        lk = link_of.get((account, cid))
        if lk is not None:
            return lk.base
        if record is not None and it.marker == cid:
            # an item we wrote whose link we never recorded (a create whose answer was lost): it was written from
            # this contact, so only what differs from it is the account's change. Taken as wholly new, a lost
            # create looked like an edit and brought back a person deleted elsewhere meanwhile
            return self.connectors[account].fit(record.contact)
        return None

    def _owe(
        self,
        plan: _Plan,
        account: str,
        cid: str,
        kind: ChangeKind,
        fields: tuple[Field, ...],
        contact: Contact,
        show_values: bool,
        before: Contact | None = None,
    ) -> None:
        plan.owe(account, cid, kind)
        if not plan.describe:
            return  # only a dry run shows the plan: a first sync of 100k people need not describe 300k writes
        values: tuple[tuple[str, str, str], ...] = ()
        if show_values and before is not None:
            values = tuple(
                (f.value, repr(field_to_data(f, before.get(f))), repr(field_to_data(f, contact.get(f)))) for f in fields
            )
        plan.planned.append(PlannedWrite(account, cid, kind, fields, contact.label() if show_values else "", values))

    def _journal_decision(self, plan: _Plan, cid: str, d: Any) -> None:
        if d.before != d.after:
            plan.journal.append(
                {
                    "book": self.book.name,
                    "account": d.source,
                    "contact_id": cid,
                    "action": "update",
                    "field": d.field.value,
                    "before": field_to_data(d.field, d.before),
                    "after": field_to_data(d.field, d.after),
                }
            )
        for source, value in d.losers:
            plan.journal.append(
                {
                    "book": self.book.name,
                    "account": source,
                    "contact_id": cid,
                    "action": "conflict-queued" if d.queued else "conflict-lost",
                    "field": d.field.value,
                    "before": _value_data(d.field, value),
                    "after": field_to_data(d.field, d.after),
                    "note": f"rule {self.book.conflicts.rule_for(d.field).value}",
                }
            )

    def _match(
        self,
        account: str,
        unlinked: list[_Listed],
        taken: set[str],
        fresh: set[str],
        fresh_with_email: set[str],
        email_index: dict[str, str],
        phone_index: dict[str, str],
        replaced: set[str],
    ) -> list[tuple[str, _Listed]]:
        """Give every unlinked item a contact id: its marker, else a person sharing an email or phone, else new."""
        if not unlinked:
            return []
        book = self.book.name
        markers = [it.marker for it in unlinked if it.marker]
        known = self.store.contacts(markers) if markers else {}
        has_link = self.store.links_by_contact(m for m in markers if m in known)
        emails = self.store.match_identities(book, "email", (e for it in unlinked for e in it.emails))
        phones = self.store.match_identities(book, "phone", (p for it in unlinked for p in it.phones))
        erased = self.store.erased_identities(
            book, "email", (e for it in unlinked for e in it.emails)
        ) | self.store.erased_identities(book, "phone", (p for it in unlinked for p in it.phones))
        candidate_ids = {c for ids in list(emails.values()) + list(phones.values()) for c in ids}
        records = self.store.contacts(candidate_ids)
        active = {cid for cid, r in records.items() if r.deleted_at is None}
        has_email = {cid for cid, r in records.items() if r.contact.emails} | fresh_with_email
        linked_here = self.store.links_by_contact(candidate_ids)
        del records

        def free(cid: str) -> bool:
            # a person is free on this account unless another live item there is theirs already
            current = linked_here.get(cid, {}).get(account)
            return cid not in taken and (current is None or current.remote_id in replaced)

        def phone_ok(cid: str, it: _Listed) -> bool:
            # a shared office number is not a person: match by phone only when emails cannot tell them apart
            return free(cid) and not (it.emails and cid in has_email)

        matched: list[tuple[str, _Listed]] = []
        for it in unlinked:
            cid: str | None = None
            marker = it.marker
            marked_link = has_link.get(marker or "", {}).get(account)
            if (
                marker
                and marker in known
                and known[marker].book == book
                and marker not in taken
                and (marked_link is None or marked_link.remote_id in replaced)
            ):
                cid = marker  # ours: written by contactsync (maybe by a run that crashed before recording it)
            if cid is None:
                for key in it.emails:
                    cid = next((c for c in sorted(emails.get(key, ())) if c in active and free(c)), None) or (
                        email_index.get(key) if email_index.get(key) and free(email_index[key]) else None
                    )
                    if cid:
                        break
            if cid is None:
                for key in it.phones:
                    cid = next((c for c in sorted(phones.get(key, ())) if c in active and phone_ok(c, it)), None) or (
                        phone_index.get(key) if phone_index.get(key) and phone_ok(phone_index[key], it) else None
                    )
                    if cid:
                        break
            if cid is None and erased.intersection(it.emails + it.phones):
                # an erased person's copy on an account we had no link to: never pulled back in
                log.info("account %s: item %s belongs to an erased person; not imported", account, it.id)
                continue
            if cid is None:
                cid = self.new_id()
                fresh.add(cid)
                if it.emails:
                    fresh_with_email.add(cid)
                for key in it.emails:
                    email_index.setdefault(key, cid)
                for key in it.phones:
                    phone_index.setdefault(key, cid)
            taken.add(cid)
            matched.append((cid, it))
        return matched

    @staticmethod
    def _note_possible_duplicate(contact: Contact | None, cid: str, seen: dict[str, str], report: RunReport) -> None:
        """Same name, different people as far as we can tell: never merged, only reported."""
        if contact is None:
            return
        key = " ".join((contact.name.formatted() or contact.display_name).casefold().split())
        if not key:
            return
        if key in seen:
            report.possible_duplicates.append((seen[key], cid))
        else:
            seen[key] = cid

    # --------------------------------------------------------------------------------------------- absorb
    def _absorb_listings(self, tx: Transaction, pulled: Mapping[str, _Pulled]) -> None:
        for name, p in pulled.items():
            tx.set_quarantine(name, p.quarantined, full=p.full)
            if p.listed_ids:
                tx.clear_quarantine(name, p.listed_ids)
            if p.braked is None:
                # the state from *before* our writes: our own writes show up in the next pull, which is how
                # a create whose answer was lost gets adopted
                tx.set_state(name, p.next_state, full=p.full)
        tx.purge_trash(self.book.name)

    # ----------------------------------------------------------------------------------------------- push
    def _push_contacts(self, contact_ids: Sequence[str], pulled: Mapping[str, _Pulled], report: RunReport) -> None:
        """Push what every account is owed for these contacts (one chunk), account after account."""
        for acct in self.book.accounts:
            # an account whose listing failed gets nothing: we do not know what it holds
            if not acct.writable or acct.name not in pulled or acct.name in self._stopped:
                continue
            rep = report.accounts[acct.name]
            t0 = time.monotonic()
            # read now, not with the plan: a stale-etag retry on an account before may have queued more
            entries = self.store.outbox_for(acct.name, contact_ids)
            if entries and not self._push_chunk(acct.name, entries, rep, braked=rep.brake is not None):
                self._stopped.add(acct.name)
            rep.duration_s += time.monotonic() - t0

    def _push_chunk(self, account: str, entries: list[Any], rep: AccountReport, *, braked: bool) -> bool:
        """Push one chunk of owed writes. False when the account stopped answering (stop for this run)."""
        acct = self.book.account(account)
        connector = self.connectors[account]
        ids = [e.contact_id for e in entries]
        unknown = [cid for cid in ids if cid not in self._known]
        records = self.store.contacts(unknown)
        links = self.store.account_links(account, unknown)
        for cid in ids:
            if cid in self._known:
                records[cid], known_links = self._known[cid]
                if account in known_links:
                    links[cid] = known_links[account]
        self._held = self.store.open_conflict_fields(ids)
        changes: list[Change] = []
        nothing_to_do: list[str] = []
        for e in entries:
            record = records.get(e.contact_id)
            lk = links.get(e.contact_id)
            change = self._change_for(account, record, lk, e.kind)
            if change is None:
                nothing_to_do.append(e.contact_id)
            elif change.kind is ChangeKind.DELETE and (braked or not acct.allow_delete):
                continue  # held back by the brake: stays owed until the admin decides
            elif (change.kind is ChangeKind.CREATE and not acct.allow_create) or (
                change.kind is ChangeKind.UPDATE and not acct.allow_update
            ):
                nothing_to_do.append(e.contact_id)
            else:
                changes.append(change)
        del records, links
        if nothing_to_do:
            with self.store.transaction() as tx:
                tx.dequeue(account, nothing_to_do)
        size = max(1, connector.capabilities.max_batch)
        for i in range(0, len(changes), size):
            batch = changes[i : i + size]
            creates = [c.contact_id for c in batch if c.kind is ChangeKind.CREATE]
            if creates:
                with self.store.transaction() as tx:
                    tx.mark_attempt(account, creates)
            try:
                results = self._call(
                    account,
                    lambda b=batch: connector.push(b),  # type: ignore[misc]
                    may_have_applied=bool(creates),
                )
            except Exception as exc:  # contained to this account, like a listing failure
                if not isinstance(exc, ConnectorError):
                    log.debug("account %s: unexpected error while writing", account, exc_info=True)
                rep.error, rep.error_kind = str(exc) or type(exc).__name__, type(exc).__name__
                log.error(
                    "account %s: writing failed (%s); the remaining writes stay owed", account, type(exc).__name__
                )
                return False
            self._writes += 1
            if self.hooks.after_remote_write:
                self.hooks.after_remote_write(account, self._writes)
            retry = self._record_results(account, results, rep)
            if self.hooks.after_commit:
                self.hooks.after_commit(account, self._writes)
            for change in retry:
                self._retry_after_precondition(account, change, rep)
        return True

    @staticmethod
    def _desired(connector: Connector, contact: Contact, link: Link | None, held: set[Field]) -> Contact:
        """What an account should hold: the canonical contact as it fits there, except fields under a manual
        conflict, which keep the account's own value until the admin decides."""
        desired = connector.fit(contact)
        if link is not None:
            for f in held:
                desired = desired.with_field(f, link.base.get(f))
        return desired

    def _change_for(
        self, account: str, record: CanonicalRecord | None, lk: Link | None, kind: ChangeKind
    ) -> Change | None:
        if record is None:
            return None
        connector = self.connectors[account]
        # an owed delete of a contact that lives again (edited after its delete, restored) is no delete any more
        if record.deleted_at is not None:
            if lk is None:
                return None
            return Change(ChangeKind.DELETE, record.id, ref=RemoteRef(lk.remote_id, lk.etag), previous=lk.base)
        if self.book.rules.required and broken_rules(record.contact, self.book.rules):
            return None  # held back by a data rule (see status); owed again once it passes
        desired = self._desired(connector, record.contact, lk, self._held.get(record.id, set()))
        written = as_written(desired, self.book.rules, self.book.default_region)
        if lk is None:
            return Change(ChangeKind.CREATE, record.id, contact=written)
        if desired == lk.base and lk.marked:
            return None
        return Change(
            ChangeKind.UPDATE, record.id, contact=written, ref=RemoteRef(lk.remote_id, lk.etag), previous=lk.base
        )

    def _record_results(self, account: str, results: Sequence[ChangeResult], rep: AccountReport) -> list[Change]:
        """Commit what the platform confirmed; return the changes refused on a stale etag (to retry once)."""
        retry: list[Change] = []
        book = self.book.name
        stamp = now()
        with self.store.transaction() as tx:
            done: list[str] = []
            links: list[Link] = []
            updated: list[Link] = []
            journal: list[dict[str, Any]] = []
            for r in results:
                c = r.change
                if r.ok:
                    done.append(c.contact_id)
                    if c.kind is ChangeKind.DELETE:
                        assert c.ref is not None
                        tx.delete_link(account, c.ref.id)
                        rep.deleted += 1
                    else:
                        assert r.ref is not None and c.contact is not None
                        base = r.stored if r.stored is not None else c.contact
                        if self.book.rules.phone_format is not PhoneFormat.E164:
                            # phones were sent in the book's format; the base holds them as they read back
                            base = normalize_contact(base, self.book.default_region)
                        link = Link(account, r.ref.id, c.contact_id, r.ref.etag, base, stamp, True)
                        if c.kind is ChangeKind.UPDATE and c.ref is not None and c.ref.id == r.ref.id:
                            updated.append(link)  # the same item, linked already: only the row's values change
                        else:
                            links.append(link)
                        if c.kind is ChangeKind.CREATE:
                            rep.created += 1
                        else:
                            rep.updated += 1
                    journal.append(
                        {
                            "book": book,
                            "account": account,
                            "contact_id": c.contact_id,
                            "action": f"push-{c.kind.value}",
                            "note": (",".join(f.value for f in c.contact.differing(c.previous)) or None)
                            if c.previous is not None and c.contact is not None
                            else None,
                        }
                    )
                    continue
                err = r.error
                if isinstance(err, PreconditionFailed) and err.gone:
                    assert c.ref is not None
                    tx.delete_link(account, c.ref.id)
                    if c.kind is ChangeKind.DELETE:
                        done.append(c.contact_id)
                    else:
                        # removed on the platform while we were updating it: the edit wins, create it again
                        tx.queue(account, [c.contact_id], ChangeKind.CREATE)
                        tx.fail(account, c.contact_id, "gone while updating; will be created again")
                elif isinstance(err, PreconditionFailed):
                    retry.append(c)
                else:
                    tx.fail(account, c.contact_id, f"{type(err).__name__}: {err}")
                    log.warning(
                        "account %s: contact %s: %s (%s)", account, c.contact_id, c.kind.value, type(err).__name__
                    )
            tx.put_links(links)
            tx.update_links(updated)
            tx.dequeue(account, done)
            tx.journal(journal)
        return retry

    def _retry_after_precondition(self, account: str, change: Change, rep: AccountReport) -> None:
        """Someone edited the item between our listing and our write: re-read, re-merge, write once more."""
        assert change.ref is not None
        connector = self.connectors[account]
        try:
            current = self._call(account, lambda: connector.fetch([change.ref.id]))  # type: ignore[union-attr]
        except ConnectorError as exc:
            with self.store.transaction() as tx:
                tx.fail(account, change.contact_id, f"re-read failed: {type(exc).__name__}")
            return
        rc: RemoteContact | None = current.get(change.ref.id)
        if rc is None:
            with self.store.transaction() as tx:
                tx.delete_link(account, change.ref.id)
                if change.kind is ChangeKind.UPDATE:
                    tx.queue(account, [change.contact_id], ChangeKind.CREATE)
                else:
                    tx.dequeue(account, [change.contact_id])
            return
        record = self.store.contact(change.contact_id)
        lk = self.store.links_by_contact([change.contact_id]).get(change.contact_id, {}).get(account)
        side = Side(
            account,
            lk.base if lk else None,
            rc.contact,
            rc.modified,
            self.book.priority_rank(account),
            connector.capabilities.fields,
        )
        outcome = merge(record.contact, record.updated_at, [side], self.book.conflicts)
        merged = outcome.contact
        plan = _Plan()
        for d in outcome.decisions:
            self._journal_decision(plan, change.contact_id, d)
        revived = record.deleted_at is not None and side.changed_any()
        self._known.pop(record.id, None)  # the push phase must see the re-merged contact, not the plan's
        with self.store.transaction() as tx:
            if merged != record.contact or revived:
                tx.put_contacts(self.book.name, {record.id: merged})
                if revived:
                    tx.restore_contact(record.id)
                # everyone else must hear of the edit too
                for other in self.book.accounts:
                    if other.name != account and other.writable:
                        tx.queue(other.name, [record.id], ChangeKind.UPDATE)
            tx.put_links(
                [Link(account, rc.ref.id, record.id, rc.ref.etag, rc.contact, rc.modified, rc.marker == record.id)]
            )
            tx.journal(plan.journal)
        if record.deleted_at is not None and not revived:
            again = Change(ChangeKind.DELETE, record.id, ref=rc.ref, previous=rc.contact)
        elif record.deleted_at is not None:
            return  # edited after its delete: it lives again; other accounts get it through the outbox
        else:
            desired = connector.fit(merged)
            if desired == rc.contact and rc.marker == record.id:
                with self.store.transaction() as tx:
                    tx.dequeue(account, [record.id])
                return
            again = Change(
                ChangeKind.UPDATE,
                record.id,
                contact=as_written(desired, self.book.rules, self.book.default_region),
                ref=rc.ref,
                previous=rc.contact,
            )
        try:
            results = self._call(account, lambda: connector.push([again]))
        except ConnectorError as exc:
            with self.store.transaction() as tx:
                tx.fail(account, record.id, f"{type(exc).__name__}: {exc}")
            return
        self._writes += 1
        if self.hooks.after_remote_write:
            self.hooks.after_remote_write(account, self._writes)
        leftover = self._record_results(account, results, rep)
        if self.hooks.after_commit:
            self.hooks.after_commit(account, self._writes)
        if leftover:
            with self.store.transaction() as tx:
                tx.fail(account, record.id, "changed again while writing; will retry next run")

    # --------------------------------------------------------------------------------------------- finish
    def _finish(self, report: RunReport, started: float) -> None:
        report.duration_s = time.monotonic() - started
        assert report.run_id is not None
        with self.store.transaction() as tx:
            for name, rep in report.accounts.items():
                tx.set_account_status(
                    name,
                    self.book.name,
                    run_id=report.run_id,
                    result="error" if rep.error else ("braked" if rep.brake else "ok"),
                    error=rep.error,
                    duration_s=rep.duration_s,
                    brake_reason=rep.brake,
                    summary=rep.as_dict(),
                )
            tx.finish_run(report.run_id, report.result.value, report.as_dict())
        for rep in report.accounts.values():
            # DEBUG: the daemon writes the per-account summary line (with requests and tag checks); `sync` prints
            # its report
            log.debug(
                "account=%s pulled=%d created=%d updated=%d deleted=%d conflicts=%d quarantined=%d "
                "pending=%d duration=%.2fs%s",
                rep.account,
                rep.pulled,
                rep.created,
                rep.updated,
                rep.deleted,
                rep.conflicts,
                rep.quarantined,
                rep.pending,
                rep.duration_s,
                f" error={rep.error_kind}" if rep.error else "",
            )


def _value_data(f: Field, value: Any) -> Any:
    """A losing value as journal data: a whole value for single fields, one element for multi-valued ones."""
    if (f.multi_valued and not isinstance(value, (tuple, frozenset))) or (
        f is Field.CUSTOM and isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)
    ):
        value = frozenset({value}) if f is Field.TAGS else (value,)
    return field_to_data(f, value)
