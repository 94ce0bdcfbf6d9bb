"""A daemon's CardDAV requests on its kept-alive ``http.client`` connections, once the login is settled (#18,
carddav/direct.py).

What the session did for these requests must still hold on the direct route: connections kept across runs and
shared, one the server closed while idle replaced (its TLS session resumed), gzip answers decoded under the size
cap, a redirect followed, the request's overall deadline kept. The deadline holds on the daemon's shared session
connections too (a digest login goes there), which it did not before.
"""

from __future__ import annotations

import gzip
import http.server
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import ClassVar

import pytest

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.davxml import sync_collection_body
from contactsync.connectors.carddav.options import AuthType
from contactsync.connectors.carddav.transport import DavTransport, ResponseTooLarge
from contactsync.errors import Transient
from contactsync.model import Contact, Name
from contactsync.sharing import ConnectionPools, Sharing
from tests.test_net_edges import TRICKLE_BYTES, SlowServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from carddav_bench import PASSWORD, USER
from latency import make_book, start_radicale
from netproxy import proxied

SYNC_ANSWER = (
    b'<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:">'
    b"<d:sync-token>http://example.org/sync/7</d:sync-token></d:multistatus>"
)


def _sharing(pools: ConnectionPools) -> Sharing:
    return Sharing(nullcontext, pools, 4)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    #: path → (status, extra headers, body) the server answers a REPORT to it with
    answers: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_REPORT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status, headers, body = type(self).answers[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@contextmanager
def _server(answers: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"answers": answers})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _transport(url: str, pools: ConnectionPools, *, max_bytes: int = 1 << 20) -> DavTransport:
    # a basic login given: settled from the first request, so every request takes the direct route
    return DavTransport(
        url, "u", "pw", auth_type=AuthType.BASIC, sharing=_sharing(pools), max_response_bytes=max_bytes, timeout=5
    )


def test_a_gzip_answer_is_decoded_and_one_over_the_cap_refused_decoded_size_counted() -> None:
    bomb = gzip.compress(b" " * 300_000)  # a few hundred bytes on the wire
    answers = {
        "/book/": (207, {"Content-Type": "application/xml", "Content-Encoding": "gzip"}, gzip.compress(SYNC_ANSWER)),
        "/bomb/": (207, {"Content-Type": "application/xml", "Content-Encoding": "gzip"}, bomb),
    }
    pools = ConnectionPools()
    try:
        with _server(answers) as base:
            transport = _transport(f"{base}/book/", pools, max_bytes=100_000)
            assert (
                transport.report(f"{base}/book/", sync_collection_body(None), 1).sync_token
                == "http://example.org/sync/7"
            )
            with pytest.raises(ResponseTooLarge):
                transport.report(f"{base}/bomb/", sync_collection_body(None), 1)
            # the next request is answered, on a connection the refused answer did not leave half read
            assert (
                transport.report(f"{base}/book/", sync_collection_body(None), 1).sync_token
                == "http://example.org/sync/7"
            )
            assert transport.request_counts["REPORT"] == 3
    finally:
        pools.close()


def test_a_redirected_request_is_sent_again_and_followed() -> None:
    answers = {
        "/old/": (307, {"Location": "/new/"}, b""),
        "/new/": (207, {"Content-Type": "application/xml"}, SYNC_ANSWER),
    }
    pools = ConnectionPools()
    try:
        with _server(answers) as base:
            transport = _transport(f"{base}/old/", pools)
            assert (
                transport.report(f"{base}/old/", sync_collection_body(None), 1).sync_token
                == "http://example.org/sync/7"
            )
    finally:
        pools.close()


@pytest.mark.parametrize("auth", [AuthType.BASIC, AuthType.AUTO, AuthType.DIGEST])
def test_a_daemons_request_to_a_trickling_server_ends_at_its_deadline(auth: AuthType) -> None:
    """BASIC: the direct route; AUTO over plain HTTP: the login negotiated on the direct route too; DIGEST: on
    the session's connections, which the daemon's pool provides (each request's deadline was not kept on them
    before)."""
    pools = ConnectionPools()
    with SlowServer(slow="headers") as server:
        options = CardDavOptions(url=f"{server.url}/dav/book/", username="u", timeout=2, auth=auth)
        dav = CardDavConnector("dav", options, "pw")
        dav.use_sharing(_sharing(pools))
        started = time.monotonic()
        try:
            with pytest.raises(Transient, match="overall deadline"):
                dav.pull(None)
        finally:
            dav.close()
            pools.close()
        took = time.monotonic() - started
    assert took < TRICKLE_BYTES / 4


def _contact(n: int) -> Contact:
    return Contact(name=Name(given=f"Kept{n}", family="Alive"))


def test_runs_send_on_kept_connections_and_a_connection_the_server_dropped_is_replaced(tmp_path: Path) -> None:
    """Against Radicale served with keep-alive (waitress, as in bench/latency.py) behind the TLS proxy."""
    radicale, base = start_radicale(tmp_path)
    pools = ConnectionPools()
    try:
        make_book(base, tmp_path, "kept", 0)
        with proxied(base, rtt_ms=0) as proxy:
            ca = str(proxy.write_ca(tmp_path / "ca.pem"))

            def run(state: str | None, change: Change | None = None) -> str | None:
                options = CardDavOptions(url=f"{proxy.url}/{USER}/kept/", username=USER, timeout=10, verify=ca)
                dav = CardDavConnector("dav", options, PASSWORD)
                dav.use_sharing(_sharing(pools))
                try:
                    result = dav.pull(state)
                    if change is not None:
                        assert dav.push([change])[0].error is None
                    return result.next_state
                finally:
                    dav.close()

            state = run(None, Change(ChangeKind.CREATE, "c1", contact=_contact(1)))
            state = run(state)
            first = proxy.reset()
            # a pull, a write and the next run's pull on one connection: kept alive, TLS handshaken once
            assert (first.connections, first.handshakes) == (1, 1), first
            # the server drops it while idle (its keep-alive timeout): the next run opens another, resuming TLS
            proxy.drop_connections()
            state = run(state, Change(ChangeKind.CREATE, "c2", contact=_contact(2)))
            run(state)
            second = proxy.reset()
            assert (second.connections, second.resumed) == (1, 1), second
            assert second.requests == first.requests
    finally:
        pools.close()
        radicale.terminate()
        radicale.wait(30)
