"""An in-process platform for tests and benchmarks: a ``MemoryBackend`` plays the server, ``MemoryConnector``
talks to it through the connector protocol like any other connector.

The backend behaves like a real service where it matters to the engine: opaque etags that change on every write,
an incremental change log (so a no-change pull costs nothing), preconditions on writes, optional field limits
(to play a lossy platform), and fault injection: failing calls, rate limits, expired tokens and writes whose
answer is lost after they were applied (the "did it happen?" case).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, overload

from contactsync.codec import contact_from_data, contact_to_data
from contactsync.connector import (
    BaseConnector,
    Capabilities,
    Change,
    ChangeKind,
    ChangeResult,
    PullResult,
    Quarantined,
    RecordedWrite,
    RemoteContact,
    RemoteRef,
)
from contactsync.errors import (
    ConnectorError,
    ItemRejected,
    PreconditionFailed,
    RateLimited,
    SyncTokenExpired,
    Transient,
)
from contactsync.model import ALL_FIELDS, Contact, Field, Photo, Tag
from contactsync.normalize import normalize_contact
from contactsync.registry import ConnectorType
from contactsync.settings import AccountSettings, BookSettings

__all__ = ["BACKENDS", "CONNECTOR_TYPE", "MemoryBackend", "MemoryConnector", "backend"]


@dataclass(slots=True)
class _Item:
    """One stored item, kept serialized like a server keeps bytes: 100k contacts × 3 accounts fit in memory."""

    etag: str
    data: bytes
    photo: Photo | None
    marker: str | None
    modified: datetime
    malformed: str | None = None  # a reason: the item "cannot be parsed" (plays a broken card)

    @classmethod
    def of(cls, etag: str, contact: Contact, marker: str | None, modified: datetime) -> _Item:
        data = json.dumps(contact_to_data(contact), separators=(",", ":")).encode()
        return cls(etag, data, contact.photo, marker, modified)

    @property
    def contact(self) -> Contact:
        contact = contact_from_data(json.loads(self.data))
        return contact if self.photo is None else replace(contact, photo=self.photo)


@dataclass
class MemoryBackend:
    """The "server". Thread-safe; every method that changes an item bumps the change sequence."""

    name: str = "memory"
    fields: frozenset[Field] = ALL_FIELDS
    max_emails: int | None = None
    read_only: bool = False
    items: dict[str, _Item] = field(default_factory=dict)
    #: change log: id → sequence of its last change (deleted ids too); a sync token is a sequence number
    changes: dict[str, int] = field(default_factory=dict)
    seq: int = 0
    #: sync tokens older than this sequence are "expired"
    token_floor: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    # faults: each is a count of upcoming calls to affect
    fail_pulls: int = 0
    fail_pushes: int = 0
    lose_answer_after_writes: int = 0  # apply the write, then raise Transient: the outcome looks unknown
    refuse_next_writes: int = 0  # refuse the next item writes as invalid, as a platform answers 400 for one item
    rate_limit_next: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # --- the platform's own "users" -------------------------------------------------------------------------
    def user_create(self, contact: Contact, *, marker: str | None = None) -> str:
        with self._lock:
            item_id = f"m{next(self._ids)}"
            self._put(item_id, self._fit(contact), marker)
            return item_id

    def user_edit(self, item_id: str, contact: Contact) -> None:
        with self._lock:
            item = self.items[item_id]
            self._put(item_id, self._fit(contact), item.marker)

    def user_delete(self, item_id: str) -> None:
        with self._lock:
            del self.items[item_id]
            self._touch(item_id)

    def user_corrupt(self, item_id: str, reason: str = "unreadable item") -> None:
        with self._lock:
            self.items[item_id].malformed = reason
            self._touch(item_id)

    def wipe(self) -> None:
        with self._lock:
            for item_id in list(self.items):
                self.user_delete(item_id)

    def expire_tokens(self) -> None:
        with self._lock:
            self.token_floor = self.seq + 1

    def contacts(self) -> dict[str, Contact]:
        with self._lock:
            return {i: it.contact for i, it in self.items.items() if it.malformed is None}

    def markers(self) -> dict[str, str | None]:
        with self._lock:
            return {i: it.marker for i, it in self.items.items()}

    # --- internals --------------------------------------------------------------------------------------------
    def _fit(self, contact: Contact) -> Contact:
        contact = contact.project(self.fields)
        if self.max_emails is not None and len(contact.emails) > self.max_emails:
            contact = contact.with_field(Field.EMAILS, contact.emails[: self.max_emails])
        return contact

    def _touch(self, item_id: str) -> None:
        self.seq += 1
        self.changes[item_id] = self.seq

    def _put(self, item_id: str, contact: Contact, marker: str | None) -> None:
        self._touch(item_id)
        self.items[item_id] = _Item.of(f"e{self.seq}", contact, marker, datetime.now(UTC))

    def _count(self, what: str) -> None:
        self.requests[what] = self.requests.get(what, 0) + 1

    def _faults(self, kind: str) -> None:
        if self.rate_limit_next:
            self.rate_limit_next -= 1
            raise RateLimited("memory backend: rate limited", retry_after=0.0)
        if kind == "pull" and self.fail_pulls:
            self.fail_pulls -= 1
            raise Transient("memory backend: listing failed")
        if kind == "push" and self.fail_pushes:
            self.fail_pushes -= 1
            raise Transient("memory backend: write failed")


#: named backends, so a YAML ``type: memory`` account can find its "server" (tests and the benchmark)
BACKENDS: dict[str, MemoryBackend] = {}


def backend(name: str, **kwargs: Any) -> MemoryBackend:
    """The backend registered under ``name``, created on first use."""
    if name not in BACKENDS:
        BACKENDS[name] = MemoryBackend(name=name, **kwargs)
    return BACKENDS[name]


class _Listing(Sequence[RemoteContact]):
    """A listing's items as they were when listed, decoded one by one as they are read: like a page streamed off
    the wire, a listing of 100k items is never all in memory as contacts at once. (A write replaces an item's
    record rather than changing it, so holding the records is a snapshot.)"""

    def __init__(self, connector: MemoryConnector, items: list[tuple[str, _Item]]) -> None:
        self._connector = connector
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> RemoteContact: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[RemoteContact]: ...

    def __getitem__(self, index: int | slice) -> RemoteContact | Sequence[RemoteContact]:
        if isinstance(index, slice):
            return [self._connector._remote(i, item) for i, item in self._items[index]]
        item_id, item = self._items[index]
        return self._connector._remote(item_id, item)

    def __iter__(self) -> Iterator[RemoteContact]:
        for item_id, item in self._items:
            yield self._connector._remote(item_id, item)


class MemoryConnector(BaseConnector):
    options_schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["backend"],
        "properties": {
            "backend": {
                "type": "string",
                "description": "Name of the in-process backend (tests and benchmarks only).",
                "examples": ["alice"],
            }
        },
    }

    def __init__(self, name: str, server: MemoryBackend, *, region: str = "US", max_batch: int = 100) -> None:
        self.name = name
        self.server = server
        self.region = region
        #: item id → etag of each write whose answer reached the engine (not one lost after it was applied): what
        #: absorb_writes may fold into the state, as a real connector folds what it saw answered
        self._answered: dict[str, str] = {}
        self.capabilities = Capabilities(
            read_only=server.read_only,
            incremental=True,
            max_batch=max_batch,
            fields=server.fields,
            holds_tags=Field.TAGS in server.fields,
            lossy={Field.EMAILS: f"{server.max_emails} addresses at most"} if server.max_emails else {},
        )

    @classmethod
    def from_settings(cls, account: AccountSettings, book: BookSettings) -> MemoryConnector:
        return cls(account.name, backend(str(account.options["backend"])), region=book.default_region)

    def pull(self, state: str | None) -> PullResult:
        s = self.server
        with s._lock:
            s._count("pull")
            s._faults("pull")
            self._answered = {}
            written: dict[str, str] = {}
            if state is None:
                since = -1
            else:
                # "<seq>", or "<seq>+<JSON id → etag>" with the writes a run folded in (absorb_writes)
                token, _, folded = state.partition("+")
                since = int(token) if token.isdigit() else -1
                if since < s.token_floor or since < 0:
                    raise SyncTokenExpired("memory backend: sync token expired")
                try:
                    written = {str(k): str(v) for k, v in json.loads(folded or "{}").items()}
                except (ValueError, AttributeError) as exc:
                    raise SyncTokenExpired("memory backend: unreadable state") from exc
            changed: list[tuple[str, _Item]] = []
            deleted: list[str] = []
            quarantined: list[Quarantined] = []
            ids = s.items.keys() if since < 0 else [i for i, q in s.changes.items() if q > since]
            for item_id in ids:
                item = s.items.get(item_id)
                if item is None:
                    deleted.append(item_id)
                elif written.get(item_id) == item.etag:
                    continue  # our own write, as the engine recorded it
                elif item.malformed is not None:
                    quarantined.append(Quarantined(item_id, item.malformed))
                else:
                    changed.append((item_id, item))
            return PullResult(_Listing(self, changed), tuple(deleted), str(s.seq), since < 0, tuple(quarantined))

    def _remote(self, item_id: str, item: _Item) -> RemoteContact:
        contact = item.contact
        if any(not p.number.startswith("+") for p in contact.phones):
            # like every real connector, read numbers back in E.164 (a book may write them nationally)
            contact = normalize_contact(contact, self.region)
        return RemoteContact(RemoteRef(item_id, item.etag), contact, item.marker, item.modified)

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        s = self.server
        with s._lock:
            s._count("fetch")
            s._faults("fetch")
            return {i: self._remote(i, s.items[i]) for i in ids if i in s.items and s.items[i].malformed is None}

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        s = self.server
        with s._lock:
            s._count("push")
            s._faults("push")
            if len(changes) > self.capabilities.max_batch:
                raise ItemRejected(f"batch of {len(changes)} exceeds {self.capabilities.max_batch}")
            results = [self._apply(c) for c in changes]
            if s.lose_answer_after_writes:
                s.lose_answer_after_writes -= 1
                raise Transient("memory backend: connection lost after the write was applied")
            for r in results:
                if r.ok and r.ref is not None:
                    self._answered[r.ref.id] = r.ref.etag
            return results

    def absorb_writes(self, state: str | None, writes: Sequence[RecordedWrite]) -> str | None:
        """``state`` with the writes whose answers this connector returned folded in: the next pull skips each
        item still at the etag written."""
        if state is None or not writes:
            return state
        token, _, folded = state.partition("+")
        try:
            written = {str(k): str(v) for k, v in json.loads(folded or "{}").items()}
        except (ValueError, AttributeError):
            return state
        for w in writes:
            if w.ref is not None and self._answered.get(w.ref.id) == w.ref.etag:
                written[w.ref.id] = w.ref.etag
        return f"{token}+{json.dumps(written, separators=(',', ':'))}" if written else state

    def _apply(self, change: Change) -> ChangeResult:
        s = self.server
        if s.read_only:
            return ChangeResult(change, error=ItemRejected("read-only account"))
        if s.refuse_next_writes:
            s.refuse_next_writes -= 1
            return ChangeResult(change, error=ItemRejected("memory backend: the item was refused"))
        try:
            if change.kind is ChangeKind.CREATE:
                assert change.contact is not None
                fitted = s._fit(change.contact)
                item_id = s.user_create(fitted, marker=change.contact_id)
                item = s.items[item_id]
                # like a server's answer: the stored item is reported only when it differs from what was sent
                return ChangeResult(
                    change, RemoteRef(item_id, item.etag), stored=None if fitted == change.contact else item.contact
                )
            assert change.ref is not None
            current = s.items.get(change.ref.id)
            if current is None:
                raise PreconditionFailed("item is gone", gone=True)
            if current.etag != change.ref.etag:
                raise PreconditionFailed("etag mismatch")
            if change.kind is ChangeKind.DELETE:
                s.user_delete(change.ref.id)
                return ChangeResult(change)
            assert change.contact is not None
            fitted = s._fit(change.contact)
            s._put(change.ref.id, fitted, change.contact_id)
            item = s.items[change.ref.id]
            return ChangeResult(
                change, RemoteRef(change.ref.id, item.etag), stored=None if fitted == change.contact else item.contact
            )
        except ConnectorError as exc:
            return ChangeResult(change, error=exc)

    def fit(self, contact: Contact) -> Contact:
        return self.server._fit(contact)

    def tag_counts(self) -> Mapping[Tag, int]:
        counts: dict[Tag, int] = {}
        with self.server._lock:
            for item in self.server.items.values():
                if item.malformed is None:
                    for tag in item.contact.tags:
                        counts[tag] = counts.get(tag, 0) + 1
        return counts


#: ``type: memory``: in-process, for tests and the demo; never rate-limited (no platform quota to respect)
CONNECTOR_TYPE = ConnectorType(
    name="memory", build=MemoryConnector.from_settings, options_schema=MemoryConnector.options_schema
)
