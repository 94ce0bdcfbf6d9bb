"""Phase 3, the push: send each account the writes it is owed for one absorbed chunk, batch by batch, and record
each only once the platform confirmed it.

A batch holding creates is marked as attempted before it is sent, so a crash between the remote create and our
commit is found by its marker in the next pull and adopted, never created twice. A write refused on a stale etag
(someone edited the item since our listing) is re-read, re-merged and sent once more; writes the platform
throttled one by one (Graph counts ``$batch`` members singly, Google may refuse one request of a push) are sent
again under the retry policy. An account that stops answering, or whose run deadline passed, keeps its remaining
writes owed and gets nothing more this run.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..connector import Change, ChangeKind, ChangeResult, Connector, RecordedWrite, RemoteContact, RemoteRef
from ..errors import ConnectorError, PreconditionFailed, RateLimited, SyncAborted
from ..fidelity import not_carried
from ..logs import account_error
from ..model import Contact, Field
from ..normalize import normalize_contact
from ..retry import RetryPolicy
from ..rules import as_written, broken_rules
from ..settings import BookSettings, PhoneFormat
from ..store import CanonicalRecord, Link, Store, now, raised_by_the_database
from ..wording import counted
from .checkpoints import Checkpoints
from .plan import Known, desired, journal_decision, needs_update
from .report import AccountReport, RunReport

log = logging.getLogger("contactsync.engine")

#: writes of one account a run keeps to fold into its pull state (about 300 bytes each: an id and an etag); past it
#: the rest are read back by the next pull, as they all were before (#18)
MAX_RECORDED = 100_000


#: a confirmed write's journal action, by its kind (an enum's ``.value`` is a slow descriptor, read per write)
_PUSH_ACTION = {kind: f"push-{kind.value}" for kind in ChangeKind}
#: the kinds as module names: an Enum class member read is a Python-level lookup (~970 instructions on 3.11), and
#: a push reads them about eight times a card (#18)
_CREATE, _UPDATE, _DELETE = ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.DELETE


@dataclass
class _Unfinished:
    """What a recorded batch left to do in this run: changes refused on a stale etag (re-read and re-merged) and
    changes the platform throttled (sent again after the wait it asked for)."""

    stale: list[Change] = field(default_factory=list)
    throttled: list[tuple[Change, RateLimited]] = field(default_factory=list)


class Pusher:
    """Pushes one book's owed writes; ``known`` holds the chunk being pushed as the plan left it (no re-reading
    the store), ``writes`` counts the batches sent over the engine's life (the checkpoints' step number)."""

    def __init__(
        self,
        store: Store,
        book: BookSettings,
        connectors: Mapping[str, Connector],
        retry: RetryPolicy,
        checkpoints: Checkpoints,
        known: Known,
    ) -> None:
        self.store = store
        self.book = book
        self.connectors = connectors
        self.retry = retry
        self.checkpoints = checkpoints
        self.known = known
        self.writes = 0
        #: accounts that stopped answering during this run's push: their remaining writes stay owed
        self.stopped: set[str] = set()
        #: writes the platform refused one by one, by (account, cause): logged as one line each per chunk, not one
        #: per contact (a server lost mid-run made 1,032 WARNING lines, #16)
        self._refused: Counter[tuple[str, str]] = Counter()
        #: the run's deadline for every account (a ``retry.clock`` value): no push starts and no wait ends past it
        self.deadline: float | None = None
        self._held: dict[str, set[Field]] = {}
        #: the writes this run recorded, per account, in the order they were committed: folded into the account's
        #: pull state when the run records it (:meth:`states_after_writes`)
        self.recorded: dict[str, list[RecordedWrite]] = {}
        #: the run whose writes these are: each journal row names it (``contactsync history`` shows it)
        self.run_id: int | None = None

    def push_contacts(self, contact_ids: Sequence[str], listed: Collection[str], report: RunReport) -> None:
        """Push what every account is owed for these contacts (one chunk), account after account. Only accounts
        in ``listed`` get anything: when a listing failed we do not know what the account holds."""
        self.run_id = report.run_id
        for acct in self.book.accounts:
            if not acct.writable or acct.name not in listed or acct.name in self.stopped:
                continue
            rep = report.accounts[acct.name]
            if self.deadline is not None and self.retry.clock() >= self.deadline:
                self.stopped.add(acct.name)
                rep.error, rep.error_kind = "the run's deadline passed; the remaining writes stay owed", "Deadline"
                log.error("account %s: the run's deadline passed; the remaining writes stay owed", acct.name)
                continue
            t0 = time.monotonic()
            # read now, not with the plan: a stale-etag retry on an account before may have queued more
            owed = self.store.owed_contacts(acct.name, contact_ids)
            if owed and not self._push_chunk(acct.name, owed, rep, braked=rep.brake is not None):
                self.stopped.add(acct.name)
            self._log_refused(acct.name)
            rep.duration_s += time.monotonic() - t0

    def states_after_writes(self, states: Mapping[str, str | None]) -> dict[str, str | None]:
        """Each account's pull state (``states``: the listings', from before this run's writes) with the writes
        this run recorded folded in by its connector (``absorb_writes``), so the next pull does not read them back.

        Called in the transaction that records the states, after every push: a write is handed over only when the
        store links its item at the version the write left, now (a later step of the run, a re-read after a stale
        etag, may have moved the link on). Accounts not in ``states`` (braked, not listed) get nothing; a
        connector that fails here leaves its account's state as listed: reading our writes back is always safe."""
        folded: dict[str, str | None] = {}
        for account, writes in self.recorded.items():
            if account not in states or not writes:
                continue
            absorb = getattr(self.connectors[account], "absorb_writes", None)
            if absorb is None:
                continue
            linked = self.store.link_etags(account, {w.ref.id if w.ref is not None else w.was or "" for w in writes})
            current = [
                w
                for w in writes
                if (w.ref is not None and linked.get(w.ref.id) == w.ref.etag)
                or (w.ref is None and w.was is not None and w.was not in linked)
            ]
            try:
                folded[account] = absorb(states[account], current)
            except Exception:  # the state as listed is always right, only slower to use
                log.debug("account %s: folding this run's writes into its state failed", account, exc_info=True)
        return folded

    def _not_carried(self, account: str, record: CanonicalRecord, rep: AccountReport) -> list[dict[str, Any]]:
        """What the account cannot hold of the contact about to be written, counted in the run's summary per
        reason and journaled for the contact: nothing dropped in silence (issue #15)."""
        connector = self.connectors[account]
        fitted = connector.fit(record.contact)
        rows: list[dict[str, Any]] = []
        if fitted is record.contact:
            return rows  # its own fit (a card read from a folder like this one): it holds everything
        for item in not_carried(record.contact, fitted, connector.capabilities):
            rep.not_carried[f"{item.field.value}: {item.reason}"] += 1
            rows.append(
                {
                    "run_id": self.run_id,
                    "book": self.book.name,
                    "account": account,
                    "contact_id": record.id,
                    "action": "not-carried",
                    "field": item.field.value,
                    "note": item.reason,
                }
            )
        return rows

    def _log_refused(self, account: str) -> None:
        for (name, cause), count in sorted(self._refused.items()):
            if name == account:
                log.warning(
                    "account %s: %s failed (%s); %s owed for the next run (`contactsync status` shows the last error)",
                    account,
                    counted(count, "write"),
                    cause,
                    "it stays" if count == 1 else "they stay",
                )
                del self._refused[(name, cause)]

    def _push_chunk(self, account: str, ids: list[str], rep: AccountReport, *, braked: bool) -> bool:
        """Push the writes owed for one chunk's contacts (``ids``, oldest owed first). False when the account
        stopped answering (stop for this run)."""
        acct = self.book.account(account)
        connector = self.connectors[account]
        unknown = [cid for cid in ids if cid not in self.known]
        records = self.store.contacts(unknown)
        links = self.store.account_links(account, unknown)
        for cid in ids:
            if cid in self.known:
                records[cid], known_links = self.known[cid]
                if account in known_links:
                    links[cid] = known_links[account]
        self._held = self.store.open_conflict_fields(ids)
        changes: list[Change] = []
        nothing_to_do: list[str] = []
        trimmed: list[dict[str, Any]] = []  # journal rows: what the account cannot hold of a contact written
        for cid in ids:
            record = records.get(cid)
            lk = links.get(cid)
            change = self._change_for(account, record, lk)
            if change is None:
                nothing_to_do.append(cid)
            elif change.kind is _DELETE and (braked or not acct.allow_delete):
                continue  # held back by the brake: stays owed until the admin decides
            elif (change.kind is _CREATE and not acct.allow_create) or (
                change.kind is _UPDATE and not acct.allow_update
            ):
                nothing_to_do.append(cid)
            else:
                changes.append(change)
                if change.kind is not _DELETE and record is not None:
                    trimmed.extend(self._not_carried(account, record, rep))
        del records, links
        if nothing_to_do or trimmed:
            with self.store.transaction() as tx:
                tx.dequeue(account, nothing_to_do)
                tx.journal(trimmed)
        size = max(1, connector.capabilities.max_batch)
        for i in range(0, len(changes), size):
            batch = changes[i : i + size]
            # a run whose lease another instance took over (this process paused past it) sends nothing more
            self.store.check_fence()
            creates = [c.contact_id for c in batch if c.kind is _CREATE]
            if creates:
                with self.store.transaction() as tx:
                    tx.mark_attempt(account, creates)
            try:
                self._push_batch(account, batch, rep, may_have_applied=bool(creates))
            except SyncAborted:
                raise  # the run stops (a lost lease, a checkpoint's stop): not this account's failure
            except Exception as exc:  # contained to this account, like a listing failure
                if raised_by_the_database(exc):
                    # the store failed (a full disk, a store turned read-only), not the account: every account's
                    # writes are recorded there, so the run stops and the CLI or the daemon says what to do
                    raise
                if not isinstance(exc, ConnectorError):
                    log.debug("account %s: unexpected error while writing", account, exc_info=True)
                rep.error, rep.error_kind = account_error(exc), type(exc).__name__
                log.error(
                    "account %s: writing failed (%s); the remaining writes stay owed", account, type(exc).__name__
                )
                return False
        return True

    def _push_batch(self, account: str, batch: list[Change], rep: AccountReport, *, may_have_applied: bool) -> None:
        """Send one batch under the retry policy and record its answer; members the platform throttled are sent
        again (a 429 is a refusal: nothing was applied) as long as the policy allows, then stay owed. Raises what
        the connector raised for the whole batch once the policy gave up."""
        connector = self.connectors[account]
        label = f"account {account}"
        attempt, waited = 1, 0.0
        while True:
            results = self.retry.call(
                lambda b=batch: connector.push(b),  # type: ignore[misc]
                label=label,
                may_have_applied=may_have_applied,
                deadline=self.deadline,
            )
            left = self._answered(account, results, rep)
            for change in left.stale:
                self._retry_after_precondition(account, change, rep)
            if not left.throttled:
                return
            # the longest wait any of them was asked for: sent again together, they must all be let through
            worst = max((exc for _c, exc in left.throttled), key=lambda e: self.retry.wait_for(e, attempt))
            wait = self.retry.pause(worst, attempt, waited, self.deadline, label=label)
            if wait is None:
                with self.store.transaction() as tx:
                    for change, exc in left.throttled:
                        tx.fail(account, change.contact_id, _failure(exc))
                self._refused[(account, RateLimited.__name__)] += len(left.throttled)
                return
            log.info(
                "account %s: %d writes rate limited; sending them again in %.1fs", account, len(left.throttled), wait
            )
            self.retry.sleep(wait)
            waited += wait
            attempt += 1
            batch = [change for change, _exc in left.throttled]

    def _answered(self, account: str, results: Sequence[ChangeResult], rep: AccountReport) -> _Unfinished:
        """A batch the platform answered: record it between the two checkpoints; return what is left to do."""
        self.writes += 1
        if self.checkpoints.after_remote_write:
            self.checkpoints.after_remote_write(account, self.writes)
        left = self._record_results(account, results, rep)
        if self.checkpoints.after_commit:
            self.checkpoints.after_commit(account, self.writes)
        return left

    def _change_for(self, account: str, record: CanonicalRecord | None, lk: Link | None) -> Change | None:
        """The write an account is owed for this contact now (None: nothing, or held back by a data rule)."""
        if record is None:
            return None
        # an owed delete of a contact that lives again (edited after its delete, restored) is no delete any more
        if record.deleted_at is not None:
            if lk is None:
                return None
            return Change(_DELETE, record.id, ref=RemoteRef(lk.remote_id, lk.etag), previous=lk.base)
        if self.book.rules.required and broken_rules(record.contact, self.book.rules):
            return None  # held back by a data rule (see status); owed again once it passes
        wanted = desired(self.connectors[account], record.contact, lk, self._held.get(record.id, set()))
        if lk is None:
            return Change(_CREATE, record.id, contact=self._written(wanted))
        return self._update(record.id, wanted, RemoteRef(lk.remote_id, lk.etag), lk.base)

    def _update(self, cid: str, wanted: Contact, ref: RemoteRef, previous: Contact) -> Change | None:
        """An update of a linked item to ``wanted`` (None: it holds that already; see ``needs_update``)."""
        if not needs_update(wanted, previous):
            return None
        return Change(_UPDATE, cid, contact=self._written(wanted), ref=ref, previous=previous)

    def _written(self, contact: Contact) -> Contact:
        """A contact as it is sent: phones in the book's format."""
        return as_written(contact, self.book.rules, self.book.default_region)

    def _record_results(self, account: str, results: Sequence[ChangeResult], rep: AccountReport) -> _Unfinished:
        """Commit what the platform confirmed; return the changes refused on a stale etag (to retry once) or
        throttled (to send again), both still owed."""
        left = _Unfinished()
        book = self.book.name
        stamp = now()
        # phones were sent in the book's format; the base holds them as they read back
        reformatted = self.book.rules.phone_format is not PhoneFormat.E164
        with self.store.transaction() as tx:
            done: list[str] = []
            links: list[Link] = []
            updated: list[Link] = []
            journal: list[dict[str, Any]] = []
            for r in results:
                c = r.change
                if r.ok:
                    if r.owed is None:
                        done.append(c.contact_id)
                    else:  # applied, a part of it not: recorded as written below, and still owed
                        tx.fail(account, c.contact_id, _failure(r.owed))
                        self._refused[(account, type(r.owed).__name__)] += 1
                    if c.kind is _DELETE:
                        assert c.ref is not None
                        tx.delete_link(account, c.ref.id)
                        rep.deleted += 1
                    else:
                        assert r.ref is not None and c.contact is not None
                        base = r.stored if r.stored is not None else c.contact
                        if reformatted:
                            base = normalize_contact(base, self.book.default_region)
                        link = Link(account, r.ref.id, c.contact_id, r.ref.etag, base, stamp, True)
                        if c.kind is _UPDATE and c.ref is not None and c.ref.id == r.ref.id:
                            updated.append(link)  # the same item, linked already: only the row's values change
                        else:
                            links.append(link)
                        if c.kind is _CREATE:
                            rep.created += 1
                        else:
                            rep.updated += 1
                    journal.append(
                        {
                            "run_id": self.run_id,
                            "book": book,
                            "account": account,
                            "contact_id": c.contact_id,
                            "action": _PUSH_ACTION[c.kind],
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
                    if c.kind is _DELETE:
                        done.append(c.contact_id)
                    else:
                        # removed on the platform while we were updating it: the edit wins, create it again
                        tx.queue(account, [c.contact_id], _CREATE)
                        tx.fail(account, c.contact_id, "gone while updating; will be created again")
                elif isinstance(err, PreconditionFailed):
                    left.stale.append(c)
                elif isinstance(err, RateLimited):
                    left.throttled.append((c, err))
                else:
                    tx.fail(account, c.contact_id, _failure(err))
                    self._refused[(account, type(err).__name__)] += 1
                    log.debug(
                        "account %s: contact %s: %s (%s)", account, c.contact_id, c.kind.value, type(err).__name__
                    )
            tx.put_links(links)
            tx.update_links(updated)
            tx.dequeue(account, done)
            tx.journal(journal)
        # committed: only now may the account's state say these writes are known (a crash before the commit
        # leaves them to the next pull, which finds them and adopts them by their markers)
        kept = self.recorded.setdefault(account, [])
        if len(kept) < MAX_RECORDED:
            kept.extend(RecordedWrite.of(r) for r in results if r.ok)
        return left

    def _retry_after_precondition(self, account: str, change: Change, rep: AccountReport) -> None:
        """Someone edited the item between our listing and our write: re-read, re-merge, write once more."""
        from .merge import Side, merge  # only here: a run whose writes all land merges nothing (#18)

        assert change.ref is not None
        connector = self.connectors[account]
        try:
            current = self.retry.call(
                lambda: connector.fetch([change.ref.id]),  # type: ignore[union-attr]
                label=f"account {account}",
                deadline=self.deadline,
            )
        except ConnectorError as exc:
            with self.store.transaction() as tx:
                tx.fail(account, change.contact_id, f"re-read failed: {type(exc).__name__}")
            return
        rc: RemoteContact | None = current.get(change.ref.id)
        if rc is None:
            with self.store.transaction() as tx:
                tx.delete_link(account, change.ref.id)
                if change.kind is _UPDATE:
                    tx.queue(account, [change.contact_id], _CREATE)
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
        journal: list[dict[str, Any]] = []
        for d in outcome.decisions:
            journal_decision(self.book, journal, change.contact_id, d)
        journal = [{**row, "run_id": self.run_id} for row in journal]
        revived = record.deleted_at is not None and side.changed_any()
        self.known.pop(record.id, None)  # the push phase must see the re-merged contact, not the plan's
        with self.store.transaction() as tx:
            if merged != record.contact or revived:
                tx.put_contacts(self.book.name, {record.id: merged})
                if revived:
                    tx.restore_contact(record.id)
                # everyone else must hear of the edit too
                for other in self.book.accounts:
                    if other.name != account and other.writable:
                        tx.queue(other.name, [record.id], _UPDATE)
            tx.put_links(
                [Link(account, rc.ref.id, record.id, rc.ref.etag, rc.contact, rc.modified, rc.marker == record.id)]
            )
            tx.journal(journal)
        again: Change | None
        if record.deleted_at is not None and not revived:
            again = Change(_DELETE, record.id, ref=rc.ref, previous=rc.contact)
        elif record.deleted_at is not None:
            return  # edited after its delete: it lives again; other accounts get it through the outbox
        else:
            again = self._update(record.id, connector.fit(merged), rc.ref, rc.contact)
            if again is None:
                with self.store.transaction() as tx:
                    tx.dequeue(account, [record.id])
                return
        try:
            results = self.retry.call(
                lambda: connector.push([again]), label=f"account {account}", deadline=self.deadline
            )
        except ConnectorError as exc:
            with self.store.transaction() as tx:
                tx.fail(account, record.id, _failure(exc))
            return
        left = self._answered(account, results, rep)
        if left.stale:
            with self.store.transaction() as tx:
                tx.fail(account, record.id, "changed again while writing; will retry next run")
        for _change, limited in left.throttled:
            with self.store.transaction() as tx:
                tx.fail(account, record.id, _failure(limited))
            self._refused[(account, RateLimited.__name__)] += 1


def _failure(error: ConnectorError | None) -> str:
    """What the outbox keeps of a write's failure (``status`` shows the last one): the error's type and its text
    through the personal-data net, since a platform's answer may quote the person written."""
    if error is None:  # a connector that answered neither done nor why
        return "failed; the platform gave no reason"
    return f"{type(error).__name__}: {account_error(error)}"
