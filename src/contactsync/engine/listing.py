"""Phase 1, the listing: pull every readable account, keep only what changed since its bases, find what is gone.

Each account is listed incrementally when it has a state; an expired state falls back to a full listing compared
against the bases, so it yields neither duplicates nor deletes. What changed is kept compactly (:class:`Listed`)
and, past a threshold, parked on disk (:class:`Spill`) until its contact is planned. The mass-delete brake is
checked here too, and :func:`absorb_listings` records the listings' states once every chunk is absorbed.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..codec import contact_from_data
from ..connector import Connector, PullResult, RemoteContact, RemoteRef
from ..errors import AccountPaused, ConnectorError, SyncAborted, SyncTokenExpired, Transient
from ..logs import account_error
from ..model import Contact, Photo
from ..retry import RetryPolicy
from ..settings import BookSettings
from ..store import (
    RESET_STATE,
    Store,
    Transaction,
    decode_contact,
    encode_contact,
    raised_by_the_database,
    remember_encoded,
)
from .report import RunReport

if TYPE_CHECKING:
    from ..store.leases import Fence

log = logging.getLogger("contactsync.engine")

_KEY_SEP = "\x1f"  # between identity keys: a control character no email or phone holds
_KIND_SEP = "\x1e"  # between the emails and the phones


@dataclass(slots=True)
class Listed:
    """One listed item, kept compact until its contact is merged: at 100k contacts × 3 accounts the listing
    would not fit in memory as Contact objects (≈1.2 kB each); as JSON with its identity keys it does. Every
    field is a plain string where it can be (one string for all identity keys, not tuples of strings; the id and
    etag, not a RemoteRef): objects cost ~50 bytes each, 300k times over."""

    account: str
    id: str
    etag: str
    marker: str | None
    modified: datetime | None
    blob: str | int  # the contact encoded as the store encodes bases, or its key in the run's Spill
    photo: Photo | None
    keys: str  # emails, _KIND_SEP, phones; each joined by _KEY_SEP ("" when it has neither)
    left_behind: tuple[tuple[str, str], ...]  # RemoteContact.left_behind
    #: the listed contact itself while the item is kept in memory (None once parked in a Spill): the plan takes it
    #: as it is instead of decoding its text again, and an account's fit memo knows that very object (#18)
    held: Contact | None = None

    @classmethod
    def of(cls, account: str, rc: RemoteContact) -> Listed:
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
            rc.left_behind,
            c,
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
        held = self.held
        if held is not None:
            if self.photo is None:
                remember_encoded(held, self.text)  # as decoding its text would: the store may write it as it is
            return held
        if self.photo is None:
            return decode_contact(self.text)  # its text is remembered: the store may write it as it is
        return replace(contact_from_data(json.loads(self.text)), photo=self.photo)


class Spill:
    """Listed items' content parked outside memory between the listing and the plan.

    A first sync of 100k people on 3 accounts lists 300k items; as encoded text they are ~65 MB that the plan only
    needs a chunk at a time. Past a threshold, the text goes to a private temporary SQLite database: SQLite
    unlinks its file as soon as it is opened, so nothing is left on disk even if the process is killed, and it
    keeps only a small page cache in memory."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._next = 0

    def park(self, items: Sequence[Listed]) -> None:
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
            it.held = None  # out of memory too: taken back as text, decoded when planned
            self._next += 1
        self._db.executemany("INSERT INTO parked VALUES (?, ?)", rows)

    def take_back(self, items: Sequence[Listed]) -> None:
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
class Pulled:
    """One account's listing, reduced to what changed since its bases (the full listing is not kept)."""

    account: str
    full: bool
    next_state: str | None
    listed: int
    listed_ids: list[str]
    quarantined: dict[str, str]
    changed: list[Listed]
    deleted_ids: list[str]  # linked remote ids that are gone
    braked: str | None = None
    #: every id the listing says is gone, linked or not (a quarantined item deleted on the platform): its
    #: quarantine ends with it
    gone_ids: list[str] = field(default_factory=list)
    #: the account was reset (``sync --reset-account``) and not listed since: it is filled from the store
    reset: bool = False


#: listing threads at once in this process, every book's together: each may hold a store connection while its
#: connector keeps copies, and a daemon's pool is sized for its workers (README: workers + 3, 10 more at a peak), not
#: for an account each; a listing that finds none free is asked on its run's own thread at its turn, as before
_LISTING_THREADS = threading.BoundedSemaphore(4)


class _Asked:
    """One account's listing asked ahead, on a thread of its own: its answer or error once ``done``, and the
    seconds it took."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: PullResult | None = None
        self.error: BaseException | None = None
        self.took = 0.0
        self.finished_at = 0.0  # time.monotonic() when done


def _unless(stopped: threading.Event, sleep: Callable[[float], None]) -> Callable[[float], None]:
    """``sleep`` (the run's own: a stopping daemon cuts it short), refused before and after once ``stopped``: a
    listing asked ahead for a run that stopped sends nothing more after its current request or wait."""

    def wait(seconds: float) -> None:
        if stopped.is_set():
            raise SyncAborted("the run stopped while this listing waited to send again")
        sleep(seconds)
        if stopped.is_set():
            raise SyncAborted("the run stopped while this listing waited to send again")

    return wait


def _listed_for(t0: float, asked: _Asked | None) -> float:
    """An account's listing time: since ``t0`` on the run's thread; for one asked ahead, what its thread took plus
    what the run's thread spent on it once the answer was there (reading it, a full listing after an expired
    state), not the wait for it."""
    now = time.monotonic()
    if asked is None or not asked.done.is_set():
        return now - t0
    return asked.took + now - max(t0, asked.finished_at)


class Lister:
    """Lists every readable account of one run; items past ``keep_listed`` in the run are parked in ``spill``."""

    def __init__(
        self,
        store: Store,
        book: BookSettings,
        connectors: Mapping[str, Connector],
        retry: RetryPolicy,
        spill: Spill,
        keep_listed: int,
        deadline: float | None = None,
    ) -> None:
        self.store = store
        self.book = book
        self.connectors = connectors
        self.retry = retry
        self.spill = spill
        self.keep_listed = keep_listed
        self.deadline = deadline  # a ``retry.clock`` value: no listing starts and no retry wait ends past it
        self._kept_listed = 0

    def pull_all(self, report: RunReport) -> dict[str, Pulled]:
        """Each account's listing; an account whose listing fails is left out (its error is in the report).

        The accounts listed since a state (the everyday incremental listing) are asked side by side, so a book
        waits for its slowest account's listing, not for the sum of them (#18); what they answered is then read
        and reduced here, one account after another in the book's order. A full listing (a first sync, an expired
        state) is asked on this thread at its account's turn, as before: its answer may be large, and several
        held at once would not fit where one does."""
        pulled: dict[str, Pulled] = {}
        states = self.store.states(a.name for a in self.book.accounts)  # one read for all (#18)
        # an account reset and not listed since is listed in full (no connector's state), and says so to the plan
        reset = {name for name, state in states.items() if state == RESET_STATE}
        for name in reset:
            del states[name]
        stopped = threading.Event()
        ahead: dict[str, _Asked] = {}
        try:
            ahead = self._ask_ahead(states, stopped)
            for acct in self.book.accounts:
                took = ahead.pop(acct.name, None)
                self._take(acct.name, states.get(acct.name), took, report, pulled, reset=acct.name in reset)
        except Exception:
            # the run stops (a lost lease, SIGTERM): the listings still asked send nothing more after their current
            # request or retry wait, and the run waits for them, since its connectors (and the transports they
            # hand back for the account's next run) close next; what they answer is dropped
            stopped.set()
            for one in ahead.values():
                one.done.wait()
            raise
        except BaseException:
            stopped.set()  # Ctrl-C: the process is going away, and its daemon threads with it
            raise
        return pulled

    def _ask_ahead(self, states: Mapping[str, str | None], stopped: threading.Event) -> dict[str, _Asked]:
        """The listings since a state but the first, each asked now on a thread of its own when there are two or
        more and a listing thread of the process is free (the others are asked here at their turn).

        Each thread runs in a copy of this thread's context (the log's fields) and under its run's lease fence
        (a connector keeping copies writes them from its thread: after a takeover they are refused as this
        thread's writes are). The store must be one every thread sees (not an in-memory SQLite store). Once the
        run ``stopped`` they send nothing more; they are daemon threads, which Ctrl-C does not wait for."""
        since = [a.name for a in self.book.accounts if states.get(a.name) is not None]
        if len(since) < 2 or not self.store.shared_by_threads:
            return {}
        fence = self.store.current_fence()
        asked: dict[str, _Asked] = {}
        for name in since[1:]:  # the first is asked here at its turn: the others' answers are on their way
            if not _LISTING_THREADS.acquire(blocking=False):
                break
            one = _Asked()
            try:
                threading.Thread(
                    target=contextvars.copy_context().run,
                    args=(self._list_ahead, name, states[name], fence, stopped, one),
                    name="listing",
                    daemon=True,
                ).start()
            except Exception:  # no thread to be had (a process at its limit): this one and the rest at their turn
                _LISTING_THREADS.release()
                break
            asked[name] = one
        return asked

    def _list_ahead(
        self, account: str, state: str | None, fence: Fence | None, stopped: threading.Event, one: _Asked
    ) -> None:
        """A listing thread's work: the answer since ``state``, or what it raised (an expired state is not listed in
        full here: see :meth:`_listing`). Its retry waits give up once its run ``stopped``."""
        t0 = one.finished_at = time.monotonic()
        try:
            retry = replace(self.retry, sleep=_unless(stopped, self.retry.sleep))
            with self.store.fenced(fence):
                one.result = self._ask(account, state, retry)
        except BaseException as exc:  # handed to the run's thread, which decides (as if raised there)
            one.error = exc
        finally:
            one.finished_at = time.monotonic()
            one.took = one.finished_at - t0
            _LISTING_THREADS.release()
            one.done.set()

    def _ask(self, account: str, state: str | None, retry: RetryPolicy | None = None) -> PullResult:
        """The account's answer since ``state``; raises SyncTokenExpired when the state expired."""
        connector = self.connectors[account]
        if self.deadline is not None and self.retry.clock() >= self.deadline:
            raise Transient("the run's deadline passed before this account was listed", account=account)
        return self._pull(account, lambda: connector.pull(state), retry)

    def _listing(self, account: str, state: str | None, asked: _Asked | None) -> PullResult:
        """The account's answer since ``state`` (asked ahead, or now), everything if the state expired (asked here,
        on the run's thread: a full listing is never held beside another)."""
        try:
            if asked is None:
                return self._ask(account, state)
            asked.done.wait()
            if asked.error is not None:
                raise asked.error
            assert asked.result is not None
            return asked.result
        except SyncTokenExpired:
            log.warning("account %s: sync state expired; listing everything and comparing with the base", account)
            connector = self.connectors[account]
            return self._pull(account, lambda: connector.pull(None))

    def _take(
        self,
        name: str,
        state: str | None,
        asked: _Asked | None,
        report: RunReport,
        pulled: dict[str, Pulled],
        *,
        reset: bool = False,
    ) -> None:
        """One account's listing, asked now or ahead, reduced into ``pulled``; its failure is recorded in
        ``report``."""
        rep = report.accounts[name]
        t0 = time.monotonic()
        try:
            result = self._listing(name, state, asked)
        except SyncAborted:
            raise  # the run stops (a lost lease): not this account's failure
        except Exception as exc:  # one account's failure, of whatever kind, stays its own
            if raised_by_the_database(exc):
                raise  # the store failed (a full disk…), not the account: the run stops (as in push.py)
            if not isinstance(exc, ConnectorError):
                log.debug("account %s: unexpected error while listing", name, exc_info=True)
            rep.error, rep.error_kind = account_error(exc), type(exc).__name__
            if isinstance(exc, AccountPaused):
                # nothing was contacted: no fresh failure to cry each cycle (the pause was logged as it began)
                log.info("account %s: %s; not contacted this run", name, rep.error)
            else:
                log.error(
                    "account %s: listing failed (%s): nothing destructive is planned for it", name, type(exc).__name__
                )
            rep.duration_s += _listed_for(t0, asked)
            return
        pulled[name] = self._reduce(name, result)
        pulled[name].reset = reset
        rep.pulled = len(result.changed)
        rep.full_listing = result.full
        rep.quarantined = len(result.quarantined)
        rep.notices = result.notices
        del result  # the listing itself is not kept: only what changed, compacted
        rep.duration_s += _listed_for(t0, asked)

    def _pull(self, account: str, what: Callable[[], PullResult], retry: RetryPolicy | None = None) -> PullResult:
        return (retry or self.retry).call(what, label=f"account {account}", deadline=self.deadline)

    def _reduce(self, account: str, result: PullResult) -> Pulled:
        """Drop what has not changed since the base (our own writes, re-listed items) and find what is gone.

        The listing is read once, in order, a page at a time: a connector may decode each item only as it is read,
        so a 100k listing never sits in memory as contacts, only as the compact items that changed."""
        quarantined = {q.remote_id: q.reason for q in result.quarantined}
        index = self.store.link_index(account) if result.full or result.present is not None else None
        listed_ids: list[str] = []
        changed: list[Listed] = []

        def keep_changed(page: list[RemoteContact]) -> None:
            if index is not None:
                etags = {rc.ref.id: index[rc.ref.id][1] for rc in page if rc.ref.id in index}
            else:  # etags only: re-listed items cost no base decoding
                etags = self.store.link_etags(account, [rc.ref.id for rc in page])
            found = [Listed.of(account, rc) for rc in page if etags.get(rc.ref.id) != rc.ref.etag]
            if self._kept_listed + len(found) > self.keep_listed:
                self.spill.park(found)
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
        # what the listing says is gone ends its quarantine too, linked or not: a card that was never read (a
        # broken file, an unreadable card) has no link, yet status listed it until a full listing
        gone_ids = sorted({*result.deleted, *deleted} - quarantined.keys())
        return Pulled(
            account,
            result.full,
            result.next_state,
            len(listed_ids),
            listed_ids,
            quarantined,
            changed,
            deleted,
            gone_ids=gone_ids,
        )


class Brakes:
    """The mass-delete brake of one run: an account that lost too many contacts at once takes and gets no delete
    this run, unless the admin approved its deletes (``approved``: ``sync --allow-deletes-on ACCOUNT``; or every
    account's, ``approve_all``: ``sync --allow-deletes``). The daemon approves none.

    Asked by :func:`~contactsync.engine.identity.identify` for each account as it matches the account's items, so
    that the brake counts what identify itself decides: an item gone while a new item there is the same person (a
    re-import gives every card a new UID) is a replacement, not a delete. Counted all, a re-import of 10 cards was
    braked as "lists none" while it listed 10, and its people, not taken over, came back as 10 duplicates on every
    other account. On an account whose count trips the brake, only a sure match takes a gone item's person over
    (identify's ``strict``), approved or not: ten strangers sharing the switchboard number of ten people wiped must
    not pass for them and overwrite them, and an approval lets deletes through, not guesses.

    A brake holds until the admin decides: an account braked at its last recorded run stays braked while any of
    its contacts is still gone, whatever the count says now. Judged afresh each run, the brake let itself go: the
    people added elsewhere meanwhile were created on the braked account, its 10 deletes became 10 of 50 contacts,
    under ``max_delete_ratio``, and the next run deleted the 10 everywhere. It ends when the admin approves the
    account's deletes or resets it, or when no contact of it is gone any more (they came back, or new items of the
    same people took them over).

    A push-only account's gone items are no deletes (its changes are never taken: the plan writes them again), so
    they never brake it; they are still taken over only by a sure match where they would trip it."""

    def __init__(
        self,
        store: Store,
        book: BookSettings,
        report: RunReport,
        *,
        approve_all: bool = False,
        approved: Collection[str] = (),
    ) -> None:
        self.store = store
        self.book = book
        self.report = report
        self.approve_all = approve_all
        self.approved = frozenset(approved)
        self._linked: dict[str, int] = {}
        self._earlier: dict[str, str] | None = None

    def trips(self, p: Pulled) -> bool:
        """Whether ``p``'s deletes, all counted, trip the brake (then its gone items are taken over strictly): over
        the limits, or any delete of an account the brake held at its last run."""
        if not p.deleted_ids and not p.full:
            return False  # an incremental listing without deletes trips no limit: no count to read (#18)
        if self._reason(p, len(p.deleted_ids)) is not None:
            return True
        return bool(p.deleted_ids) and p.account in self.earlier()

    def engage(self, p: Pulled, untaken: int) -> None:
        """Brake ``p``'s account if its deletes no new item took over still trip it, or if it was braked at its last
        run and one of them is left, and the admin approved none (a push-only account is never braked)."""
        if not self.book.account(p.account).readable:
            return  # its gone items are written again (engine/plan.py): nothing of it is deleted anywhere
        reason = self._reason(p, untaken)
        if reason is None and untaken and p.account in self.earlier():
            reason = f"{untaken} of its contacts are still gone since an earlier run braked it"
        if reason is None:
            return
        if self.approve_all or p.account in self.approved:
            log.warning("account %s: %s; let through: the admin approved its deletes for this run", p.account, reason)
            return
        p.braked = reason
        self.report.accounts[p.account].brake = reason
        log.warning(
            "account %s: brake engaged: %s; no delete is taken from or applied to it. If the deletes are intended: "
            "contactsync sync --allow-deletes-on %s; if the account was wiped: contactsync sync --reset-account %s",
            p.account,
            reason,
            p.account,
            p.account,
        )

    def held_people(
        self, pulled: Mapping[str, Pulled], link_of: Container[tuple[str, str]]
    ) -> dict[str, frozenset[str]]:
        """Per braked account, the people whose item there is gone and held by the brake (``link_of``: the
        (account, contact) pairs identify linked this run, a gone item a new one took over among them). Nothing is
        written to such an item while the brake holds: it is gone, so an edit made elsewhere failed as "gone" and
        put the person back on the account at the next run, deciding for the admin one person at a time; it stays
        owed until the admin approves the account's deletes (then the book's ``on_delete`` decides, as in any run)
        or resets the account."""
        held: dict[str, frozenset[str]] = {}
        for name, p in pulled.items():
            if p.braked is None or not p.deleted_ids:
                continue
            index = self.store.link_index(name)  # no bases: a wiped account of 100k is read cheaply
            people = (index[rid][0] for rid in p.deleted_ids if rid in index)
            held[name] = frozenset(cid for cid in people if (name, cid) not in link_of)
        return held

    def earlier(self) -> Mapping[str, str]:
        """The accounts the brake held at their last recorded run, and why (what ``status`` shows as "BRAKE
        since"): read once a run, only once an account has deletes the limits let through or was not listed."""
        if self._earlier is None:
            names = {a.name for a in self.book.accounts}
            statuses = self.store.account_status().items()
            self._earlier = {name: s["brake_reason"] for name, s in statuses if name in names and s["brake_reason"]}
        return self._earlier

    def keep_unlisted(self, pulled: Mapping[str, Pulled]) -> None:
        """Keep the brake of each account this run could not list (its listing failed): no run decided it, so it
        still holds, and ``status`` still says so. Recorded as none, the next run judged the account's deletes
        afresh, and a wipe diluted meanwhile went through."""
        unlisted = [name for name in self.report.accounts if name not in pulled]
        if unlisted:
            earlier = self.earlier()
            for name in unlisted:
                self.report.accounts[name].brake_kept = earlier.get(name)

    def _reason(self, p: Pulled, deletes: int) -> str | None:
        linked = self._linked.get(p.account)
        if linked is None:
            linked = self._linked[p.account] = self.store.link_count(p.account)
        limits = self.book.brake
        return _brake_reason(p, deletes, linked, limits.max_deletes, limits.max_delete_ratio)


def _brake_reason(p: Pulled, deletes: int, linked: int, max_deletes: int, max_ratio: float) -> str | None:
    """Why ``deletes`` of an account's ``linked`` contacts trip the brake (None: they do not)."""
    if deletes >= linked > 1 or (p.full and not p.listed and not p.quarantined and linked > 0):
        if not p.listed and not p.quarantined:
            return f"the account had {linked} contacts and now lists none"
        # every contact it had is gone, and it lists others (none of them the same person): said as it is, not
        # "lists none" of an account an admin sees full
        listed = p.listed + len(p.quarantined)
        return f"all {linked} contacts the account had are gone; none of the {listed} items it lists is one of them"
    if deletes > max_deletes:
        return f"{deletes} deletes exceed max_deletes={max_deletes}"
    if linked and deletes / linked > max_ratio:
        return f"{deletes} of {linked} contacts deleted exceeds max_delete_ratio={max_ratio}"
    return None


def states_to_record(pulled: Mapping[str, Pulled]) -> dict[str, str | None]:
    """The listings' states a run records: every listed account's but a braked one's (it lists again)."""
    return {name: p.next_state for name, p in pulled.items() if p.braked is None}


def absorb_listings(
    tx: Transaction,
    book: BookSettings,
    pulled: Mapping[str, Pulled],
    after_writes: Mapping[str, str | None] | None = None,
    *,
    purge_trash: bool = True,
) -> None:
    """Record the listings' quarantine and states: only once every chunk is absorbed (a run stopped earlier lists
    again). ``after_writes``: an account's state with the run's recorded writes folded in by its connector
    (:meth:`~contactsync.engine.push.Pusher.states_after_writes`), in place of its listing's. ``purge_trash``:
    forget the book's trashed contacts past their date too (a daemon does so at most hourly, #18)."""
    for name, p in pulled.items():
        tx.set_quarantine(name, p.quarantined, full=p.full)
        if p.listed_ids:
            tx.clear_quarantine(name, p.listed_ids)
        if p.gone_ids:
            # gone from the platform: nothing left to read, nor to report (an unchanged item, not listed again by
            # an incremental listing, stays quarantined)
            tx.clear_quarantine(name, p.gone_ids)
    # the state from *before* our writes: our own writes show up in the next pull, which is how a create whose
    # answer was lost gets adopted; only writes the store recorded (committed before this transaction) and whose
    # answers the connector saw are folded in, so the next pull skips them (all accounts' in one statement, #18)
    folded = after_writes or {}
    tx.set_states(
        (name, folded.get(name, state), pulled[name].full) for name, state in states_to_record(pulled).items()
    )
    if purge_trash:
        tx.purge_trash(book.name)
