"""What the doctor tests need around a real DAV server: a loopback front that serves it over TLS with a given
certificate, shifts its clock, or takes sync-collection away; and a config file with one account.

The front changes only what a test names: TLS (a real handshake with a certificate trustme issued), the
``Date`` header (a server whose clock is off, as a machine with a drifting clock sees it), or RFC 6578 support
(the server's ``sync-token`` and ``supported-report`` of sync-collection removed from PROPFIND answers and the
REPORT refused, as a server without it behaves; or only the REPORT refused, as a proxy that blocks REPORT
does). Everything else goes through byte for byte.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from click.testing import CliRunner

from contactsync.cli import cli
from tests.system.faultproxy import RelayHandler

DAV = "{DAV:}"
_SKIPPED_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server", "accept-encoding"}
)


@dataclass
class Front:
    """Knobs of the front; change them between requests."""

    upstream: tuple[str, int]
    #: seconds added to the server's Date header
    date_offset_s: float = 0.0
    #: answer sync-collection REPORTs with this status (None: forward them)
    refuse_sync_report: int | None = None
    #: also hide sync-collection from PROPFIND answers (a server that does not offer it)
    hide_sync: bool = False
    #: drop supported-report-set from PROPFIND answers (a server that does not say which reports it offers)
    hide_report_set: bool = False
    #: answer a PROPFIND that asks for the sync-token alone with this status (None: forward it)
    refuse_token_propfind: int | None = None
    requests: list[str] = field(default_factory=list)
    #: each request's method and body, in order
    bodies: list[tuple[str, bytes]] = field(default_factory=list)


class _Handler(RelayHandler):
    own_headers = False  # the upstream's Date goes on, shifted by date_offset_s
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        front = self.server.front
        body = self._read_body()
        front.requests.append(self.command)
        front.bodies.append((self.command, body))
        if (
            self.command == "PROPFIND"
            and front.refuse_token_propfind
            and b"sync-token" in body
            and b"supported-report-set" not in body
        ):
            self._answer(front.refuse_token_propfind, b"refused\n", [("Content-Type", "text/plain")])
            return
        if self.command == "REPORT" and front.refuse_sync_report and b"sync-collection" in body:
            self._answer(
                front.refuse_sync_report, b"REPORT sync-collection refused\n", [("Content-Type", "text/plain")]
            )
            return
        connection = http.client.HTTPConnection(*front.upstream, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _SKIPPED_HEADERS}
            headers["Content-Length"] = str(len(body))
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            status = response.status
            upstream_headers = response.getheaders()
        finally:
            connection.close()
        if front.hide_sync and self.command == "PROPFIND" and status == 207:
            answer = _without_sync(answer)
        if front.hide_report_set and self.command == "PROPFIND" and status == 207:
            answer = _without_report_set(answer)
        date = next((v for k, v in upstream_headers if k.lower() == "date"), None)
        shifted = [(k, v) for k, v in upstream_headers if k.lower() not in _SKIPPED_HEADERS]
        if date:
            when = parsedate_to_datetime(date).timestamp() + front.date_offset_s
            shifted.append(("Date", formatdate(when, usegmt=True)))
        self._answer(status, answer, shifted)

    do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PROPFIND = do_REPORT = do_MKCOL = do_POST = do_GET


def _without_sync(body: bytes) -> bytes:
    return _without(body, f"{DAV}sync-token", sync_report=True)


def _without_report_set(body: bytes) -> bytes:
    return _without(body, f"{DAV}supported-report-set")


def _without(body: bytes, prop_tag: str, *, sync_report: bool = False) -> bytes:
    """``body`` without the property ``prop_tag``, and without sync-collection in the report set if asked."""
    root = ET.fromstring(body)
    for prop in root.iter(f"{DAV}prop"):
        for child in list(prop):
            if child.tag == prop_tag:
                prop.remove(child)
    for reports in root.iter(f"{DAV}supported-report-set") if sync_report else ():
        for report in list(reports):
            if report.find(f".//{DAV}sync-collection") is not None:
                reports.remove(report)
    return ET.tostring(root, xml_declaration=True, encoding="utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, front: Front, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.front = front
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)


class FrontServer:
    """The front on ``127.0.0.1:<free port>``, over TLS when given a server context."""

    def __init__(self, upstream_url: str, tls: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(upstream_url)
        assert parts.hostname and parts.port
        self.front = Front((parts.hostname, parts.port))
        self._server = _Server(self.front, tls)
        self._scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FrontServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def url_for(self, upstream_url: str, host: str = "127.0.0.1") -> str:
        """``upstream_url`` as reached through the front (``host`` may be ``localhost`` for a certificate)."""
        return f"{self._scheme}://{host}:{self._server.server_port}{urlsplit(upstream_url).path}"


def write_config(root: Path, account_yaml: str, *, store_url: str | None = None) -> Path:
    """A config with one book of one account (``account_yaml``: the account's lines, indented by 6)."""
    store = store_url or f"sqlite:///{root / 'state' / 'contactsync.db'}"
    config = root / "config.yaml"
    config.write_text(f"store:\n  url: {store}\nbooks:\n  - name: staff\n    accounts:\n{account_yaml}")
    return config


def carddav_account(url: str, username: str, password_file: Path | None, **options: object) -> str:
    lines = ["      - name: dav", "        type: carddav", "        options:", f"          url: {url}"]
    lines.append(f"          username: {username}")
    if password_file is not None:
        lines.append(f"          password_file: {password_file}")
    lines += [f"          {key}: {json.dumps(value)}" for key, value in options.items()]
    return "\n".join(lines) + "\n"


def password_file(root: Path, password: str | None, mode: int = 0o600) -> Path | None:
    if password is None:
        return None
    path = root / "dav-password"
    path.write_text(password + "\n")
    path.chmod(mode)
    return path


@dataclass(frozen=True)
class DoctorRun:
    exit_code: int
    output: dict[str, Any]

    def results(self, check: str, account: str | None = "dav") -> list[dict[str, Any]]:
        return [r for r in self.output["results"] if r["check"] == check and r["account"] == account]

    def outcome(self, check: str, account: str | None = "dav") -> str:
        found = self.results(check, account)
        assert len(found) == 1, (check, self.output["results"])
        return str(found[0]["outcome"])

    def one(self, check: str, account: str | None = "dav") -> dict[str, Any]:
        found = self.results(check, account)
        assert len(found) == 1, (check, self.output["results"])
        return found[0]


def run_doctor(config: Path, *args: str) -> DoctorRun:
    """``contactsync doctor --json`` through the CLI; the JSON parsed."""
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor", "--json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    output = json.loads(result.stdout)
    # every failure names its fix, and the exit code in the JSON is the process's
    assert all(r["fix"] for r in output["results"] if r["outcome"] == "fail"), output
    assert output["exit_code"] == result.exit_code
    return DoctorRun(result.exit_code, output)
