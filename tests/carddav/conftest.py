"""Real CardDAV servers for the connector tests: Radicale and Xandikos, each a subprocess on loopback.

Each server starts once per session (starting is the slow part) and every test gets a fresh address book made
with an extended MKCOL, so tests never see each other's cards. The servers are killed at session end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import niquests
import pytest

from contactsync.connectors.carddav.davxml import mkcol_addressbook_body
from tests.ports import free_port

if TYPE_CHECKING:
    from contactsync.connectors.carddav import CardDavConnector

USER = "alice"
PASSWORD = "wonderland"
_START_TIMEOUT = 30.0


@dataclass(frozen=True)
class DavServer:
    """A running server: where it listens, who may log in, and where its address books live."""

    kind: str  # "radicale" or "xandikos"
    base_url: str
    username: str
    password: str | None
    home_path: str  # the addressbook-home-set, ending in "/"
    #: Radicale's storage folder: a test may seed a big book by writing its cards there (one PUT each costs
    #: Radicale O(N) as shipped), as bench/suite.py does
    storage: Path | None = None

    def session(self) -> niquests.Session:
        session = niquests.Session()
        if self.password is not None:
            session.auth = (self.username, self.password)
        return session

    def new_addressbook(self, name: str | None = None) -> str:
        """A fresh, empty address book; returns its full URL (ending in "/")."""
        slug = name or f"book-{uuid.uuid4().hex[:12]}"
        url = f"{self.base_url}{self.home_path}{slug}/"
        with self.session() as session:
            response = session.request(
                "MKCOL",
                url,
                data=mkcol_addressbook_body(slug).encode(),
                headers={"Content-Type": "application/xml; charset=utf-8"},
                timeout=10,
            )
        assert response.status_code in (200, 201), (response.status_code, response.text)
        return url

    def put_raw(self, url: str, body: bytes) -> niquests.Response:
        """Write bytes as a card without any client-side checks (to plant malformed cards). The timeout is long:
        Xandikos parses a 7 MB card for several seconds on a loaded 2-core machine, and this is set-up, not test."""
        with self.session() as session:
            return session.put(url, data=body, headers={"Content-Type": "text/vcard; charset=utf-8"}, timeout=60)


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')}")
        try:
            with niquests.Session() as session:
                session.request("OPTIONS", url, timeout=1)
            return
        except niquests.exceptions.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {_START_TIMEOUT}s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DavServer]:
    root = tmp_path_factory.mktemp("radicale")
    htpasswd = root / "htpasswd"
    htpasswd.write_text(f"{USER}:{PASSWORD}\n")
    port = free_port()
    log = root / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--config",
                "",
                "--server-hosts",
                f"127.0.0.1:{port}",
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(htpasswd),
                "--auth-htpasswd-encryption",
                "plain",
                "--storage-filesystem-folder",
                str(root / "collections"),
                "--logging-level",
                "warning",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base + "/", process, log)
        yield DavServer("radicale", base, USER, PASSWORD, f"/{USER}/", root / "collections")
    finally:
        _stop(process)


def _xandikos_command() -> list[str]:
    script = Path(sys.executable).with_name("xandikos")
    return [str(script)] if script.exists() else [sys.executable, "-m", "xandikos.web"]


@pytest.fixture(scope="session")
def xandikos_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DavServer]:
    root = tmp_path_factory.mktemp("xandikos")
    port = free_port()
    log = root / "server.log"
    env = dict(os.environ, XDG_DATA_HOME=str(root / "state"))
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                *_xandikos_command(),
                "serve",
                "-d",
                str(root / "data"),
                "--defaults",
                "--current-user-principal",
                f"/{USER}",
                "-l",
                "127.0.0.1",
                "-p",
                str(port),
                "--no-detect-systemd",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base + "/", process, log)
        # Xandikos has no authentication of its own: any credentials pass, none are checked
        yield DavServer("xandikos", base, USER, None, f"/{USER}/contacts/")
    finally:
        _stop(process)


@pytest.fixture(params=["radicale", "xandikos"])
def dav_server(request: pytest.FixtureRequest) -> DavServer:
    """Each test using this runs once against each server."""
    server: DavServer = request.getfixturevalue(f"{request.param}_server")
    return server


@pytest.fixture
def addressbook_url(dav_server: DavServer) -> str:
    return dav_server.new_addressbook()


@pytest.fixture
def connect(dav_server: DavServer, addressbook_url: str) -> Iterator[Callable[..., CardDavConnector]]:
    """Connectors on this test's address book, closed at the end whatever happens."""
    from .helpers import make_connector  # here: helpers imports this module

    made: list[CardDavConnector] = []

    def factory(**options: Any) -> CardDavConnector:
        made.append(make_connector(dav_server, addressbook_url, **options))
        return made[-1]

    yield factory
    for c in made:
        c.close()
