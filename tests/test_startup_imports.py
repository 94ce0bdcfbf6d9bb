"""``status`` and a no-change ``sync`` leave ``importlib.metadata`` unimported (cli/deferred.py, #18): SQLAlchemy
imports it for one entry-point scan a SQLite store never asks for, and with it the ``email`` package and ``socket``.
Whoever does read it (a third-party connector type, SQLAlchemy's plugin lookup) gets the real module.
Asserted on what the real command leaves in ``sys.modules``, never on time (the figures are bench/startup.py's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .daemon_support import books_yaml, make_book
from .test_startup import run_probed

# what importlib.metadata imports, and nothing in these commands otherwise does
METADATA_ONLY = ("importlib.metadata._meta", "email.message")


def test_status_and_a_no_change_sync_leave_importlib_metadata_unloaded(tmp_path: Path) -> None:
    make_book(tmp_path, "team", 3)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]))
    assert run_probed(tmp_path, config, "sync")[0] == 0
    for command in ("sync", "status"):
        code, modules = run_probed(tmp_path, config, command)
        assert code == 0
        for name in METADATA_ONLY:
            assert name not in modules, f"`contactsync {command}` imported {name}"


USES = r"""
import sys, threading
from contactsync.cli.deferred import defer_unused
defer_unused()
import sqlalchemy  # keeps the stand-in, as in `sync` and `status`
from sqlalchemy.util import compat
assert "importlib.metadata._meta" not in sys.modules
found = []
def scan():
    found.append(sorted(ep.name for ep in compat.importlib_metadata_get("console_scripts")))
threads = [threading.Thread(target=scan) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
import importlib.metadata
from importlib.metadata import entry_points, version
assert importlib.metadata.version("click") == version("click")
assert "contactsync" in found[0] and all(f == found[0] for f in found), found
assert {ep.name for ep in entry_points(group="contactsync.connectors")} >= {"vdir", "carddav"}
assert sys.modules["importlib.metadata"] is importlib.metadata and hasattr(importlib.metadata, "Distribution")
print("ok")
"""


def test_the_stand_in_answers_as_importlib_metadata_for_whoever_reads_it() -> None:
    done = subprocess.run([sys.executable, "-c", USES], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
