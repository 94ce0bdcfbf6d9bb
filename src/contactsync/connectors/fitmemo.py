"""The last contacts a vCard account fitted, so one contact's fit is computed once per run (#18).

The engine asks an account for the fit of one contact several times in a run: the plan, the write, what the
write does not carry, and the connector itself for what a card it creates holds. Each is a walk through the vCard
mapping, as costly as reading a card. The engine plans and pushes a chunk of contacts at a time, so the memo
holds the most recent ones, enough for a chunk's plan and its push (least recently used out first).

Keyed by the contact and its tags' spelling: contact equality ignores the case of tag names, a fit keeps it. A
CardDAV connector fits from its writing threads too: the memo is locked, the fit itself is computed outside.

A contact parsed from an account's card is already its fit there (the vCard codec's contract, checked by
tests/test_fit_of_parsed.py): a connector ``seed``s the memo with each contact it reads, so the engine's first
question about it costs no walk (2,000 of a 2,000-card first sync's 4,000 fits, #18).
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable

from contactsync.model import Contact

#: twice the engine's chunk (2,000 contacts): a chunk's contacts as planned and as written
DEFAULT_SIZE = 4096


class FitMemo:
    """``memo(contact)`` is ``fit(contact)``, computed once for the last ``size`` contacts asked for."""

    def __init__(self, fit: Callable[[Contact], Contact], size: int = DEFAULT_SIZE) -> None:
        self._fit = fit
        self._size = size
        self._known: OrderedDict[_Key, Contact] = OrderedDict()
        self._lock = threading.Lock()
        # the same contacts by identity (each entry keeps its contact alive, so its id is not reused while there):
        # the engine asks about one contact object several times, and hashing a contact and its tags for the
        # key cost more than the rest of a lookup (#18). Emptied when full; the LRU above stays the memo.
        self._objects: dict[int, tuple[Contact, Contact]] = {}
        # contacts seeded but not yet in the LRU, oldest first: their keys are made only when the LRU is next
        # used (in the order they would have gone in). An account is asked about its own cards by identity, so a
        # first sync never hashes the contacts of the cards it read (#18)
        self._seeds: deque[Contact] = deque(maxlen=size)

    def __call__(self, contact: Contact) -> Contact:
        seen = self._objects.get(id(contact))
        if seen is not None and seen[0] is contact:
            return seen[1]
        key = _Key(contact)
        with self._lock:
            if self._seeds:
                self._file_seeds()
            known = self._known.get(key)
            if known is not None:
                self._known.move_to_end(key)
                self._object(contact, known)
                return known
        fitted = self._fit(contact)
        self._remember(key, contact, fitted)
        return fitted

    def know(self, contact: Contact, fitted: Contact) -> None:
        """Remember ``fitted`` as the fit of ``contact`` without computing it."""
        self._remember(_Key(contact), contact, fitted)

    def _remember(self, key: _Key, contact: Contact, fitted: Contact) -> None:
        with self._lock:
            if self._seeds:
                self._file_seeds()
            self._put(key, fitted)
            self._object(contact, fitted)

    def _put(self, key: _Key, fitted: Contact) -> None:
        self._known[key] = fitted
        self._known.move_to_end(key)
        if len(self._known) > self._size:
            self._known.popitem(last=False)

    def _file_seeds(self) -> None:
        """The pending seeds into the LRU (under the lock)."""
        while self._seeds:
            contact = self._seeds.popleft()
            self._put(_Key(contact), contact)

    def _object(self, contact: Contact, fitted: Contact) -> None:
        if len(self._objects) >= self._size:
            self._objects.clear()
        self._objects[id(contact)] = (contact, fitted)

    def seed(self, contact: Contact) -> None:
        """Remember a contact parsed from the account's own card: it is its own fit."""
        with self._lock:
            self._seeds.append(contact)
            self._object(contact, contact)


class _Key:
    """A contact and its tags' spelling, hashed once. A contact's hash walks all its values (a Python ``__hash__``
    per email, phone, address...) and is not cached: as a plain tuple the key was hashed again by every dict
    operation, three times for a contact fitted once and twice for one seeded (#18)."""

    __slots__ = ("contact", "hash", "tags")

    def __init__(self, contact: Contact) -> None:
        self.contact = contact
        self.tags = tuple(sorted(t.name for t in contact.tags)) if contact.tags else ()
        self.hash = hash((contact, self.tags))

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Key)
            and self.hash == other.hash
            and self.tags == other.tags
            and self.contact == other.contact
        )


__all__ = ["DEFAULT_SIZE", "FitMemo"]
