"""A merge's undo after a purge or an erasure, and the notes a purged or erased contact's history keeps.

The merge record (the survivor's journal row) held the merged-away contact whole, so `merge --undo` brought back a
contact purged from the trash, with all its data, long after `trash_days`. And blanking a purged contact's
journal took every note with its values, "merged into <id>" and "deleted on office" too, which hold no personal
data. Through the CLI on two vdir folders, on SQLite and PostgreSQL: the purge's and the erasure's statements are
the store's."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from contactsync.cli import EXIT_USAGE
from contactsync.store import Store
from contactsync.store import schema as t
from tests.test_trash_purge_privacy import Book, card

#: what only the merged-away contact held (its family name, its note): no other contact has them
ROCHA = ("Rocha", "Lisbon")
#: what only the survivor held before the merge
COSTA = ("Costa", "south region")


@pytest.fixture
def book(tmp_path: Path, store_url: str) -> Book:
    return Book(tmp_path, store_url)


def _merged(book: Book) -> tuple[str, str, str]:
    """Fernanda Costa and Fernanda Rocha (one phone) merged, Costa kept, and synced: Rocha is in the trash, on no
    account any more. Returns the survivor's id, the merged-away contact's, and the merge's journal id."""
    (book.office / "a.vcf").write_text(
        card("a", "Fernanda Costa", email="fernanda@supplier.example", tel="415 555 0120", note="Buyer, south region")
    )
    (book.office / "b.vcf").write_text(
        card("b", "Fernanda Rocha", email="f.rocha@mail.example", tel="415 555 0120", note="Met at the Lisbon fair")
    )
    (book.office / "z.vcf").write_text(card("z", "Zeca Lima", email="zeca@example.org", tel="415 555 0199"))
    book.ok("sync")
    [pair] = json.loads(book.ok("duplicates", "--json").stdout)
    ids = {pair["first_name"]: pair["first"], pair["second_name"]: pair["second"]}
    costa, rocha = ids["Fernanda Costa"], ids["Fernanda Rocha"]
    merged = book.ok("merge", costa, rocha).stdout
    journal_id = re.search(r"journal #(\d+)", merged).group(1)  # type: ignore[union-attr]
    book.ok("sync", "--allow-deletes")
    for folder in (book.office, book.phone):
        texts = [f.read_text() for f in folder.glob("*.vcf")]
        assert sorted(re.search(r"^FN:(.*?)\r?$", text, re.M).group(1) for text in texts) == [  # type: ignore[union-attr]
            "Fernanda Costa",
            "Zeca Lima",
        ]
        assert not any(value in text for text in texts for value in ROCHA)  # the survivor's values won
    assert [entry["id"] for entry in json.loads(book.ok("trash", "list", "--json").stdout)] == [rocha]
    return costa, rocha, journal_id


def _history(book: Book, contact_id: str, action: str) -> list[dict[str, Any]]:
    return [row for row in json.loads(book.ok("history", contact_id, "--json").stdout) if row["action"] == action]


def _stored(book: Book) -> str:
    """Everything the store holds, and on SQLite its file's bytes and SQL dump too."""
    stored = book.everything_stored()
    if book.url.startswith("sqlite"):
        raw, dump = book.sqlite_bytes_and_dump()
        stored += "\n" + raw.decode("utf-8", "replace") + "\n" + dump
    return stored


def _due(book: Book, contact_id: str) -> None:
    """As if the contact's ``trash_days`` were over (and only its)."""
    with Store.open(book.url) as store, store.engine.begin() as conn:
        conn.execute(
            sa.update(t.trash)
            .where(t.trash.c.contact_id == contact_id)
            .values(purge_after=datetime.now(UTC) - timedelta(days=1))
        )


def test_a_merge_is_not_undone_once_the_merged_away_contact_is_purged_and_its_values_are_gone(book: Book) -> None:
    costa, rocha, journal_id = _merged(book)
    assert all(value in book.everything_stored() for value in ROCHA)  # in the trash: the undo may bring it back
    book.make_the_trash_due()
    book.ok("sync")

    undo = book.cli("merge", "--undo", journal_id)
    assert undo.exit_code == EXIT_USAGE, undo.output
    assert f"merge #{journal_id} cannot be undone" in undo.output
    assert f"{rocha}" in undo.output and "purged" in undo.output
    assert book.cli("trash", "restore", rocha).exit_code == EXIT_USAGE  # as the trash says
    # nothing of Rocha is left anywhere in the store, the merge record included; the survivor keeps its data
    stored = _stored(book)
    for value in ROCHA:
        assert value not in stored, value
    assert "fernanda@supplier.example" in stored and "south region" in stored
    [merge] = _history(book, costa, "merge")
    assert "merged" not in (merge["before"] or {}) and merge["before"]["merged_id"] == rocha
    # the refusal changed nothing: a sync writes nothing, Rocha is not back anywhere
    assert json.loads(book.ok("sync", "--json").stdout)["writes"] == 0
    for folder in (book.office, book.phone):
        assert not any(value in f.read_text() for f in folder.glob("*.vcf") for value in ROCHA)
    # the merged-away contact's history still says into whom it was merged, by id, without values
    [merged_into] = _history(book, rocha, "merged-into")
    assert merged_into["note"] == f"{costa} (journal #{journal_id})"
    assert all(row["before"] is None and row["after"] is None for row in _history(book, rocha, "merged-into"))
    assert f"merged-into  ({costa} (journal #{journal_id}))" in book.ok("history", rocha).stdout


def test_a_merge_record_of_a_contact_an_older_version_purged_is_emptied_by_the_next_purge(book: Book) -> None:
    _costa, rocha, journal_id = _merged(book)
    # what 0.2.0's purge did: the trash entry went, the contact row and the merge record stayed whole
    with Store.open(book.url) as store, store.engine.begin() as conn:
        conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id == rocha))
    undo = book.cli("merge", "--undo", journal_id)
    assert undo.exit_code == EXIT_USAGE and f"{rocha}" in undo.output and "purged" in undo.output
    book.ok("sync")  # no migration: the next purge empties it, its merge record too
    stored = _stored(book)
    for value in ROCHA:
        assert value not in stored, value
    assert book.cli("merge", "--undo", journal_id).exit_code == EXIT_USAGE


def test_a_merge_undone_before_the_purge_leaves_no_values_of_the_purged_contact_in_its_records(book: Book) -> None:
    costa, rocha, journal_id = _merged(book)
    book.ok("merge", "--undo", journal_id)
    book.ok("sync")
    # Rocha is back, then deleted again on the office account, and purged
    [rocha_file] = [f for f in book.office.glob("*.vcf") if "Fernanda Rocha" in f.read_text()]
    rocha_file.unlink()
    book.ok("sync", "--allow-deletes")
    book.make_the_trash_due()
    book.ok("sync")
    stored = _stored(book)
    for value in (*ROCHA, "f.rocha@mail.example"):  # the merged contact the undo started from held her email
        assert value not in stored, value
    assert "fernanda@supplier.example" in stored  # Costa keeps hers
    [merge] = _history(book, costa, "merge")
    assert merge["note"] == f"merged {rocha} into {costa}"
    again = book.cli("merge", "--undo", journal_id)
    assert again.exit_code == EXIT_USAGE and "already undone" in again.output


def test_erasing_the_survivor_erases_the_contact_merged_into_it_and_the_merge_is_not_undone(book: Book) -> None:
    costa, rocha, journal_id = _merged(book)
    # the merged-away contact matches nobody by its emails (they are the survivor's now), but it is the same
    # person, held in the trash: an access request shows it, an erasure erases it
    shown = json.loads(book.ok("person", "show", "fernanda@supplier.example", "--json").stdout)
    assert sorted(p["contact_id"] for p in shown) == sorted([costa, rocha])
    assert "erased 2 contact(s)" in book.ok("person", "erase", "fernanda@supplier.example", "--yes").stdout

    undo = book.cli("merge", "--undo", journal_id)
    assert undo.exit_code == EXIT_USAGE, undo.output
    assert f"merge #{journal_id} cannot be undone" in undo.output and costa in undo.output
    assert "erased" in undo.output
    assert book.cli("trash", "restore", rocha).exit_code == EXIT_USAGE
    book.ok("sync")  # the accounts confirm the deletes: the links forget what the items held
    stored = _stored(book)
    for value in (*ROCHA, *COSTA, "fernanda@supplier.example", "f.rocha@mail.example", "+14155550120"):
        assert value not in stored, value
    assert "zeca@example.org" in stored
    # the history keeps what happened, by id, without values
    [merge] = _history(book, costa, "merge")
    assert merge["note"] == f"merged {rocha} into {costa}" and merge["before"] is None and merge["after"] is None
    [merged_into] = _history(book, rocha, "merged-into")
    assert merged_into["note"] == f"{costa} (journal #{journal_id})"


def test_a_merge_is_not_undone_once_the_survivor_is_purged_and_its_record_holds_neither_contact(book: Book) -> None:
    costa, rocha, journal_id = _merged(book)
    [costa_file] = [f for f in book.office.glob("*.vcf") if "Fernanda Costa" in f.read_text()]
    costa_file.unlink()
    book.ok("sync", "--allow-deletes")
    _due(book, costa)  # Rocha's trash_days are not over: it stays, restorable
    book.ok("sync")

    undo = book.cli("merge", "--undo", journal_id)
    assert undo.exit_code == EXIT_USAGE, undo.output
    assert f"merge #{journal_id} cannot be undone" in undo.output and costa in undo.output
    assert "purged" in undo.output
    # the survivor's merge record held both contacts: it keeps neither, only the note saying what happened
    [merge] = _history(book, costa, "merge")
    assert merge["before"] is None and merge["after"] is None
    assert merge["note"] == f"merged {rocha} into {costa}"
    for value in COSTA:
        assert value not in _stored(book), value
    assert [entry["id"] for entry in json.loads(book.ok("trash", "list", "--json").stdout)] == [rocha]


def test_a_purged_contact_s_history_keeps_the_notes_that_hold_no_personal_data(book: Book) -> None:
    (book.office / "a.vcf").write_text(card("a", "Ana Souza", email="ana@example.org", tel="415 555 0101"))
    (book.office / "z.vcf").write_text(card("z", "Zeca Lima", email="zeca@example.org"))
    book.ok("sync")
    [ana] = [p["contact_id"] for p in json.loads(book.ok("person", "show", "ana@example.org", "--json").stdout)]
    # a note of a kind that may quote the person (what a connector says an item keeps to itself, per item)
    with Store.open(book.url) as store, store.transaction() as tx:
        tx.journal(
            [
                {
                    "book": "staff",
                    "account": "office",
                    "contact_id": ana,
                    "action": "left-on-account",
                    "field": "photo",
                    "note": "Ana Souza's second photo stays on this card",
                }
            ]
        )
    (book.office / "a.vcf").unlink()
    book.ok("sync", "--allow-deletes")
    book.make_the_trash_due()
    book.ok("sync")

    history = json.loads(book.ok("history", ana, "--json").stdout)
    notes = {row["action"]: row["note"] for row in history}
    assert notes["trash"] == "deleted on office"  # which account it was deleted on: no personal data
    assert notes["left-on-account"] is None  # may quote the person: blanked with the values
    assert all(row["before"] is None and row["after"] is None for row in history)
    assert "trash on office  (deleted on office)" in book.ok("history", ana).stdout
    assert "Souza" not in _stored(book)
