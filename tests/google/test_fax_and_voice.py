"""One number held as an office's voice line and as its fax is two phones, on every account.

A switchboard's number is often both: a card's ``TEL;TYPE=work,voice`` and ``TEL;TYPE=work,fax`` of the same
digits, Google's ``work`` and ``workFax`` entries. A phone was keyed by its number alone, so the two were one phone:
the fax (or the voice line) never reached the other accounts, and nothing said so. Synced here through the real CLI
between the People API emulator and a vdir folder; the same number spelled another way as the same kind is still
one phone, and a second run writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.emulators.google import PeopleEmulator

from .conftest import ALICE
from .helpers import google_and_folder_config

SWITCHBOARD_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:sw1\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nEMAIL:ana@example.com\r\n"
    "TEL;TYPE=work,voice:+1 212 555 0101\r\n"
    "TEL;TYPE=work,voice:(212) 555-0101\r\n"  # the same voice line spelled otherwise: still one phone
    "TEL;TYPE=work,fax:+1 212 555 0101\r\n"
    "END:VCARD\r\n"
)


def _sync(config: Path) -> int:
    result = CliRunner().invoke(cli, ["--config", str(config), "sync", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    writes: int = json.loads(result.stdout)["writes"]
    return writes


def _phones(person: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((p["value"], p.get("type", "")) for p in person.get("phoneNumbers", []))


def _tels(folder: Path) -> list[str]:
    (card,) = folder.glob("*.vcf")
    return sorted(line for line in card.read_text().splitlines() if line.split(";")[0].split(":")[0].endswith("TEL"))


def test_a_cards_voice_line_and_fax_of_one_number_reach_google_and_come_back(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    (tmp_path / "first").mkdir()
    config, folder = google_and_folder_config(emulator, ALICE, tmp_path / "first")
    (folder / "sw1.vcf").write_text(SWITCHBOARD_CARD)
    assert _sync(config) == 1
    (person,) = emulator.persons(ALICE)
    assert _phones(person) == [("+12125550101", "work"), ("+12125550101", "workFax")]
    assert _sync(config) == 0
    assert (folder / "sw1.vcf").read_bytes() == SWITCHBOARD_CARD.encode()  # the card as it was written

    # Google → another folder: a second installation reading the same Google account gets both
    (tmp_path / "second").mkdir()
    config2, folder2 = google_and_folder_config(emulator, ALICE, tmp_path / "second")
    assert _sync(config2) == 1
    assert _tels(folder2) == ["TEL;TYPE=work,fax:+12125550101", "TEL;TYPE=work:+12125550101"]
    assert _sync(config2) == 0


def test_googles_work_and_work_fax_of_one_number_reach_the_card(emulator: PeopleEmulator, tmp_path: Path) -> None:
    config, folder = google_and_folder_config(emulator, ALICE, tmp_path)
    emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Ana", "familyName": "Lima"}],
                "phoneNumbers": [
                    {"value": "+1 212-555-0101", "type": "work"},
                    {"value": "(212) 555-0101", "type": "workFax"},
                    {"value": "+1 646-555-0199", "type": "mobile"},
                    {"value": "+1 646-555-0199", "type": "pager"},
                ],
            }
        ],
    )
    assert _sync(config) == 1
    assert _tels(folder) == [
        "TEL;TYPE=cell:+16465550199",
        "TEL;TYPE=pager:+16465550199",
        "TEL;TYPE=work,fax:+12125550101",
        "TEL;TYPE=work:+12125550101",
    ]
    assert _sync(config) == 0
    (person,) = emulator.persons(ALICE)
    assert len(person["phoneNumbers"]) == 4  # nothing written back over Google's own spellings


def test_the_fax_removed_on_google_leaves_the_voice_line_on_the_card(emulator: PeopleEmulator, tmp_path: Path) -> None:
    config, folder = google_and_folder_config(emulator, ALICE, tmp_path)
    (folder / "sw1.vcf").write_text(SWITCHBOARD_CARD)
    assert _sync(config) == 1
    (person,) = emulator.persons(ALICE)
    voice_only = [p for p in person["phoneNumbers"] if p["type"] == "work"]
    emulator.edit(ALICE, person["resourceName"], {"phoneNumbers": voice_only})
    assert _sync(config) == 1
    assert _tels(folder) == ["TEL;TYPE=work,voice:(212) 555-0101", "TEL;TYPE=work,voice:+1 212 555 0101"]
    (person,) = emulator.persons(ALICE)
    assert _phones(person) == [("+12125550101", "work")]
    assert _sync(config) == 0


def test_a_labelled_fax_stays_a_fax_on_google(emulator: PeopleEmulator, tmp_path: Path) -> None:
    """Google holds one type per number: a custom label on a fax would read back as a voice number of the same
    digits, one phone with the voice line again. It keeps its kind there (the label stays on the card)."""
    config, folder = google_and_folder_config(emulator, ALICE, tmp_path)
    (folder / "sw1.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:sw1\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\n"
        "TEL;TYPE=work,voice:+1 212 555 0101\r\n"
        "item1.TEL;TYPE=work,fax:+1 212 555 0101\r\nitem1.X-ABLabel:Office fax\r\nEND:VCARD\r\n"
    )
    assert _sync(config) == 1
    (person,) = emulator.persons(ALICE)
    assert _phones(person) == [("+12125550101", "work"), ("+12125550101", "workFax")]
    assert _sync(config) == 0
    # the fax re-typed on Google (a home fax now) is the same phone: the card's fax line changes, nothing else
    phones = [{**p, "type": "homeFax"} if p["type"] == "workFax" else p for p in person["phoneNumbers"]]
    emulator.edit(ALICE, person["resourceName"], {"phoneNumbers": phones})
    assert _sync(config) == 1
    assert _tels(folder) == ["TEL;TYPE=work,voice:+1 212 555 0101", "item1.TEL;TYPE=home,fax:+12125550101"]
    assert _sync(config) == 0
