"""`trash restore` refuses what would make a duplicate or bring back nothing: a contact already purged (before, it
said "restored" and the next sync re-created it without its emails and phones, so the person came twice once
entered again), one erased on request, and one whose person was entered again while it was in the trash (before,
the next sync put them twice on every account). Through the CLI on two vdir folders, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contactsync.cli import EXIT_USAGE
from tests.test_trash_purge_privacy import Book, card


@pytest.fixture
def book(tmp_path: Path, store_url: str) -> Book:
    return Book(tmp_path, store_url)


def _ana_trashed(book: Book) -> str:
    (book.office / "a.vcf").write_text(card("a", "Ana Souza", email="ana@example.org", note="Allergic to nuts"))
    (book.office / "z.vcf").write_text(card("z", "Zeca Lima", email="zeca@example.org"))
    book.ok("sync")
    (book.office / "a.vcf").unlink()
    book.ok("sync", "--allow-deletes")  # one of two contacts: over the brake's ratio
    [entry] = json.loads(book.ok("trash", "list", "--json").stdout)
    return str(entry["id"])


def _anas(book: Book) -> dict[str, int]:
    return {
        folder.name: sum("Ana Souza" in f.read_text() for f in folder.glob("*.vcf"))
        for folder in (book.office, book.phone)
    }


def test_a_purged_contact_is_not_restored(book: Book) -> None:
    ana = _ana_trashed(book)
    book.make_the_trash_due()
    book.ok("sync")
    refused = book.cli("trash", "restore", ana)
    assert refused.exit_code == EXIT_USAGE, refused.output
    assert f"contact {ana} is not in the trash: purged on " in refused.output
    assert "restored" not in refused.output
    book.ok("sync")
    assert _anas(book) == {"office": 0, "phone": 0}
    # entered again, she is one person on every account
    (book.phone / "again.vcf").write_text(card("again", "Ana Souza", email="ana@example.org"))
    book.ok("sync")
    assert _anas(book) == {"office": 1, "phone": 1}


def test_an_erased_contact_and_an_unknown_id_are_not_restored(book: Book) -> None:
    ana = _ana_trashed(book)
    book.ok("person", "erase", "ana@example.org", "--yes")
    refused = book.cli("trash", "restore", ana)
    assert refused.exit_code == EXIT_USAGE, refused.output
    assert "erased on request" in refused.output
    unknown = book.cli("trash", "restore", "no-such-id")
    assert unknown.exit_code == EXIT_USAGE and "no contact with id no-such-id" in unknown.output
    book.ok("sync")
    assert _anas(book) == {"office": 0, "phone": 0}


def test_a_restore_that_would_duplicate_a_live_contact_is_refused_unless_forced_then_merged(book: Book) -> None:
    ana = _ana_trashed(book)
    # the user enters Ana again on the phone, with the same email: she syncs as a new contact
    (book.phone / "again.vcf").write_text(card("again", "Ana Souza", email="ANA@example.org", tel="415 555 0101"))
    book.ok("sync")
    assert _anas(book) == {"office": 1, "phone": 1}
    held = json.loads(book.ok("person", "show", "ana@example.org", "--json").stdout)
    [live_id] = [p["contact_id"] for p in held if p["deleted_at"] is None]
    refused = book.cli("trash", "restore", ana)
    assert refused.exit_code == EXIT_USAGE, refused.output
    assert live_id in refused.output and "same email" in refused.output
    assert f"contactsync merge {live_id} {ana}" in re.sub(r"\s+", " ", refused.output)
    assert "ana@example.org" not in refused.output.lower()  # ids, never the value
    book.ok("sync")
    book.ok("sync")
    assert _anas(book) == {"office": 1, "phone": 1}
    assert json.loads(book.ok("trash", "list", "--json").stdout)[0]["id"] == ana  # still in the trash
    # what the message suggests: restore anyway, then fold the old contact into the live one
    assert book.ok("trash", "restore", ana, "--force").stdout.startswith(f"restored {ana}")
    book.ok("merge", live_id, ana)
    book.ok("sync")
    book.ok("sync")
    assert _anas(book) == {"office": 1, "phone": 1}
    for folder in (book.office, book.phone):
        [text] = [f.read_text() for f in folder.glob("*.vcf") if "Ana Souza" in f.read_text()]
        assert "Allergic to nuts" in text and "555" in text and "0101" in text  # both contacts' data, one contact
