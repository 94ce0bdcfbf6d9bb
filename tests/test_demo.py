"""The demo runs in CI (``--short``): three real servers on loopback, four cycles of the real engine, and a
final state read back from each platform: the same people and tag counts everywhere, the expected conflicts and
quarantined card, the planted duplicates found and merged, and a last cycle that writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import EXIT_OK, cli


def test_the_short_demo_ends_converged_with_the_expected_conflicts(tmp_path: Path) -> None:
    kept = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--short", "--json", "--keep", str(kept)], catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.output
    outcome = json.loads(result.stdout)

    platforms = ("google", "outlook", "carddav")
    # Ana, Bruno, Carla, Davi, Fernanda, Helena, Joana (merged with Jo); Gabriel deleted; Igor quarantined
    assert {where: n for where, n in outcome["people"].items()} == {p: 7 for p in ("store", *platforms)}
    assert outcome["tags"] == {
        tag: {p: n for p in ("store", *platforms)}
        for tag, n in {"Board": 2, "Family": 2, "Friends": 2, "Sales": 2, "Staff": 3, "Vendors": 1}.items()
    }
    assert sorted(map(tuple, outcome["conflicts"])) == [("Ana Souza", "note"), ("Bruno Lima", "note")]
    assert [(acct, "exceeds" in reason) for acct, reason in outcome["quarantined"]] == [("carddav", True)]
    assert sorted(reason for _a, _b, reason in outcome["duplicates_found"]) == [
        "same phone",
        "similar name and same company",
    ]
    assert outcome["duplicates_left"] == 0
    assert outcome["last_cycle_writes"] == 0
    assert outcome["trash"] == 3
    assert outcome["accounts"] == {p: "ok" for p in platforms}
    # --keep leaves the config and the store to look at; the servers are gone
    assert (kept / "config.yaml").is_file() and (kept / "store.db").is_file()
