"""The demos' Radicale gets a loopback port picked free a moment before Radicale, once started, binds it: another
program may take the port in between (a loaded machine starts servers on free ports all the time). What answers
there must not be taken for Radicale, and the demo goes on with Radicale on another port."""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from contactsync.cli import demo


class _AnswersEverything(BaseHTTPRequestHandler):
    """Another program's server: it answers any request, DAV's included, with an empty 200."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_OPTIONS = do_PROPFIND = do_MKCOL = do_PUT = do_REPORT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def taken_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AnswersEverything)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_port_taken_before_radicale_binds_it_is_not_taken_for_radicale(
    tmp_path: Path, taken_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    free_port = demo._free_port
    picks = iter([taken_port])  # the first port picked is taken by the time Radicale binds it
    monkeypatch.setattr(demo, "_free_port", lambda: next(picks, None) or free_port())
    with demo._radicale(tmp_path, "the-run's-password", book=None) as base:
        assert urlsplit(base).port != taken_port
        answer = requests.request(
            "PROPFIND", f"{base}/{demo.DAV_USER}/", auth=(demo.DAV_USER, "the-run's-password"), timeout=10
        )
        assert answer.status_code == 207 and "addressbook" in answer.headers["DAV"]
    # Radicale was started on the taken port first, and said why it left it
    assert os.strerror(errno.EADDRINUSE) in (tmp_path / "radicale" / "server.log").read_text()
