"""An overall deadline for one HTTP request: connect, send, headers and the whole body.

An HTTP library's ``timeout`` bounds each wait for the next bytes, not the request: a server sending one byte a
second never trips it, and kept a sync busy for minutes with ``timeout: 10`` (issue #16). Inside
``with request_deadline(seconds):`` every connection a :class:`DeadlineAdapter` opens or reuses in this thread is
watched; when the deadline passes, the process's one watchdog thread shuts the socket down, which wakes the
blocked read at once, and the request fails with :class:`RequestDeadlineExceeded` (a ``requests`` timeout: the
transports translate it into ``Transient`` like any timeout). The run's deadline per account is the engine's
(:mod:`contactsync.engine`).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
import requests.adapters
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["DeadlineAdapter", "RequestDeadlineExceeded", "request_deadline", "watch_session"]

_local = threading.local()


class RequestDeadlineExceeded(requests.exceptions.Timeout):
    """The whole request took longer than its deadline (however fast each read was)."""


class _Deadline:
    """One request's deadline: the sockets its connections use, shut down when it passes (by :data:`_WATCHDOG`)."""

    __slots__ = ("_lock", "_sockets", "done", "expired", "seconds", "when")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.when = time.monotonic() + seconds
        self.expired = False
        #: the request ended (:meth:`finish`): nothing of it is shut down any more, even if the watchdog is late
        self.done = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def watch(self, sock: Any) -> None:
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self.done:
                return
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def finish(self) -> None:
        """The request is over: its sockets (kept-alive, back in their pool) are never shut down for it, and are
        no longer referenced from here while the entry waits in the watchdog's heap."""
        with self._lock:
            self.done = True
            self._sockets = []


class _Watchdog:
    """One thread for every request deadline of the process (#18): a heap of deadlines, the soonest first.

    A ``threading.Timer`` per request started a thread per request (about 0.2 ms of CPU each, and one more thread
    contending for the GIL while it lived). A finished request's entry is marked done and leaves the heap when it
    reaches the top (at once, when requests end in the order they began), or when done entries are most of the
    heap, which is then rebuilt without them."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # the thread does not survive a fork; its lock might

    def _reset(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._order = itertools.count()
        self._finished = 0
        self._thread: threading.Thread | None = None
        #: when the thread wakes up next by itself (inf: it waits to be told)
        self._waiting_until = math.inf

    def add(self, deadline: _Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.when, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="request-deadlines", daemon=True)
                self._thread.start()
            elif deadline.when < self._waiting_until:
                # sooner than what the thread waits for (requests of one timeout never are: no wake-up each)
                self._cond.notify()

    def finish(self, deadline: _Deadline) -> None:
        deadline.finish()
        with self._cond:
            if not deadline.expired:  # else the thread took it out of the heap
                self._finished += 1
            # requests mostly end in the order they began: the soonest entries are the finished ones
            while self._heap and self._heap[0][2].done:
                heapq.heappop(self._heap)
                self._finished -= 1
            if self._finished > 64 and self._finished * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
                self._finished = 0

    def _run(self) -> None:
        with self._cond:
            while True:
                at = time.monotonic()
                while self._heap and self._heap[0][0] <= at:
                    _when, _order, deadline = heapq.heappop(self._heap)
                    if deadline.done:
                        self._finished -= 1
                    else:
                        deadline.expire()  # takes the deadline's own lock only: never waits on this one
                # the soonest entry may be done already: the thread wakes for nothing then, and waits again
                self._waiting_until = self._heap[0][0] if self._heap else math.inf
                # a timeout past what a lock wait takes (`timeout: 1e10`, `.inf`) raised OverflowError and ended the
                # thread (found in review): such a wait is cut to the longest one and taken again
                self._cond.wait(min(self._waiting_until - at, threading.TIMEOUT_MAX) if self._heap else None)


_WATCHDOG = _Watchdog()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)  # wakes a read blocked in another thread; close() would not


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Bound everything sent and read through a :class:`DeadlineAdapter` in this block to ``seconds`` in total.

    Raises RequestDeadlineExceeded when the deadline cut the request short."""
    outer = getattr(_local, "deadline", None)
    current = _Deadline(seconds)
    _local.deadline = current
    _WATCHDOG.add(current)
    try:
        yield
    except Exception as exc:
        if current.expired:
            raise RequestDeadlineExceeded(
                f"no complete answer within {seconds:g}s (the request's overall deadline)"
            ) from exc
        raise
    finally:
        _WATCHDOG.finish(current)
        _local.deadline = outer


def _watch(sock: Any) -> None:
    current: _Deadline | None = getattr(_local, "deadline", None)
    if current is not None and sock is not None:
        current.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        _watch(self.sock)  # a kept-alive connection, reused
        return super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        _watch(self.sock)
        return super().request(*args, **kwargs)


class _Pool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _TlsPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """A ``requests`` adapter whose connections obey :func:`request_deadline` (and that never re-sends: urllib3
    retries stay off unless given)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TlsPool}


def watch_session(session: Any) -> None:
    """Make the connections of a session built elsewhere (caldav's niquests session, which shares urllib3 with
    ``requests``) obey :func:`request_deadline`, keeping its adapters and their settings."""
    for adapter in session.adapters.values():
        manager = getattr(adapter, "poolmanager", None)
        if manager is not None and hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = {"http": _Pool, "https": _TlsPool}
