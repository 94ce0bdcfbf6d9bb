"""A TLS handshake that fails for another reason than the certificate is not refused credentials.

Before, every ``ssl.SSLError`` that was not a certificate verification failure became ``AuthFailed("TLS failed
...")``: a server or a middlebox dropping the connection mid-handshake stopped the account unretried, and
``status`` sent the admin to fix a password nobody had asked for. Now, met with real loopback sockets and the
real transport, engine and commands:

- the connection closed during the handshake, or an answer that is not TLS: Transient, retried by the engine's
  retry policy, reported as a network problem (on caldav's session and on the daemon's connections alike);
- no TLS version in common: TlsMismatch, sent once, naming what to change on the server;
- the server's ``unrecognized_name`` alert (no certificate for the host name sent): TlsMismatch too, sent once,
  naming the server's host name setting (it was retried as a network problem forever);
- ``contactsync discover`` and ``contactsync doctor``'s CardDAV checks say the same, not "no CardDAV found" or
  "check the password".
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from contextlib import nullcontext
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner

from contactsync.checks import DoctorContext
from contactsync.cli import cli
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.davxml import sync_collection_body
from contactsync.connectors.carddav.discovery import discover
from contactsync.connectors.carddav.doctor import CHECK_BOOK, run_checks
from contactsync.connectors.carddav.transport import DavTransport, TlsMismatch
from contactsync.doctor.endpoint import CHECK_TLS, Endpoint, check_endpoint
from contactsync.engine import Engine
from contactsync.errors import AuthFailed, CertificateRejected, Transient
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings, frozen_mapping
from contactsync.sharing import ConnectionPools, Sharing
from contactsync.store import Store

#: words that would send the admin to the credentials
CREDENTIAL_WORDS = ("password", "username", "credential", "refused the")


class HandshakeServer:
    """A loopback TCP server that takes each connection's ClientHello and then, by ``mode``: ``close`` (a FIN in
    the middle of the handshake, as a server restarting or a middlebox cutting it does), ``garbage`` (bytes that
    are not TLS), ``old-tls`` (a real handshake offering TLS 1.0 and 1.1 only), ``unknown-name`` (a real server
    that answers the ClientHello with the ``unrecognized_name`` alert, as one without a certificate for the name
    asked for does) or ``tls`` (a real, current handshake with a certificate of ``ca``). Counts the connections."""

    def __init__(self, mode: str, ca: trustme.CA) -> None:
        self.mode = mode
        self.connections = 0
        self._context: ssl.SSLContext | None = None
        if mode in ("old-tls", "tls", "unknown-name"):
            self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ca.issue_cert("127.0.0.1").configure_cert(self._context)
        if mode == "unknown-name":
            self._context.sni_callback = lambda *_: ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        if mode == "old-tls":
            self._context.set_ciphers("ALL:@SECLEVEL=0")
            with pytest.warns(DeprecationWarning):
                self._context.minimum_version = ssl.TLSVersion.TLSv1
                self._context.maximum_version = ssl.TLSVersion.TLSv1_1
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._sock.getsockname()[1]}/dav/book/"

    def __enter__(self) -> HandshakeServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept (closing alone does not)
        self._sock.close()
        self._thread.join(timeout=10)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            self.connections += 1
            with conn:
                try:
                    if self._context is not None:
                        self._context.wrap_socket(conn, server_side=True)
                        continue
                    conn.recv(4096)  # the ClientHello
                    if self.mode == "garbage":
                        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n" + b"\x00\xff not tls " * 40)
                except (ssl.SSLError, OSError):
                    pass  # the client gave up on the handshake: what is tested is its side


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    return str(pem)


def transport_error(
    url: str, ca_file: str | None = None, *, daemon: bool, username: str = "u", password: str = "pw", timeout: float = 5
) -> Exception:
    """What one REPORT to ``url`` raises, through caldav's session or (``daemon``) the daemon's own connections."""
    pools = ConnectionPools()
    sharing = Sharing(nullcontext, pools, 4) if daemon else None
    verify: str | bool = ca_file if ca_file is not None else True
    transport = DavTransport(url, username, password, verify=verify, sharing=sharing, timeout=timeout)
    try:
        with pytest.raises(Exception) as caught:
            transport.report(url, sync_collection_body(None), 1)
        return caught.value
    finally:
        transport.close()
        pools.close()


def _assert_not_about_credentials(text: str) -> None:
    assert not any(word in text.lower() for word in CREDENTIAL_WORDS), text


@pytest.mark.parametrize("daemon", [False, True], ids=["caldav-session", "daemon-connections"])
@pytest.mark.parametrize(
    ("mode", "kind", "words"),
    [
        ("close", Transient, "closed during TLS"),
        ("garbage", Transient, "did not answer in TLS"),
        ("old-tls", TlsMismatch, "share no TLS version or cipher"),
        ("unknown-name", TlsMismatch, "TLSV1_UNRECOGNIZED_NAME"),
    ],
)
def test_each_handshake_failure_is_classified_on_both_routes(
    ca: trustme.CA, ca_file: str, mode: str, kind: type[Exception], words: str, daemon: bool
) -> None:
    with HandshakeServer(mode, ca) as server:
        error = transport_error(server.url, ca_file, daemon=daemon)
    assert type(error) is kind, repr(error)
    assert not isinstance(error, AuthFailed)
    assert words in str(error) and "127.0.0.1" in str(error)
    _assert_not_about_credentials(str(error))


def _run(tmp_path: Path, url: str, ca_file: str) -> tuple[str | None, str | None, list[float]]:
    """One sync of a CardDAV account at ``url``: the account's error kind and text, and the retry waits."""
    waits: list[float] = []
    account = AccountSettings("dav", "carddav")
    dav = CardDavConnector("dav", CardDavOptions(url=url, username="u", timeout=5, verify=ca_file), "pw")
    try:
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            report = Engine(store, BookSettings("book", (account,)), {"dav": dav}, sleep=waits.append).run()
    finally:
        dav.close()
    rep = report.accounts["dav"]
    return rep.error_kind, rep.error, waits


@pytest.mark.parametrize("mode", ["close", "garbage"])
def test_a_handshake_cut_short_is_retried_and_reported_as_a_network_problem(
    tmp_path: Path, ca: trustme.CA, ca_file: str, mode: str
) -> None:
    with HandshakeServer(mode, ca) as server:
        kind, error, waits = _run(tmp_path, server.url, ca_file)
    assert kind == Transient.__name__
    assert error is not None and "retried later" in error
    _assert_not_about_credentials(error)
    attempts = RetryPolicy().attempts
    assert len(waits) == attempts - 1  # the retry policy's waits between its sends
    assert server.connections >= attempts


def test_no_tls_version_in_common_is_sent_once_and_names_the_servers_settings(
    tmp_path: Path, ca: trustme.CA, ca_file: str
) -> None:
    with HandshakeServer("old-tls", ca) as server:
        kind, error, waits = _run(tmp_path, server.url, ca_file)
    assert kind == TlsMismatch.__name__
    assert error is not None and "TLS 1.2 or later" in error and "retrying does not help" in error
    _assert_not_about_credentials(error)
    assert waits == [] and server.connections == 1  # permanent: never sent again


def test_a_server_without_a_certificate_for_the_name_is_sent_once(tmp_path: Path, ca: trustme.CA, ca_file: str) -> None:
    # the unrecognized_name alert is the server's setting: retried as a network problem, it failed every cycle
    with HandshakeServer("unknown-name", ca) as server:
        kind, error, waits = _run(tmp_path, server.url, ca_file)
    assert kind == TlsMismatch.__name__
    assert error is not None and "TLSV1_UNRECOGNIZED_NAME" in error and "retried later" not in error
    assert "host name setting" in error and "127.0.0.1" in error
    _assert_not_about_credentials(error)
    assert waits == [] and server.connections == 1  # permanent: never sent again


def test_discover_says_the_connection_was_cut_not_that_no_carddav_server_is_there(
    tmp_path: Path, ca: trustme.CA, ca_file: str
) -> None:
    with HandshakeServer("close", ca) as server:
        with pytest.raises(Transient, match="closed during TLS"):
            discover(server.url, "u", "pw", verify=ca_file, timeout=5)
        run = CliRunner().invoke(cli, ["discover", "carddav", server.url, "-u", "u", "--ca-bundle", ca_file])
    assert run.exit_code != 0
    assert "closed during TLS" in run.output and "no CardDAV address book home" not in run.output
    _assert_not_about_credentials(run.output)


def test_the_doctors_address_book_check_names_the_network_not_the_credentials(
    ca: trustme.CA, ca_file: str, tmp_path: Path
) -> None:
    """The doctor's own connection check passed a moment before (an intermittent drop); the CardDAV check then
    meets the cut handshake."""
    with HandshakeServer("close", ca) as server:
        options = frozen_mapping({"url": server.url, "username": "u", "ca_bundle": ca_file, "timeout": 5})
        account = AccountSettings("dav", "carddav", options=options)
        results = list(run_checks(DoctorContext(account, BookSettings("book", (account,)))))
    [book] = [r for r in results if r.check == CHECK_BOOK]
    assert book.outcome.value == "fail"
    assert "closed during TLS" in book.detail
    assert "network problem" in book.fix
    _assert_not_about_credentials(book.detail + book.fix)


@pytest.mark.parametrize(
    ("mode", "kind", "words"),
    [
        ("old-tls", TlsMismatch, "share no TLS version or cipher"),
        ("tls", CertificateRejected, "unable to get local issuer certificate"),  # the CA not given
    ],
)
def test_discover_says_what_refused_the_handshake(ca: trustme.CA, mode: str, kind: type[Exception], words: str) -> None:
    """Before, any failure but AuthFailed on a candidate URL was read as "no DAV resource here": a certificate
    the system does not trust ended in "no CardDAV address book home found", sending the admin to the URL."""
    with HandshakeServer(mode, ca) as server, pytest.raises(kind, match=words):
        discover(server.url, "u", "pw", timeout=5)


@pytest.mark.parametrize(
    ("mode", "detail", "fix"),
    [
        ("close", "closed during the TLS handshake", "a network problem, not the credentials"),
        ("old-tls", "share no TLS version or cipher", "TLS 1.2 or later"),
        ("unknown-name", "no TLS certificate for the host name", "host name setting (its server name"),
    ],
)
def test_the_doctors_tls_check_says_what_broke_the_handshake(
    ca: trustme.CA, ca_file: str, mode: str, detail: str, fix: str
) -> None:
    """The doctor's connection check of any account (it runs before the platform's checks and skips them when it
    fails): before, a cut handshake and an old server both got "check the HTTPS port"."""
    with HandshakeServer(mode, ca) as server:
        results = list(check_endpoint("dav", Endpoint("url", server.url, ca_file), timeout=5))
    [tls] = [r for r in results if r.check == CHECK_TLS]
    assert tls.outcome.value == "fail"
    assert detail in tls.detail and fix in tls.fix
    _assert_not_about_credentials(tls.detail + tls.fix.replace("not the credentials", ""))


@pytest.mark.parametrize("daemon", [False, True], ids=["caldav-session", "daemon-connections"])
@pytest.mark.parametrize(
    "bundle",
    ["not a certificate\n", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
    ids=["garbage", "broken-pem"],
)
def test_a_ca_bundle_that_cannot_be_read_is_the_admins_to_fix_not_a_network_problem(
    ca: trustme.CA, tmp_path: Path, daemon: bool, bundle: str
) -> None:
    # options.ca_bundle naming a file that is no PEM: retried as a network problem it would fail forever, and on the
    # daemon's own connections it escaped the connector's making as an unexpected error
    pem = tmp_path / "ca.pem"
    pem.write_text(bundle)
    with HandshakeServer("tls", ca) as server:
        error = transport_error(server.url, str(pem), daemon=daemon)
    assert isinstance(error, CertificateRejected), repr(error)
    assert "CA bundle could not be read" in str(error) and "options.ca_bundle" in str(error)
