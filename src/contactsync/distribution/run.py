"""The executor of a distribution: pulls the source once per cycle, records what changed (a new revision), then
brings each target up to that revision, each under its own lease so several daemons share the targets.

A cycle (:meth:`Distributor.run_cycle`):

1. *plan*, under the lease ``distribute:<name>`` (once per schedule slot, whoever comes first): pull the source
   (incrementally where it can), shape each changed item once, and store the changed desired contacts with the
   next revision. A leave goes to the trash (and the journal) like any delete, and the brake holds a mass leave
   back (the source's state is then not advanced, so the same leaves are seen again until an admin allows them).
2. *targets*, each under the lease ``distribute:<name>/<account>`` plus the account's own lease: one listing of
   the target (incremental where the platform allows), then only what differs: the items whose revision is
   above the target's, and those the listing shows touched by the user inside the container. A target is run
   when its slot is due or when it is behind the revision. A daemon keeps going round the targets until none is
   left undone or held by a live lease: a target whose holder died is taken over once its lease runs out.

Every write is recorded only once the platform confirmed it; a create is recorded as attempted before it is sent,
and the canonical ids are derived from the source ids, so a create whose answer was lost is found by its marker on
the next listing and never made twice. Each target's commits are fenced with its lease epoch.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..connector import Change, ChangeKind, ChangeResult, Connector, PullResult, RemoteContact, tidy_up
from ..copies import KeepsCopies
from ..errors import (
    ConfigError,
    ConfigProblem,
    ConnectorError,
    NotFound,
    RateLimited,
    SyncAborted,
    SyncTokenExpired,
    Transient,
)
from ..fidelity import NotCarried, not_carried
from ..logs import account_error, mask_personal
from ..model import Contact, Field, Tag
from ..retry import RetryPolicy
from ..settings import AccountSettings, BookSettings, DistributionSettings, DistributionTarget, Settings
from ..store import Claim, Store, TagCheck, TagVerdict, now
from ..store.distribution import (
    CARRIED_WHOLE,
    DesiredItem,
    NotCarriedCount,
    NotCarriedTally,
    TargetLink,
    TargetState,
    book_of,
)
from ..wording import counted
from .container import OwnsContainer
from .plan import Shaping, SourceKind, Wanted, plan_source, plan_target

log = logging.getLogger("contactsync.distribution")

#: builds a connector for an account (the daemon passes one that rate-limits and honours its stop)
Connect = Callable[[AccountSettings, BookSettings], Connector]


def accounts_of(
    settings: Settings, distribution: DistributionSettings
) -> dict[str, tuple[AccountSettings, BookSettings]]:
    """Every account a distribution may name, with the book settings its connector is built with: the
    distribution's own accounts, then those of the books."""
    out: dict[str, tuple[AccountSettings, BookSettings]] = {}
    for book in settings.books:
        for account in book.accounts:
            out[account.name] = (account, book)
    own = distribution.book
    for account in distribution.accounts:
        out[account.name] = (account, own)
    return out


def _state(token: str | None, shaping: Shaping) -> str | None:
    """The source's sync state as stored: its token behind the fingerprint of what travels."""
    return None if token is None else f"{shaping.fingerprint}:{token}"


def _token(stored: str | None, shaping: Shaping) -> str | None:
    """The source's token, or None (read everything again) when what travels changed since it was stored: the
    admin changed ``fields``, ``mobile``, ``photos``, ``exclude`` or the container, and every person is shaped
    anew (only those whose shape changed are sent)."""
    if stored is None:
        return None
    fingerprint, _, token = stored.partition(":")
    return token if fingerprint == shaping.fingerprint and token else None


def _where(account: AccountSettings, container: str) -> str:
    """What names a target's container in the configuration (the connector type, the container's name and the
    options that say where: folder, URL, mailbox, user, path), hashed. A kept container id is used only while it
    is unchanged: an admin who points the target elsewhere gets the new container looked up, never the old one
    written into."""
    options = account.options
    spec = [
        account.type,
        container,
        *(str(options.get(k) or "") for k in ("folder", "url", "mailbox", "subject", "path")),
    ]
    return hashlib.sha256("\n".join(spec).encode()).hexdigest()[:12]


def plan_lease(name: str) -> str:
    return f"distribute:{name}"


def target_lease(name: str, account: str) -> str:
    return f"distribute:{name}/{account}"


def shown_error(exc: ConnectorError | ConfigError) -> str:
    """An error as the report, ``distribute --status`` and ``status`` show it whatever ``log.personal_data`` says:
    a platform's answer may quote the person it refused, and a configuration problem the value it refused (an
    email or a phone in either is masked, as a book account's error is)."""
    if isinstance(exc, ConfigError):
        return mask_personal("; ".join(str(p) for p in exc.problems))
    return account_error(exc)


def stored_error(exc: ConnectorError | ConfigError) -> str:
    """An error as a target's or the source's row keeps it: its kind, then :func:`shown_error`."""
    return f"{type(exc).__name__}: {shown_error(exc)}"


def account_key(settings: Settings, distribution: DistributionSettings, account: str) -> str | None:
    """Where the configuration file writes ``account`` of ``distribution`` (``distribute[0].accounts[2]``), as
    ``config check`` names keys; None when it cannot be told."""
    for i, d in enumerate(settings.distributions):
        if d.name == distribution.name:
            for j, a in enumerate(d.accounts):
                if a.name == account:
                    return f"distribute[{i}].accounts[{j}]"
    for i, b in enumerate(settings.books):
        index = next((j for j, a in enumerate(b.accounts) if a.name == account), None)
        if index is None:
            continue
        if not settings.key_lines or f"books[{i}]" in settings.key_lines:
            return f"books[{i}].accounts[{index}]"
        # past the file's own books: a book template's, whose account (one pattern) the distribution names
        kind = b.accounts[index].type
        for target in distribution.template_targets:
            for k, template in enumerate(settings.templates):
                if template.name != target.template:
                    continue
                for j, a in enumerate(template.book.accounts):
                    if a.name == target.account and a.type == kind:
                        return f"templates[{k}].book.accounts[{j}]"
        return None
    return None


@dataclass(frozen=True, slots=True)
class PlanReport:
    revision: int
    joined: int = 0
    changed: int = 0
    left: int = 0
    held: int = 0
    brake_reason: str | None = None


@dataclass(frozen=True, slots=True)
class TargetReport:
    account: str
    revision: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    failed: int = 0
    listed: int = 0
    tag_verdict: TagVerdict | None = None
    error: str | None = None
    #: what the writes confirmed in this run could not carry, per field and reason: how many contacts (issue #15:
    #: never in silence; each is journaled for its contact as ``not-carried``)
    not_carried: tuple[NotCarriedCount, ...] = ()
    #: how many contacts written in this run lack something the target cannot hold
    not_carried_contacts: int = 0

    @property
    def tally(self) -> NotCarriedTally:
        """What this run wrote without something the target cannot hold, as the target's state keeps it."""
        return NotCarriedTally(self.not_carried_contacts, self.not_carried)

    @property
    def ok(self) -> bool:
        return self.error is None and self.failed == 0


@dataclass
class CycleReport:
    plan: PlanReport | None = None
    targets: list[TargetReport] = field(default_factory=list)
    #: targets left for later (held by a live daemon when this one gave up, or stopped)
    left: list[str] = field(default_factory=list)
    #: why this cycle's plan could not read the source (:func:`shown_error`); recorded for ``status`` too
    #: (``Store.source_read``). The targets were still listed, against the revision they had
    source_error: str | None = None


class Distributor:
    """One distribution over one store. ``connect`` builds a connector for an account; ``config``, the settings
    as read from the file, tells where an account whose connector refuses its options is written in it."""

    def __init__(
        self,
        store: Store,
        settings: DistributionSettings,
        accounts: Mapping[str, tuple[AccountSettings, BookSettings]],
        connect: Connect,
        *,
        config: Settings | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.accounts = accounts
        self.connect = connect
        self.config = config
        self.shaping = Shaping.of(settings)
        self.book = book_of(settings.name)
        #: asked before each batch a target is sent (the daemon stopping); set by :meth:`run_cycle`
        self._stop: Callable[[], bool] = lambda: False
        #: the one retry policy (contactsync.retry), its waits cut short by a stop
        self._retry = RetryPolicy(sleep=self._sleep)

    # ------------------------------------------------------------------------------------------------- plan
    def plan(self, *, allow_deletes: bool = False) -> PlanReport:
        """Pull the source once and record what changed. Raises ConnectorError when the source cannot be read,
        ConfigError when its connector refuses the account's options: only the failure is recorded then
        (``Store.source_read``, until a plan reads the source again)."""
        name = self.settings.name
        state = self.store.distribution_state(name)
        account, book = self.accounts[self.settings.source]
        label = f"distribution {name}: source {self.settings.source}"
        try:
            source = self._build(account, book)
            try:
                # a source that times out or is throttled is read again under the one retry policy, as a target
                # is: a directory restarting for a minute does not cost the cycle
                try:
                    result = self._retry.call(
                        lambda: source.pull(_token(state.source_state, self.shaping)), label=label
                    )
                except SyncTokenExpired:
                    result = self._retry.call(lambda: source.pull(None), label=label)
                changed = list(result.changed)
            finally:
                source.close()
        except (ConnectorError, ConfigError) as exc:
            self._source_read(stored_error(exc))
            raise
        gone = self._source_gone(result, changed)
        known = self.store.desired_by_source(name, [rc.ref.id for rc in changed] + gone)
        plan = plan_source(
            name,
            changed,
            gone,
            known,
            self.store.present_count(name),
            self.shaping,
            self.settings.brake,
            allow_deletes=allow_deletes,
        )
        revision = state.revision + 1 if plan.actions else state.revision
        counts = {kind: sum(1 for a in plan.actions if a.kind is kind) for kind in SourceKind}
        braked = plan.brake_reason is not None
        with self.store.transaction() as tx:
            joined: dict[str, Contact] = {}
            items: list[DesiredItem] = []
            journal: list[dict[str, object]] = []
            for action in plan.actions:
                if action.contact is not None:
                    joined[action.contact_id] = action.contact
                    if action.kind is SourceKind.JOIN and action.source_id in known:
                        tx.restore_contact(action.contact_id)  # back in the directory: out of the trash
                    items.append(
                        DesiredItem(action.contact_id, action.source_id, action.hash, revision, True, action.owner_keys)
                    )
                else:
                    tx.trash_contact(
                        self.book, action.contact_id, days=self.settings.trash_days, reason="left the source"
                    )
                    items.append(
                        DesiredItem(action.contact_id, action.source_id, action.hash, revision, False, frozenset())
                    )
                journal.append(
                    {
                        "book": self.book,
                        "account": self.settings.source,
                        "contact_id": action.contact_id,
                        "action": f"distribute-{action.kind.value}",
                        "note": f"revision {revision}",
                    }
                )
            tx.put_contacts(self.book, joined)
            tx.journal(journal)
            self.store.put_desired(name, items)
            self.store.put_distribution_state(
                name,
                revision=revision,
                # braked: the held leaves must be seen again, so the source is read from the same point next time
                source_state=state.source_state if braked else _state(result.next_state, self.shaping),
                brake_reason=plan.brake_reason,
                brake_since=(state.brake_since or now()) if braked else None,
            )
            self._source_read(None)
        purged = self.store.purge_distribution_trash(name)
        if purged:
            log.info(
                "distribution %s: %d people emptied from the trash after %d days",
                name,
                len(purged),
                self.settings.trash_days,
            )
        if braked:
            log.warning(
                "distribution %s: brake: %s; no one is removed until an admin allows it "
                "(contactsync distribute %s --allow-deletes)",
                name,
                plan.brake_reason,
                name,
            )
        report = PlanReport(
            revision,
            counts[SourceKind.JOIN],
            counts[SourceKind.CHANGE],
            counts[SourceKind.LEAVE],
            plan.held,
            plan.brake_reason,
        )
        log.info(
            "distribution %s: revision %d: %d joined, %d changed, %d left, %d held by the brake",
            name,
            revision,
            report.joined,
            report.changed,
            report.left,
            report.held,
        )
        return report

    def _source_read(self, error: str | None) -> None:
        """Record how this read of the source went (``error``: what failed; None: it was read)."""
        name = self.settings.name
        self.store.put_source_read(name, self.store.source_read(name).after(now(), error))

    def _build(self, account: AccountSettings, book: BookSettings) -> Connector:
        """``connect`` for ``account``. Raises ConfigError when the connector refuses the account's options,
        each problem at the key where the configuration file writes them (a connector's own check names the
        account by the book it was built with: ``books.distribute:NAME.accounts.…``, a key no file has)."""
        try:
            return self.connect(account, book)
        except ConfigError as exc:
            raise self._located(exc, account, book) from exc

    def _located(self, error: ConfigError, account: AccountSettings, book: BookSettings) -> ConfigError:
        config = self.config
        key = account_key(config, self.settings, account.name) if config is not None else None
        if config is None or key is None:
            return error
        said = (f"books.{book.name}.accounts.{account.name}", f"accounts.{account.name}")
        problems = []
        for p in error.problems:
            path = p.path
            for prefix in said:
                if path == prefix or path.startswith(prefix + "."):
                    path = key + path[len(prefix) :]
                    break
            problems.append(ConfigProblem(p.file, p.line, path, p.message))
        from ..config.loader import locate  # only for a connector that refused its options

        return locate(ConfigError(problems), config)

    def _source_gone(self, result: PullResult, changed: Sequence[RemoteContact]) -> list[str]:
        """Source ids no longer in scope: deleted, or (a full listing, or one that says what is present) absent."""
        gone = list(result.deleted)
        scope = {rc.ref.id for rc in changed} if result.full else result.present
        if scope is not None:
            present = self.store.desired_items(self.settings.name, present_only=True)
            gone.extend(i.source_id for i in present if i.source_id not in scope and i.source_id not in gone)
        return gone

    # ---------------------------------------------------------------------------------------------- targets
    def sync_target(self, target: DistributionTarget, *, revision: int | None = None) -> TargetReport:
        """Bring one target up to the distribution's revision. Raises ConnectorError when the target cannot be
        listed at all, ConfigError when its connector refuses the account's options (each recorded as the
        target's failure); a write refused item by item is counted in ``failed`` (retried next cycle)."""
        name = self.settings.name
        revision = self.store.distribution_state(name).revision if revision is None else revision
        ts = self.store.target_state(name, target.account)
        account, book = self.accounts[target.account]
        try:
            connector = self._build(account, book)
        except ConfigError as exc:
            self._target_failed(ts, exc)
            raise
        if isinstance(connector, KeepsCopies):
            # the account's copies of what the platform holds, as the engine hands them over (contactsync.copies):
            # without them every write re-reads the items it writes over, and our own writes coming back in the
            # next listing are read again, one request per target each time
            connector.keep_copies(self.store.copies(target.account))
        kept: str | None = None
        where = _where(account, self.settings.container)
        try:
            if isinstance(connector, OwnsContainer):
                stored = self.store.target_container(name, target.account)
                key, _, kept_id = (stored or "").partition(":")
                kept = kept_id if stored and key == where else None
                if kept is None:
                    if stored is not None:
                        # the configuration names another folder or book now: the listing state is the old one's
                        ts = replace(ts, state=None)
                    owner = connector
                    made = self._retry.call(
                        lambda: owner.container_id(create=True, display_name=self.settings.container),
                        label=self._label(target),
                    )
                    self.store.put_target_container(name, target.account, f"{where}:{made}")
                else:
                    connector.use_container(kept)
            try:
                return self._sync_target(connector, target, ts, revision)
            except ConnectorError as exc:
                if not (
                    isinstance(connector, OwnsContainer)
                    and kept is not None
                    and self._container_replaced(connector, target.account, where, kept, exc)
                ):
                    raise
                # the container is gone and another stands under its name now: list it all and fill it
                return self._sync_target(connector, target, self.store.target_state(name, target.account), revision)
        except ConnectorError as exc:
            self._target_failed(ts, exc)
            raise
        finally:
            connector.close()

    def _target_failed(self, ts: TargetState, exc: ConnectorError | ConfigError) -> None:
        """Record a target run's failure: stored and shown (distribute --status, status) whatever
        log.personal_data says, masked as a book account's error is (:func:`stored_error`)."""
        self.store.put_target_state(
            replace(
                ts, last_run_at=now(), last_result="failed", last_error=stored_error(exc), not_carried=CARRIED_WHOLE
            )
        )

    def _container_replaced(
        self, connector: OwnsContainer, account: str, where: str, kept: str, error: ConnectorError
    ) -> bool:
        """After a target run with the kept container failed: whether the container is gone (deleted by a user)
        and another is found or made under its name. Its id is then kept and the target's listing state dropped,
        so the next run lists the new container whole. A throttled or unreachable platform says nothing about
        the container: no look is taken then."""
        if isinstance(error, RateLimited | Transient):
            return False
        try:
            found = connector.container_id(create=True, fresh=True, display_name=self.settings.container)
        except ConnectorError:
            return False  # the run's own error tells more
        if found == kept:
            return False
        log.warning(
            "distribution %s: target %s: its container is gone; filling the one now under its name",
            self.settings.name,
            account,
        )
        self.store.put_target_container(self.settings.name, account, f"{where}:{found}")
        ts = self.store.target_state(self.settings.name, account)
        self.store.put_target_state(replace(ts, state=None))
        return True

    def _sync_target(
        self, connector: Connector, target: DistributionTarget, ts: TargetState, revision: int
    ) -> TargetReport:
        name = self.settings.name
        # who is left out of this target is part of its state: a changed owner compares everyone again
        mark = hashlib.sha256((target.owner or "").casefold().encode()).hexdigest()[:12]
        stored, _, token = (ts.state or "").partition(":")
        if stored != mark:
            ts = replace(ts, revision=0, state=None)
        try:
            result = self._retry.call(
                lambda: connector.pull(token or None if ts.state is not None else None), label=self._label(target)
            )
        except SyncTokenExpired:
            result = self._retry.call(lambda: connector.pull(None), label=self._label(target))
        # a distribution always writes (it has no dry run): what a killed write of ours left goes now
        tidy_up(connector)
        listed = list(result.changed)
        # ours: items carrying the marker of a contact of this distribution; anything else is the user's own
        markers = {rc.marker for rc in listed if rc.marker}
        ours = self.store.desired_items_by_id(name, markers)
        seen: dict[str, list[RemoteContact]] = {}
        for rc in listed:
            if rc.marker in ours:
                seen.setdefault(rc.marker, []).append(rc)
        gone = self._target_gone(result, listed, target.account)
        delta = self.store.desired_items(name, above=ts.revision) if revision > ts.revision else []
        candidates: set[str] = {i.contact_id for i in delta} | set(gone)
        links = self.store.target_links(name, target.account, set(seen) | candidates)
        for cid, rcs in seen.items():
            link = links.get(cid)
            if (
                link is None
                or len(rcs) > 1
                or any((rc.ref.id, rc.ref.etag) != (link.remote_id, link.etag) for rc in rcs)
            ):
                candidates.add(cid)
        items = {i.contact_id: i for i in delta}
        items.update(ours)
        missing = candidates - set(items)
        if missing:
            items.update(self.store.desired_items_by_id(name, missing))
        owner = target.owner.casefold() if target.owner else None
        present = [
            cid for cid in candidates if cid in items and items[cid].present and owner not in items[cid].owner_keys
        ]
        records = self.store.contacts(present)
        wanted = {cid: Wanted(records[cid].contact, items[cid].hash) for cid in present if cid in records}
        fit = {cid: connector.fit(w.contact) for cid, w in wanted.items() if w.contact is not None}
        plan = plan_target(candidates, wanted, links, seen, frozenset(gone), fit)
        with self.store.transaction():
            self.store.drop_target_links(name, target.account, plan.forgotten)
            self.store.put_target_links(name, target.account, plan.adopted)
        lost = self._not_carried(connector, plan.changes, fit)
        trims: Counter[tuple[str, str]] = Counter()
        short: set[str] = set()
        counts = {kind: 0 for kind in ChangeKind}
        failed = 0
        batch = max(1, connector.capabilities.max_batch)
        for start in range(0, len(plan.changes), batch):
            chunk = plan.changes[start : start + batch]
            if self._stop():
                # what is confirmed is recorded; the target stays behind its revision and is finished next time
                raise SyncAborted(f"distribution {name}: target {target.account} stopped at a batch boundary")
            self.store.check_fence()
            creates = [c for c in chunk if c.kind is ChangeKind.CREATE]
            if creates:
                # recorded before sending: an answer lost on the way is found by its marker next time
                self.store.put_target_links(
                    name, target.account, [TargetLink(c.contact_id, None, "", "") for c in creates]
                )
            results = self._push(connector, chunk, target)
            failed += self._record(target.account, results, wanted, counts, lost, trims, short)
        complete = failed == 0
        per_reason = tuple(NotCarriedCount(f, reason, n) for (f, reason), n in sorted(trims.items()))
        self.store.put_target_state(
            TargetState(
                name,
                target.account,
                revision if complete else ts.revision,
                # with a failure, read from the same point again: what was seen and not applied comes back
                (f"{mark}:{result.next_state}" if result.next_state is not None else None) if complete else ts.state,
                now(),
                "ok" if complete else "partial",
                None if complete else f"{failed} writes refused; retried next cycle",
                NotCarriedTally(len(short), per_reason),
            )
        )
        # an update of ours leaves the item in the container: only a create or a delete changes its member count
        moved = any(c.kind is not ChangeKind.UPDATE for c in plan.changes)
        verdict = self._check_tags(connector, target.account) if moved or ts.revision == 0 else None
        report = TargetReport(
            target.account,
            revision if complete else ts.revision,
            counts[ChangeKind.CREATE],
            counts[ChangeKind.UPDATE],
            counts[ChangeKind.DELETE],
            failed,
            len(listed),
            verdict,
            not_carried=per_reason,
            not_carried_contacts=len(short),
        )
        log.info(
            "distribution %s: target %s at revision %d: %d created, %d updated, %d deleted, %d failed",
            name,
            target.account,
            report.revision,
            report.created,
            report.updated,
            report.deleted,
            report.failed,
        )
        for c in per_reason:
            # counts and the platform's limits only: who it was is in the journal (contactsync person show)
            log.info(
                "distribution %s: target %s: %s written without their %s: %s",
                name,
                target.account,
                counted(c.contacts, "contact"),
                c.field,
                c.reason,
            )
        return report

    @staticmethod
    def _not_carried(
        connector: Connector, changes: Sequence[Change], fit: Mapping[str, Contact]
    ) -> dict[str, tuple[NotCarried, ...]]:
        """Per contact about to be created or updated, what the target cannot hold of it (its ``fit`` lacks):
        counted and journaled once the write is confirmed, never dropped in silence (issue #15)."""
        out: dict[str, tuple[NotCarried, ...]] = {}
        for change in changes:
            fitted = fit.get(change.contact_id)
            if change.kind is ChangeKind.DELETE or change.contact is None or fitted is None:
                continue
            if fitted is change.contact:
                continue  # its own fit: the target holds everything
            lost = not_carried(change.contact, fitted, connector.capabilities)
            if lost:
                out[change.contact_id] = lost
        return out

    def _label(self, target: DistributionTarget) -> str:
        return f"distribution {self.settings.name}: target {target.account}"

    def _sleep(self, seconds: float) -> None:
        """A retry's wait, in steps, given up when the daemon stops (what is owed is sent by the next cycle); then
        the target's lease fence checked (raises LeaseLost), as before each batch: a target another daemon took
        over during the wait is not sent the batch again, which that daemon sends."""
        end = time.monotonic() + seconds
        while True:
            if self._stop():
                raise SyncAborted(f"distribution {self.settings.name}: stopped during a retry's wait")
            left = end - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(0.5, left))
        self.store.check_fence_after_wait()

    def _push(self, connector: Connector, chunk: Sequence[Change], target: DistributionTarget) -> list[ChangeResult]:
        """Send one batch under the retry policy, as the engine does: a whole batch refused for a rate limit or a
        passing fault is sent again (one holding creates only after a rate limit: a create may have been applied),
        and members the platform throttled are sent again together after the longest wait asked for, as long as
        the policy allows; what is still refused then is counted failed and sent by the next cycle."""
        label = self._label(target)
        creates = any(c.kind is ChangeKind.CREATE for c in chunk)
        answers: dict[int, ChangeResult] = {}
        batch = list(chunk)
        attempt, waited = 1, 0.0
        while True:
            results = self._retry.call(lambda b=batch: connector.push(b), label=label, may_have_applied=creates)  # type: ignore[misc]
            sent = {id(c) for c in batch}
            keys = [id(r.change) if id(r.change) in sent else id(c) for c, r in zip(batch, results, strict=False)]
            for key, result in zip(keys, results, strict=False):
                answers[key] = result
            throttled = {k for k, r in zip(keys, results, strict=False) if isinstance(r.error, RateLimited)}
            if not throttled:
                break
            errors = [answers[k].error for k in throttled]
            worst = max(
                (e for e in errors if isinstance(e, RateLimited)), key=lambda e: self._retry.wait_for(e, attempt)
            )
            wait = self._retry.pause(worst, attempt, waited, None, label=label)
            if wait is None:
                break
            log.info("%s: %d writes rate limited; sending them again in %.1fs", label, len(throttled), wait)
            self._sleep(wait)
            waited += wait
            attempt += 1
            batch = [c for c in batch if id(c) in throttled]
        return [answers[id(c)] for c in chunk if id(c) in answers]

    def _target_gone(self, result: PullResult, listed: Sequence[RemoteContact], account: str) -> list[str]:
        """Contact ids whose linked item the listing says is gone (the user deleted it inside the container)."""
        name = self.settings.name
        if result.full or result.present is not None:
            scope = {rc.ref.id for rc in listed} if result.full else set(result.present or ())
            return [
                cid
                for cid, lk in self.store.target_links(name, account).items()
                if lk.remote_id is not None and lk.remote_id not in scope
            ]
        return [lk.contact_id for lk in self.store.target_links_by_remote(name, account, result.deleted).values()]

    def _record(
        self,
        account: str,
        results: Sequence[ChangeResult],
        wanted: Mapping[str, Wanted],
        counts: dict[ChangeKind, int],
        lost: Mapping[str, tuple[NotCarried, ...]],
        trims: Counter[tuple[str, str]],
        short: set[str],
    ) -> int:
        """Record the confirmed writes (links, journal) in one transaction; returns how many failed. What a
        confirmed create or update could not carry (``lost``) is journaled for its contact and counted in
        ``trims`` ((field, reason) → contacts) and ``short`` (the contacts)."""
        name = self.settings.name
        failed = 0
        links: list[TargetLink] = []
        dropped: list[str] = []
        journal: list[dict[str, object]] = []
        for r in results:
            change = r.change
            if not r.ok:
                failed += 1
                log.warning(
                    "distribution %s: target %s: %s of contact %s refused (%s)",
                    name,
                    account,
                    change.kind.value,
                    change.contact_id,
                    type(r.error).__name__,
                )
                continue
            counts[change.kind] += 1
            journal.append(
                {
                    "book": self.book,
                    "account": account,
                    "contact_id": change.contact_id,
                    "action": change.kind.value,
                    "note": "distribute",
                }
            )
            if change.kind is not ChangeKind.DELETE:
                for item in lost.get(change.contact_id, ()):
                    trims[item.field.value, item.reason] += 1
                    short.add(change.contact_id)
                    journal.append(
                        {
                            "book": self.book,
                            "account": account,
                            "contact_id": change.contact_id,
                            "action": "not-carried",
                            "field": item.field.value,
                            "note": item.reason,
                        }
                    )
            if change.kind is ChangeKind.DELETE:
                dropped.append(change.contact_id)
            elif r.ref is not None:
                want = wanted.get(change.contact_id)
                links.append(TargetLink(change.contact_id, r.ref.id, r.ref.etag, want.hash if want else ""))
        with self.store.transaction() as tx:
            # a duplicate deleted leaves the contact's real link in place: drop only links naming a deleted item
            deleted_refs = {
                r.change.ref.id for r in results if r.ok and r.change.kind is ChangeKind.DELETE and r.change.ref
            }
            current = self.store.target_links(name, account, dropped)
            self.store.drop_target_links(
                name,
                account,
                [cid for cid, lk in current.items() if lk.remote_id in deleted_refs or lk.remote_id is None],
            )
            self.store.put_target_links(name, account, links)
            tx.journal(journal)
        return failed

    def _check_tags(self, connector: Connector, account: str) -> TagVerdict | None:
        """The container's member count on the platform against the items we hold there (invariant 15). A
        mismatch drops the target's listing state: its next run lists everything and compares."""
        caps = connector.capabilities
        if not (caps.holds_tags and Field.TAGS in caps.fields):
            return None
        container = Tag(self.settings.container)
        try:
            counts = {tag.key: n for tag, n in connector.tag_counts().items()}
        except ConnectorError as exc:
            log.warning(
                "distribution %s: target %s: tag counts unreadable (%s)",
                self.settings.name,
                account,
                type(exc).__name__,
            )
            return None
        theirs = counts.get(container.key, 0)
        mine = self.store.target_link_count(self.settings.name, account)
        # more on the platform is the user's own doing (a contact of theirs put in the label), never ours to
        # judge; fewer means something of ours is missing there
        verdict = TagVerdict.OK if theirs >= mine else TagVerdict.MISMATCH
        self.store.put_tag_checks(
            account, [TagCheck(account, self.book, container.key, container.name, theirs, mine, verdict, now())]
        )
        if verdict is TagVerdict.MISMATCH:
            log.warning(
                "distribution %s: target %s holds %d items in the container, the store %d; its next run lists "
                "everything",
                self.settings.name,
                account,
                theirs,
                mine,
            )
            ts = self.store.target_state(self.settings.name, account)
            self.store.put_target_state(replace(ts, state=None))
        return verdict

    # ---------------------------------------------------------------------------------------------- a cycle
    def run_cycle(
        self,
        owner: str,
        lease_s: float,
        *,
        next_due: datetime | None,
        next_slot: Callable[[datetime], datetime | None] | None = None,
        stop: Callable[[], bool] = lambda: False,
        allow_deletes: bool = False,
        give_up_s: float | None = None,
        poll_s: float = 0.5,
        one_off: bool = False,
        workers: int = 1,
    ) -> CycleReport:
        """One cycle shared with other daemons on the same store: plan if this slot's plan is not done, then take
        targets, ``workers`` at once (each under its own lease), until each is done for this slot and at the
        current revision. Returns when nothing is left, when ``stop()`` says so, or after ``give_up_s`` (default:
        three leases) without progress, finding only targets held by others (a dead daemon's lease runs out within
        one lease). ``one_off`` (``contactsync distribute``): plan and run every target now, due or not, and leave
        the daemons' due times as they were. ``next_slot``: the schedule in force (its first slot after a time), so
        that a due time stored under a longer schedule does not hold the plan or a target back past the new
        schedule's slot (:meth:`contactsync.store.Store.claim_lease`). How many calls reach one server at once is
        not this method's business: the connectors ``connect`` builds hold a slot of the daemon's per-platform
        budget per call."""
        name = self.settings.name
        report = CycleReport()
        self._stop = stop
        targets = {t.account: t for t in self.settings.targets}
        plan_key = plan_lease(name)
        self.store.ensure_leases({plan_key: [], **{target_lease(name, a): [a] for a in targets}})
        patience = 3 * lease_s if give_up_s is None else give_up_s
        give_up = time.monotonic() + patience
        planned = False
        #: target → the revision this daemon ran it at in this cycle (or failed to): not run twice at one revision
        done: dict[str, int] = {}
        #: guards ``done``, ``waiting`` and ``report`` while several targets run at once
        progress = threading.Lock()
        #: targets of the current pass held by a live daemon (or behind and not taken): looked at again
        waiting: list[str] = []
        while not stop():
            if not planned:
                with self._leased(
                    plan_key, [], owner, lease_s, next_due, next_slot, due_only=not one_off, keep=one_off
                ) as claim:
                    if claim.taken:
                        try:
                            report.plan = self.plan(allow_deletes=allow_deletes)
                        except (ConnectorError, ConfigError) as exc:
                            # recorded by plan() for status; the targets still get this slot's listing: items
                            # deleted inside come back
                            report.source_error = shown_error(exc)
                            log.error(
                                "distribution %s: the source %s could not be read: %s",
                                name,
                                self.settings.source,
                                report.source_error,
                            )
                    planned = claim.taken or claim.not_due
                if not planned:
                    # another daemon is planning this slot: its targets would only be run twice meanwhile
                    if time.monotonic() > give_up:
                        report.left = sorted(targets)
                        return report
                    time.sleep(poll_s)
                    continue
                give_up = time.monotonic() + patience
            revision = self.store.distribution_state(name).revision
            waiting.clear()
            pending = [(a, t) for a, t in targets.items() if done.get(a) != revision]

            def attempt(account: str, target: DistributionTarget, revision: int = revision) -> None:
                if stop():
                    return
                # read now, not at the top of the pass: another daemon may have just finished it
                held = self.store.target_state(name, account)
                behind = held.revision < revision
                key = target_lease(name, account)
                due_only = not behind and not one_off
                with self._leased(
                    key, [account], owner, lease_s, next_due, next_slot, due_only=due_only, keep=one_off
                ) as claim:
                    if not claim.taken:
                        if not claim.not_due:
                            with progress:
                                waiting.append(account)  # held by a live daemon, or behind: look again shortly
                        return
                    with progress:
                        done[account] = revision
                    try:
                        outcome = self.sync_target(target, revision=revision)
                    except (ConnectorError, ConfigError) as exc:
                        # one target's failure, its connector's refusal of its options included, stops no other
                        log.error(
                            "distribution %s: target %s failed: %s",
                            name,
                            account,
                            # the file's key and what it holds wrong; a platform's failure by its kind (its
                            # message, masked, is in distribute --status and status)
                            stored_error(exc) if isinstance(exc, ConfigError) else type(exc).__name__,
                        )
                        # the cycle's report is printed and returned as JSON: masked as the stored error is
                        outcome = TargetReport(account, held.revision, error=shown_error(exc))
                    with progress:
                        report.targets.append(outcome)

            before = len(done)
            self._each(pending, attempt, workers)
            if len(done) > before:
                give_up = time.monotonic() + patience  # progress: a dead holder's lease has time to run out
            if planned and not waiting:
                return report
            if time.monotonic() > give_up:
                report.left = list(waiting)
                return report
            time.sleep(poll_s)
        report.left = sorted(set(targets) - set(done))
        return report

    @staticmethod
    def _each(
        pending: Sequence[tuple[str, DistributionTarget]],
        attempt: Callable[[str, DistributionTarget], None],
        workers: int,
    ) -> None:
        """``attempt`` each target, ``workers`` at once. The first error raised (a stop at a batch boundary, the
        store gone) is raised once every attempt under way has ended: no target keeps running behind its
        caller's back, and each leaves its lease handed back."""
        if workers <= 1 or len(pending) <= 1:
            for account, target in pending:
                attempt(account, target)
            return
        with ThreadPoolExecutor(min(workers, len(pending)), thread_name_prefix="distribute") as pool:
            futures = [pool.submit(attempt, account, target) for account, target in pending]
        errors = [e for e in (f.exception() for f in futures) if e is not None]
        if errors:
            raise errors[0]

    @contextmanager
    def _leased(
        self,
        key: str,
        accounts: list[str],
        owner: str,
        lease_s: float,
        next_due: datetime | None,
        next_slot: Callable[[datetime], datetime | None] | None,
        *,
        due_only: bool,
        keep: bool = False,
    ) -> Iterator[Claim]:
        """The claim of ``key`` (and ``accounts``), due under the schedule ``next_slot`` is in force; when taken,
        the block runs fenced with it and the lease is handed back after, next due at ``next_due`` (``keep``: its
        due time left as it was)."""
        claim = self.store.claim_lease(key, accounts, owner, lease_s, due_only=due_only, next_slot=next_slot)
        if not claim:
            yield claim
            return
        if claim.took_over_from:
            log.info("%s: its lease ran out while %s held it; taking it over", key, claim.took_over_from)
        finished = False
        beat = _Renewal(self.store, key, accounts, owner, lease_s)
        try:
            with beat, self.store.fenced(claim.fence):
                yield claim
            finished = True
        finally:
            self.store.release_lease(key, owner, next_due_at=next_due, finished=finished and not keep)


class _Renewal:
    """Renews a held lease every third of its length while a block runs (a target with thousands of writes
    outlasts one lease); a renewal that finds the lease gone leaves it to the fence to stop the writes."""

    def __init__(self, store: Store, key: str, accounts: list[str], owner: str, lease_s: float) -> None:
        self.store, self.held, self.owner, self.lease_s = store, {key: accounts}, owner, lease_s
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"renew {key}", daemon=True)

    def _loop(self) -> None:
        while not self._done.wait(max(0.5, self.lease_s / 3)):
            try:
                if self.store.renew_leases(self.held, self.owner, self.lease_s):
                    return  # lost: the next fenced commit or batch check stops the run
            except Exception as exc:  # the store unreachable for a moment: the lease still has time left
                log.warning("lease renewal failed (%s); retrying", type(exc).__name__)

    def __enter__(self) -> _Renewal:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def distributor_for(settings: Settings, name: str, connect: Connect, store: Store) -> Distributor:
    """Raises NotFound when the configuration has no distribution ``name``."""
    for d in settings.distributions:
        if d.name == name:
            return Distributor(store, d, accounts_of(settings, d), connect, config=settings)
    known = ", ".join(d.name for d in settings.distributions) or "none"
    raise NotFound(f"the config has no distribution named {name!r} (its distributions: {known})")
