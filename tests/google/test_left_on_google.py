"""What a Google contact holds that the model keeps one of (a custom field's key held twice, organizations past
the first) is reported as left on the account, never dropped in silence: `contactsync person show` names it, and a
write-back after an edit elsewhere keeps it on Google (bug hunt of 2026-12-07, eighth part)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.emulators.google import PeopleEmulator

from .conftest import ALICE
from .helpers import google_and_folder_config


def test_a_repeated_custom_key_and_a_second_organization_are_reported_and_stay_on_google(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    config, vdir = google_and_folder_config(emulator, ALICE, tmp_path)
    custom = [{"key": "Employee ID", "value": "E-1"}, {"key": "Employee ID", "value": "E-2"}]
    organizations = [{"name": "Acme", "title": "Engineer"}, {"name": "Night School", "title": "Teacher"}]
    emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Cu", "familyName": "Stom"}],
                "emailAddresses": [{"value": "cu@example.org"}],
                "userDefined": custom,
                "organizations": organizations,
            },
            {"names": [{"givenName": "Pl", "familyName": "Ain"}], "emailAddresses": [{"value": "pl@example.org"}]},
        ],
    )
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("sync")
    shown = run("person", "show", "cu@example.org")
    assert "held on one account only, not carried to the others: gmail: custom, gmail: organization" in shown
    assert "held on one account only" not in run("person", "show", "pl@example.org")
    # the copy holds the first of each, as docs/properties.md says
    (card,) = [p for p in vdir.glob("*.vcf") if "Stom" in p.read_text()]
    text = card.read_text()
    assert "E-1" in text and "E-2" not in text and "Acme" in text and "Night School" not in text
    # an edit on the folder is written back to Google without taking the second values off it
    card.write_text(text.replace("EMAIL", "NOTE:met at the fair\r\nEMAIL", 1))
    run("sync")
    (stored,) = [p for p in emulator.persons(ALICE) if p["names"][0]["familyName"] == "Stom"]
    assert stored["biographies"][0]["value"] == "met at the fair"
    assert [e["value"] for e in stored["userDefined"]] == ["E-1", "E-2"]
    assert [o["name"] for o in stored["organizations"]] == ["Acme", "Night School"]
    assert json.loads(run("sync", "--json"))["writes"] == 0
