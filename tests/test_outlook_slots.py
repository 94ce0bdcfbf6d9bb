"""Outlook's limited slots through ``contactsync sync`` (a vdir folder and a mailbox on the Graph emulator): a
value the Outlook user typed into a slot stays there, and the numbers Outlook holds keep Outlook's spelling when a
phone list is written again. What an admin sees on Outlook and in the card after each run; a run with nothing
changed writes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import EXIT_OK, cli
from contactsync.emulators.outlook import GraphEmulator
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT, USER
from tests.outlook.fixtures import mailbox_config

CARD = """BEGIN:VCARD
VERSION:3.0
UID:a1
FN:Ana Souza
N:Souza;Ana;;;
NICKNAME:Annie,Nana
EMAIL:a1@x.org
EMAIL:a2@x.org
EMAIL:a3@x.org
EMAIL:a4@x.org
URL:https://one.example
URL:https://two.example
TEL;TYPE=WORK:+1 212 555 0101
TEL;TYPE=WORK:+1 212 555 0102
TEL;TYPE=WORK:+1 212 555 0103
END:VCARD
"""


@pytest.fixture
def emulator() -> Iterator[GraphEmulator]:
    with GraphEmulator(seed=7) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER)
        yield emu


class Book:
    def __init__(self, emulator: GraphEmulator, tmp_path: Path) -> None:
        self.emu = emulator
        self.vdir = tmp_path / "vdir"
        self.vdir.mkdir()
        self.config = mailbox_config(
            tmp_path, emulator, f"      - name: folder\n        type: vdir\n        options: {{path: {self.vdir}}}\n"
        )
        self.runner = CliRunner(env={"GRAPH_CLIENT_SECRET": SECRET})

    def sync(self) -> dict[str, Any]:
        result = self.runner.invoke(cli, ["--config", str(self.config), "sync", "--json"], catch_exceptions=False)
        assert result.exit_code == EXIT_OK, result.output
        summary: dict[str, Any] = json.loads(result.stdout)
        return summary

    def item(self) -> dict[str, Any]:
        (item,) = self.emu.contacts(USER)
        return item

    def card(self) -> tuple[Path, str]:
        (path,) = self.vdir.glob("*.vcf")
        return path, path.read_text().replace("\r\n", "\n")


def _emails(item: dict[str, Any]) -> list[str]:
    return [e["address"] for e in item.get("emailAddresses") or ()]


def test_what_the_outlook_user_typed_into_a_slot_stays_there(emulator: GraphEmulator, tmp_path: Path) -> None:
    book = Book(emulator, tmp_path)
    (book.vdir / "a.vcf").write_text(CARD.replace("\n", "\r\n"))
    book.sync()
    assert book.sync()["writes"] == 0
    item = book.item()
    # the first values fill Outlook's slots; the others stay on the card only
    assert item["nickName"] == "Annie"
    assert _emails(item) == ["a1@x.org", "a2@x.org", "a3@x.org"]
    assert item["businessHomePage"] == "https://one.example"
    assert item["businessPhones"] == ["+12125550101", "+12125550102"]

    # the user edits on Outlook one value of each limited field
    emulator.edit(
        USER,
        item["id"],
        {
            "nickName": "Annie B",
            "businessHomePage": "https://one-new.example",
            "emailAddresses": [{"address": "a1-new@x.org", "name": "a1-new@x.org"}, *item["emailAddresses"][1:]],
            "businessPhones": ["+12125550101", "+12125559999"],
        },
    )
    book.sync()

    # Outlook keeps every value the user typed, where they typed it
    item = book.item()
    assert item["nickName"] == "Annie B"
    assert item["businessHomePage"] == "https://one-new.example"
    assert _emails(item) == ["a1-new@x.org", "a2@x.org", "a3@x.org"]
    assert item["businessPhones"] == ["+12125550101", "+12125559999"]
    # the card takes the edits and keeps the values Outlook has no slot for
    _path, text = book.card()
    for value in ("Nana", "Annie B", "a1-new@x.org", "a2@x.org", "a3@x.org", "a4@x.org"):
        assert value in text
    assert "a1@x.org" not in text and "NICKNAME:Annie\n" not in text
    assert "https://two.example" in text and "https://one-new.example" in text
    assert "0103" in text and "9999" in text and "0102" not in text

    # nothing changed: nothing written
    assert book.sync()["writes"] == 0
    assert book.item()["nickName"] == "Annie B"

    # an unrelated edit on the card later does not bring the hidden values back over the user's
    path, text = book.card()
    path.write_text(text.replace("FN:Ana Souza\n", "FN:Ana Souza\nNOTE:met in Lisbon\n").replace("\n", "\r\n"))
    book.sync()
    item = book.item()
    assert item["personalNotes"] == "met in Lisbon"
    assert item["nickName"] == "Annie B"
    assert item["businessHomePage"] == "https://one-new.example"
    assert _emails(item) == ["a1-new@x.org", "a2@x.org", "a3@x.org"]
    assert item["businessPhones"] == ["+12125550101", "+12125559999"]
    assert book.sync()["writes"] == 0


def test_a_value_removed_from_the_card_frees_its_slot_for_a_hidden_one(emulator: GraphEmulator, tmp_path: Path) -> None:
    book = Book(emulator, tmp_path)
    (book.vdir / "a.vcf").write_text(CARD.replace("\n", "\r\n"))
    book.sync()
    path, text = book.card()
    path.write_text(
        text.replace("EMAIL:a2@x.org\n", "").replace("NICKNAME:Annie,Nana", "NICKNAME:Nana").replace("\n", "\r\n")
    )
    book.sync()
    item = book.item()
    # the values still held keep their slots; the freed one takes the first value Outlook did not hold
    assert _emails(item) == ["a1@x.org", "a3@x.org", "a4@x.org"]
    assert item["nickName"] == "Nana"
    assert book.sync()["writes"] == 0


def test_outlooks_spelling_of_unchanged_numbers_stays(emulator: GraphEmulator, tmp_path: Path) -> None:
    book = Book(emulator, tmp_path)
    emulator.seed(
        USER,
        [
            {
                "givenName": "Bo",
                "surname": "Lima",
                "businessPhones": ["+1 212 555 0100 ext. 101", "(212) 555-0142"],
                "homePhones": ["(718) 555-0123"],
                "mobilePhone": "(212) 555-0199",
            }
        ],
    )
    book.sync()
    assert book.sync()["writes"] == 0
    # on the card: the first desk number replaced by another, and a second home number
    path, text = book.card()
    text = re.sub(r"TEL[^\n]*0100[^\n]*\n", "TEL;TYPE=WORK:+1 212 555 0177\n", text)
    text = re.sub(r"(\nN:[^\n]*\n)", r"\1TEL;TYPE=HOME:+1 718 555 0150\n", text)
    path.write_text(text.replace("\n", "\r\n"))
    book.sync()
    item = book.item()
    # the numbers nobody changed keep the spelling Outlook held, in their slots; only the new ones are spelled by us
    assert item["businessPhones"][0] == "(212) 555-0142"
    assert "0177" in item["businessPhones"][1] and "0100" not in json.dumps(item)
    assert item["homePhones"][0] == "(718) 555-0123"
    assert "0150" in item["homePhones"][1]
    assert item["mobilePhone"] == "(212) 555-0199"
    _path, text = book.card()
    assert "0177" in text and "0150" in text and "0100" not in text
    assert book.sync()["writes"] == 0
