"""A reader that leaves early (`contactsync status | head -8`) is no error of ours: no "unexpected error", and the
exit code is the command's own when it knew it before printing. Each command runs as a real process writing into
a real pipe (made 4 KiB, so the output outgrows it) that the test closes after reading one line."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from pathlib import Path

import pytest

from contactsync.cli import EXIT_ATTENTION, EXIT_OK
from contactsync.cli.pipe import EXIT_CLOSED_PIPE
from tests.daemon_support import CONTACTSYNC, books_yaml, make_book

BOOKS = [f"team{i}" for i in range(40)]  # ~300 bytes of status each: far more than the pipe holds

pytestmark = pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="sizes the pipe (Linux)")


def read_one_line_then_close(*args: str) -> tuple[int, bytes, str]:
    """Run ``contactsync ARGS`` into a 4 KiB pipe, read its first line, close the pipe; the exit code, the line and
    what it wrote on stderr."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([CONTACTSYNC, *args], stdout=write_end, stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(read_end, 1)
        if not chunk:
            break
        line += chunk
    os.close(read_end)  # the reader leaves: the rest of the output has nowhere to go
    _, stderr = proc.communicate(timeout=300)
    return proc.returncode, line, stderr


def write_config(root: Path) -> Path:
    config = root / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{root / 'store.db'}\n" + books_yaml(root, BOOKS))
    return config


def test_status_into_a_pipe_closed_early_exits_with_its_own_code_and_says_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path)  # never synced: status says so, exit 5
    for _ in range(3):  # the reviewer saw it 2 times in 3
        code, line, stderr = read_one_line_then_close("--config", str(config), "status", "--all")
        assert line.startswith(b"no store yet"), line
        assert code == EXIT_ATTENTION, stderr
        assert stderr == ""
    code, line, stderr = read_one_line_then_close("--config", str(config), "status", "--all", "--json")
    assert (code, line, stderr) == (EXIT_ATTENTION, b"{\n", "")


def test_sync_into_a_pipe_closed_early_still_syncs_every_book_and_exits_with_their_code(tmp_path: Path) -> None:
    for book in BOOKS:
        make_book(tmp_path, book, 1)
    config = write_config(tmp_path)
    code, line, stderr = read_one_line_then_close("--config", str(config), "sync")
    assert line.startswith(b"book team0: ok"), line
    assert code == EXIT_OK, stderr
    assert "unexpected error" not in stderr
    # every book ran, the last ones too, though nobody read their reports
    for book in BOOKS:
        assert len(list((tmp_path / book / "dst").glob("*.vcf"))) == 1, book
    done = subprocess.run(
        [CONTACTSYNC, "--config", str(config), "status", "--json"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == EXIT_OK, done.stdout
    books = json.loads(done.stdout)["books"]
    assert {a["result"] for b in books.values() for a in b["accounts"].values()} == {"ok"}


def test_a_command_that_did_not_know_its_code_exits_141_as_a_closed_pipe_ends_a_program() -> None:
    code, line, stderr = read_one_line_then_close("connectors")
    assert line.strip()
    assert (code, stderr) == (EXIT_CLOSED_PIPE, "")
