"""The unit files in ``systemd/`` pass ``systemd-analyze verify`` without a single warning."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.daemon_support import CONTACTSYNC

UNITS = Path(__file__).resolve().parent.parent / "systemd"
#: where `pip install` (as root) and the README's venv link put the command
INSTALLED = "/usr/local/bin/contactsync"


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is missing: `apt-get install -y systemd` provides it",
)
def test_units_verify_cleanly(tmp_path: Path) -> None:
    names = sorted(p.name for p in UNITS.iterdir() if p.suffix in (".service", ".timer"))
    assert names == [
        "contactsync-sync.service",
        "contactsync-sync.timer",
        "contactsync.service",
        "contactsync@.service",
    ]
    for name in names:
        # verify checks that ExecStart's program exists: point it at the one under test
        text = (UNITS / name).read_text()
        # each unit runs the command where systemd/README.md says the install puts it
        if name.endswith(".service"):
            assert f"ExecStart={INSTALLED} " in text and INSTALLED in (UNITS / "README.md").read_text()
        text = text.replace(INSTALLED, CONTACTSYNC)
        (tmp_path / name).write_text(text)
    targets = [str(tmp_path / n) for n in names if n != "contactsync@.service"]
    targets.append(str(tmp_path / "contactsync@staff.service"))  # a template is verified through an instance
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *targets], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    # verify exits 0 on unknown keys and bad values too: any line it prints about our units is a failure
    ours = [line for line in (done.stdout + done.stderr).splitlines() if str(tmp_path) in line or "contactsync" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr
