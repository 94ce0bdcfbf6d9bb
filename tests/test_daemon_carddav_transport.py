"""CardDAV requests once the login is settled go straight through the HTTP session, not through caldav's request
(#18: caldav parsed every answer with lxml into a tree nothing used). What crosses the wire and how each answer is
read must stay as they were: the same body bytes (caldav's CRLF line endings), the same headers, and the same
errors for a refused login, a rate limit and an expired sync token."""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from contactsync.connectors.carddav.options import AuthType
from contactsync.connectors.carddav.transport import DavTransport
from contactsync.errors import AuthFailed, RateLimited, SyncTokenExpired

USER, PASSWORD = "alice", "secret"
LOGIN = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
EMPTY_SYNC = (
    b'<?xml version="1.0" encoding="utf-8"?><multistatus xmlns="DAV:"><sync-token>http://x/t/2</sync-token>'
    b"</multistatus>"
)
EXPIRED = b'<?xml version="1.0" encoding="utf-8"?><error xmlns="DAV:"><valid-sync-token/></error>'


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class DavStub:
    """A server asking for a basic login; ``next_status`` answers the next logged-in request once."""

    seen: list[Seen] = field(default_factory=list)
    next_status: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def stub() -> Iterator[DavStub]:
    state = DavStub()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body))
            if self.headers.get("Authorization") != LOGIN:
                self._send(401, {"WWW-Authenticate": 'Basic realm="dav"'}, b"")
            elif state.next_status:
                self._send(*state.next_status.pop(0))
            elif self.command == "PUT":
                self._send(201, {"ETag": '"e1"'}, b"")
            else:
                self._send(207, {"Content-Type": "application/xml; charset=utf-8"}, EMPTY_SYNC)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_REPORT = do_PUT = do_PROPFIND = _answer

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/dav/book/"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def sync_body() -> str:
    return '<?xml version="1.0"?>\n<sync-collection xmlns="DAV:"><sync-token/></sync-collection>\n'


def test_requests_after_the_login_is_settled_send_what_caldav_sent(stub: DavStub) -> None:
    transport = DavTransport(stub.url, USER, PASSWORD, auth_type=AuthType.AUTO)
    try:
        card = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD\n"
        # the first request negotiates through caldav (a 401, then the request again with the login)
        first = transport.put(stub.url + "a.vcf", card, etag=None)
        assert transport.negotiated_auth is AuthType.BASIC
        # the login is settled: this one goes straight through the session
        second = transport.put(stub.url + "b.vcf", card, etag=None)
        listing = transport.report(stub.url, sync_body(), 1)
    finally:
        transport.discard()
    assert (first.status, first.etag) == (second.status, second.etag) == (201, '"e1"')
    assert listing.sync_token == "http://x/t/2"
    negotiated, caldav_put, direct_put, direct_report = stub.seen
    assert "Authorization" not in negotiated.headers and caldav_put.headers["Authorization"] == LOGIN
    # the same bytes (CRLF line endings) and the same headers, whichever way the request went
    assert caldav_put.body == direct_put.body == card.replace("\n", "\r\n").encode()
    for name in ("Content-Type", "If-None-Match", "Accept", "User-Agent", "Authorization"):
        assert caldav_put.headers.get(name) == direct_put.headers.get(name), name
    assert direct_report.body == sync_body().replace("\n", "\r\n").encode()
    assert direct_report.headers["Depth"] == "1"
    assert transport.request_counts["PUT"] == 3 and transport.request_counts["REPORT"] == 1


@pytest.mark.parametrize(
    ("status", "headers", "body", "error"),
    [
        (401, {"WWW-Authenticate": 'Basic realm="dav"'}, b"", AuthFailed),  # the password changed meanwhile
        (403, {}, b"", AuthFailed),
        (403, {"Content-Type": "application/xml"}, EXPIRED, SyncTokenExpired),
        (429, {"Retry-After": "7"}, b"", RateLimited),
        (503, {"Retry-After": "7"}, b"", RateLimited),
    ],
)
def test_a_settled_logins_refusals_and_limits_read_as_before(
    stub: DavStub, status: int, headers: dict[str, str], body: bytes, error: type[Exception]
) -> None:
    transport = DavTransport(stub.url, USER, PASSWORD, auth_type=AuthType.BASIC)
    try:
        transport.report(stub.url, sync_body(), 1)
        stub.next_status.append((status, headers, body))
        with pytest.raises(error) as raised:
            transport.report(stub.url, sync_body(), 1)
    finally:
        transport.discard()
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 7
    # one request each: a settled login is never negotiated again on its own
    assert len(stub.seen) == 2
