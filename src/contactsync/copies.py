"""Copies of remote items that a connector keeps between runs, so that writing an item need not read it first.

A write must keep what contactsync does not map (a Google person's other fields, a vCard's unknown properties):
a connector renders its write over the item as the platform holds it. Reading every item before writing it
doubles the requests of a small change run; a connector that implements :class:`KeepsCopies` is given a
:class:`RemoteCopies` for its account and keeps there the last version it saw of each item, with its etag.

A copy is only a cache. It is used only when its etag is the one the write is checked against (the etag the
engine holds for the item, which the platform checks again): a copy that is stale, missing or lost in a crash
costs one read, never a wrong write. The engine hands the copies over and knows nothing of what they hold; the
store keeps them (table ``remote_copies``) and erasing a person erases the copies of its items.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class RemoteCopy:
    """One item's body as the platform held it at ``etag`` (bytes in the connector's own format)."""

    etag: str
    body: bytes
    #: the body compressed, made once on first use: the copy held in memory and the row in the store share it (#18:
    #: a first sync of 2,000 cards compressed each twice, ~0.2 M instructions a card)
    _packed: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_packed(cls, etag: str, packed: bytes) -> RemoteCopy:
        """The copy whose compressed body is ``packed`` (a zlib stream, as kept in the store), which it keeps."""
        copy = cls(etag, zlib.decompress(packed))
        object.__setattr__(copy, "_packed", packed)
        return copy

    @classmethod
    def of_packed(cls, etag: str, body: bytes, packed: bytes) -> RemoteCopy:
        """The copy of ``body``, whose compressed form ``packed`` (:func:`pack` of it) was made already."""
        copy = cls(etag, body)
        object.__setattr__(copy, "_packed", packed)
        return copy

    @property
    def packed(self) -> bytes:
        """The body compressed (a zlib stream: :func:`zlib.decompress` reads it back)."""
        packed = self._packed
        if packed is None:
            # two threads may both compress it: the same bytes, and either one kept
            packed = pack(self.body)
            object.__setattr__(self, "_packed", packed)
        return packed


def pack(body: bytes) -> bytes:
    """``body`` as a zlib stream, level 1: what :func:`zlib.decompress` reads, as it reads what earlier versions
    stored (``zlib.compress(body, 1)``)."""
    # memLevel 4, not zlib's 8: most of a small card's compression was zlib setting up its 64 KB hash table
    # (#18: 145 K → 90 K instructions a call for a bench card, measured by callgrind). The output is about as
    # small: 2.5% bigger for a card of base64 photo, smaller for text; memLevel 1 was 25% bigger with a photo.
    # A compressor cannot be reused once finished, and copying a fresh one cost more than making one (225 K)
    packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS, 4)
    return packer.compress(body) + packer.flush()


class RemoteCopies(Protocol):
    """One account's copies, keyed by the item's remote id."""

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        """The copies held for these ids (ids without one are absent)."""
        ...

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        """Keep these copies, replacing older ones of the same ids."""
        ...

    def drop(self, ids: Iterable[str]) -> None:
        """Forget the copies of these ids (items deleted, or known to have changed)."""
        ...


class NoCopies:
    """Keeps nothing: a connector used without a store (tests, one-off tools) reads before it writes."""

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        return {}

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        return None

    def drop(self, ids: Iterable[str]) -> None:
        return None


@runtime_checkable
class KeepsCopies(Protocol):
    """A connector that can use copies; the engine gives it its account's before a run."""

    def keep_copies(self, copies: RemoteCopies) -> None: ...


class HeldCopies:
    """Copies held in memory for the run, in front of the account's :class:`RemoteCopies`.

    The layer a connector that writes over remote items needs: what it read or wrote this run is at hand without
    a query (compressed, within ``budget_bytes``, least recently used out), and what is not comes from the store.
    Only copies at an exact etag are ever handed out (:meth:`at`)."""

    def __init__(self, budget_bytes: int) -> None:
        self._budget = budget_bytes
        self._size = 0
        self._items: OrderedDict[str, tuple[str, bytes]] = OrderedDict()  # id → (etag, compressed body)
        self._store: RemoteCopies = NoCopies()
        self._later: dict[str, RemoteCopy] = {}

    def use(self, store: RemoteCopies) -> None:
        """Keep copies in ``store`` from now on (the engine hands over the store's before each run)."""
        self._store = store

    def etag(self, item_id: str) -> str | None:
        """The etag of the copy held in memory (None: none held), without decompressing it."""
        held = self._items.get(item_id)
        return held[0] if held is not None else None

    def keep(self, copies: Mapping[str, RemoteCopy], *, later: bool = False) -> None:
        """Hold these copies and keep them in the store: at once (one write for the lot), or with ``later`` at the
        next :meth:`flush` (a push that writes item by item puts its copies once, at its end)."""
        for item_id, copy in copies.items():
            self._hold(item_id, copy.etag, copy.packed)
        if later:
            self._later.update(copies)
        elif copies:
            self._store.put(copies)

    def flush(self) -> None:
        later, self._later = self._later, {}
        if later:
            self._store.put(later)

    def at(self, wanted: Mapping[str, str]) -> dict[str, bytes]:
        """id → body of each copy held at exactly the etag ``wanted`` names: from memory, else from the store (then
        held). A copy at another etag is older or newer than what the caller expects: left out, to be read."""
        found: dict[str, bytes] = {}
        for item_id, etag in wanted.items():
            held = self._items.get(item_id)
            if held is not None and held[0] == etag:
                self._items.move_to_end(item_id)
                found[item_id] = zlib.decompress(held[1])
        missing = [i for i in wanted if i not in found]
        # a thousand at a time: a full listing of 50,000 changed items is not fetched from the store at once
        for start in range(0, len(missing), 1000):
            for item_id, copy in self._store.get(missing[start : start + 1000]).items():
                if copy.etag == wanted.get(item_id):
                    found[item_id] = copy.body
                    self._hold(item_id, copy.etag, copy.packed)
        return found

    def forget(self, ids: Iterable[str]) -> None:
        """Items deleted (or gone): neither held nor kept any longer."""
        gone = list(ids)
        for item_id in gone:
            self._release(item_id)
            self._later.pop(item_id, None)
        if gone:
            self._store.drop(gone)

    def __len__(self) -> int:
        return len(self._items)

    def _hold(self, item_id: str, etag: str, packed: bytes) -> None:
        self._release(item_id)
        self._items[item_id] = (etag, packed)
        self._size += len(packed)
        while self._size > self._budget and self._items:
            _old, (_etag, dropped) = self._items.popitem(last=False)
            self._size -= len(dropped)

    def _release(self, item_id: str) -> None:
        held = self._items.pop(item_id, None)
        if held is not None:
            self._size -= len(held[1])
