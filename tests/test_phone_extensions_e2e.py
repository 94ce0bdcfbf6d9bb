"""``contactsync sync`` end to end: a phone's extension reaches every copy, and an update loses none.

A Google user (People API emulator) or an Outlook mailbox (Graph emulator) and a vdir folder in one book, synced
through the real CLI. Before, ``+1 212-555-0101 ext. 123`` reached the card as +12125550101, a card's
``+1 646 555 0100 x77`` reached the platform as +16465550100, ``555-0199`` became +15550199 and two extensions of
one line became one phone, all without a word.

The update: a book synced by the version before (run here from ``git archive`` of the commit before it, in a
process of its own)
holds those numbers without their extension. Migration 0012 has the first run read every item holding a phone
again: an edit made elsewhere meanwhile does not put the number back without its extension on the account that
holds it, every account ends with the extension, and the next run writes nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import EXIT_OK, cli
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.outlook import GraphEmulator
from tests.google.helpers import service_account_key
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT, USER

ALICE = "alice@example.com"
CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:v1\r\nFN:Vee Card\r\nN:Card;Vee;;;\r\n"
    "TEL;TYPE=WORK:+1 646 555 0100 x77\r\nEND:VCARD\r\n"
)


class Book:
    """One book of a platform account (``gmail`` or ``mailbox``) and a vdir folder, synced through the CLI."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self.tmp = tmp_path
        self.vdir = tmp_path / "vdir"
        self.vdir.mkdir()
        self.env: dict[str, str] = {}
        self.emulator: Any
        if kind == "google":
            self.emulator = PeopleEmulator().__enter__()
            self.emulator.add_user(ALICE)
            self.user = ALICE
            key = tmp_path / "google-key.json"
            key.write_text(service_account_key(self.emulator))
            key.chmod(0o600)
            account = (
                "      - name: gmail\n        type: google\n        options:\n"
                f"          subject: {ALICE}\n          service_account_file: {key}\n"
                f"          endpoint: {self.emulator.url}\n          token_uri: {self.emulator.token_uri}\n"
            )
        else:
            self.emulator = GraphEmulator(seed=7).__enter__()
            self.emulator.add_tenant(TENANT)
            self.emulator.add_app(TENANT, CLIENT_ID, secret=SECRET)
            self.emulator.add_mailbox(TENANT, USER)
            self.user = USER
            self.env = {"GRAPH_CLIENT_SECRET": SECRET}
            account = (
                "      - name: mailbox\n        type: outlook\n        options:\n"
                f"          tenant_id: {TENANT}\n          client_id: {CLIENT_ID}\n"
                "          client_secret: ${GRAPH_CLIENT_SECRET}\n"
                f"          mailbox: {USER}\n          authority_host: {self.emulator.base_url}\n"
                f"          graph_url: {self.emulator.graph_url}\n          ca_bundle: {self.emulator.ca_file}\n"
            )
        self.config = tmp_path / "contactsync.yaml"
        self.config.write_text(
            f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\nbooks:\n  - name: staff\n    accounts:\n"
            + account
            + f"      - name: folder\n        type: vdir\n        options: {{path: {self.vdir}}}\n"
        )

    def close(self) -> None:
        self.emulator.__exit__(None, None, None)

    def seed(self, google: dict[str, Any], outlook: dict[str, Any]) -> None:
        self.emulator.seed(self.user, [google if self.kind == "google" else outlook])

    def sync(self) -> int:
        result = CliRunner(env=self.env).invoke(
            cli, ["--config", str(self.config), "sync", "--json"], catch_exceptions=False
        )
        assert result.exit_code == EXIT_OK, result.output
        writes: int = json.loads(result.stdout)["writes"]
        return writes

    def sync_as_before(self, old_src: Path) -> int:
        """A sync by the version before this change (its ``src`` in ``old_src``), in a process of its own."""
        script = "import sys\nfrom contactsync.cli import cli\ncli(['--config', sys.argv[1], 'sync', '--json'])\n"
        done = subprocess.run(
            [sys.executable, "-c", script, str(self.config)],
            env={"PATH": "/usr/bin:/bin", **self.env, "PYTHONPATH": str(old_src)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == EXIT_OK, done.stderr
        writes: int = json.loads(done.stdout)["writes"]
        return writes

    def edit_card_note(self, uid: str, note: str) -> None:
        """A card's note changed in the folder (nothing else on it)."""
        path = next(p for p in self.vdir.glob("*.vcf") if f"UID:{uid}" in p.read_text())
        text = "\n".join(line for line in path.read_text().split("\n") if not line.startswith("NOTE"))
        path.write_text(text.replace("END:VCARD", f"NOTE:{note}\r\nEND:VCARD"))

    def card_of(self, given: str) -> str:
        return next(text for text in self.cards().values() if f";{given};" in text)

    def uid_of(self, given: str) -> str:
        return next(line[4:].strip() for line in self.card_of(given).splitlines() if line.startswith("UID:"))

    def edit_note(self, given: str, note: str) -> None:
        """The person's note changed by its owner on the platform (its etag or changeKey changes with it)."""
        if self.kind == "google":
            person = next(p for p in self.emulator.persons(self.user) if p["names"][0]["givenName"] == given)
            self.emulator.edit(self.user, person["resourceName"], {"biographies": [{"value": note}]})
        else:
            item = next(c for c in self.emulator.contacts(self.user) if c["givenName"] == given)
            self.emulator.edit(self.user, item["id"], {"personalNotes": note})

    def cards(self) -> dict[str, str]:
        return {p.name: p.read_text() for p in sorted(self.vdir.glob("*.vcf"))}

    def tels(self) -> list[str]:
        return sorted(line for text in self.cards().values() for line in text.splitlines() if line.startswith("TEL"))

    def remote_phones(self, given: str) -> list[str]:
        if self.kind == "google":
            person = next(p for p in self.emulator.persons(self.user) if p["names"][0]["givenName"] == given)
            return sorted(p["value"] for p in person.get("phoneNumbers", []))
        item = next(c for c in self.emulator.contacts(self.user) if c["givenName"] == given)
        return sorted(p for p in [*item["businessPhones"], *item["homePhones"], item.get("mobilePhone")] if p)


@pytest.fixture(params=["google", "outlook"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Book]:
    made = Book(request.param, tmp_path)
    try:
        yield made
    finally:
        made.close()


#: the last commit before extensions were kept (3e52ab9): pinned, since HEAD holds the change once it is committed
BEFORE = "3e52ab9439c09d938ec898559b6a691ad5ff3b23"


@pytest.fixture(scope="module")
def old_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The code before this change: ``git archive`` of its last commit before it (:data:`BEFORE`)."""
    root = Path(__file__).resolve().parents[1]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("no git checkout to take the version before from")
    if subprocess.run(["git", "-C", str(root), "cat-file", "-e", f"{BEFORE}^{{commit}}"]).returncode != 0:
        pytest.skip("this checkout does not hold the commit before the change (a shallow clone)")
    out = tmp_path_factory.mktemp("before")
    archive = subprocess.run(["git", "-C", str(root), "archive", BEFORE, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out / "src"


EXT_PERSON_GOOGLE = {
    "names": [{"givenName": "Ext", "familyName": "Test"}],
    "phoneNumbers": [{"value": "+1 212-555-0101 ext. 123", "type": "work"}, {"value": "555-0199", "type": "home"}],
}
EXT_PERSON_OUTLOOK = {
    "givenName": "Ext",
    "surname": "Test",
    "businessPhones": ["+1 212-555-0101 ext. 123"],
    "homePhones": ["555-0199"],
}


def test_extensions_and_local_numbers_reach_every_copy(book: Book) -> None:
    book.seed(EXT_PERSON_GOOGLE, EXT_PERSON_OUTLOOK)
    (book.vdir / "v.vcf").write_text(CARD)
    assert book.sync() == 2  # the person onto a card, the card onto the platform
    assert book.tels() == [
        "TEL;TYPE=WORK:+1 646 555 0100 x77",  # the card as it was
        "TEL;TYPE=home:555-0199",
        "TEL;TYPE=work:+12125550101 ext. 123",
    ]
    assert book.remote_phones("Vee") == ["+16465550100 ext. 77"]
    assert book.remote_phones("Ext") == ["+1 212-555-0101 ext. 123", "555-0199"]  # as the platform spells them
    assert book.sync() == 0
    assert book.sync() == 0


def test_two_extensions_of_one_line_are_two_phones_on_every_copy(book: Book) -> None:
    book.seed(
        {
            "names": [{"givenName": "Desk", "familyName": "Numbers"}],
            "phoneNumbers": [
                {"value": "+1 212 555 0100 ext. 101", "type": "work"},
                {"value": "+1 212 555 0100 x202", "type": "work"},
            ],
        },
        {
            "givenName": "Desk",
            "surname": "Numbers",
            "businessPhones": ["+1 212 555 0100 ext. 101", "+1 212 555 0100 x202"],
        },
    )
    (book.vdir / "d.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:d1\r\nFN:Dee Card\r\nN:Card;Dee;;;\r\n"
        "TEL;TYPE=WORK:+1 646 555 0100 x1\r\nTEL;TYPE=WORK:+1 646 555 0100 ext. 2\r\nEND:VCARD\r\n"
    )
    assert book.sync() == 2
    assert book.tels() == [
        "TEL;TYPE=WORK:+1 646 555 0100 ext. 2",
        "TEL;TYPE=WORK:+1 646 555 0100 x1",
        "TEL;TYPE=work:+12125550100 ext. 101",
        "TEL;TYPE=work:+12125550100 ext. 202",
    ]
    assert book.remote_phones("Dee") == ["+16465550100 ext. 1", "+16465550100 ext. 2"]
    assert book.remote_phones("Desk") == ["+1 212 555 0100 ext. 101", "+1 212 555 0100 x202"]
    assert book.sync() == 0


@pytest.mark.parametrize("edited", ["card", "platform"])
def test_a_book_synced_before_the_update_loses_no_extension(book: Book, old_src: Path, edited: str) -> None:
    """The upgrade hazard: the store holds the numbers without extension; an unrelated edit made after the
    update (a note, on the cards or on the platform) must not write them back without it anywhere."""
    book.seed(EXT_PERSON_GOOGLE, EXT_PERSON_OUTLOOK)
    (book.vdir / "v.vcf").write_text(CARD)
    assert book.sync_as_before(old_src) == 2
    # what the version before left: the card without the extension, a local number made into no number, the
    # card's extension not on the platform (the card itself still holds it: it was never written)
    assert book.tels() == [
        "TEL;TYPE=WORK:+1 646 555 0100 x77",
        "TEL;TYPE=home:+15550199",
        "TEL;TYPE=work:+12125550101",
    ]
    assert book.remote_phones("Vee") == ["+16465550100"]
    assert book.sync_as_before(old_src) == 0
    # the update, and an edit of both people's notes elsewhere than where their extension is held... and where
    if edited == "card":
        book.edit_card_note(book.uid_of("Ext"), "desk by the window")
        book.edit_card_note("v1", "desk by the door")
    else:
        book.edit_note("Ext", "desk by the window")
        book.edit_note("Vee", "desk by the door")
    assert book.sync() > 0
    # every account holds the extensions, the platform's own spelling kept
    assert book.remote_phones("Ext") == ["+1 212-555-0101 ext. 123", "555-0199"]
    assert book.remote_phones("Vee") == ["+16465550100 ext. 77"]
    assert "TEL;TYPE=work:+12125550101 ext. 123" in book.card_of("Ext")
    assert "TEL;TYPE=home:555-0199" in book.card_of("Ext")
    assert "TEL;TYPE=WORK:+1 646 555 0100 x77" in book.card_of("Vee")
    assert "desk by the window" in book.card_of("Ext") and "desk by the door" in book.card_of("Vee")
    assert book.sync() == 0
    assert book.sync() == 0


def test_a_book_synced_before_the_update_gets_its_extensions_without_an_edit(book: Book, old_src: Path) -> None:
    """Nobody edits anything after the update: the first run reads every item with a phone again, once."""
    book.seed(EXT_PERSON_GOOGLE, EXT_PERSON_OUTLOOK)
    (book.vdir / "v.vcf").write_text(CARD)
    assert book.sync_as_before(old_src) == 2
    assert book.sync() == 2  # the extensions and the local number reach the card and the platform
    assert book.remote_phones("Ext") == ["+1 212-555-0101 ext. 123", "555-0199"]
    assert book.remote_phones("Vee") == ["+16465550100 ext. 77"]
    assert book.tels() == [
        "TEL;TYPE=WORK:+1 646 555 0100 x77",
        "TEL;TYPE=home:555-0199",
        "TEL;TYPE=work:+12125550101 ext. 123",
    ]
    assert book.sync() == 0
