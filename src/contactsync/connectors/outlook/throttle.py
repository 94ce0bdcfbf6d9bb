"""One limiter per app registration, shared by every mailbox this process syncs with it (#14, divergence 9).

Graph's Outlook limits (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits): 4 concurrent
requests and 10,000 requests per 10 minutes, per app per mailbox; a ``$batch`` counts each member as a request,
and Graph dispatches up to 4 members of one batch at once whatever mailboxes they target. The daemon runs up to 4
books at once (threads of one process), each possibly on another mailbox of the same app, so the limiter is keyed
by the app — (authority, tenant, client id) — and holds:

- 4 concurrency slots for the whole app, across mailboxes (stricter than "per mailbox": Graph runs a batch's
  members 4 at a time irrespective of mailbox, and slots freed per mailbox would let 4 mailboxes × a batch each
  exceed what one app is given). A request takes one slot, a parallel ``$batch`` of n members min(4, n), a
  sequential one (its members chained by ``dependsOn``, run one after another) one: four sequential batches of
  20 keep the app's four slots busy while each envelope crosses the network (#18);
- a sliding 10-minute budget per mailbox, a batch's members counted one by one. A request that would exceed it
  waits for the oldest requests to leave the window, up to ``max_wait``; beyond that it raises RateLimited with
  the wait, so the run reports it instead of hanging.

Other processes using the same app (a second daemon host) are not seen; Graph's own 429 remains the last word.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from contactsync.errors import RateLimited

MAX_CONCURRENT = 4
REQUESTS_PER_WINDOW = 10_000
WINDOW_S = 600.0


@dataclass(frozen=True, slots=True)
class AppKey:
    """One app registration in one tenant of one cloud."""

    authority: str
    tenant: str
    client_id: str


class AppLimiter:
    """Concurrency slots for one app and a request budget per mailbox. Thread-safe."""

    def __init__(
        self,
        *,
        max_concurrent: int = MAX_CONCURRENT,
        per_window: int = REQUESTS_PER_WINDOW,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_concurrent = max_concurrent
        self.per_window = per_window
        self.window_s = window_s
        self._clock = clock
        self._free = max_concurrent
        self._sent: dict[str, deque[float]] = {}
        self._queue: deque[object] = deque()  # requests waiting for slots, in arrival order
        self._changed = threading.Condition()
        #: the most slots ever held at once (tests and benchmarks read it)
        self.peak = 0

    def _budget_wait(self, mailbox: str, requests: int, now: float) -> float:
        sent = self._sent.setdefault(mailbox, deque())
        while sent and sent[0] <= now - self.window_s:
            sent.popleft()
        over = len(sent) + requests - self.per_window
        if over <= 0:
            return 0.0
        # the request fits once the `over` oldest have left the window
        return sent[min(over, len(sent)) - 1] + self.window_s - now

    @contextmanager
    def slots(
        self, mailbox: str, requests: int, *, max_wait: float, account: str, width: int | None = None
    ) -> Iterator[None]:
        """Hold min(4, ``width``) slots while ``requests`` requests (a batch's members) go to ``mailbox``; ``width``
        is how many of them may run at once (default: all of them, as in a parallel batch).

        Raises RateLimited when the mailbox's budget frees up only after more than ``max_wait`` seconds."""
        wanted = max(1, min(self.max_concurrent, requests if width is None else width))
        ticket = object()
        with self._changed:
            try:
                while True:
                    now = self._clock()
                    wait = self._budget_wait(mailbox, requests, now)
                    if wait > max_wait:
                        raise RateLimited(
                            f"account {account}: this app's budget of {self.per_window} Graph requests per "
                            f"{self.window_s / 60:.0f} minutes for the mailbox is spent",
                            retry_after=math.ceil(wait),
                            account=account,
                        )
                    if wait > 0:
                        # waiting for this mailbox's budget holds no place in the queue: other mailboxes go on
                        if ticket in self._queue:
                            self._queue.remove(ticket)
                            self._changed.notify_all()
                        self._changed.wait(timeout=wait)
                        continue
                    if ticket not in self._queue:
                        self._queue.append(ticket)
                    # first come, first served: a batch wanting 4 slots is not starved by single requests
                    if self._queue[0] is ticket and self._free >= wanted:
                        break
                    self._changed.wait()
            except BaseException:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                    self._changed.notify_all()
                raise
            self._queue.popleft()
            self._free -= wanted
            self.peak = max(self.peak, self.max_concurrent - self._free)
            self._sent[mailbox].extend([now] * requests)
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._free += wanted
                self._changed.notify_all()


_LIMITERS: dict[AppKey, AppLimiter] = {}
_LOCK = threading.Lock()


def limiter_for(key: AppKey) -> AppLimiter:
    """The process's one limiter for this app (made on first use)."""
    with _LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            limiter = _LIMITERS[key] = AppLimiter()
        return limiter


#: the longest a request waits for the mailbox's budget before the run is told RateLimited instead
BUDGET_MAX_WAIT = 60.0


@dataclass(frozen=True, slots=True)
class Limit:
    """Which limiter a session's Graph requests go through, and for which mailbox."""

    graph_url: str
    limiter: AppLimiter
    mailbox: str
    account: str


class LimitedSession(requests.Session):
    """A session whose requests to Graph hold the app's slots and budget (token requests pass freely): every
    request the connector sends, a retry included, goes through it, whichever layer decides to send it."""

    def __init__(self, limit: Limit) -> None:
        super().__init__()
        self.limit = limit
        self._prefix = limit.graph_url.rstrip("/") + "/"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        target = url.decode() if isinstance(url, bytes) else url
        if not target.startswith(self._prefix):
            return super().request(method, url, *args, **kwargs)
        body = kwargs.get("json")
        batch = target.rstrip("/").endswith("/$batch") and isinstance(body, Mapping)
        members = body.get("requests") if batch and isinstance(body, Mapping) else None
        count = len(members) if isinstance(members, list) and members else 1
        # Graph's batches are fully parallel or fully sequential: one chained member runs at a time
        chained = isinstance(members, list) and any(isinstance(m, Mapping) and m.get("dependsOn") for m in members)
        width = 1 if chained else count
        with self.limit.limiter.slots(
            self.limit.mailbox, count, max_wait=BUDGET_MAX_WAIT, account=self.limit.account, width=width
        ):
            return super().request(method, url, *args, **kwargs)
