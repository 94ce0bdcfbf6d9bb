"""What a daemon lends the connectors it runs: its per-server request budget and its kept-alive connections.

A one-off ``contactsync sync`` lends nothing: each connector keeps up to its own ``max_in_flight`` requests in
flight on connections of its own, closed with it. A daemon runs many accounts of one server at once (issue #18),
and there two things must be shared rather than multiplied per account:

- **Requests in flight.** The daemon's budget (:mod:`contactsync.daemon.budget`) is a number of requests one
  server sees at once. A connector that sends several requests per call (CardDAV's lanes, :mod:`.parallel`)
  takes a :class:`Sharing` (its ``use_sharing``) and holds one slot of ``request_slot`` around each HTTP request
  it sends, so eight books each with eight lanes still put at most the budget's requests on their server.
- **Connections.** :class:`ConnectionPools` holds one pool per server (and TLS setting) for the daemon's life:
  every account and every run of that server takes its connections from there instead of opening its own, so a
  cycle of 200 accounts opens as many connections as requests were ever in flight at once, not 200.

**Opened ahead.** A connector that can open its server's connections before sending anything says so with an
``open_connections(count) -> int`` method (:class:`OpensConnections`); a daemon calls it once per server in its
start-up, for one account of that server, after handing it the daemon's :class:`Sharing`, so that its first
cycle's first requests find the connections open as every later cycle's do (#18).

A pool holds connections and nothing else: credentials, negotiated logins (digest nonces) and cookies belong to
each account's own HTTP session, and the pools keep no cookie at all, so nothing of one account's login reaches
another account's requests. (Logins bound to a connection, such as NTLM, would break that; no connector here
uses one.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, TypeVar, runtime_checkable

__all__ = ["ConnectionPools", "OpensConnections", "RequestSlot", "Sharing"]

#: held around each request a connector sends; waits while the server's budget is used up
RequestSlot = Callable[[], AbstractContextManager[None]]


class _Closable(Protocol):
    def close(self) -> None: ...


P = TypeVar("P", bound=_Closable)


class ConnectionPools:
    """Connection pools by key (a connector type, a server, its TLS setting), made on first use and kept until
    :meth:`close`. Thread-safe; what a pool is belongs to the connector that makes it."""

    def __init__(self) -> None:
        self._pools: dict[Hashable, _Closable] = {}
        self._lock = threading.Lock()
        self._closed = False

    def get(self, key: Hashable, make: Callable[[], P]) -> P:
        """The pool under ``key``, made with ``make`` the first time. ``make`` must always make the same type
        for one key (the key names what the pool is for)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the connection pools are closed")
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = make()
            return pool  # type: ignore[return-value]  # one key, one maker, one type (see above)

    def __len__(self) -> int:
        with self._lock:
            return len(self._pools)

    def close(self) -> None:
        """Close every pool's connections; the pools are not used again."""
        with self._lock:
            pools, self._pools, self._closed = list(self._pools.values()), {}, True
        for pool in pools:
            pool.close()


@runtime_checkable
class OpensConnections(Protocol):
    """A connector that opens the daemon's connections to its server ahead of its first request (a daemon's
    start-up, see the module docstring): up to ``count`` (TCP and TLS, no request), on the :class:`Sharing` it
    was given; returns how many are open. Raises nothing: a connection it cannot open is left to the request that
    needs it."""

    def open_connections(self, count: int) -> int: ...


@dataclass(frozen=True, slots=True)
class Sharing:
    """What one account's connector borrows from the daemon for a run (see the module docstring)."""

    #: held around each HTTP request to the account's server: the daemon's budget for that server
    request_slot: RequestSlot
    #: the daemon's connection pools; None: the connector keeps connections of its own
    connections: ConnectionPools | None = None
    #: the most requests ``request_slot`` lets through at once (None: no limit): a pool keeps this many
    #: connections, and opening more would only have them closed again
    max_in_flight: int | None = None
