"""A vdir account whose folder is missing, or is a file, fails its run at once with a clear message: no retry
within the run mends that, and the book's other accounts would wait for the retries (2 + 4 + 8 s per run). The
next run looks again. Real folders and files, the real ``contactsync`` process."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from contactsync.cli import EXIT_OK, EXIT_PARTIAL
from tests.daemon_support import CONTACTSYNC, fill


def contactsync(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("missing", "the folder of account 'folder-c' does not exist"),
        ("a file", "listing the folder of account 'folder-c' failed: Not a directory"),
    ],
)
def test_a_folder_missing_or_a_file_fails_the_account_at_once_and_the_others_sync(
    tmp_path: Path, shape: str, message: str
) -> None:
    fill(tmp_path / "a", 3)
    (tmp_path / "b").mkdir()
    gone = tmp_path / "c"
    if shape == "a file":
        gone.write_text("not a folder\n")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n"
        "  - name: team\n"
        "    schedule: every 1h\n"
        "    accounts:\n"
        f"      - {{name: folder-a, type: vdir, options: {{path: {tmp_path / 'a'}}}}}\n"
        f"      - {{name: folder-b, type: vdir, options: {{path: {tmp_path / 'b'}}}}}\n"
        f"      - {{name: folder-c, type: vdir, options: {{path: {gone}}}}}\n"
    )
    started = time.monotonic()
    done = contactsync(config, "-v", "sync")
    took = time.monotonic() - started
    assert done.returncode == EXIT_PARTIAL, done.stderr
    assert "sending again" not in done.stderr  # no retry within the run
    assert took < 10, f"the run took {took:.1f}s: the retry waits alone are 14 s"
    assert message in done.stdout
    # the book's other accounts synced
    assert len(list((tmp_path / "b").glob("*.vcf"))) == 3
    status = contactsync(config, "status", "--json")
    assert status.returncode == EXIT_PARTIAL
    accounts = json.loads(status.stdout)["books"]["team"]["accounts"]
    assert (accounts["folder-c"]["result"], accounts["folder-c"]["error"]) == ("error", message)
    assert accounts["folder-a"]["result"] == accounts["folder-b"]["result"] == "ok"
    assert message in contactsync(config, "status").stdout
    # the next run looks again: the folder is back, the account syncs
    if shape == "a file":
        gone.unlink()
    gone.mkdir()
    again = contactsync(config, "sync")
    assert again.returncode == EXIT_OK, again.stdout
    assert len(list(gone.glob("*.vcf"))) == 3
