"""The network's edges (issue #16): a server that answers one byte a second, and a certificate that cannot be
trusted, each met by the real transports and the real engine.

- Every request has an overall deadline (contactsync/deadline.py): connect, headers and the whole body, not only
  each read. A server trickling one byte a second never trips a per-read timeout; the request must still end at
  its deadline, and a run at the retry policy's attempts times that deadline.
- A TLS verification failure is permanent (contactsync/tls.py): sent once, never retried, and the message names
  the host, the certificate problem and the fix.
"""

from __future__ import annotations

import contextlib
import datetime
import http.server
import ipaddress
import math
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from contactsync import deadline as deadline_module
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.google.auth import credentials_for
from contactsync.connectors.google.connector import GoogleConnector
from contactsync.connectors.outlook import OutlookConnector, OutlookOptions
from contactsync.connectors.outlook.graph import GraphClient
from contactsync.deadline import DeadlineAdapter, request_deadline
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.outlook import GraphEmulator
from contactsync.engine import Engine, RunReport
from contactsync.errors import CertificateRejected, Transient
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

from .google.helpers import google_account
from .outlook.conftest import CLIENT_ID, SECRET, TENANT, USER
from .outlook.fixtures import account_settings

GOOGLE_USER = "alice@example.com"
#: what the slow server would need to send its whole answer, one byte a second
TRICKLE_BYTES = 200
#: a first Google listing asks for the labels and the first page of people at once (reads overlap, issue #18):
#: each attempt is two requests on two connections
GOOGLE_FIRST_READS = 2


class SlowServer:
    """Answers every request one byte a second (the status line and headers, or the body), counting connections.
    With ``tls`` it presents a self-signed certificate (and never gets further than the handshake)."""

    def __init__(self, *, slow: str = "body", tls: ssl.SSLContext | None = None) -> None:
        self.slow = slow
        self.tls = tls
        self.connections = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> SlowServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        # closing a listening socket does not wake a thread blocked in accept() on Linux (the join then waited
        # its whole 5 s, after every test); shutting it down does
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)  # the client refuses the certificate here
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {TRICKLE_BYTES}\r\n\r\n"
            fast, slow = (head.encode(), b" " * TRICKLE_BYTES) if self.slow == "body" else (b"", head.encode())
            conn.sendall(fast)
            for byte in slow:
                if self._stop.wait(1.0):
                    return
                conn.sendall(bytes([byte]))
        except OSError:
            return  # the client gave up (its deadline), or refused our certificate
        finally:
            conn.close()


class StaticToken:
    """A bearer token for a server that checks none."""

    def token(self, *, fresh: bool = False) -> str:
        return "token"


# ---------------------------------------------------------------------------------------------- deadlines
@pytest.mark.parametrize("slow", ["body", "headers"])
def test_a_request_to_a_server_sending_one_byte_a_second_ends_at_its_deadline(slow: str) -> None:
    with SlowServer(slow=slow) as server, requests.Session() as http:
        client = GraphClient(account="o", graph_url=server.url, tokens=StaticToken(), http=http, timeout=2.0)
        started = time.monotonic()
        with pytest.raises(Transient) as failed:
            client.get("/me/contacts", what="a read")
        took = time.monotonic() - started
    print(f"\nslow {slow}: the request ended after {took:.1f}s (deadline 2s; the whole answer needs ~{TRICKLE_BYTES}s)")
    assert "RequestDeadlineExceeded" in str(failed.value)
    # each byte came within the per-read timeout (2 s): only an overall deadline ends it before the answer does
    assert took < TRICKLE_BYTES / 4
    assert server.connections == 1


def test_a_carddav_request_to_a_trickling_server_ends_at_its_deadline() -> None:
    with SlowServer(slow="headers") as server:
        dav = CardDavConnector("dav", CardDavOptions(url=f"{server.url}/dav/book/", username="u", timeout=2), "pw")
        started = time.monotonic()
        try:
            with pytest.raises(Transient, match="overall deadline"):
                dav.pull(None)
        finally:
            dav.close()
        took = time.monotonic() - started
    print(f"\nCardDAV: the request ended after {took:.1f}s (deadline 2s)")
    assert took < TRICKLE_BYTES / 4 and server.connections == 1


def test_a_run_against_a_trickling_server_ends_after_the_policys_attempts(tmp_path: Path) -> None:
    with PeopleEmulator() as tokens, SlowServer() as server:
        tokens.add_user(GOOGLE_USER)
        account = google_account(tokens, GOOGLE_USER, "google")
        google = GoogleConnector(
            "google", credentials_for(account, token_uri=tokens.token_uri), endpoint=server.url, timeout=2.0
        )
        waits: list[float] = []
        book = BookSettings("book", (account,))
        started = time.monotonic()
        try:
            with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
                report = Engine(store, book, {"google": google}, sleep=waits.append).run()
        finally:
            google.close()
        took = time.monotonic() - started
    print(f"\na run against a server trickling one byte a second: {took:.1f}s, {server.connections} requests")
    assert report.accounts["google"].error_kind == "Transient"
    # each attempt's requests cut at their deadline, then sent again
    assert server.connections == RetryPolicy().attempts * GOOGLE_FIRST_READS
    assert len(waits) == RetryPolicy().attempts - 1
    assert took < TRICKLE_BYTES  # without the deadline: one request alone would take the whole trickle


def test_an_accounts_run_deadline_stops_its_retries(tmp_path: Path) -> None:
    with PeopleEmulator() as tokens, SlowServer() as server:
        tokens.add_user(GOOGLE_USER)
        account = google_account(tokens, GOOGLE_USER, "google")
        google = GoogleConnector(
            "google", credentials_for(account, token_uri=tokens.token_uri), endpoint=server.url, timeout=2.0
        )
        waits: list[float] = []
        try:
            with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
                engine = Engine(store, BookSettings("book", (account,)), {"google": google}, sleep=waits.append,
                                account_deadline_s=3.0)  # fmt: skip
                report = engine.run()
        finally:
            google.close()
    # the first attempt is cut at 2 s; a 2 s wait would end past the account's 3 s: no second attempt
    assert report.accounts["google"].error_kind == "Transient"
    assert server.connections == GOOGLE_FIRST_READS and waits == []


class KeptAliveServer:
    """Answers every request at once on HTTP/1.1 connections it keeps open, counting the connections."""

    def __init__(self) -> None:
        owner = self
        self.connections = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                owner.connections += 1
                super().setup()

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *_args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> KeptAliveServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _session() -> requests.Session:
    http = requests.Session()
    http.mount("http://", DeadlineAdapter())
    return http


def test_requests_in_flight_each_end_at_their_own_deadline() -> None:
    """One watchdog serves every deadline (#18): a request begun later with a sooner deadline is cut at its own,
    not at the deadline of the request that was already waiting."""
    ended: dict[str, float] = {}

    def get(name: str, deadline: float, url: str) -> None:
        started = time.monotonic()
        with _session() as http, contextlib.suppress(requests.RequestException), request_deadline(deadline):
            http.get(url, timeout=30)
        ended[name] = time.monotonic() - started

    with SlowServer(slow="headers") as server:
        long = threading.Thread(target=get, args=("long", 8.0, server.url))
        long.start()
        time.sleep(0.3)  # the long request's deadline is the one the watchdog waits for
        get("short", 1.0, server.url)
        long.join(30)
    print(f"\ndeadlines 1 s and 8 s: the requests ended after {ended['short']:.1f}s and {ended['long']:.1f}s")
    assert ended["short"] < 4.0 < ended["long"]


def test_a_request_deadline_starts_no_thread_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    starts: list[str] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        starts.append(thread.name)
        start(thread)

    with KeptAliveServer() as server, _session() as http:
        http.get(server.url, timeout=5)  # the connection and any thread of the HTTP stack's, before counting
        monkeypatch.setattr(threading.Thread, "start", counted)
        for _ in range(30):
            with request_deadline(5.0):
                assert http.get(server.url, timeout=5).status_code == 200
    # a threading.Timer per request started 30 threads
    assert [name for name in starts if name != "request-deadlines"] == []
    assert len(starts) <= 1


def test_a_finished_requests_deadline_never_cuts_its_kept_alive_connection() -> None:
    """A request that ended before its deadline leaves its connection in the pool: when that deadline passes, the
    connection is not shut down under the next request that reuses it."""
    with KeptAliveServer() as server, _session() as http:
        with request_deadline(0.3):
            assert http.get(server.url, timeout=5).status_code == 200
        time.sleep(0.8)  # the first request's deadline passed meanwhile
        with request_deadline(5.0):
            assert http.get(server.url, timeout=5).status_code == 200
    assert server.connections == 1


@pytest.mark.parametrize("huge", [1e10, math.inf])
def test_a_deadline_too_long_for_a_lock_wait_leaves_the_others_enforced(huge: float) -> None:
    """A timeout the schema accepts (> 0) but no lock wait can take: the watchdog thread must not die on it, and a
    request with a short deadline begun while it waits still ends at its own."""
    ended: dict[str, float] = {}

    def get(name: str, deadline: float, url: str) -> None:
        started = time.monotonic()
        with _session() as http, contextlib.suppress(requests.RequestException), request_deadline(deadline):
            http.get(url, timeout=30)
        ended[name] = time.monotonic() - started

    with SlowServer(slow="headers") as server, request_deadline(huge):
        time.sleep(0.3)  # the watchdog now waits for the huge deadline
        watchdog = deadline_module._WATCHDOG._thread
        assert watchdog is not None and watchdog.is_alive()  # it died of OverflowError, printing a traceback
        get("short", 1.0, server.url)
    print(f"\nbeside a deadline of {huge} s, a 1 s one ended the request after {ended['short']:.1f}s")
    assert ended["short"] < 4.0


# ---------------------------------------------------------------------------------------------- certificates
@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "contactsync test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def run_alone(tmp: Path, account: AccountSettings, connector: object, waits: list[float]) -> RunReport:
    with Store.open(f"sqlite:///{tmp / 'store.db'}") as store:
        return Engine(store, BookSettings("book", (account,)), {account.name: connector}, sleep=waits.append).run()  # type: ignore[dict-item]


def assert_refused_once(
    report: RunReport, name: str, server: SlowServer, waits: list[float], fix: str, *, requests: int = 1
) -> None:
    rep = report.accounts[name]
    assert rep.error_kind == CertificateRejected.__name__
    assert rep.error is not None
    assert "127.0.0.1" in rep.error and "self-signed certificate" in rep.error and fix in rep.error
    assert server.connections == requests and waits == []  # permanent: never sent again


def test_a_self_signed_carddav_server_is_refused_once_with_the_host_the_problem_and_ca_bundle(
    self_signed: ssl.SSLContext, tmp_path: Path
) -> None:
    waits: list[float] = []
    with SlowServer(tls=self_signed) as server:
        account = AccountSettings("dav", "carddav")
        dav = CardDavConnector("dav", CardDavOptions(url=f"{server.url}/dav/book/", username="u", timeout=5), "pw")
        try:
            report = run_alone(tmp_path, account, dav, waits)
        finally:
            dav.close()
    assert_refused_once(report, "dav", server, waits, "`ca_bundle`")


def test_a_self_signed_graph_endpoint_is_refused_once_with_the_host_the_problem_and_ca_bundle(
    self_signed: ssl.SSLContext, tmp_path: Path
) -> None:
    waits: list[float] = []
    with GraphEmulator(seed=7) as emu, SlowServer(tls=self_signed) as server:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER)
        account = account_settings(emu, graph_url=server.url)  # tokens from the emulator, Graph elsewhere
        outlook = OutlookConnector("outlook", OutlookOptions.from_settings(account, BookSettings("book", (account,))))
        try:
            report = run_alone(tmp_path, account, outlook, waits)
        finally:
            outlook.close()
    assert_refused_once(report, "outlook", server, waits, "`ca_bundle`")


def test_a_certificate_refused_on_the_way_to_google_is_refused_once_and_says_where_to_fix_it(
    self_signed: ssl.SSLContext, tmp_path: Path
) -> None:
    waits: list[float] = []
    with PeopleEmulator() as tokens, SlowServer(tls=self_signed) as server:
        tokens.add_user(GOOGLE_USER)
        account = google_account(tokens, GOOGLE_USER, "google")
        google = GoogleConnector("google", credentials_for(account, token_uri=tokens.token_uri), endpoint=server.url)
        try:
            report = run_alone(tmp_path, account, google, waits)
        finally:
            google.close()
    assert_refused_once(report, "google", server, waits, "trust store", requests=GOOGLE_FIRST_READS)
