"""Counts agree with their nouns in what an admin reads: "1 write failed", never "1 writes failed". The sync's
warning and status's error are read from real runs: one card written into a folder on a full filesystem (a small
tmpfs), a real ``contactsync`` process."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.wording import counted
from tests.daemon_support import CONTACTSYNC, fill, fill_up, small_tmpfs


def test_counted_agrees_with_its_noun() -> None:
    assert [counted(n, "write") for n in (0, 1, 2)] == ["0 writes", "1 write", "2 writes"]
    assert [counted(n, "person", "people") for n in (1, 3)] == ["1 person", "3 people"]


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "mnt", "1m") as mount:
        yield mount


def run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), *args], capture_output=True, text=True, timeout=300, env=os.environ
    )


def test_one_failed_write_is_one_write_in_the_log_status_config_check_and_doctor(tmpfs: Path, tmp_path: Path) -> None:
    fill(tmp_path / "office", 1)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\nbooks:\n  - name: staff\n    accounts:\n"
        f"      - {{name: office, type: vdir, options: {{path: {tmp_path / 'office'}}}}}\n"
        f"      - {{name: phone, type: vdir, options: {{path: {tmpfs}}}}}\n"
    )
    fill_up(tmpfs)  # the phone's folder: a full filesystem
    done = run(config, "sync")
    assert done.returncode == 3, done.stdout + done.stderr
    [warning] = [line for line in done.stderr.splitlines() if "WARNING" in line and "phone" in line]
    assert "account phone: 1 write failed (Transient); it stays owed for the next run" in warning, warning
    shown = run(config, "status")
    assert "error: 1 failed write still owed; last: " in shown.stdout, shown.stdout
    assert "book staff: 0 pending conflicts, 0 in the trash" in shown.stdout
    error = json.loads(run(config, "status", "--json").stdout)["books"]["staff"]["accounts"]["phone"]["error"]
    assert error.startswith("1 failed write still owed; last: ")
    one = tmp_path / "one.yaml"
    one.write_text(config.read_text().replace(f"      - {{name: phone, type: vdir, options: {{path: {tmpfs}}}}}\n", ""))
    assert f"{one}: ok (1 book, 1 account)" in run(one, "config", "check").stdout
    doctor = run(one, "doctor").stdout
    assert "loads (1 book, 1 account)" in doctor and "1 card file\n" in doctor, doctor
