"""``contactsync doctor`` on a vdir account whose path is a file (the admin pointed it at the config file), or
lies under one: the fix it gives fits (no ``mkdir -p`` of a file), and the doctor changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from contactsync.cli import EXIT_PARTIAL

from .daemon_support import CONTACTSYNC
from .doctor_support import run_doctor, write_config


def _account(path: Path) -> str:
    return f"      - name: files\n        type: vdir\n        options:\n          path: {path}\n"


def test_a_vdir_path_that_is_a_file_is_not_told_to_be_made_with_mkdir(tmp_path: Path) -> None:
    config = write_config(tmp_path, _account(tmp_path / "config.yaml"))  # the config file itself
    before = config.read_bytes()
    run = run_doctor(config)
    assert run.exit_code == EXIT_PARTIAL
    folder = run.one("folder", "files")
    assert folder["outcome"] == "fail"
    assert folder["detail"].startswith(f"{config} is not a folder (it is a file)")
    assert "mkdir" not in folder["fix"]
    assert "point options.path at the folder" in folder["fix"] and "move that file away" in folder["fix"]
    assert config.read_bytes() == before  # the doctor moved and made nothing
    # as the admin reads it
    text = subprocess.run([CONTACTSYNC, "--config", str(config), "doctor"], capture_output=True, text=True, timeout=120)
    assert text.returncode == EXIT_PARTIAL
    assert "is not a folder (it is a file)" in text.stdout and f"mkdir -p {config}" not in text.stdout


def test_a_vdir_path_under_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "cards").write_text("a file\n")
    config = write_config(tmp_path, _account(tmp_path / "cards" / "ana"))
    folder = run_doctor(config).one("folder", "files")
    assert folder["outcome"] == "fail"
    assert folder["detail"].startswith(f"{tmp_path / 'cards' / 'ana'} does not exist, and cannot: ")
    assert f"{tmp_path / 'cards'} is a file" in folder["detail"]
    assert "mkdir" not in folder["fix"] and "point options.path at a folder" in folder["fix"]
