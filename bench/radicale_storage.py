"""Radicale's own filesystem storage (``multifilesystem``) for the benchmark suite, with one change: the sweep of
expired history entries runs at most once a minute per collection instead of after every write.

Why: after every PUT and DELETE (and every sync REPORT) Radicale calls ``_clean_history``, which lists the
collection's whole history folder and ``stat``\\ s the card of every entry to find deleted cards whose history is
older than ``max_sync_token_age`` (30 days by default). That is O(N) per write, so a first sync of N cards is
O(N²): profiled through Radicale's WSGI application (no HTTP), a PUT costs 10 ms at 1,000 cards, 41 ms at
10,000, 129 ms at 30,000 and 263 ms at 50,000, and 94% of it is that sweep (2 million ``stat`` calls for 200
PUTs at 10,000 cards). 50,000 PUTs at 50,000 cards would take Radicale alone over three hours.

What it does not change: every answer. The sweep only deletes the history of cards deleted more than
``max_sync_token_age`` ago; nothing in a benchmark is 30 days old, and a long-lived server using this would only
report such an old deletion for up to a minute longer (RFC 6578 lets a server report a deletion to any token).
Cards, etags, sync tokens and change reports are Radicale's own code, untouched.

Second change, the same kind: Radicale checks on every PUT of a new card that no other card of the collection has
its UID (``has_uid``), by loading every item of the collection (from its cache, but a file open and an unpickle
each). That is O(N) per PUT again: profiled through the WSGI application at 2,000 cards, a PUT costs 127 ms and
``has_uid`` is 94% of it. Here the collection's UIDs are kept in memory per collection folder, checked against the
folder's modification time (a card added, replaced or removed by anyone else changes it: the index is then read
again from Radicale's own ``get_all``) and updated by this process's own uploads and deletes, which Radicale makes
under its exclusive write lock. The answer of ``has_uid`` is the same.

Used by ``bench/suite.py`` as ``[storage] type = radicale_storage`` (this folder on Radicale's ``sys.path``).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from radicale.storage import multifilesystem

SWEEP_EVERY_S = 60.0
_last_sweep: dict[str, float] = {}
_lock = threading.Lock()


@dataclass
class _Uids:
    """The UIDs of one collection folder's cards, as of the folder's modification time ``mtime_ns``."""

    mtime_ns: int
    by_href: dict[str, str] = field(default_factory=dict)


_uids: dict[str, _Uids] = {}


class Collection(multifilesystem.Collection):
    def has_uid(self, uid: str) -> bool:
        return uid in self._uids().by_href.values()

    def upload(self, href: str, item: Any) -> Any:
        known = self._current_uids()
        uploaded, replaced = super().upload(href, item)
        if known is not None:
            self._note(known, href, uploaded.uid)
        return uploaded, replaced

    def delete(self, href: str | None = None) -> None:
        known = self._current_uids() if href is not None else None
        super().delete(href)
        if href is None:
            with _lock:
                _uids.pop(self._filesystem_path, None)
        elif known is not None:
            self._note(known, href, None)

    def _current_uids(self) -> _Uids | None:
        """The index of this folder if it is still current (nobody changed the folder since it was made)."""
        with _lock:
            known = _uids.get(self._filesystem_path)
        if known is None or known.mtime_ns != os.stat(self._filesystem_path).st_mtime_ns:
            return None
        return known

    def _uids(self) -> _Uids:
        known = self._current_uids()
        if known is None:
            mtime_ns = os.stat(self._filesystem_path).st_mtime_ns
            known = _Uids(mtime_ns, {item.href: item.uid for item in self.get_all()})
            with _lock:
                _uids[self._filesystem_path] = known
        return known

    def _note(self, known: _Uids, href: str, uid: str | None) -> None:
        """This process's own write (under Radicale's write lock): the index follows it."""
        with _lock:
            if uid is None:
                known.by_href.pop(href, None)
            else:
                known.by_href[href] = uid
            known.mtime_ns = os.stat(self._filesystem_path).st_mtime_ns

    def _clean_history(self) -> None:
        now = time.monotonic()
        with _lock:
            last = _last_sweep.get(self._filesystem_path)
            if last is not None and now - last < SWEEP_EVERY_S:
                return
            _last_sweep[self._filesystem_path] = now
        super()._clean_history()


class Storage(multifilesystem.Storage):
    _collection_class = Collection
