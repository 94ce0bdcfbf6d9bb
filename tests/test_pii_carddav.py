"""No personal data in what the CardDAV connector says when a request fails (``log.personal_data: false``).

A ConnectorError's text goes as it is into log lines, ``status`` and the run report (``contactsync.logs``), and a
CardDAV server's paths name its user: Nextcloud's ``/remote.php/dav/addressbooks/users/ana.silva@example.com/…``,
Radicale's ``/ana.silva@example.com/…``. Before, a failure's message repeated the URL's path and the HTTP
library's own text, which repeats the URL again ("Max retries exceeded with url: /…/ana.silva@example.com/…").
Now, met with real loopback sockets (refused, reset, silent, a 5xx) on both routes a request takes (caldav's
session, and the daemon's own connections) and with a Radicale whose user logs in with an email, each message,
each log line and ``status`` name the server, the request and the kind of failure, and neither the user's email
nor the name in the book's path.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.davxml import sync_collection_body
from contactsync.connectors.carddav.discovery import discover
from contactsync.connectors.carddav.doctor import CHECK_BOOK
from contactsync.connectors.carddav.transport import DavTransport
from contactsync.engine import Engine
from contactsync.errors import AuthFailed, ConnectorError, Transient
from contactsync.logs import HumanFormatter, JsonFormatter, shown_path
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store
from tests.ports import free_port

from .carddav.test_tls_handshake import transport_error
from .doctor_support import carddav_account, password_file, run_doctor, write_config
from .system.radicale import Radicale

EMAIL = "ana.silva@example.com"
PASSWORD = "wonderland"
#: the book is named after its owner, as a person's own address book often is
NEXTCLOUD_PATH = "/remote.php/dav/addressbooks/users/ana.silva@example.com/Ana%20Silva/"
#: what must not appear anywhere the admin reads, case-insensitively (the email, its parts, the name, encoded)
PERSONAL = ("ana.silva", "ana silva", "ana%20silva", "ana%40", "silva", "example.com")


def assert_names_no_one(text: str) -> None:
    lowered = text.lower()
    assert not [p for p in PERSONAL if p in lowered], text


class FailingServer:
    """A loopback HTTP server that takes each request and then, by ``mode``: ``reset`` (an RST), ``silent`` (no
    answer until the client gives up) or ``500`` (a server error). ``refused``: nothing listens on the port."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        if mode == "refused":
            self.port = free_port()
        else:
            self._sock = socket.create_server(("127.0.0.1", 0))
            self.port = int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{NEXTCLOUD_PATH}"

    def __enter__(self) -> FailingServer:
        if self._sock is not None:
            thread = threading.Thread(target=self._serve, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
        for thread in self._threads:
            thread.join(timeout=10)

    def _serve(self) -> None:
        assert self._sock is not None
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                if self.mode == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif self.mode == "500":
                    conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
                else:
                    self._stop.wait(30)
            except OSError:
                pass


#: each failure, and what its message must say of it
FAILURES = [
    ("refused", Transient, "connection refused"),
    ("reset", Transient, "connection reset"),
    ("silent", Transient, "no complete answer within"),
    ("500", Transient, "server error 500"),
]


def _transport_error(url: str, *, daemon: bool) -> Exception:
    return transport_error(url, daemon=daemon, username=EMAIL, password=PASSWORD, timeout=1)


@pytest.mark.parametrize("daemon", [False, True], ids=["caldav-session", "daemon-connections"])
@pytest.mark.parametrize(("mode", "kind", "words"), FAILURES, ids=[f[0] for f in FAILURES])
def test_a_failed_request_names_server_method_and_failure_but_not_the_user(
    mode: str, kind: type[Exception], words: str, daemon: bool
) -> None:
    with FailingServer(mode) as server:
        error = _transport_error(server.url, daemon=daemon)
    assert isinstance(error, kind), repr(error)
    text = str(error)
    assert_names_no_one(text)
    assert f"127.0.0.1:{server.port}" in text and "REPORT" in text and words in text, text
    # where in the server's tree the request went is still said
    assert "/remote.php/dav/addressbooks/users/…/…/" in text, text


def test_the_path_rule_keeps_the_servers_words_and_ids_and_masks_the_rest() -> None:
    assert shown_path("https://h/remote.php/dav/addressbooks/users/ana@x.org/contacts/", "ana@x.org") == (
        "/remote.php/dav/addressbooks/users/…/contacts/"
    )
    # Radicale: the login as the first segment, a book made by a client under a UUID, a card under its UID
    uuid = "0b6c5b0e-4a3c-4f8e-9f5e-1c2d3e4f5a6b"
    assert shown_path(f"http://h/ana/{uuid}/{uuid}.vcf", "ana") == f"/…/{uuid}/{uuid}.vcf"
    # a card whose UID another client made of an email, a book named after a person, a phone number as the login
    assert shown_path("http://h/dav/ana%40x.org.vcf") == "/dav/…"
    assert shown_path("http://h/dav/Ana Silva/") == "/dav/…/"
    assert shown_path("http://h/dav/5511987654321/contacts/") == "/dav/…/contacts/"
    # a login that happens to be one of the servers' words is masked all the same
    assert shown_path("http://h/contacts/dav/", "Contacts") == "/…/dav/"
    assert shown_path("http://h") == "/"


def _formatted(records: list[logging.LogRecord]) -> str:
    """The records as the project's handlers write them (human and JSON, tracebacks included), personal data off."""
    human = HumanFormatter(journald=False, personal_data=False)
    as_json = JsonFormatter(personal_data=False)
    return "\n".join(f"{human.format(r)}\n{as_json.format(r)}" for r in records)


def _config(tmp_path: Path, url: str, store: Path) -> Path:
    (tmp_path / "pw").write_text(PASSWORD)
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{store}\n"
        "books:\n"
        "  - name: book\n"
        "    accounts:\n"
        f"      - {{name: dav, type: carddav, options: {{url: '{url}', username: '{EMAIL}', "
        f"password_file: {tmp_path / 'pw'}}}}}\n"
    )
    return config


def _sync_and_status(
    tmp_path: Path, url: str, caplog: pytest.LogCaptureFixture, *, timeout: float = 1
) -> tuple[str | None, str, str]:
    """One sync of the account at ``url`` (retry waits skipped), then ``status --json``: the run report's error,
    every log line of the sync as the project writes them, and status's output."""
    store_file = tmp_path / "store.db"
    account = AccountSettings("dav", "carddav")
    dav = CardDavConnector("dav", CardDavOptions(url=url, username=EMAIL, timeout=timeout), PASSWORD)
    caplog.set_level(logging.DEBUG, logger="contactsync")
    try:
        with Store.open(f"sqlite:///{store_file}") as store:
            report = Engine(store, BookSettings("book", (account,)), {"dav": dav}, sleep=lambda _s: None).run()
    finally:
        dav.close()
    logged = _formatted(caplog.records)
    shown = CliRunner().invoke(cli, ["--config", str(_config(tmp_path, url, store_file)), "status", "--json"])
    return report.accounts["dav"].error, logged, shown.output


@pytest.mark.parametrize("mode", ["refused", "reset"])
def test_a_failing_server_leaves_no_email_in_the_logs_the_report_or_status(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    with FailingServer(mode) as server:
        error, logged, status = _sync_and_status(tmp_path, server.url, caplog)
    assert error is not None and f"127.0.0.1:{server.port}" in error and f"connection {mode}" in error
    assert logged, "the failed account is logged"
    assert_names_no_one(error)
    assert_names_no_one(logged)
    assert_names_no_one(status)
    shown = json.loads(status)
    assert f"connection {mode}" in json.dumps(shown), status  # status says what failed, and where
    assert f"127.0.0.1:{server.port}" in json.dumps(shown), status


# ---------------------------------------------------------------------------------- a Radicale whose user is an email
@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = Radicale.start(
        tmp_path_factory.mktemp("radicale-email"), {EMAIL: PASSWORD, "bob.souza@example.org": PASSWORD}
    )
    try:
        yield server
    finally:
        server.stop()


def test_a_book_missing_under_an_email_login_is_reported_without_the_email(
    radicale: Radicale, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    radicale.new_book("0b6c5b0e-4a3c-4f8e-9f5e-1c2d3e4f5a6b", user=EMAIL)  # the user's home exists
    url = f"{radicale.base_url}/{EMAIL}/Ana%20Silva/"
    error, logged, status = _sync_and_status(tmp_path, url, caplog, timeout=10)
    assert error is not None and "(404)" in error and radicale.base_url.removeprefix("http://") in error
    for text in (error, logged, status):
        assert_names_no_one(text)


def test_a_book_of_another_user_is_forbidden_without_naming_either(radicale: Radicale) -> None:
    other = radicale.new_book("contacts", user="bob.souza@example.org")
    transport = DavTransport(other, EMAIL, PASSWORD, timeout=10)
    try:
        with pytest.raises(AuthFailed) as caught:
            transport.report(other, sync_collection_body(None), 1)
    finally:
        transport.close()
    text = str(caught.value)
    assert "(403)" in text and radicale.base_url.removeprefix("http://") in text and "/…/contacts/" in text, text
    assert_names_no_one(text)
    assert "bob" not in text and "souza" not in text, text


def test_discover_and_the_doctor_work_for_an_email_login_and_name_no_one(radicale: Radicale, tmp_path: Path) -> None:
    book = radicale.new_book("contacts", user=EMAIL)
    found = discover(radicale.base_url + "/", EMAIL, PASSWORD, timeout=10)
    assert book in [unquote(b.url) for b in found]  # discovery is not hindered by the masking
    missing = f"{radicale.base_url}/{EMAIL}/Ana%20Silva/"
    for url, outcome in ((book, "pass"), (missing, "fail")):
        account = carddav_account(url, EMAIL, password_file(tmp_path, PASSWORD), timeout=10)
        run = run_doctor(write_config(tmp_path, account))
        assert run.outcome(CHECK_BOOK) == outcome, run.output
        assert_names_no_one(json.dumps([r["detail"] for r in run.output["results"]]))


def test_a_connector_error_never_repeats_the_librarys_text() -> None:
    """The library's text for a refused connection repeats the URL; the message keeps the OS's words only."""
    with FailingServer("refused") as server:
        error = _transport_error(server.url, daemon=False)
    assert isinstance(error, ConnectorError)
    assert "Max retries exceeded" not in str(error) and "HTTPConnection" not in str(error)
    assert os.strerror(errno.ECONNREFUSED) in str(error)
