"""An overall deadline for one HTTP request: connect, send, headers and the whole body.

An HTTP library's ``timeout`` bounds each wait for the next bytes, not the request: a server sending one byte a
second never trips it, and kept a sync busy for minutes with ``timeout: 10`` (issue #16). Inside
``with request_deadline(seconds):`` every connection a :class:`DeadlineAdapter` opens or reuses in this thread is
watched; when the deadline passes, a timer shuts the socket down, which wakes the blocked read at once, and the
request fails with :class:`RequestDeadlineExceeded` (a ``requests`` timeout: the transports translate it into
``Transient`` like any timeout). The run's deadline per account is the engine's (:mod:`contactsync.engine`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
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
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock: Any) -> None:
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


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
    current._timer.start()
    try:
        yield
    except Exception as exc:
        if current.expired:
            raise RequestDeadlineExceeded(
                f"no complete answer within {seconds:g}s (the request's overall deadline)"
            ) from exc
        raise
    finally:
        current._timer.cancel()
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
