"""The daemon's direct route for CardDAV requests (connectors/carddav/direct.py) holds to what caldav's session
does with the same server: the admin's URL percent-encoded as the session encodes it, and the same trust for
``verify: true`` (wassima's reading of the system store, not OpenSSL's default paths). Found in review of the
direct route (#18); each test fails without its fix.

The CA variables this machine sets (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR) would make
both routes read one bundle and hide a difference: every test here runs without them."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import ClassVar

import pytest
import trustme

from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.davxml import sync_collection_body
from contactsync.connectors.carddav.options import AuthType
from contactsync.connectors.carddav.transport import DavTransport
from contactsync.sharing import ConnectionPools, Sharing

SYNC = (
    b'<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:">'
    b"<d:sync-token>http://example.org/sync/7</d:sync-token></d:multistatus>"
)
CA = trustme.CA()


@pytest.fixture(autouse=True)
def _no_ca_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def tmp_certs() -> Iterator[Path]:
    # not pytest's tmp_path: wassima skips any folder whose path holds "trust"
    folder = Path(tempfile.mkdtemp(prefix="cs-certs-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    paths: ClassVar[list[str]] = []
    open_now = 0
    peak = 0
    lock = threading.Lock()

    def setup(self) -> None:
        super().setup()
        with _Handler.lock:
            _Handler.open_now += 1
            _Handler.peak = max(_Handler.peak, _Handler.open_now)

    def finish(self) -> None:
        super().finish()
        with _Handler.lock:
            _Handler.open_now -= 1

    def _any(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        type(self).paths.append(self.path)
        if "Authorization" not in self.headers:
            body, status, extra = b"login", 401, {"WWW-Authenticate": 'Basic realm="x"'}
        else:
            body, status, extra = SYNC, 207, {"Content-Type": "application/xml"}
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_REPORT = do_PROPFIND = _any

    def log_message(self, *_a: object) -> None:
        pass


@contextmanager
def _server(tls: bool = False) -> Iterator[str]:
    _Handler.paths, _Handler.open_now, _Handler.peak = [], 0, 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        CA.issue_cert("127.0.0.1").configure_cert(ctx)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _report(url: str, *, daemon: bool, auth: AuthType = AuthType.BASIC) -> str | None:
    pools = ConnectionPools()
    t = DavTransport(
        url, "u", "pw", auth_type=auth, sharing=Sharing(nullcontext, pools, 4) if daemon else None, timeout=5
    )
    try:
        return t.report(url, sync_collection_body(None), 1).sync_token
    finally:
        t.close()
        pools.close()


@pytest.mark.parametrize("path", ["/dav/jöhn/contacts/", "/dav/John Doe/contacts/"])
def test_a_url_the_one_off_sync_reads_is_read_by_the_daemon_too(path: str) -> None:
    """The admin's URL with a non-ASCII letter or a space: the session percent-encodes it (requote_uri), the direct
    route hands it raw to http.client (UnicodeEncodeError → 'not XML we accept'; InvalidURL → Transient)."""
    with _server() as base:
        assert _report(base + path, daemon=False) == "http://example.org/sync/7"
        assert _report(base + path, daemon=True) == "http://example.org/sync/7"


def test_the_daemons_pull_of_such_a_book_works_end_to_end() -> None:
    with _server() as base:
        pools = ConnectionPools()
        dav = CardDavConnector("dav", CardDavOptions(url=f"{base}/dav/jöhn/contacts/", username="u", timeout=5), "pw")
        dav.use_sharing(Sharing(nullcontext, pools, 4))
        try:
            dav.pull(None)
        finally:
            dav.close()
            pools.close()


def test_the_direct_route_accepts_what_the_session_accepts(monkeypatch: pytest.MonkeyPatch, tmp_certs: Path) -> None:
    """The session's `verify: true` trust is wassima's reading of the system store (every *.pem/*.crt under
    /etc/ssl, /usr/local/share/certs, /etc/pki/tls, …, the embedded Mozilla bundle when that is empty or stale);
    the direct route's is OpenSSL's default paths. A CA file in a folder wassima reads (here a temporary folder
    added to its list, as /usr/local/share/certs/corp.crt would be) is trusted by one route only."""
    import wassima
    import wassima._os._linux as linux

    folder = tmp_certs / "corp-certs"
    folder.mkdir()
    CA.cert_pem.write_to_path(str(folder / "corp.pem"))
    monkeypatch.setattr(linux, "BUNDLE_TRUST_STORE_DIRECTORIES", [*linux.BUNDLE_TRUST_STORE_DIRECTORIES, str(folder)])
    wassima.root_der_certificates.cache_clear()
    wassima.root_pem_certificates.cache_clear()
    try:
        with _server(tls=True) as base:
            assert _report(base + "/book/", daemon=False) == "http://example.org/sync/7"  # the session trusts it
            assert _report(base + "/book/", daemon=True) == "http://example.org/sync/7"  # CertificateRejected
    finally:
        wassima.root_der_certificates.cache_clear()
        wassima.root_pem_certificates.cache_clear()


def test_ssl_cert_file_does_not_widen_the_daemons_verification(tmp_certs: Path) -> None:
    """SSL_CERT_FILE naming a private CA: the session still refuses a certificate that CA signed, the direct route
    accepts it (OpenSSL's default paths honour the variable, wassima does not). In a child process: OpenSSL reads
    the variable once."""
    folder = tmp_certs / "dbg"
    folder.mkdir()
    CA.cert_pem.write_to_path(str(folder / "ca.pem"))
    CA.private_key_pem.write_to_path(str(folder / "key.pem"))
    env = {k: v for k, v in os.environ.items() if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_DIR")}
    env["SSL_CERT_FILE"] = str(folder / "ca.pem")
    child = f"""
import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})
import test_carddav_direct_route as r, trustme
pem, key = open({str(folder / "ca.pem")!r}, 'rb').read(), open({str(folder / "key.pem")!r}, 'rb').read()
r.CA = trustme.CA.from_pem(pem, key)
out = []
for daemon in (False, True):
    with r._server(tls=True) as base:
        try:
            out.append(r._report(base + '/book/', daemon=daemon))
        except Exception as exc:
            out.append(type(exc).__name__)
import json; print(json.dumps(out))
"""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", child], env=env, capture_output=True, text=True, timeout=60
    )
    session, direct = json.loads(done.stdout.strip().splitlines()[-1])
    assert session == "CertificateRejected", done.stdout
    assert direct == session


class _Challenging(_Handler):
    """Answers as a server wanting ``scheme`` logins only (any digest one is accepted, a basic one for "pw"),
    recording each request's Authorization header (its scheme) and the connection it came on."""

    scheme = "Basic"
    seen: ClassVar[list[tuple[str, int]]] = []

    def _any(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        login = self.headers.get("Authorization", "")
        type(self).seen.append((login.partition(" ")[0], self.client_address[1]))
        if login == "Basic dTpwdw==" if self.scheme == "Basic" else login.startswith("Digest "):
            body, status, extra = SYNC, 207, [("Content-Type", "application/xml")]
        else:
            # "Digest, Basic": both offered, in two WWW-Authenticate headers (RFC 7235 allows either form)
            challenges = {"Basic": 'Basic realm="x"', "Digest": 'Digest realm="x", nonce="abc", qop="auth"'}
            offered = [challenges[scheme] for scheme in self.scheme.split(", ")]
            body, status, extra = b"login", 401, [("WWW-Authenticate", challenge) for challenge in offered]
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_REPORT = do_PROPFIND = _any


@contextmanager
def _challenging(scheme: str) -> Iterator[str]:
    _Challenging.scheme, _Challenging.seen = scheme, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Challenging)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _daemon_transport(url: str, pools: ConnectionPools, password: str, **kwargs: object) -> DavTransport:
    return DavTransport(url, "u", password, sharing=Sharing(nullcontext, pools, 4), timeout=5, **kwargs)  # type: ignore[arg-type]


def test_a_daemons_basic_login_is_negotiated_on_one_connection_and_a_wrong_password_still_fails() -> None:
    """`auth: auto` over http in a daemon: the request, its 401 challenging Basic, the request again with the login,
    and every request after, all on one kept-alive connection (the session's pool opened one of its own)."""
    from contactsync.errors import AuthFailed

    pools = ConnectionPools()
    try:
        with _challenging("Basic") as base:
            transport = _daemon_transport(base + "/book/", pools, "pw")
            for _ in range(2):
                assert transport.report(base + "/book/", sync_collection_body(None), 1).sync_token
            assert transport.request_counts["REPORT"] == 3  # what crossed the wire: the 401 round counts
            assert transport.negotiated_auth is AuthType.BASIC
            assert [scheme for scheme, _ in _Challenging.seen] == ["", "Basic", "Basic"]
            assert len({port for _, port in _Challenging.seen}) == 1, _Challenging.seen

            wrong = _daemon_transport(base + "/book/", pools, "nope")
            with pytest.raises(AuthFailed):
                wrong.report(base + "/book/", sync_collection_body(None), 1)
    finally:
        pools.close()


@pytest.mark.parametrize("remembered", [False, True], ids=["auto", "remembered-basic-refused"])
def test_a_server_challenging_digest_still_gets_a_digest_login_in_a_daemon(remembered: bool) -> None:
    """The challenge names Digest: caldav's choice, made from the 401 the direct route received, and the session
    sends the digest login. A remembered basic login the server refuses negotiates afresh the same way."""
    pools = ConnectionPools()
    try:
        with _challenging("Digest") as base:
            extra = {"auth_type": AuthType.BASIC, "negotiate_on_refusal": True} if remembered else {}
            transport = _daemon_transport(base + "/book/", pools, "pw", **extra)
            assert transport.report(base + "/book/", sync_collection_body(None), 1).sync_token
            assert transport.negotiated_auth is AuthType.DIGEST
            assert [s for s, _ in _Challenging.seen][-1] == "Digest"
            assert "Basic" not in [s for s, _ in _Challenging.seen][int(remembered) :]
    finally:
        pools.close()


def test_a_server_offering_digest_and_basic_in_two_headers_gets_digest_from_a_daemon_as_from_a_sync() -> None:
    """The 401 names Digest, then Basic, each in a header of its own: the session reads both (urllib3 joins them)
    and picks Digest; the direct route must read both too, or it sends the password readable on plain http."""
    pools = ConnectionPools()
    try:
        with _challenging("Digest, Basic") as base:
            for sharing in (None, Sharing(nullcontext, pools, 4)):
                _Challenging.seen = []
                transport = DavTransport(base + "/book/", "u", "pw", sharing=sharing, timeout=5)
                try:
                    assert transport.report(base + "/book/", sync_collection_body(None), 1).sync_token
                    assert transport.negotiated_auth is AuthType.DIGEST
                    assert "Basic" not in [scheme for scheme, _ in _Challenging.seen], _Challenging.seen
                finally:
                    transport.close()
    finally:
        pools.close()
