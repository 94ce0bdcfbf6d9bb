"""One local number spelled two ways is one phone (review of 854d8d6): kept as written, Google's "555-0199" and a
card's "(555) 0199" became two phones on both accounts at the first sync. A local number is its national spelling."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.emulators.google import PeopleEmulator

from .conftest import ALICE
from .helpers import google_and_folder_config


def test_a_local_number_spelled_two_ways_is_one_phone(emulator: PeopleEmulator, tmp_path: Path) -> None:
    config, vdir = google_and_folder_config(emulator, ALICE, tmp_path)
    emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Lo", "familyName": "Cal"}],
                "emailAddresses": [{"value": "lo@example.com"}],
                "phoneNumbers": [{"value": "555-0199", "type": "home"}],
            }
        ],
    )
    (vdir / "a.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a1\r\nFN:Lo Cal\r\nN:Cal;Lo;;;\r\nEMAIL:lo@example.com\r\n"
        "TEL;TYPE=HOME:(555) 0199\r\nEND:VCARD\r\n"
    )
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(cli, ["--config", str(config), "sync", "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["writes"] == 0
    (person,) = emulator.persons(ALICE)
    assert [p["value"] for p in person["phoneNumbers"]] == ["555-0199"]
    (card,) = vdir.glob("*.vcf")
    assert card.read_text().count("TEL") == 1, card.read_text()
