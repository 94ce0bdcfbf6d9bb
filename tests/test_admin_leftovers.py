"""Leftovers an admin would notice: the daemon's exit status after a late signal, the files a command leaves next to
the store, and the collector a program calling the CLI in its own process gets back."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .daemon_support import books_yaml, make_book, uids, wait_for

# `contactsync run` through the real entry point, held on its way out (threads joined, exit handlers running: where
# a daemon that stopped is when systemd's second SIGTERM reaches it) until the test says go
LINGERING_DAEMON = """
import atexit, os, sys, time
here = sys.argv[1]
def linger():
    open(os.path.join(here, "exiting"), "w").close()
    deadline = time.monotonic() + 60
    while not os.path.exists(os.path.join(here, "go")) and time.monotonic() < deadline:
        time.sleep(0.01)
atexit.register(linger)
from contactsync.cli import main
sys.argv = ["contactsync"] + sys.argv[2:]
main()
"""


@pytest.mark.parametrize("late", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_after_the_daemon_stopped_leaves_its_exit_status_0(tmp_path: Path, late: signal.Signals) -> None:
    make_book(tmp_path, "staff", 2)
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n" + books_yaml(tmp_path, ["staff"]))
    log = tmp_path / "d.log"
    with log.open("wb") as out:
        daemon = subprocess.Popen(
            [sys.executable, "-c", LINGERING_DAEMON, str(tmp_path), "-c", str(config), "run", "--jitter", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for("the book synced", lambda: len(uids(tmp_path / "staff" / "dst")) == 2)
        daemon.send_signal(signal.SIGTERM)
        wait_for("the daemon on its way out", lambda: (tmp_path / "exiting").exists() or daemon.poll() is not None)
        assert "stopped" in log.read_text()
        daemon.send_signal(late)  # systemd's second SIGTERM, or a reload that came too late
        (tmp_path / "go").touch()
        assert daemon.wait(60) == 0, log.read_text()
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait(30)
