"""Edit beats delete when the "edit" is a person made again by hand (invariant 4, docs/sync-invariants.md).

Found by tests/test_engine_properties.py: p3 deleted on b, and on c deleted and added back by hand as a new item
(same content, new item id) before the next run. The new item on c was matched to p3 as a replacement, but its
content equalled the old base, so nothing counted as an edit: b's delete won and took the item the user had just
made on c with it. The person must live on, once per account, on c as the item the user made.
"""

from __future__ import annotations

import itertools

from contactsync.connector import ChangeKind
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine, RunReport
from contactsync.model import Contact, Email, EmailKind, Name, Phone, PhoneKind
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store

ACCOUNTS = ("a", "b", "c")
P3 = "p3@example.org"


def person(n: int) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"Given{n}", family=f"Family{n}"),
            emails=(Email(f"p{n}@example.org", EmailKind.WORK),),
            phones=(Phone(f"+1415555{n:04d}", PhoneKind.MOBILE),),
        )
    )


def primary(c: Contact) -> str:
    return c.emails[0].address if c.emails else ""


class Book:
    """Three two-way memory accounts, p1..p4 synced everywhere."""

    def __init__(self) -> None:
        ids = itertools.count(1)
        self.backends = {n: MemoryBackend(name=n) for n in ACCOUNTS}
        self.book = BookSettings(
            "people",
            tuple(AccountSettings(n, "memory") for n in ACCOUNTS),
            brake=BrakeSettings(max_deletes=1000, max_delete_ratio=1.0),
        )
        self.connectors = {n: MemoryConnector(n, b, max_batch=3) for n, b in self.backends.items()}
        self.store = Store.open("sqlite://")
        self.new_id = lambda: f"cid-{next(ids):05d}"
        for k in range(1, 5):
            self.backends["a"].user_create(person(k))
        self.run()
        self.run()

    def run(self, *, dry_run: bool = False) -> RunReport:
        engine = Engine(self.store, self.book, self.connectors, sleep=lambda _s: None, new_id=self.new_id)
        return engine.run(dry_run=dry_run)

    def items_of(self, account: str, who: str) -> list[str]:
        return [i for i, c in self.backends[account].contacts().items() if primary(c) == who]

    def people(self, account: str) -> list[str]:
        return sorted(primary(c) for c in self.backends[account].contacts().values())

    def delete(self, account: str, who: str) -> None:
        (item,) = self.items_of(account, who)
        self.backends[account].user_delete(item)

    def make_again_by_hand(self, account: str, who: str) -> str:
        """Delete the person's item and create one with the same content: a new item id."""
        (item,) = self.items_of(account, who)
        held = self.backends[account].contacts()[item]
        self.backends[account].user_delete(item)
        self.backends[account].user_create(held)
        (again,) = self.items_of(account, who)
        assert again != item
        return again

    def contact_id(self, who: str) -> str:
        live = self.store.contacts(self.store.active_contact_ids("people"))
        (cid,) = [c for c, r in live.items() if primary(r.contact) == who]
        return cid


def test_a_person_made_again_by_hand_on_c_survives_a_delete_on_b() -> None:
    book = Book()
    before = book.contact_id(P3)
    book.delete("b", P3)
    made = book.make_again_by_hand("c", P3)
    book.run()
    book.run()
    everyone = ["p1@example.org", "p2@example.org", P3, "p4@example.org"]
    for n in ACCOUNTS:
        assert book.people(n) == everyone, f"{n} lost or duplicated p3"
    # c keeps the very item the user made; b gets p3 back; the same person as before, not a new one
    assert book.items_of("c", P3) == [made]
    assert book.backends["c"].contacts()[made] == person(3)
    assert book.contact_id(P3) == before
    # the journal says the delete lost, and why; no trash row for p3
    assert book.store.journal_ids("trash", contact_ids=[before]) == []
    (lost,) = book.store.journal_ids("delete-lost", contact_ids=[before])
    entry = book.store.journal_entry(lost)
    assert entry is not None and entry.account == "b" and entry.note == "made again by hand on c: it lives"
    # settled: nothing more to do
    assert book.run().writes == 0


def test_the_dry_run_plans_the_person_back_on_b_and_deletes_nothing() -> None:
    book = Book()
    book.delete("b", P3)
    book.make_again_by_hand("c", P3)
    report = book.run(dry_run=True)
    planned = [(p.account, p.kind) for rep in report.accounts.values() for p in rep.planned]
    assert ("b", ChangeKind.CREATE) in planned
    assert all(kind is not ChangeKind.DELETE for _n, kind in planned)
    assert book.items_of("b", P3) == []  # nothing written


def test_a_delete_nobody_contradicted_still_propagates() -> None:
    book = Book()
    book.delete("b", P3)
    book.run()
    book.run()
    for n in ACCOUNTS:
        assert P3 not in book.people(n)


def test_made_again_after_the_delete_propagated_is_a_new_person_not_the_old_one_back() -> None:
    book = Book()
    old = book.contact_id(P3)
    book.delete("b", P3)
    book.run()
    book.run()
    assert P3 not in book.people("c")
    book.backends["c"].user_create(person(3))
    book.run()
    book.run()
    for n in ACCOUNTS:
        assert book.people(n).count(P3) == 1
    # a new person: the trashed one stays in the trash
    assert book.contact_id(P3) != old
    record = book.store.contact(old)
    assert record.deleted_at is not None
