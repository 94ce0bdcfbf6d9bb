"""The demo's outcome does not depend on the wall-clock second its platforms are seeded in.

Ana is on Google and Outlook with her name spelled differently, and the book's rule is ``newest``: Google's
spelling is kept because Google's copy is the newer. Graph gives ``lastModifiedDateTime`` in whole seconds, Google
in milliseconds; with Outlook seeded after Google, Outlook's copy read as the older only while both seeds fell in
one second. On a loaded machine the second turned between them now and then, and the demo queued its conflicts
under "Ana M. Souza" (Outlook's spelling): test_demo.py failed in a run after the daemon tests."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import EXIT_OK, cli
from contactsync.emulators.outlook import GraphEmulator


def test_a_second_turning_between_the_seeds_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = GraphEmulator.seed

    def seeded_in_the_next_second(self: GraphEmulator, *args: Any, **kwargs: Any) -> Any:
        time.sleep(1.05 - time.time() % 1)  # a machine slow for a moment: Outlook is seeded in another second
        return seed(self, *args, **kwargs)

    monkeypatch.setattr(GraphEmulator, "seed", seeded_in_the_next_second)
    kept = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--short", "--json", "--keep", str(kept)], catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.output
    outcome = json.loads(result.stdout)
    assert sorted(map(tuple, outcome["conflicts"])) == [("Ana Souza", "note"), ("Bruno Lima", "note")]
    assert outcome["people"] == {p: 7 for p in ("store", "google", "outlook", "carddav")}
    assert outcome["last_cycle_writes"] == 0
