"""Kept-alive HTTP/1.1 connections on the standard library's ``http.client``, for the requests a daemon's CardDAV
transports send once their login is settled (#18).

Through caldav's session (niquests over urllib3-future, h11 beneath), one request cost the daemon about 1.2 ms of
CPU; the same request on ``http.client`` costs about 0.25 ms (measured on one REPORT through the TLS latency proxy
at 0 ms). A daemon's cycle of accounts with nothing to do sends one REPORT per account, one run after another on
one GIL, so that was a tenth of each run's CPU. :class:`~.transport.DavTransport` sends here only when the daemon
lends its connections, the login is a basic one (given, negotiated here from the server's 401, or sent unasked
over TLS) or not yet negotiated, and no proxy applies (:func:`proxied`); everything else still goes through
caldav's session: digest logins, a 401 naming no scheme, proxies, and a redirect (the request is sent again
through the session, which follows it).

What the session did and this does too: TLS verified against the same trust (the CA bundle the account names,
else the ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` the session honoured, else the system's), TLS sessions resumed
per server (the transport's resuming context), gzip answers decoded under the size cap, connections kept alive and
shared by every account of one server and TLS setting (the pool holds connections only: no login, no cookie),
each checked before it is used again (one the server closed while idle is dropped, not sent on), and the request's
overall deadline (:mod:`contactsync.deadline`). What it does not: HTTP/2, and sending a request a second time.
"""

from __future__ import annotations

import http.client
import os
import select
import ssl
import threading
import urllib.request
import zlib
from collections.abc import Mapping
from functools import cache
from urllib.parse import urlsplit

from niquests.structures import CaseInsensitiveDict

from contactsync.deadline import _watch as watch_socket

__all__ = ["DirectAnswer", "DirectPool", "TooLarge", "Undecodable", "proxied", "trust"]

_READ_CHUNK = 64 * 1024


class TooLarge(Exception):
    """The answer (decoded) is over the size cap."""


class Undecodable(Exception):
    """The answer's ``Content-Encoding`` is one we never asked for and cannot decode."""


def _joined(headers: list[tuple[str, str]]) -> CaseInsensitiveDict[str]:
    """The answer's headers, a header given twice joined with ", " as urllib3 (and so the session) joins it: a
    401 offering Digest and Basic in two ``WWW-Authenticate`` headers must show both, or the login negotiated
    here would be Basic where the session picks Digest (a password readable on plain http)."""
    joined: dict[str, tuple[str, str]] = {}  # by the name folded: the name as first spelled, the values
    for name, value in headers:
        first = joined.get(name.lower())
        joined[name.lower()] = (name, value) if first is None else (first[0], f"{first[1]}, {value}")
    return CaseInsensitiveDict(dict(joined.values()))


class DirectAnswer:
    """An answer: its status, reason, headers (case-insensitive) and body (read whole, decoded, capped). Named as
    caldav reads a response it builds a login error from (``status_code``, ``reason``, ``content``)."""

    __slots__ = ("content", "headers", "reason", "status_code")

    def __init__(self, status: int, reason: str, headers: Mapping[str, str], body: bytes) -> None:
        self.status_code = status
        self.reason = reason
        self.headers = headers
        self.content = body


def proxied(url: str) -> bool:
    """Whether the environment names a proxy the session would have sent ``url`` through (its ``trust_env``):
    such requests stay on the session. Any proxy for the scheme counts, ``no_proxy`` or not (the session decides)."""
    return _environment_proxy(urlsplit(url).scheme)


@cache
def _environment_proxy(scheme: str) -> bool:
    # read once per process: reading them walks the whole environment (0.3 ms), and a daemon's does not change
    proxies = urllib.request.getproxies()
    return bool(proxies.get(scheme) or proxies.get("all"))


def trust(context: ssl.SSLContext, verify: bool | str) -> ssl.SSLContext:
    """``context`` set to verify as the session would with ``verify``: not at all (False), against a CA bundle or
    folder (a path), else against ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` when set, else the system's."""
    if verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    bundle = verify if isinstance(verify, str) else None
    bundle = bundle or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None
    if bundle is None:
        # the system's trust as the session reads it (niquests' cert_verify: wassima's store, with its embedded
        # Mozilla bundle where the system's is empty or stale), not OpenSSL's default paths
        import wassima

        context.load_verify_locations(cadata=wassima.generate_ca_bundle())
    elif os.path.isdir(bundle):
        context.load_verify_locations(capath=bundle)
    else:
        context.load_verify_locations(cafile=bundle)
    return context


class DirectPool:
    """Kept-alive connections to one origin (``scheme://host:port``) under one TLS setting, shared by every
    account's transport of a daemon; at most ``size`` are kept idle (the daemon's budget lets no more requests be
    in flight at once). Thread-safe: a connection serves one request at a time, taken from here and given back."""

    def __init__(self, origin: str, context: ssl.SSLContext | None, size: int) -> None:
        parts = urlsplit(origin)
        self._tls = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._context = context
        self._size = size
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._closed = False

    def send(
        self, method: str, target: str, body: bytes, headers: Mapping[str, str], *, timeout: float, max_bytes: int
    ) -> DirectAnswer:
        """Send one request (``target``: the path and query) and read its whole answer. Raises OSError and
        ``http.client.HTTPException`` as ``http.client`` does (``ssl.SSLError`` among them), :class:`TooLarge` and
        :class:`Undecodable`; the connection is closed then, never given back."""
        conn = self._take(timeout)
        try:
            if conn.sock is None:
                conn.connect()
            # the request's overall deadline (if any) shuts this socket down when it passes
            watch_socket(conn.sock)
            conn.request(method, target, body, dict(headers))
            response = conn.getresponse()
            content = read_body(response, max_bytes)
        except BaseException:
            conn.close()
            raise
        if response.will_close:
            conn.close()
        else:
            self._give_back(conn)
        return DirectAnswer(response.status, response.reason, _joined(response.getheaders()), content)

    def open(self, count: int, *, timeout: float) -> int:
        """Open connections (TCP and, over https, TLS's handshake) until ``count`` are idle here, at most the pool's
        size, all at once; no request is sent. A daemon's start-up calls it so that its first cycle's first requests
        find their connections open, as every later cycle's do, instead of each of the budget's first requests
        opening one while the workers beyond the budget wait (#18). Returns how many are idle now. A connection
        that cannot be opened within ``timeout`` is left: the request that needs one opens it, and reports its
        error with its account, as before."""
        with self._lock:
            wanted = 0 if self._closed else min(count, self._size) - len(self._idle)
        threads = [threading.Thread(target=self._open_one, args=(timeout,), daemon=True) for _ in range(wanted)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()  # each bounded by ``timeout`` (the connection's own)
        with self._lock:
            return len(self._idle)

    def _open_one(self, timeout: float) -> None:
        conn = self._new(timeout)
        try:
            conn.connect()
        except (OSError, http.client.HTTPException):
            conn.close()
            return
        self._give_back(conn)

    def close(self) -> None:
        """Close the idle connections; those in use are closed when given back."""
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for conn in idle:
            conn.close()

    def _take(self, timeout: float) -> http.client.HTTPConnection:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            if conn.sock is not None and _still_open(conn.sock):
                conn.sock.settimeout(timeout)
                return conn
            conn.close()
        return self._new(timeout)

    def _new(self, timeout: float) -> http.client.HTTPConnection:
        """A connection not yet opened (``connect`` opens it)."""
        if self._tls:
            return http.client.HTTPSConnection(self._host, self._port, timeout=timeout, context=self._context)
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)

    def _give_back(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self._size:
                self._idle.append(conn)
                return
        conn.close()


def _still_open(sock: object) -> bool:
    """Nothing to read on an idle kept-alive connection: the server has not closed it (a FIN, a TLS close, or
    anything else sent unasked makes it readable; such a connection is not sent on). Over TLS 1.3 the server sends
    its session tickets just after the handshake, unasked: a connection opened ahead and not used yet is readable
    for them alone, and is still open once they are read (:func:`_only_tickets`)."""
    fileno = getattr(sock, "fileno", None)
    if fileno is None:
        return False
    try:
        poller = select.poll()
        poller.register(fileno(), select.POLLIN)
        return not poller.poll(0) or (isinstance(sock, ssl.SSLSocket) and _only_tickets(sock))
    except (OSError, ValueError):
        return False


def _only_tickets(sock: ssl.SSLSocket) -> bool:
    """Whether what is waiting on the idle ``sock`` is TLS's own records only (session tickets, read here and kept
    for resumption by the socket's context), with no data and no close behind them."""
    timeout = sock.gettimeout()
    sock.settimeout(0)
    try:
        sock.recv(1)  # data (nobody asked for any) or b"" (closed): not to be sent on either way
    except ssl.SSLWantReadError:
        return True  # the records read were TLS's own, and nothing else has arrived
    except OSError:
        return False
    finally:
        sock.settimeout(timeout)
    return False


def read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The whole body of ``response``, decoded (gzip, deflate); raises :class:`TooLarge` past ``max_bytes``
    decoded bytes (a compressed bomb too: decoding stops there) and :class:`Undecodable`."""
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"the server announced a {declared}-byte answer, over the {max_bytes}-byte limit")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        decoder: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    elif encoding == "identity":
        decoder = None
    else:
        raise Undecodable(f"the answer is encoded as {encoding!r}, which was not asked for")
    chunks: list[bytes] = []
    size = 0
    too_large = f"the server's answer exceeds the {max_bytes}-byte limit"
    while True:
        chunk = response.read(_READ_CHUNK)
        if not chunk:
            break
        if decoder is None:
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(too_large)
            chunks.append(chunk)
            continue
        data = chunk
        try:
            while data:
                # never more than one byte past the cap at once: a small bomb cannot fill the memory
                out = decoder.decompress(data, max_bytes - size + 1)
                size += len(out)
                if size > max_bytes:
                    raise TooLarge(too_large)
                chunks.append(out)
                data = decoder.unconsumed_tail
        except zlib.error as exc:
            raise Undecodable(f"the {encoding} answer cannot be decoded: {exc}") from exc
    if decoder is not None:
        rest = decoder.flush()
        size += len(rest)
        if size > max_bytes:
            raise TooLarge(too_large)
        chunks.append(rest)
    return b"".join(chunks)
