"""One in-flight budget per platform and app across every book the daemon runs (issue #18).

Far from its servers, a daemon cycle costs round trips ÷ calls in flight: 200 accounts whose no-change run is one
listing each, 40 ms away, take 8 s one after another and 1 s with 8 in flight. So the daemon runs many books at
once (``daemon.workers``) and lets this budget, not the number of threads, decide how much reaches one server:

- **Keyed by platform and app** (:class:`BudgetKey`): a connector type and where its calls go — the server's host
  for CardDAV and Google, the host and the app registration (client id) for Graph. Two Nextcloud servers have two
  budgets; the 200 mailboxes of one Graph app share one.
- **The unit is one request in flight where the connector can say so, else one connector call.** CardDAV takes
  the daemon's :class:`~contactsync.sharing.Sharing` and holds a slot around each HTTP request its lanes send
  (``max_in_flight`` per book), so a server never sees more requests at once than its budget, however many books
  run; its connections then come from the daemon's pools, at most the budget per server. Other connectors hold a
  slot for a whole call (a listing, a fetch, a batch of writes); a call may keep several requests in flight
  (Graph's ``$batch``, which the Outlook connector's per-app limiter bounds at 4 concurrent requests).
- **Limits come from the platform** (``ConnectorType.default_in_flight``) unless the admin sets
  ``daemon.max_in_flight`` for the type (0: no limit). A type without one (local folders) is not limited here.
- **A slow server only holds its own slots.** A call stuck on one host takes one slot of that host's budget;
  every other budget is untouched and the rest of its own stays usable, so the other accounts keep running as
  long as threads are free (workers exceed the budgets by default, see :func:`default_workers`).

Waiting for a slot calls ``check`` every so often, so a stopping daemon does not wait for a slot it will not use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..registry import UnknownConnector, connector_type
from ..settings import AccountSettings

__all__ = ["MAX_DEFAULT_WORKERS", "BudgetKey", "InFlightBudget", "Usage", "budget_key", "default_workers", "limit_for"]

#: option keys naming where an account's calls go, first found wins (CardDAV ``url``, Google ``endpoint``,
#: Graph ``graph_url``); a type with none of them shares one budget per type
_ENDPOINT_OPTIONS = ("url", "endpoint", "graph_url")
#: the most books run at once unless ``daemon.workers`` says otherwise: the store's connection pool holds 15
#: (SQLAlchemy's default 5 + 10 overflow), two go to the lease renewals and one to the main thread; more workers
#: would queue for a connection, and one waiting over 30 s fails its run
MAX_DEFAULT_WORKERS = 12
#: how often a wait for a slot looks whether the daemon is stopping
_CHECK_EVERY_S = 0.25


@dataclass(frozen=True, slots=True)
class BudgetKey:
    """Where a budget applies: a connector type and one server or app of it."""

    platform: str
    #: ``host[:port]`` of the account's server, plus ``/client id`` for an app registration; "" when unknown
    app: str

    def __str__(self) -> str:
        return f"{self.platform} {self.app}" if self.app else self.platform


def budget_key(account: AccountSettings) -> BudgetKey:
    """The budget an account's calls count against. Ids and hosts only: nothing here names a person."""
    options = account.options
    host = ""
    for option in _ENDPOINT_OPTIONS:
        value = options.get(option)
        if value:
            host = urlsplit(str(value)).netloc.lower()
            break
    client = options.get("client_id")
    app = f"{host}/{str(client).strip()}" if client else host
    return BudgetKey(account.type, app)


def limit_for(type_name: str, overrides: Mapping[str, int]) -> int | None:
    """Calls in flight at once per app of ``type_name``: the admin's ``daemon.max_in_flight`` (0: no limit) when
    given, else the type's own ``default_in_flight``; None: not limited."""
    if type_name in overrides:
        return overrides[type_name] or None
    try:
        return connector_type(type_name).default_in_flight
    except UnknownConnector:
        return None  # building the account's connector fails with this same error, and that run reports it


def default_workers(dialect: str, limits: Mapping[BudgetKey, int | None]) -> int:
    """Books run at once when ``daemon.workers`` is 0. SQLite: one (a single writer; more threads would only
    wait on its lock). PostgreSQL: enough threads to fill every budget in use plus as many again, so calls stuck on
    one slow server leave threads for the others — at least 4, at most :data:`MAX_DEFAULT_WORKERS`."""
    if dialect == "sqlite":
        return 1
    wanted = sum(limit or 1 for limit in limits.values())
    return max(4, min(MAX_DEFAULT_WORKERS, 2 * wanted))


@dataclass(frozen=True, slots=True)
class Usage:
    """One budget's figures: its limit (None: none), slots held now, the most at once, slots that were waited for
    (a slot is a request for connectors that share the budget per request, a call for the others)."""

    limit: int | None
    in_flight: int
    peak: int
    waited: int


@dataclass
class _Pool:
    limit: int | None
    #: signalled once per slot given back: one waiter of this key takes it (a server's requests can have a
    #: hundred threads waiting; waking them all for each answer would cost more than the answer)
    ready: threading.Condition
    in_flight: int = 0
    peak: int = 0
    waited: int = 0


class InFlightBudget:
    """Calls in flight per :class:`BudgetKey`, each key up to its limit. Thread-safe; shared by a daemon's runs."""

    def __init__(self, limit: Callable[[BudgetKey], int | None]) -> None:
        self._limit = limit
        self._pools: dict[BudgetKey, _Pool] = {}
        self._changed = threading.Lock()

    def _pool(self, key: BudgetKey) -> _Pool:
        pool = self._pools.get(key)
        if pool is None:
            limit = self._limit(key)
            if limit is not None and limit < 1:
                raise ValueError(f"{key}: an in-flight limit must be at least 1 (None: no limit)")
            pool = self._pools[key] = _Pool(limit, threading.Condition(self._changed))
        return pool

    @contextmanager
    def slot(self, key: BudgetKey, *, check: Callable[[], None] = lambda: None) -> Iterator[None]:
        """Hold one of ``key``'s slots for the block, waiting for one if all are taken. ``check`` is called while
        waiting and may raise to give up (the daemon stopping); the slot is then never taken."""
        with self._changed:
            pool = self._pool(key)
            if pool.limit is not None and pool.in_flight >= pool.limit:
                pool.waited += 1
                while pool.in_flight >= pool.limit:
                    check()
                    pool.ready.wait(_CHECK_EVERY_S)
            pool.in_flight += 1
            pool.peak = max(pool.peak, pool.in_flight)
        try:
            yield
        finally:
            with self._changed:
                pool.in_flight -= 1
                pool.ready.notify()

    def limit(self, key: BudgetKey) -> int | None:
        """``key``'s limit (None: none)."""
        with self._changed:
            return self._pool(key).limit

    def usage(self) -> dict[BudgetKey, Usage]:
        """Every budget used so far and its figures (for the bench, the tests and the metrics)."""
        with self._changed:
            return {k: Usage(p.limit, p.in_flight, p.peak, p.waited) for k, p in self._pools.items()}
