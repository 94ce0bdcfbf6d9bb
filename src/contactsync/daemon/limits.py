"""Per-account pacing and accounting around a connector: a token-bucket rate limiter and request counts.

The connectors and the engine already retry (bounded, Retry-After honoured); nothing here retries again. The
limiter only spaces calls out so an account stays under its platform's quota instead of learning it from 429s,
and the guard counts calls by outcome for the run summary and the metrics.

The unit is one connector call (a listing, a batch of writes, a tag-count read). Where a connector reports its
HTTP requests (``request_counts``), the summary uses that figure instead. A connector that takes the daemon's
:class:`~contactsync.sharing.Sharing` (``use_sharing``: CardDAV) holds the in-flight budget per HTTP request
instead of per call, and sends on the daemon's kept connections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..connector import Change, ChangeResult, Connector, PullResult, RemoteContact
from ..errors import ConnectorError, RateLimited, Transient
from ..model import Contact, Tag
from ..registry import Rate, UnknownConnector, connector_type
from ..sharing import ConnectionPools, Sharing

T = TypeVar("T")


def rate_of(per_second: float) -> Rate | None:
    """The rate an admin gives as calls per second (``daemon.rate_limits``, ``--rate-limit``): a burst of five
    seconds' worth, or None (no limit) for 0."""
    return Rate(per_second, max(1, int(per_second * 5))) if per_second else None


def rate_for(type_name: str, overrides: Mapping[str, Rate | None]) -> Rate | None:
    """The rate an account of ``type_name`` runs at: the admin's override when there is one (None: unlimited),
    else the type's own ``default_rate`` from the platform's published quota (see the connector's CONNECTOR_TYPE).

    Looked up per account type in use, so the daemon imports only the connectors its configuration names.
    """
    if type_name in overrides:
        return overrides[type_name]
    try:
        return connector_type(type_name).default_rate
    except UnknownConnector:
        # nothing to pace: building the account's connector fails with this same error, and that run reports it
        return None


class RateLimiter:
    """A token bucket: ``rate`` calls per second on average, ``burst`` at once. Thread-safe."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()
        self.waited_s = 0.0

    def acquire(self) -> float:
        """Take one token, sleeping until one is there. Returns the seconds waited."""
        with self._lock:
            at = self._clock()
            self._tokens = min(self.burst, self._tokens + (at - self._stamp) * self.rate)
            self._stamp = at
            self._tokens -= 1
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
            self.waited_s += wait
        if wait:
            self._sleep(wait)
        return wait


@dataclass
class CallCounts:
    """Connector calls by outcome: ok, rate_limited, transient, error."""

    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, status: str) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


class GuardedConnector:
    """A connector seen through the account's rate limiter, the daemon's in-flight budget (``slot``, see
    :mod:`.budget`) and call counter; otherwise the connector itself.

    The budget counts requests a server sees at once. A connector that sends several per call and can say so
    (``use_sharing``) is handed ``slot`` to hold around each of its HTTP requests, with the daemon's
    ``connections`` and the budget's ``slot_limit``; its calls then hold no slot of their own (a call holding one
    while its requests wait for others would count twice, and could wait on itself). Any other connector holds
    one slot per call."""

    def __init__(
        self,
        inner: Connector,
        limiter: RateLimiter | None,
        on_call: Callable[[str], None] | None = None,
        *,
        slot: Callable[[], AbstractContextManager[None]] | None = None,
        connections: ConnectionPools | None = None,
        slot_limit: int | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities = inner.capabilities
        self.limiter = limiter
        self.counts = CallCounts()
        self._on_call = on_call
        self._slot = slot
        #: seconds this account's calls (or requests) waited for a slot of the daemon's budget (other books had
        #: them all); requests wait on several threads at once, so the sum can exceed the run's wall
        self.slot_wait_s = 0.0
        self._wait_lock = threading.Lock()
        share = getattr(inner, "use_sharing", None)
        if slot is not None and callable(share):
            share(Sharing(self._timed(slot), connections, slot_limit))
            self._slot = None

    def _timed(self, slot: Callable[[], AbstractContextManager[None]]) -> Callable[[], AbstractContextManager[None]]:
        @contextmanager
        def timed() -> Iterator[None]:
            asked = time.monotonic()
            with slot():
                with self._wait_lock:
                    self.slot_wait_s += time.monotonic() - asked
                yield

        return timed

    def _call(self, what: Callable[[], T]) -> T:
        # the rate token first: a slot held while waiting for a token would keep another account's call out
        if self.limiter is not None:
            self.limiter.acquire()
        try:
            asked = time.monotonic()
            with self._slot() if self._slot is not None else nullcontext():
                self.slot_wait_s += time.monotonic() - asked
                result = what()
        except RateLimited:
            self._count("rate_limited")
            raise
        except Transient:
            self._count("transient")
            raise
        except ConnectorError:
            self._count("error")
            raise
        self._count("ok")
        return result

    def _count(self, status: str) -> None:
        self.counts.add(status)
        if self._on_call is not None:
            self._on_call(status)

    def requests(self) -> int:
        """HTTP requests where the connector counts them, else connector calls."""
        counted = getattr(self.inner, "request_counts", None)
        if isinstance(counted, Mapping) and counted:
            return sum(int(v) for v in counted.values())
        return self.counts.total

    def pull(self, state: str | None) -> PullResult:
        return self._call(lambda: self.inner.pull(state))

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        return self._call(lambda: self.inner.fetch(ids))

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        return self._call(lambda: self.inner.push(changes))

    def fit(self, contact: Contact) -> Contact:
        return self.inner.fit(contact)

    def tag_counts(self) -> Mapping[Tag, int]:
        return self._call(self.inner.tag_counts)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        # anything else a connector offers (request counts, discovery helpers) is the inner connector's
        return getattr(self.inner, name)
