"""The ``contactsync`` command holds Python's cyclic garbage collector off while it loads its modules, and starts it
again once the store is open (issue #18, contactsync/cli/collector.py): asserted on what the real command's
interpreter counts, never on time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .daemon_support import books_yaml, make_book, probe_command

# runs the real `contactsync` entry point in this interpreter, then writes what its collector did to a file
PROBE = """
import atexit, gc, json, sys
out = sys.argv[1]
def report():
    full = gc.get_stats()[2]["collections"]
    json.dump({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), "full": full}, open(out, "w"))
atexit.register(report)
from contactsync.cli import main
sys.argv = ["contactsync"] + sys.argv[2:]
main()
"""


def collector_of(tmp_path: Path, config: Path, *args: str) -> tuple[int, dict[str, object]]:
    code, found = probe_command(tmp_path, config, PROBE, *args)
    return code, found


@pytest.fixture
def synced_book(tmp_path: Path) -> Path:
    make_book(tmp_path, "team", 3)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]))
    return config


@pytest.mark.parametrize("command", [["sync"], ["status"], ["sync", "--dry-run"]])
def test_sync_and_status_load_their_modules_without_a_full_collection_and_collect_after(
    tmp_path: Path, synced_book: Path, command: list[str]
) -> None:
    code, _ = collector_of(tmp_path, synced_book, "sync")
    assert code == 0
    code, collector = collector_of(tmp_path, synced_book, *command)
    assert code == 0
    # with the collector running, loading SQLAlchemy and the store went over every object several times
    assert collector["full"] == 0
    # started again once the store was open: the run's own garbage is collected; the modules were set aside
    assert collector["enabled"] is True
    assert isinstance(collector["frozen"], int) and collector["frozen"] > 10_000


def test_importing_the_cli_leaves_a_program_its_collector_as_it_was() -> None:
    code = "import gc, contactsync.cli; print(gc.isenabled(), gc.get_freeze_count())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["True", "0"]
    code = "import gc; gc.disable(); import contactsync.cli; print(gc.isenabled(), gc.get_freeze_count())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["False", "0"]


def test_doctor_runs_its_checks_with_the_collector(tmp_path: Path, synced_book: Path) -> None:
    # it never opens the store through Context.store(): without its own resume() every account's checks (servers,
    # TLS, sign-ins) ran with the collector off and the start-up's compile installed (#18 review)
    code, collector = collector_of(tmp_path, synced_book, "doctor")
    assert code == 0
    assert collector["enabled"] is True
