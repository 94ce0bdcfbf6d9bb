"""A note's leading indentation survives every copy.

A note was trimmed at both ends when read, so one that starts with spaces or a tab (an indented block, a
tab-aligned list) reached the other accounts without them, and nothing said so. Its first line now keeps its
indentation, between vCard folders and through Google (People API emulator), through the real CLI. What is still
taken off is what platforms and editors change in a note nobody edited (trailing whitespace, blank lines at
the ends, CRLF): a second run writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.emulators.google import PeopleEmulator

from .conftest import ALICE
from .helpers import google_and_folder_config

NOTE = "    indented block\n\tand a tab-aligned line"
#: NOTE as the value of a NOTE line
NOTE_LINE = "    indented block\\n\tand a tab-aligned line"
#: the card's NOTE: the same text, with a trailing space and a final line break an editor left
CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:n1\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\n"
    "NOTE:    indented block \\n\tand a tab-aligned line\\n\r\nEND:VCARD\r\n"
)


def _sync(config: Path) -> int:
    result = CliRunner().invoke(cli, ["--config", str(config), "sync", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    writes: int = json.loads(result.stdout)["writes"]
    return writes


def _note_line(folder: Path) -> str:
    (card,) = folder.glob("*.vcf")
    return next(line for line in card.read_text().splitlines() if line.startswith("NOTE"))


def test_an_indented_note_reaches_another_folder_as_written(tmp_path: Path) -> None:
    """Between vCard accounts a NOTE line the model did not hold as written travelled as the line itself, so this
    held before too; the copy is now written from the note the model holds, which is the text as written."""
    source, copy = tmp_path / "source", tmp_path / "copy"
    source.mkdir()
    copy.mkdir()
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\nbooks:\n  - name: staff\n    accounts:\n"
        f"      - name: source\n        type: vdir\n        options: {{path: {source}}}\n"
        f"      - name: copy\n        type: vdir\n        options: {{path: {copy}}}\n"
    )
    card = CARD.replace("NOTE:    indented block \\n\tand a tab-aligned line\\n", "NOTE:" + NOTE_LINE)
    (source / "n1.vcf").write_text(card)
    assert _sync(config) == 1
    assert _note_line(copy) == "NOTE:" + NOTE_LINE
    assert _sync(config) == 0
    assert (source / "n1.vcf").read_bytes() == card.encode()  # the source card as it was written


def test_an_indented_note_goes_through_google_as_written(emulator: PeopleEmulator, tmp_path: Path) -> None:
    (tmp_path / "first").mkdir()
    config, folder = google_and_folder_config(emulator, ALICE, tmp_path / "first")
    (folder / "n1.vcf").write_text(CARD)
    assert _sync(config) == 1
    (person,) = emulator.persons(ALICE)
    assert [b["value"] for b in person["biographies"]] == [NOTE]
    assert _sync(config) == 0

    # Google → another folder: a second installation reading the same Google account
    (tmp_path / "second").mkdir()
    config2, folder2 = google_and_folder_config(emulator, ALICE, tmp_path / "second")
    assert _sync(config2) == 1
    assert _note_line(folder2) == "NOTE:" + NOTE_LINE
    assert _sync(config2) == 0


def test_a_google_note_keeps_its_indentation_and_loses_its_line_end_noise(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    config, folder = google_and_folder_config(emulator, ALICE, tmp_path)
    emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Ana", "familyName": "Lima"}],
                "biographies": [{"value": "\r\n  - first item  \r\n  - second item\r\n\r\n"}],
            }
        ],
    )
    assert _sync(config) == 1
    assert _note_line(folder) == "NOTE:  - first item\\n  - second item"
    assert _sync(config) == 0
    (person,) = emulator.persons(ALICE)
    # nothing written back over Google's own spelling of the note
    assert [b["value"] for b in person["biographies"]] == ["\r\n  - first item  \r\n  - second item\r\n\r\n"]
