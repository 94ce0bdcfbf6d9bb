"""The upgrade to one number's voice line and fax as two phones, and to notes that keep their indentation.

A book synced by a version before (run from ``git archive`` of a pinned commit, in a process of its own) holds its
bases as read then: a Google person's ``work`` and ``workFax`` of one number as one phone, a card's indented note
without its indentation. An item nobody edits is not read again, so without a re-read a write made for another
field (an organization edited on Google, a title edited on a copy) was matched against what the item reads as now:
the fax was deleted from the Google person and from the card where the user keeps it, and the note written back
there trimmed, in silence. Migration 0013 has the first run read every item holding a phone or a note again; from
0.2.0, 0012 does it for the phones already. Every account then ends with both phones and the note as written, and
the next run writes nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import EXIT_OK, cli
from contactsync.emulators.google import PeopleEmulator

from .conftest import ALICE
from .helpers import google_and_folder_config

#: the release before (0.2.0: migrations up to 0008) and the last commit before this change (0012 applied)
BEFORE = {"0.2.0": "b83a7fa", "main": "bb5dbe5"}

PERSON = {
    "names": [{"givenName": "Pe", "familyName": "Google"}],
    "emailAddresses": [{"value": "pe@example.com"}],
    "phoneNumbers": [{"value": "+1 212-555-0101", "type": "work"}, {"value": "+1 212-555-0101", "type": "workFax"}],
    "biographies": [{"value": "  indented on Google"}],
}
SWITCHBOARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Ce Card\r\nN:Card;Ce;;;\r\nEMAIL:ce@example.com\r\n"
    "TEL;TYPE=work,voice:+1 646 555 0100\r\nTEL;TYPE=work,fax:+1 646 555 0100\r\nNOTE:  indented on a card\r\n"
    "END:VCARD\r\n"
)
NOTE_ONLY = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:n1\r\nFN:En Note\r\nN:Note;En;;;\r\nEMAIL:en@example.com\r\n"
    "NOTE:\tonly a note\r\nEND:VCARD\r\n"
)


@pytest.fixture(scope="module", params=sorted(BEFORE))
def old_src(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = Path(__file__).resolve().parents[2]
    commit = BEFORE[request.param]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("no git checkout to take the version before from")
    if subprocess.run(["git", "-C", str(root), "cat-file", "-e", f"{commit}^{{commit}}"]).returncode != 0:
        pytest.skip("this checkout does not hold the commit before the change (a shallow clone)")
    out = tmp_path_factory.mktemp("before")
    archive = subprocess.run(["git", "-C", str(root), "archive", commit, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out / "src"


def _sync_as_before(config: Path, old_src: Path) -> int:
    script = "import sys\nfrom contactsync.cli import cli\ncli(['--config', sys.argv[1], 'sync', '--json'])\n"
    done = subprocess.run(
        [sys.executable, "-c", script, str(config)],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(old_src)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    writes: int = json.loads(done.stdout)["writes"]
    return writes


def _sync(config: Path) -> int:
    result = CliRunner().invoke(cli, ["--config", str(config), "sync", "--json"], catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.output
    writes: int = json.loads(result.stdout)["writes"]
    return writes


def _person(emulator: PeopleEmulator, given: str) -> dict[str, Any]:
    return next(p for p in emulator.persons(ALICE) if p["names"][0]["givenName"] == given)


def _lines(card: Path, *names: str) -> list[str]:
    return sorted(line for line in card.read_text().splitlines() if line.startswith(names))


def test_an_edit_after_the_upgrade_keeps_faxes_and_indented_notes_everywhere(
    emulator: PeopleEmulator, tmp_path: Path, old_src: Path
) -> None:
    config, folder = google_and_folder_config(emulator, ALICE, tmp_path)
    emulator.seed(ALICE, [PERSON])
    (folder / "c1.vcf").write_text(SWITCHBOARD)
    (folder / "n1.vcf").write_text(NOTE_ONLY)
    assert _sync_as_before(config, old_src) == 3
    # edits of other fields, made before the first run of the new version
    for given in ("Ce", "En"):
        emulator.edit(ALICE, _person(emulator, given)["resourceName"], {"organizations": [{"name": "NewCo"}]})
    copy = next(p for p in folder.glob("*.vcf") if "FN:Pe Google" in p.read_text())
    copy.write_text(copy.read_text().replace("END:VCARD", "TITLE:Boss\r\nEND:VCARD"))

    _sync(config)
    assert _sync(config) == 0
    # the sources keep what they hold
    assert [(p["value"], p["type"]) for p in _person(emulator, "Pe")["phoneNumbers"]] == [
        ("+1 212-555-0101", "work"),
        ("+1 212-555-0101", "workFax"),
    ]
    assert [b["value"] for b in _person(emulator, "Pe")["biographies"]] == ["  indented on Google"]
    assert _lines(folder / "c1.vcf", "TEL", "NOTE") == [
        "NOTE:  indented on a card",
        "TEL;TYPE=work,fax:+1 646 555 0100",
        "TEL;TYPE=work,voice:+1 646 555 0100",
    ]
    assert _lines(folder / "n1.vcf", "NOTE") == ["NOTE:\tonly a note"]
    # and the copies get them
    assert _lines(copy, "TEL", "NOTE") == [
        "NOTE:  indented on Google",
        "TEL;TYPE=work,fax:+12125550101",
        "TEL;TYPE=work:+12125550101",
    ]
    assert sorted((p["value"], p["type"]) for p in _person(emulator, "Ce")["phoneNumbers"]) == [
        ("+16465550100", "work"),
        ("+16465550100", "workFax"),
    ]
    assert [b["value"] for b in _person(emulator, "Ce")["biographies"]] == ["  indented on a card"]
    assert [b["value"] for b in _person(emulator, "En")["biographies"]] == ["\tonly a note"]
