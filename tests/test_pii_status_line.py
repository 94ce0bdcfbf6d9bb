"""The daemon's systemd status line does not name anyone: any local user reads it (``systemctl status``).

``STATUS=running ana.silva`` or ``idle; next: ana.silva at 18:00`` named a templated book built from a sign-in
name, with ``log.personal_data: false``; it now names the book as log lines do, by its pseudonym.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.daemon_support import DaemonProcess
from tests.test_pii_templates import LOGIN, TOKEN, _setup


@pytest.mark.parametrize("personal", [False, True], ids=["default", "personal-data-on"])
def test_the_status_line_systemd_shows_names_a_book_as_log_lines_do(tmp_path: Path, personal: bool) -> None:
    config = _setup(tmp_path, personal=personal)
    sock_path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(sock_path))
        sock.settimeout(60)
        daemon = DaemonProcess(
            ["-c", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log", env={"NOTIFY_SOCKET": str(sock_path)}
        )
        try:
            statuses: list[str] = []
            # the book's first run is due at once: "running …", then "idle; next: … at HH:MM:SS"
            while not any(s.startswith("STATUS=idle; next: ") for s in statuses):
                statuses += [line for line in sock.recv(4096).decode().split("\n") if line.startswith("STATUS=")]
            assert daemon.stop() == 0, daemon.output()
        finally:
            daemon.kill()
    shown = TOKEN if not personal else LOGIN
    assert any(s.startswith(f"STATUS=idle; next: {shown} at ") for s in statuses), statuses
    if not personal:
        assert not any(LOGIN in s for s in statuses), statuses
