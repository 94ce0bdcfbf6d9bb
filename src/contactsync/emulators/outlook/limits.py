"""Outlook's throttling (per app per mailbox) and the faults a test asks for.

Outlook limits, as documented: 10,000 requests per 10 minutes and 4 concurrent requests, per app per mailbox.
Only admitted requests use the budget, so a client that backs off is not punished for the 429s it received.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

BUDGET_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Throttled:
    retry_after: int
    message: str


class MailboxLimiter:
    """Concurrency slots and a sliding 10-minute budget, keyed by (client id, mailbox id)."""

    def __init__(self, now: Callable[[], datetime], *, max_concurrent: int, requests_per_window: int) -> None:
        self._now = now
        self.max_concurrent = max_concurrent
        self.requests_per_window = requests_per_window
        self._in_flight: dict[tuple[str, str], int] = {}
        self._admitted: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    def enter(self, key: tuple[str, str]) -> Throttled | None:
        """Take a slot; a Throttled answer means the request must get 429 and holds no slot."""
        now = self._now()
        with self._lock:
            if self._in_flight.get(key, 0) >= self.max_concurrent:
                return Throttled(1, "Application is over its MailboxConcurrency limit.")
            admitted = self._admitted.setdefault(key, deque())
            while admitted and admitted[0] <= now - BUDGET_WINDOW:
                admitted.popleft()
            if len(admitted) >= self.requests_per_window:
                wait = (admitted[0] + BUDGET_WINDOW - now).total_seconds()
                return Throttled(max(1, math.ceil(wait)), "Application is over its request limit for this mailbox.")
            admitted.append(now)
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
            return None

    def leave(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._in_flight[key] -= 1


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
