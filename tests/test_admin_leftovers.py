"""Leftovers an admin would notice: the daemon's exit status after a late signal, the files a command leaves next to
the store, and the collector a program calling the CLI in its own process gets back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .daemon_support import CONTACTSYNC, books_yaml, make_book, uids, wait_for

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


def _stopped_daemon(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """A `contactsync run` that synced its book, was sent SIGTERM and is now held on its way out; its log."""
    make_book(tmp_path, "staff", 2)
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n" + books_yaml(tmp_path, ["staff"]))
    log = tmp_path / "d.log"
    with log.open("wb") as out:
        daemon = subprocess.Popen(
            [sys.executable, "-c", LINGERING_DAEMON, str(tmp_path), "-c", str(config), "run", "--jitter", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            # as at a terminal, where Ctrl+C comes from: a suite started in the background by a shell (`make test
            # &`) inherits SIGINT ignored, and the daemon rightly gives back the handler it found (SIG_IGN)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    try:
        wait_for("the book synced", lambda: len(uids(tmp_path / "staff" / "dst")) == 2)
        daemon.send_signal(signal.SIGTERM)
        wait_for("the daemon on its way out", lambda: (tmp_path / "exiting").exists() or daemon.poll() is not None)
    except BaseException:
        daemon.kill()
        daemon.wait(30)
        raise
    return daemon, log


@pytest.mark.parametrize("late", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_after_the_daemon_stopped_leaves_its_exit_status_0(tmp_path: Path, late: signal.Signals) -> None:
    daemon, log = _stopped_daemon(tmp_path)
    try:
        assert "stopped" in log.read_text()
        daemon.send_signal(late)  # systemd's second SIGTERM, or a reload that came too late
        (tmp_path / "go").touch()
        assert daemon.wait(60) == 0, log.read_text()
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait(30)


def test_ctrl_c_still_ends_a_daemon_whose_wind_down_hangs(tmp_path: Path) -> None:
    daemon, _ = _stopped_daemon(tmp_path)
    try:
        # its wind-down now hangs (the test never says go, for 60 s): Ctrl+C at the terminal must still end it
        daemon.send_signal(signal.SIGINT)
        daemon.wait(30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait(30)
            pytest.fail("SIGINT was ignored by a daemon on its way out")


# the real entry point called in this interpreter, as a program or a test calls it; then what it left behind
IN_PROCESS = """
import gc, json, os, sys, weakref
out, folder = sys.argv[1], sys.argv[2]
from contactsync.cli import main
sys.argv = ["contactsync"] + sys.argv[3:]
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code
left = sorted(os.listdir(folder))
enabled = gc.isenabled()
class Node:
    pass
gone = []
for i in range(100_000):  # cycles made after the command: a collector that runs finds the first one
    node = Node()
    node.me = node
    if i == 0:
        weakref.finalize(node, gone.append, True)
    del node
json.dump({"code": code, "left": left, "enabled": enabled, "collected": bool(gone)}, open(out, "w"))
"""


def in_process(tmp_path: Path, config: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "probe.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config), "HOME": str(tmp_path / "home")}
    env.pop("STATE_DIRECTORY", None)
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(out), str(config.parent), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.exists(), done.stderr
    found: dict[str, Any] = json.loads(out.read_text())
    return found


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    """A book synced once by the command: its store, with nothing beside it but the daemon's lock file."""
    make_book(tmp_path / "books", "team", 2)
    folder = tmp_path / "store"
    folder.mkdir()
    config = folder / "c.yaml"
    config.write_text(f"store: {{url: 'sqlite:///{folder / 's.db'}'}}\n" + books_yaml(tmp_path / "books", ["team"]))
    subprocess.run([CONTACTSYNC, "-c", str(config), "sync"], check=True, capture_output=True, timeout=120)
    assert not [p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm"))]
    return config


@pytest.mark.parametrize(
    "args", [["status"], ["status", "--book", "nosuch"], ["status", "--template", "nosuch"]], ids=" ".join
)
def test_status_closes_the_store_whatever_it_ends_with(tmp_path: Path, synced: Path, args: list[str]) -> None:
    # called in-process, as a program would: nothing of SQLite's left beside the store once main() is done
    found = in_process(tmp_path, synced, *args)
    assert found["code"] == (0 if args == ["status"] else 2)
    assert not [name for name in found["left"] if name.endswith(("-wal", "-shm"))]
    # and as the command: its process gone, nothing left either
    done = subprocess.run([CONTACTSYNC, "-c", str(synced), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == found["code"], done.stderr
    assert not [p.name for p in synced.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]


@pytest.mark.parametrize(
    "args",
    [["config", "check"], ["--help"], ["--version"], ["sync", "--no-such-option"], ["status"], ["sync"]],
    ids=" ".join,
)
def test_a_program_calling_main_gets_its_collector_back_whatever_the_command(
    tmp_path: Path, synced: Path, args: list[str]
) -> None:
    found = in_process(tmp_path, synced, *args)
    assert found["code"] == (2 if "--no-such-option" in args else 0)
    # paused for the command's start-up only: on again when main() is done, and collecting the program's garbage
    assert found["enabled"] is True
    assert found["collected"] is True


# a program that runs with its collector off calls the entry point
COLLECTOR_OFF = """
import gc, sys
gc.disable()
out = sys.argv[1]
from contactsync.cli import main
sys.argv = ["contactsync"] + sys.argv[2:]
try:
    main()
except SystemExit:
    pass
open(out, "w").write(str(gc.isenabled()))
"""


@pytest.mark.parametrize("args", [["config", "check"], ["status"]], ids=" ".join)
def test_a_program_that_turned_its_collector_off_keeps_it_off(tmp_path: Path, synced: Path, args: list[str]) -> None:
    out = tmp_path / "enabled.txt"
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(synced), "HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-c", COLLECTOR_OFF, str(out), *args], env=env, timeout=120, check=True)
    assert out.read_text() == "False"
