"""A loopback front for a real CardDAV server that forwards every request and can change an answer the way a
broken server would, and counts what crosses it (per method, and how many were in flight at once).

The server behind it stays the one answering: a rule only rewrites one kind of answer (a listing's hrefs sent
raw, a multiget answered 404 for every card), refuses one kind of request (a group card's update as locked) or
redirects it; everything else goes through as the server sent it.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from tests.system.faultproxy import RelayHandler

#: a refusal's "status" for closing the connection without answering (the request never reaches the server)
DROP = 0
#: ``(method, path, request headers, request body)`` → a status to answer instead of the server (or :data:`DROP`),
#: or None to forward the request
Refusal = Callable[[str, str, Mapping[str, str], bytes], int | None]
#: ``(method, request body, status, answer body)`` → the answer body to send instead
Rewrite = Callable[[str, bytes, int, bytes], bytes]
#: ``(method, path)`` → where to send the request instead (a path on the front, answered 302 Found with it as the
#: Location), or None to forward it
Redirect = Callable[[str, str], str | None]

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}
)
_HREF = re.compile(rb"(<(?:[A-Za-z][\w.-]*:)?href>)([^<]*)(</)")


class Relay:
    """One front on ``127.0.0.1:<free port>`` for ``upstream`` (``http://host:port``)."""

    def __init__(
        self,
        upstream: str,
        *,
        rewrite: Rewrite | None = None,
        refuse: Refusal | None = None,
        delay: Mapping[str, float] | None = None,
        redirect: Redirect | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        assert parts.scheme == "http" and parts.hostname and parts.port, upstream
        self.upstream = (parts.hostname, parts.port)
        self.rewrite = rewrite
        self.refuse = refuse
        self.redirect = redirect
        #: seconds a request of each method is held before it is answered: long enough for requests sent together
        #: to be seen together (the tests count them, they time nothing)
        self.delay = dict(delay or {})
        self.requests: Counter[str] = Counter()
        #: the most requests of each method the front was handling at once
        self.most_in_flight: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.redirected: Counter[str] = Counter()
        self._in_flight: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Relay:
        self._server = _Server(("127.0.0.1", 0), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def proxied(self, url: str) -> str:
        """``url`` (on the server) as seen through the front."""
        assert self._server is not None, "the relay is not started"
        return f"http://127.0.0.1:{self._server.server_port}{urlsplit(url).path}"

    def _enter(self, method: str) -> None:
        with self._lock:
            self.requests[method] += 1
            self._in_flight[method] += 1
            self.most_in_flight[method] = max(self.most_in_flight[method], self._in_flight[method])

    def _leave(self, method: str) -> None:
        with self._lock:
            self._in_flight[method] -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], relay: Relay) -> None:
        super().__init__(address, _Handler)
        self.relay = relay


class _Handler(RelayHandler):
    server: _Server

    def do_GET(self) -> None:
        relay = self.server.relay
        method = self.command
        body = self._read_body()
        relay._enter(method)
        try:
            moved = relay.redirect(method, self.path) if relay.redirect else None
            if moved is not None:
                with relay._lock:
                    relay.redirected[method] += 1
                self._answer(302, b"", [("Location", moved)])
                return
            refused = relay.refuse(method, self.path, dict(self.headers.items()), body) if relay.refuse else None
            if refused is not None:
                with relay._lock:
                    relay.refused[method] += 1
                if refused == DROP:
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self._answer(refused, b"", [("Content-Type", "text/plain")])
                return
            status, headers, answer = self._upstream(method, body)
            if relay.delay.get(method):
                time.sleep(relay.delay[method])
            if relay.rewrite is not None:
                answer = relay.rewrite(method, body, status, answer)
            self._answer(status, answer, headers)
        finally:
            relay._leave(method)

    do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCOL = do_OPTIONS = do_GET

    def _upstream(self, method: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        # identity bodies only: a rule reads and rewrites the answer as it stands
        headers = {n: v for n, v in self.headers.items() if n.lower() not in _HOP_BY_HOP | {"accept-encoding"}}
        connection = http.client.HTTPConnection(*self.server.relay.upstream, timeout=60)
        try:
            connection.request(method, self.path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            kept = [(n, v) for n, v in response.getheaders() if n.lower() not in _HOP_BY_HOP]
            return response.status, kept, data
        finally:
            connection.close()

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        return


def hrefs_sent_raw(method: str, request: bytes, status: int, answer: bytes) -> bytes:
    """A listing (PROPFIND, sync-collection) whose hrefs carry "?" and "#" raw, as a server that does not
    percent-encode its members' names sends them; a multiget's answer is left as the server sent it."""
    if method not in ("PROPFIND", "REPORT") or b"addressbook-multiget" in request:
        return answer

    def raw(match: re.Match[bytes]) -> bytes:
        href = match.group(2).replace(b"%3F", b"?").replace(b"%3f", b"?").replace(b"%23", b"#")
        return match.group(1) + href + match.group(3)

    return _HREF.sub(raw, answer)


def multiget_all_404(method: str, request: bytes, status: int, answer: bytes) -> bytes:
    """A multiget answered with a 404 for every card asked for, whatever the book holds."""
    if method != "REPORT" or b"addressbook-multiget" not in request:
        return answer
    responses = b"".join(
        b"<response><href>" + m.group(2) + b"</href><status>HTTP/1.1 404 Not Found</status></response>"
        for m in _HREF.finditer(request)
    )
    return b'<?xml version="1.0" encoding="utf-8"?>\n<multistatus xmlns="DAV:">' + responses + b"</multistatus>"
