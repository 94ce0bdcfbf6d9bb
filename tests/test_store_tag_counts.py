"""The store's tag counts, read after every daemon run, are counted by the database (#18) and equal what decoding
every active contact of the book counts: each tag name a contact carries, merged by casefolded key."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from contactsync.model import Contact, Name, Tag
from contactsync.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()


def tagged(n: int, *tags: str) -> Contact:
    return Contact(name=Name(given=f"P{n}"), tags=frozenset(Tag(t) for t in tags))


def decoded(store: Store, book: str) -> dict[str, int]:
    """What the counts were before: every active contact of the book decoded."""
    counts: dict[str, int] = {}
    for record in store.contacts(store.active_contact_ids(book)).values():
        for name in json.loads(store_data(store, record.id)).get("tags", ()):
            counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
    return counts


def store_data(store: Store, cid: str) -> str:
    from contactsync.store.contacts import encode_contact

    return encode_contact(store.contact(cid).contact)


def test_tag_counts_are_the_decoded_contacts_counts(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts(
            "b",
            {
                "c1": tagged(1, "Team", "Board"),
                "c2": tagged(2, "team"),  # another casing of the same tag: one key
                "c3": tagged(3, "Ünïcode Gruppe", "Board"),
                "c4": tagged(4),  # no tags at all
                "c5": tagged(5, "Team"),  # trashed below: not counted
            },
            new=True,
        )
        tx.put_contacts("other", {"o1": tagged(6, "Team", "Elsewhere")}, new=True)
        tx.trash_contact("b", "c5", days=30, reason="test")
    counts = store.tag_counts("b")
    assert {k: n for k, (_name, n) in counts.items()} == decoded(store, "b")
    assert {k: n for k, (_name, n) in counts.items()} == {"team": 2, "board": 2, "ünïcode gruppe": 1}
    assert counts["team"][0] in ("Team", "team") and counts["ünïcode gruppe"][0] == "Ünïcode Gruppe"
    assert store.tag_counts("empty") == {}
