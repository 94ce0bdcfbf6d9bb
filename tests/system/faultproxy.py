"""A loopback HTTP proxy in front of Radicale that injects the faults of a real CardDAV server and the network
before it: 5xx (with or without Retry-After), 429, a connection dropped after a write was applied (the answer
lost), and sync tokens the server no longer accepts.

Radicale has no fault knobs of its own, and its behaviour is what the CardDAV connector must meet, so the
proxy changes nothing it forwards: bytes in, bytes out. A fault either answers instead of Radicale (the
request never reaches it: nothing applied) or forwards and then withholds the answer.

An expired token is answered the way RFC 6578 section 3.2 has servers refuse one, with the
``DAV:valid-sync-token`` precondition in a ``DAV:error`` body: 403, as Radicale itself and most servers send
(the CardDAV connector treats 403, 409 or 412 with that precondition, and a bare 412, as "list everything
again"), or 409, which RFC 4918 section 16 allows for any precondition failure and some servers send.

``on_write`` is called after Radicale answered a PUT or DELETE and before the client gets the answer; the
whole-system test uses it to SIGKILL a ``contactsync sync`` process exactly there (write applied, answer
lost, process dead).
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import urlsplit

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
        "content-length",
    }
)
_SYNC_TOKEN = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?sync-token(?:\s[^>]*)?>\s*([^<\s][^<]*?)\s*</", re.S)
_SYNC_COLLECTION = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?sync-collection[\s>]")
VALID_SYNC_TOKEN_ERROR = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>'
)
WRITES = ("PUT", "DELETE")

WriteHook = Callable[[str, str, int], None]


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: int | None
    method: str | None


class FaultProxy:
    """One proxy on ``127.0.0.1:<free port>`` forwarding to ``upstream`` (``http://host:port``). Thread-safe:
    the test arms faults while the connector's requests go through."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        assert parts.scheme == "http" and parts.hostname and parts.port, upstream
        self.upstream = (parts.hostname, parts.port)
        self.requests: Counter[str] = Counter()
        self.writes = 0  # PUTs and DELETEs Radicale answered (whatever the client then got)
        self.faults_served: Counter[str] = Counter()
        self.internal_errors: list[BaseException] = []
        self.on_write: WriteHook | None = None
        self._failures: list[_Failure] = []
        self._drops = 0
        self._expired_status: int | None = None  # set once tokens were expired: the status to refuse them with
        self._valid_tokens: set[bytes] = set()  # tokens issued since the last expiry
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------------------- lifecycle
    def start(self) -> FaultProxy:
        self._server = _Server(("127.0.0.1", 0), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="dav-fault-proxy", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "the proxy is not started"
        return f"http://127.0.0.1:{self._server.server_port}"

    def proxied(self, url: str) -> str:
        """``url`` (on the upstream server) as seen through the proxy."""
        parts = urlsplit(url)
        return self.url + parts.path + (f"?{parts.query}" if parts.query else "")

    # ----------------------------------------------------------------------------------------- faults
    def fail_next(
        self, n: int, status: int = 503, *, retry_after: int | None = None, method: str | None = None
    ) -> None:
        """Answer the next ``n`` requests (of ``method``, if given) with ``status`` without forwarding them."""
        with self._lock:
            self._failures.append(_Failure(n, status, retry_after, method))

    def throttle_next(self, n: int, retry_after: int | None = 0) -> None:
        """429 Too Many Requests for the next ``n`` requests (``Retry-After: retry_after`` unless None)."""
        self.fail_next(n, 429, retry_after=retry_after)

    def drop_after_write_next(self, n: int) -> None:
        """Forward the next ``n`` PUTs or DELETEs, then close the connection without answering."""
        with self._lock:
            self._drops += n

    def expire_sync_tokens(self, status: int = 403) -> None:
        """Every sync token issued so far is refused from now on (``status`` + ``DAV:valid-sync-token``), like
        a server that forgot its change log. Not undone by ``clear``: a forgotten token stays forgotten."""
        with self._lock:
            self._expired_status = status
            self._valid_tokens.clear()

    @property
    def expired_status(self) -> int | None:
        """The status expired tokens are refused with (None: no token was expired)."""
        with self._lock:
            return self._expired_status

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._drops = 0

    # ----------------------------------------------------------------------------------------- plumbing
    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.method in (None, method):
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.remove(failure)
                    return failure
            return None

    def _take_drop(self, method: str) -> bool:
        with self._lock:
            if method not in WRITES or self._drops <= 0:
                return False
            self._drops -= 1
            return True

    def _refuses_token(self, method: str, body: bytes) -> int | None:
        if method != "REPORT" or not _SYNC_COLLECTION.search(body):
            return None
        match = _SYNC_TOKEN.search(body)
        with self._lock:
            if match is None or self._expired_status is None or match.group(1) in self._valid_tokens:
                return None
            return self._expired_status

    def _saw_answer(self, method: str, path: str, status: int, body: bytes) -> None:
        with self._lock:
            self.requests[method] += 1
            if method in ("REPORT", "PROPFIND") and self._expired_status is not None:
                self._valid_tokens.update(m.group(1) for m in _SYNC_TOKEN.finditer(body))
            if method in WRITES:
                self.writes += 1
            hook = self.on_write if method in WRITES else None
        if hook is not None:
            hook(method, path, status)


def _decoded(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    """The body as Radicale meant it (for reading tokens; what is forwarded stays as it came)."""
    encoding = next((v.strip().lower() for n, v in headers if n.lower() == "content-encoding"), "")
    if encoding in ("gzip", "deflate", "x-gzip"):
        return zlib.decompress(body, 47)  # 47: a gzip or zlib header, whichever is there
    return body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], proxy: FaultProxy) -> None:
        super().__init__(address, _Handler)
        self.proxy = proxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return  # a client that went away (or was killed) mid-answer
        if exc is not None:
            self.proxy.internal_errors.append(exc)


class RelayHandler(BaseHTTPRequestHandler):
    """What a test's HTTP front needs: a request's body read (plain or chunked) and an answer of known length."""

    protocol_version = "HTTP/1.1"
    #: add our own Server and Date headers (off for a front that passes the upstream's Date on, shifted)
    own_headers: ClassVar[bool] = True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        if self.own_headers:
            self.send_response(status)
        else:
            self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Handler(RelayHandler):
    server: _Server
    _upstream: http.client.HTTPConnection | None = None

    def do_GET(self) -> None:
        self._forward()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_GET
    do_PROPFIND = do_PROPPATCH = do_REPORT = do_MKCOL = do_MOVE = do_COPY = do_GET

    def _forward(self) -> None:
        proxy = self.server.proxy
        method = self.command
        body = self._read_body()
        failure = proxy._take_failure(method)
        if failure is not None:
            proxy.faults_served[str(failure.status)] += 1
            headers = [("Content-Type", "text/plain")]
            if failure.retry_after is not None:
                headers.append(("Retry-After", str(failure.retry_after)))
            self._answer(failure.status, f"injected {failure.status}\n".encode(), headers)
            return
        refused = proxy._refuses_token(method, body)
        if refused is not None:
            proxy.faults_served[f"sync-token-{refused}"] += 1
            self._answer(refused, VALID_SYNC_TOKEN_ERROR, [("Content-Type", "application/xml; charset=utf-8")])
            return
        try:
            status, headers, answer = self._upstream_request(method, body)
        except OSError as exc:  # Radicale itself failed us: a bug of the test setup, not an injected fault
            proxy.internal_errors.append(exc)
            self._answer(502, b"upstream failed\n", [("Content-Type", "text/plain")])
            return
        proxy._saw_answer(method, self.path, status, _decoded(answer, headers))
        if proxy._take_drop(method):
            proxy.faults_served["drop"] += 1
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._answer(status, answer, headers)

    def _upstream_request(self, method: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = {name: value for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP}
        while True:
            reused = self._upstream is not None
            if self._upstream is None:
                self._upstream = http.client.HTTPConnection(*self.server.proxy.upstream, timeout=600)
            try:
                self._upstream.request(method, self.path, body=body, headers=headers)
                response = self._upstream.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._upstream.close()
                self._upstream = None
                if reused:
                    continue  # Radicale had closed the idle keep-alive connection: nothing reached it
                raise
            kept = [(n, v) for n, v in response.getheaders() if n.lower() not in _HOP_BY_HOP]
            if response.will_close:
                self._upstream.close()
                self._upstream = None
            return response.status, kept, data

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        if self._upstream is not None:
            self._upstream.close()
            self._upstream = None

    def log_message(self, format: str, *args: object) -> None:
        return
