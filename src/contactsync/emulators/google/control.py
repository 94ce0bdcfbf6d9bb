"""The knobs tests turn: the emulator's clock, injected faults, request kinds and per-user quotas.

Everything here is shared between the HTTP threads and the test thread, so each class guards its own state
with a lock; none of them knows about HTTP.
"""

from __future__ import annotations

import enum
import math
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from .errors import ApiError, ErrorInfo


class RequestKind(enum.Enum):
    """What a request asked for; ``PeopleEmulator.requests`` counts requests by kind."""

    LIST_CONNECTIONS = "list_connections"
    LIST_DIRECTORY = "list_directory"
    ADMIN_DIRECTORY = "admin_directory"  # an Admin SDK Directory API request (a group's members)
    GET = "get"
    BATCH_GET = "batch_get"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    BATCH_CREATE = "batch_create"
    BATCH_UPDATE = "batch_update"
    BATCH_DELETE = "batch_delete"
    HTTP_BATCH = "http_batch"
    GROUPS_LIST = "groups_list"
    GROUPS_GET = "groups_get"
    GROUPS_MUTATE = "groups_mutate"
    MEMBERS_MODIFY = "members_modify"
    TOKEN = "token"
    AUTHORIZE = "authorize"

    @property
    def is_write(self) -> bool:
        return self in _WRITE_KINDS

    @property
    def is_read(self) -> bool:
        return self not in _WRITE_KINDS and self not in (
            RequestKind.HTTP_BATCH,
            RequestKind.TOKEN,
            RequestKind.AUTHORIZE,
        )


_WRITE_KINDS = frozenset(
    {
        RequestKind.CREATE,
        RequestKind.UPDATE,
        RequestKind.DELETE,
        RequestKind.BATCH_CREATE,
        RequestKind.BATCH_UPDATE,
        RequestKind.BATCH_DELETE,
        RequestKind.GROUPS_MUTATE,
        RequestKind.MEMBERS_MODIFY,
    }
)


class Clock:
    """Wall-clock time plus an offset that tests move forward (sync-token expiry, quota windows)."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta():
            raise ValueError("the emulator's clock only moves forward")
        with self._lock:
            self._offset += delta


@dataclass(frozen=True)
class _Rule:
    """One armed fault: how many more requests it hits and which ones."""

    remaining: int
    status: int = 503
    method: str | None = None
    path_contains: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path


class FaultPlan:
    """Faults armed by tests; the HTTP layer consults it for every request (batch parts included)."""

    def __init__(self) -> None:
        self.latency: float = 0.0
        #: seconds a mutation takes inside the emulator (another mutation for the same user meanwhile is refused)
        self.mutation_seconds: float = 0.0
        #: how long after a write Google may still refuse the person's fresh etag as "different" (etag lag)
        self.etag_lag: timedelta = timedelta()
        self._failures: list[_Rule] = []
        self._drops: list[_Rule] = []
        self._sync_token_generation = 0
        self._lock = threading.Lock()

    def fail_next(self, n: int, status: int = 503, method: str | None = None, path_contains: str | None = None) -> None:
        """Answer the next ``n`` matching requests with ``status`` before they touch any state."""
        with self._lock:
            self._failures.append(_Rule(n, status, method, path_contains))

    def drop_after_write_next(self, n: int, path_contains: str | None = None) -> None:
        """Apply the next ``n`` matching writes, then close the socket without answering."""
        with self._lock:
            self._drops.append(_Rule(n, path_contains=path_contains))

    def expire_sync_tokens(self) -> None:
        """Every sync token issued so far is rejected as expired from now on."""
        with self._lock:
            self._sync_token_generation += 1

    def clear(self) -> None:
        with self._lock:
            self.latency = 0.0
            self.mutation_seconds = 0.0
            self.etag_lag = timedelta()
            self._failures.clear()
            self._drops.clear()

    @property
    def sync_token_generation(self) -> int:
        with self._lock:
            return self._sync_token_generation

    def take_failure(self, method: str, path: str) -> int | None:
        """The status to fail this request with, consuming one shot of the first matching rule."""
        with self._lock:
            return _consume(self._failures, method, path, lambda rule: rule.status)

    def take_drop(self, method: str, path: str) -> bool:
        with self._lock:
            return _consume(self._drops, method, path, lambda rule: True) is not None


_T = TypeVar("_T")


def _consume(rules: list[_Rule], method: str, path: str, pick: Callable[[_Rule], _T]) -> _T | None:
    for index, rule in enumerate(rules):
        if rule.matches(method, path):
            if rule.remaining <= 1:
                del rules[index]
            else:
                rules[index] = _Rule(rule.remaining - 1, rule.status, rule.method, rule.path_contains)
            return pick(rule)
    return None


@dataclass(frozen=True)
class QuotaLimits:
    """Requests allowed per user per clock minute; ``None`` means unlimited."""

    reads_per_minute: int | None = None
    writes_per_minute: int | None = None
    full_sync_first_pages_per_minute: int | None = None
    #: Google's 429 for a per-minute quota often carries no Retry-After: off by default, the stricter case
    retry_after: bool = False


class QuotaMeter:
    """Per-user counters in fixed windows aligned to the emulator clock's minutes, like Google's."""

    def __init__(self, limits: QuotaLimits, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        self._used: dict[tuple[str, str, int], int] = defaultdict(int)
        self._lock = threading.Lock()

    def charge(self, user: str, kind: RequestKind, *, full_sync_first_page: bool = False) -> None:
        """Count one request; raise 429 RESOURCE_EXHAUSTED if it is over a limit (and do not count it)."""
        charges: list[tuple[str, int | None, str, str]] = []
        if kind.is_write:
            charges.append(("write", self.limits.writes_per_minute, "Write requests", "write_requests"))
        elif kind.is_read:
            charges.append(("read", self.limits.reads_per_minute, "Read requests", "read_requests"))
        if full_sync_first_page:
            charges.append(
                (
                    "full_sync",
                    self.limits.full_sync_first_pages_per_minute,
                    "Sync requests - full sync first page",
                    "full_sync_requests",
                )
            )
        now = self._clock.now()
        minute = int(now.timestamp() // 60)
        with self._lock:
            for bucket, limit, label, metric in charges:
                if limit is not None and self._used[(user, bucket, minute)] >= limit:
                    retry_after = max(1, math.ceil(60 - now.timestamp() % 60)) if self.limits.retry_after else None
                    raise _quota_exceeded(label, metric, retry_after)
            for bucket, _limit, _label, _metric in charges:
                self._used[(user, bucket, minute)] += 1


def _quota_exceeded(label: str, metric: str, retry_after: int | None) -> ApiError:
    limit_name = label.replace(" - ", " ").title().replace(" ", "") + "PerMinutePerUser"
    return ApiError(
        429,
        "RESOURCE_EXHAUSTED",
        f"Quota exceeded for quota metric '{label}' and limit '{label} per minute per user' of service "
        "'people.googleapis.com' for consumer 'project_number:000000000000'.",
        info=ErrorInfo(
            "RATE_LIMIT_EXCEEDED",
            domain="googleapis.com",
            metadata={
                "quota_metric": f"people.googleapis.com/{metric}",
                "quota_limit": limit_name,
                "service": "people.googleapis.com",
                "consumer": "projects/000000000000",
            },
        ),
        headers=(("Retry-After", str(retry_after)),) if retry_after is not None else (),
    )
