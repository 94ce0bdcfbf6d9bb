"""A finished run keeps none of its contacts alive (issue #18): the memos that hold a run's contacts by identity
(the store's encoded texts, the merge's changed fields, a vdir connector's fits) are let go of once the last run
is out and its connectors closed. Left full, they held every contact of a first sync until the process ended,
and the interpreter's last collection walked them all; a daemon carried them from run to run."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.admin import run_book
from contactsync.model import Contact
from contactsync.settings import AccountSettings, BookSettings, frozen_mapping
from contactsync.store import Store

CARDS = 40


def _card(i: int) -> bytes:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:memo-{i}\r\nFN:Person {i}\r\nN:{i};Person;;;\r\n"
        f"EMAIL;TYPE=WORK:person{i}@example.org\r\nTEL;TYPE=CELL:+1415555{i:04d}\r\n"
        f"CATEGORIES:Team{i % 3}\r\nEND:VCARD\r\n"
    ).encode()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()


def _contacts_alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Contact)


def _folders(tmp_path: Path) -> tuple[Path, Path, BookSettings]:
    """A source folder of CARDS cards, an empty target folder, and the book of the two."""
    src, tgt = tmp_path / "src", tmp_path / "tgt"
    src.mkdir()
    tgt.mkdir()
    for i in range(CARDS):
        (src / f"c{i:03d}.vcf").write_bytes(_card(i))
    accounts = tuple(
        AccountSettings(name, "vdir", options=frozen_mapping({"path": str(path)}))
        for name, path in (("source", src), ("target", tgt))
    )
    return src, tgt, BookSettings("memos", accounts)


def test_a_first_sync_leaves_no_contact_of_its_own_alive(store: Store, tmp_path: Path) -> None:
    src, tgt, book = _folders(tmp_path)
    run_book(store, book, allow_deletes=True)  # the modules' own contacts (empty ones, defaults) made once
    (src / "c000.vcf").write_bytes(_card(CARDS))  # something for the next run to carry
    before = _contacts_alive()

    report = run_book(store, book, allow_deletes=True)

    assert report.accounts["target"].updated == 1
    assert len(list(tgt.iterdir())) == CARDS
    # a first sync of 40 cards held 40 contacts and more after its end; a run of one change, 2 or 3
    assert _contacts_alive() <= before


def test_a_new_first_sync_of_many_cards_frees_them_all(store: Store, tmp_path: Path) -> None:
    *_, book = _folders(tmp_path)
    before = _contacts_alive()

    report = run_book(store, book)

    assert report.accounts["target"].created == CARDS
    # what the run's modules make once (the empty contact a merge starts from, and the like) is a handful
    assert _contacts_alive() - before < 5
