"""``contactsync doctor`` on CardDAV accounts, through the CLI with ``--json``, against Radicale and Xandikos.

Each test is a mistake an admin makes or a server they meet before the first sync: a wrong password, a URL that
is not an address book, a server without sync-collection (RFC 6578) or a proxy refusing REPORT, a self-signed
certificate, a clock off by minutes, a secret file others can read. The doctor must say FAIL (exit 3) or WARN
(exit 0) and name the fix, and it writes nothing unless ``--write``.
"""

from __future__ import annotations

import ssl
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trustme

from contactsync.cli import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from tests.ports import free_port

from ..doctor_support import FrontServer, carddav_account, password_file, run_doctor, write_config
from .conftest import DavServer

PROPFIND_ETAGS = (
    '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>'
)
PROPFIND_HEADERS = {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}


def _cards_in(server: DavServer, url: str) -> int:
    with server.session() as session:
        response = session.request("PROPFIND", url, data=PROPFIND_ETAGS, headers=PROPFIND_HEADERS, timeout=10)
    assert response.status_code == 207
    hrefs = [h.text or "" for h in ET.fromstring(response.content).iter("{DAV:}href")]
    return sum(1 for h in hrefs if h.rstrip("/") != urlsplit(url).path.rstrip("/"))


def _config(tmp_path: Path, server: DavServer, url: str, password: str | None = "", **options: object) -> Path:
    secret = server.password if password == "" else password
    return write_config(tmp_path, carddav_account(url, server.username, password_file(tmp_path, secret), **options))


def test_a_good_account_passes_every_read_only_check_and_writes_nothing(
    tmp_path: Path, dav_server: DavServer, addressbook_url: str
) -> None:
    config = _config(tmp_path, dav_server, addressbook_url)
    run = run_doctor(config)
    assert run.exit_code == EXIT_OK, run.output
    assert run.output["ok"] is True
    assert run.outcome("config", None) == "pass"
    assert run.outcome("store", None) == "pass"
    for check in ("endpoint", "address book", "sync-collection", "size", "discovery"):
        assert run.outcome(check) == "pass", run.output
    assert run.one("size")["detail"].startswith("0 cards")
    assert run.outcome("write") == "skip" and "--write" in run.one("write")["detail"]
    # read-only: no card, and no store file created
    assert _cards_in(dav_server, addressbook_url) == 0
    assert not (tmp_path / "state" / "contactsync.db").exists()


def test_write_creates_reads_back_and_deletes_one_scratch_card(
    tmp_path: Path, dav_server: DavServer, addressbook_url: str
) -> None:
    config = _config(tmp_path, dav_server, addressbook_url)
    run = run_doctor(config, "--write")
    assert run.exit_code == EXIT_OK, run.output
    assert run.outcome("write") == "pass"
    assert _cards_in(dav_server, addressbook_url) == 0


def test_a_wrong_password_fails_and_names_the_credentials(tmp_path: Path, radicale_server: DavServer) -> None:
    url = radicale_server.new_addressbook()
    config = _config(tmp_path, radicale_server, url, password="not-the-password")
    run = run_doctor(config, "--write")
    assert run.exit_code == EXIT_PARTIAL
    book = run.one("address book")
    assert book["outcome"] == "fail" and "401" in book["detail"]
    assert "password" in book["fix"] and "options.username" in book["fix"]
    # what needs the address book is skipped, not run into the same wall
    assert run.outcome("sync-collection") == "skip" and run.outcome("write") == "skip"
    assert "not-the-password" not in str(run.output)


def test_a_url_that_is_not_an_address_book_fails_and_points_at_discover(tmp_path: Path, dav_server: DavServer) -> None:
    config = _config(tmp_path, dav_server, f"{dav_server.base_url}{dav_server.home_path}")
    run = run_doctor(config)
    assert run.exit_code == EXIT_PARTIAL
    book = run.one("address book")
    assert book["outcome"] == "fail" and "not an address book" in book["detail"]
    assert "contactsync discover carddav" in book["fix"]


def test_a_server_without_sync_collection_warns_with_the_cost(
    tmp_path: Path, dav_server: DavServer, addressbook_url: str
) -> None:
    for n in range(3):
        dav_server.put_raw(
            f"{addressbook_url}c{n}.vcf",
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c{n}\r\nFN:Card {n}\r\nEND:VCARD\r\n".encode(),
        )
    with FrontServer(dav_server.base_url) as front:
        front.front.hide_sync = True
        front.front.refuse_sync_report = 501
        config = _config(tmp_path, dav_server, front.url_for(addressbook_url))
        run = run_doctor(config)
    assert run.exit_code == EXIT_OK, run.output
    sync = run.one("sync-collection")
    assert sync["outcome"] == "warn"
    assert "does not offer sync-collection" in sync["detail"] and "all 3 cards" in sync["detail"]
    assert sync["fix"]
    assert run.one("size")["detail"].startswith("3 cards")
    assert "REPORT" not in front.front.requests  # what the server does not offer is not tried


def test_a_proxy_refusing_report_fails_and_says_use_sync_collection_false(
    tmp_path: Path, dav_server: DavServer, addressbook_url: str
) -> None:
    with FrontServer(dav_server.base_url) as front:
        front.front.refuse_sync_report = 403
        config = _config(tmp_path, dav_server, front.url_for(addressbook_url))
        refused = run_doctor(config)
        assert refused.exit_code == EXIT_PARTIAL
        sync = refused.one("sync-collection")
        assert sync["outcome"] == "fail" and "use_sync_collection: false" in sync["fix"]
        # the fix, applied, works (with the cost said)
        fixed = run_doctor(_config(tmp_path, dav_server, front.url_for(addressbook_url), use_sync_collection=False))
    assert fixed.exit_code == EXIT_OK, fixed.output
    assert fixed.outcome("sync-collection") == "warn"
    assert "use_sync_collection is false" in fixed.one("sync-collection")["detail"]


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def _tls_front(ca: trustme.CA, upstream: str) -> FrontServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    return FrontServer(upstream, tls=context)


def test_an_untrusted_certificate_fails_naming_the_host_and_ca_bundle(
    tmp_path: Path, radicale_server: DavServer, certificate_authority: trustme.CA
) -> None:
    url = radicale_server.new_addressbook()
    with _tls_front(certificate_authority, radicale_server.base_url) as front:
        untrusted = run_doctor(_config(tmp_path, radicale_server, front.url_for(url, "localhost")))
        pem = tmp_path / "ca.pem"
        certificate_authority.cert_pem.write_to_path(str(pem))
        trusted = run_doctor(_config(tmp_path, radicale_server, front.url_for(url, "localhost"), ca_bundle=str(pem)))
    assert untrusted.exit_code == EXIT_PARTIAL
    tls = untrusted.one("tls")
    assert tls["outcome"] == "fail"
    assert "localhost" in tls["detail"] and "certificate verify failed" not in tls["detail"]
    assert "unable to get local issuer certificate" in tls["detail"]  # a private CA the system does not know
    assert "ca_bundle" in tls["fix"]
    assert untrusted.outcome("carddav") == "skip"  # the address book checks wait for a trusted connection
    assert trusted.exit_code == EXIT_OK, trusted.output
    assert trusted.outcome("tls") == "pass" and str(pem) in trusted.one("tls")["detail"]
    assert trusted.outcome("address book") == "pass"


def _self_signed(tmp_path: Path) -> ssl.SSLContext:
    """A server context with a certificate signed by its own key, as an appliance or a quick setup makes."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "self-signed.pem"
    pem.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pem)
    return context


def test_a_self_signed_certificate_fails_saying_so(tmp_path: Path, radicale_server: DavServer) -> None:
    url = radicale_server.new_addressbook()
    with FrontServer(radicale_server.base_url, tls=_self_signed(tmp_path)) as front:
        run = run_doctor(_config(tmp_path, radicale_server, front.url_for(url, "localhost")))
    assert run.exit_code == EXIT_PARTIAL
    tls = run.one("tls")
    assert tls["outcome"] == "fail" and "self-signed certificate" in tls["detail"] and "localhost" in tls["detail"]
    assert "ca_bundle" in tls["fix"]


def test_a_certificate_for_another_name_fails(
    tmp_path: Path, radicale_server: DavServer, certificate_authority: trustme.CA
) -> None:
    url = radicale_server.new_addressbook()
    pem = tmp_path / "ca.pem"
    certificate_authority.cert_pem.write_to_path(str(pem))
    with _tls_front(certificate_authority, radicale_server.base_url) as front:
        run = run_doctor(_config(tmp_path, radicale_server, front.url_for(url, "127.0.0.1"), ca_bundle=str(pem)))
    assert run.exit_code == EXIT_PARTIAL
    tls = run.one("tls")
    assert tls["outcome"] == "fail" and "127.0.0.1" in tls["detail"] and "mismatch" in tls["detail"].lower()


def test_a_clock_off_by_minutes_warns(tmp_path: Path, radicale_server: DavServer) -> None:
    url = radicale_server.new_addressbook()
    with FrontServer(radicale_server.base_url) as front:
        front.front.date_offset_s = 600
        ahead = run_doctor(_config(tmp_path, radicale_server, front.url_for(url)))
        front.front.date_offset_s = 0
        right = run_doctor(_config(tmp_path, radicale_server, front.url_for(url)))
    assert ahead.exit_code == EXIT_OK
    clock = ahead.one("clock")
    assert clock["outcome"] == "warn" and "behind" in clock["detail"] and "ntp" in clock["fix"].lower()
    assert right.outcome("clock") == "pass"


def test_an_unreachable_server_fails_naming_host_and_port(tmp_path: Path, radicale_server: DavServer) -> None:
    port = free_port()
    run = run_doctor(_config(tmp_path, radicale_server, f"http://127.0.0.1:{port}/alice/book/"))
    assert run.exit_code == EXIT_PARTIAL
    endpoint = run.one("endpoint")
    assert endpoint["outcome"] == "fail" and f"127.0.0.1:{port}" in endpoint["detail"]
    assert run.outcome("carddav") == "skip"


def test_a_world_readable_secret_file_fails_and_a_group_readable_one_warns(
    tmp_path: Path, radicale_server: DavServer
) -> None:
    url = radicale_server.new_addressbook()
    config = _config(tmp_path, radicale_server, url)
    secret = tmp_path / "dav-password"
    secret.chmod(0o644)
    world = run_doctor(config)
    assert world.exit_code in (EXIT_PARTIAL, EXIT_USAGE)
    failed = [r for r in world.output["results"] if r["outcome"] == "fail"]
    assert failed and all(str(secret) in r["detail"] for r in failed)
    # refused by the loader (config) or by the doctor's own check: either way it says the command that fixes it
    assert any(f"chmod 600 {secret}" in r["detail"] + (r["fix"] or "") for r in failed)
    secret.chmod(0o640)
    group = run_doctor(config)
    assert group.exit_code == EXIT_OK, group.output
    warned = [r for r in group.output["results"] if r["outcome"] == "warn" and str(secret) in r["detail"]]
    assert len(warned) == 1 and "chmod 600" in warned[0]["fix"]
    secret.chmod(0o600)
    assert all(r["outcome"] != "warn" for r in run_doctor(config).output["results"] if str(secret) in r["detail"])


def test_an_unknown_account_is_a_usage_error(tmp_path: Path, radicale_server: DavServer) -> None:
    from click.testing import CliRunner

    from contactsync.cli import cli

    config = _config(tmp_path, radicale_server, radicale_server.new_addressbook())
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor", "nobody"])
    assert result.exit_code == EXIT_USAGE and "nobody" in result.output


def test_plain_output_in_a_pipe_names_each_failure_and_its_fix(tmp_path: Path, radicale_server: DavServer) -> None:
    import subprocess
    import sys

    config = _config(tmp_path, radicale_server, radicale_server.new_addressbook(), password="wrong")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("contactsync")), "--config", str(config), "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == EXIT_PARTIAL, done.stderr
    lines = done.stdout.splitlines()
    failing = [i for i, line in enumerate(lines) if line.startswith("FAIL")]
    assert failing and "address book" in lines[failing[0]]
    assert "fix:" in lines[failing[0] + 1] and "password" in lines[failing[0] + 1]
    assert "│" not in done.stdout and "\x1b[" not in done.stdout  # no table, no colour in a pipe
    assert lines[-1].startswith("doctor: 1 failed")
