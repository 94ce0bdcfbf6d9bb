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

Used by ``bench/suite.py`` as ``[storage] type = radicale_storage`` (this folder on Radicale's ``sys.path``).
"""

from __future__ import annotations

import threading
import time

from radicale.storage import multifilesystem

SWEEP_EVERY_S = 60.0
_last_sweep: dict[str, float] = {}
_lock = threading.Lock()


class Collection(multifilesystem.Collection):
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
