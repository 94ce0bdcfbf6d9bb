"""The last contacts a vCard account fitted, so one contact's fit is computed once per run (#18).

The engine asks an account for the fit of one contact several times in a run: the plan, the write, what the
write does not carry, and the connector itself for what a card it creates holds. Each is a walk through the vCard
mapping, as costly as reading a card. The engine plans and pushes a chunk of contacts at a time, so the memo
holds the most recent ones, enough for a chunk's plan and its push (least recently used out first).

Keyed by the contact and its tags' spelling: contact equality ignores the case of tag names, a fit keeps it. A
CardDAV connector fits from its writing threads too: the memo is locked, the fit itself is computed outside.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from contactsync.model import Contact

#: twice the engine's chunk (2,000 contacts): a chunk's contacts as planned and as written
DEFAULT_SIZE = 4096


class FitMemo:
    """``memo(contact)`` is ``fit(contact)``, computed once for the last ``size`` contacts asked for."""

    def __init__(self, fit: Callable[[Contact], Contact], size: int = DEFAULT_SIZE) -> None:
        self._fit = fit
        self._size = size
        self._known: OrderedDict[tuple[Contact, tuple[str, ...]], Contact] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, contact: Contact) -> Contact:
        key = (contact, tuple(sorted(t.name for t in contact.tags)))
        with self._lock:
            known = self._known.get(key)
            if known is not None:
                self._known.move_to_end(key)
                return known
        fitted = self._fit(contact)
        with self._lock:
            self._known[key] = fitted
            if len(self._known) > self._size:
                self._known.popitem(last=False)
        return fitted


__all__ = ["DEFAULT_SIZE", "FitMemo"]
