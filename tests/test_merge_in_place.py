"""An element a side edits in place keeps its place in the merged contact (bug hunt of 2026-12-07, eighth part):
Outlook holds the first few of a field's values, and an edited value put last lost its slot there to one its user
never saw. merge() is pure: asked directly here; tests/test_outlook_slots.py shows it through the CLI."""

from __future__ import annotations

from datetime import UTC, datetime

from contactsync.engine.merge import Side, merge
from contactsync.model import Contact, Email, EmailKind, Field, Tag
from contactsync.settings import ConflictSettings

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
LATER = datetime(2026, 2, 1, tzinfo=UTC)
FIELDS = frozenset({Field.EMAILS, Field.NICKNAMES, Field.TAGS})


def emails(*names: str) -> tuple[Email, ...]:
    return tuple(Email(f"{n}@example.org", EmailKind.WORK) for n in names)


def merged(store: Contact, base: Contact, remote: Contact) -> Contact:
    return merge(store, WHEN, [Side("outlook", base, remote, LATER, 1, FIELDS)], ConflictSettings()).contact


def test_an_address_edited_in_its_slot_stays_first() -> None:
    store = Contact(emails=emails("a1", "a2", "a3", "a4"), nicknames=("Annie", "Nana"))
    held = Contact(emails=emails("a1", "a2", "a3"), nicknames=("Annie",))  # what Outlook's slots hold
    edited = Contact(emails=emails("a1-new", "a2", "a3"), nicknames=("Annie B",))
    out = merged(store, held, edited)
    assert [e.address for e in out.emails] == [f"{n}@example.org" for n in ("a1-new", "a2", "a3", "a4")]
    assert out.nicknames == ("Annie B", "Nana")


def test_a_middle_value_edited_stays_in_the_middle_and_two_edits_keep_both_places() -> None:
    store = Contact(emails=emails("a1", "a2", "a3", "a4"))
    out = merged(store, Contact(emails=emails("a1", "a2", "a3")), Contact(emails=emails("a1", "b2", "b3")))
    assert [e.address.split("@")[0] for e in out.emails] == ["a1", "b2", "b3", "a4"]


def test_a_value_removed_and_another_added_elsewhere_is_added_last_as_before() -> None:
    store = Contact(emails=emails("a1", "a2", "a3", "a4"))
    # a1 removed, a new address added after the others: no place was taken, the new one comes last
    out = merged(store, Contact(emails=emails("a1", "a2", "a3")), Contact(emails=emails("a2", "a3", "n")))
    assert [e.address.split("@")[0] for e in out.emails] == ["a2", "a3", "a4", "n"]


def test_tags_are_a_set_whatever_the_order() -> None:
    store = Contact(tags=frozenset({Tag("Board"), Tag("Team")}))
    out = merged(store, Contact(tags=store.tags), Contact(tags=frozenset({Tag("Staff"), Tag("Team")})))
    assert out.tags == frozenset({Tag("Staff"), Tag("Team")})


def test_two_sides_editing_one_element_in_place_order_it_alike_whatever_order_they_come_in() -> None:
    """The best-ranked side's edit takes the old element's place, the other's comes last: the same contact whatever
    order the accounts are processed in (invariant 3; review of 9c2c08b)."""
    store = Contact(emails=emails("a1", "a2", "a3", "a4"))
    outlook = Side(
        "outlook", Contact(emails=emails("a1", "a2", "a3")), Contact(emails=emails("x", "a2", "a3")), WHEN, 2, FIELDS
    )
    folder = Side("folder", store, Contact(emails=emails("y", "a2", "a3", "a4")), LATER, 1, FIELDS)
    one = merge(store, WHEN, [outlook, folder], ConflictSettings()).contact
    other = merge(store, WHEN, [folder, outlook], ConflictSettings()).contact
    assert one == other
    assert [e.address.split("@")[0] for e in one.emails] == ["y", "a2", "a3", "a4", "x"]
