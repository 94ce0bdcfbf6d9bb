"""Which of a push's contacts an account is owed a write for, oldest first, whichever way the store reads it: by
each id asked about, or (#18) all the account owes, kept where asked about."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactsync.connector import ChangeKind
from contactsync.model import Contact
from contactsync.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as s:
        with s.transaction() as tx:
            tx.put_contacts("book", {f"c{i}": Contact(display_name=f"P{i}") for i in range(5)}, new=True)
        # queued one transaction each, so the times they were queued differ: c3, then c1, then c4
        for cid in ("c3", "c1", "c4"):
            with s.transaction() as tx:
                tx.queue("a", [cid], ChangeKind.CREATE)
        with s.transaction() as tx:
            tx.queue("b", ["c0"], ChangeKind.UPDATE)
        yield s


def test_every_contact_asked_about(store: Store) -> None:
    assert store.owed_contacts("a", [f"c{i}" for i in range(5)]) == ["c3", "c1", "c4"]


def test_fewer_asked_about_than_owed(store: Store) -> None:
    assert store.owed_contacts("a", ["c4", "c3"]) == ["c3", "c4"]
    assert store.owed_contacts("a", ["c0", "c2"]) == []


def test_as_many_asked_about_as_owed_but_not_all_of_them(store: Store) -> None:
    assert store.owed_contacts("a", ["c0", "c1", "c4"]) == ["c1", "c4"]
    assert store.owed_contacts("a", ["c1", "c1", "c2", "c4"]) == ["c1", "c4"]


def test_an_account_owed_nothing_or_others(store: Store) -> None:
    assert store.owed_contacts("c", [f"c{i}" for i in range(5)]) == []
    assert store.owed_contacts("b", [f"c{i}" for i in range(5)]) == ["c0"]
    assert store.owed_contacts("b", []) == []


def test_a_write_done_is_owed_no_more(store: Store) -> None:
    with store.transaction() as tx:
        tx.dequeue("a", ["c1"])
    assert store.owed_contacts("a", [f"c{i}" for i in range(5)]) == ["c3", "c4"]
