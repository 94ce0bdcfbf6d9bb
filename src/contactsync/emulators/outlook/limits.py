"""Outlook's throttling and the faults a test asks for.

Outlook limits (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits): 10,000 requests per
10 minutes per app per mailbox, and 4 concurrent requests. Modelled:

- the budget per (app, mailbox), each ``$batch`` member counted as one request; only admitted requests use it,
  so a client that backs off is not punished for the 429s it received;
- the 4 concurrent requests per *app*, across mailboxes. The page says "per app per mailbox"; Microsoft's answers
  add that Graph dispatches up to four members of a ``$batch`` at once "irrespective of the target mailboxes"
  (learn.microsoft.com/answers/questions/1660054). The stricter reading is modelled: one app never has more than
  4 requests in flight, whatever mailboxes they target. A ``$batch`` holds min(4, members) slots while it runs;
  when fewer are free, the members of its first wave that find none answer 429, as Graph's do.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

BUDGET_WINDOW = timedelta(minutes=10)
BATCH_WAVE = 4  # members Graph dispatches at once


@dataclass(frozen=True)
class Throttled:
    retry_after: int
    message: str


CONCURRENCY = Throttled(1, "Application is over its MailboxConcurrency limit.")


class MailboxLimiter:
    """Concurrency slots per app (client id) and a sliding 10-minute budget per (client id, mailbox id)."""

    def __init__(self, now: Callable[[], datetime], *, max_concurrent: int, requests_per_window: int) -> None:
        self._now = now
        self.max_concurrent = max_concurrent
        self.requests_per_window = requests_per_window
        self._in_flight: dict[str, int] = {}
        self._admitted: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()
        #: the most requests one app ever had in flight, and how many were answered 429 (tests read them)
        self.peak: dict[str, int] = {}
        self.refused = 0

    def _budget(self, key: tuple[str, str], now: datetime) -> Throttled | None:
        admitted = self._admitted.setdefault(key, deque())
        while admitted and admitted[0] <= now - BUDGET_WINDOW:
            admitted.popleft()
        if len(admitted) >= self.requests_per_window:
            wait = (admitted[0] + BUDGET_WINDOW - now).total_seconds()
            return Throttled(max(1, math.ceil(wait)), "Application is over its request limit for this mailbox.")
        admitted.append(now)
        return None

    def _take(self, app: str, n: int) -> None:
        self._in_flight[app] = self._in_flight.get(app, 0) + n
        self.peak[app] = max(self.peak.get(app, 0), self._in_flight[app])

    def enter(self, key: tuple[str, str], *, slot_held: bool = False) -> Throttled | None:
        """Admit one request of app ``key[0]`` to mailbox ``key[1]``: a slot (unless its $batch holds one for it)
        and the budget. A Throttled answer means 429, and the request holds nothing."""
        now = self._now()
        app = key[0]
        with self._lock:
            if not slot_held and self._in_flight.get(app, 0) >= self.max_concurrent:
                self.refused += 1
                return CONCURRENCY
            refused = self._budget(key, now)
            if refused is not None:
                self.refused += 1
                return refused
            if not slot_held:
                self._take(app, 1)
            return None

    def leave(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._in_flight[key[0]] -= 1

    def reserve(self, app: str, wanted: int) -> int:
        """Slots for a $batch's parallel wave: as many of ``wanted`` as are free (maybe 0)."""
        with self._lock:
            held = max(0, min(wanted, self.max_concurrent - self._in_flight.get(app, 0)))
            self._take(app, held)
            return held

    def refuse(self) -> None:
        """Count a $batch member that found no slot in its batch's wave."""
        with self._lock:
            self.refused += 1

    def release(self, app: str, held: int) -> None:
        with self._lock:
            self._in_flight[app] -= held


@dataclass
class _FailRule:
    remaining: int
    status: int
    method: str | None
    path_contains: str | None


class Faults:
    """Faults armed by a test, consumed by the requests they match. Thread-safe.

    A rule without a path filter matches Graph operations only (top-level requests and each $batch member),
    never the identity endpoints nor the $batch envelope; give ``path_contains`` (e.g. "oauth2" or "$batch")
    to hit those.
    """

    def __init__(self) -> None:
        self.latency = 0.0
        self._fail_rules: list[_FailRule] = []
        self._drops = 0
        self._throttles: deque[int] = deque()
        self._lock = threading.Lock()

    def fail_next(self, n: int, status: int = 503, method: str | None = None, path_contains: str | None = None) -> None:
        with self._lock:
            self._fail_rules.append(_FailRule(n, status, method.upper() if method else None, path_contains))

    def drop_after_write_next(self, n: int) -> None:
        with self._lock:
            self._drops += n

    def throttle_next(self, n: int, retry_after: int = 1) -> None:
        with self._lock:
            self._throttles.extend([retry_after] * n)

    def clear(self) -> None:
        with self._lock:
            self.latency = 0.0
            self._fail_rules.clear()
            self._drops = 0
            self._throttles.clear()

    def take_failure(self, method: str, path: str, *, graph_operation: bool) -> int | None:
        with self._lock:
            for rule in self._fail_rules:
                if rule.method and rule.method != method:
                    continue
                if rule.path_contains is None and not graph_operation:
                    continue
                if rule.path_contains is not None and rule.path_contains.lower() not in path.lower():
                    continue
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._fail_rules.remove(rule)
                return rule.status
            return None

    def take_throttle(self) -> int | None:
        with self._lock:
            return self._throttles.popleft() if self._throttles else None

    def take_drop(self) -> bool:
        with self._lock:
            if self._drops <= 0:
                return False
            self._drops -= 1
            return True
