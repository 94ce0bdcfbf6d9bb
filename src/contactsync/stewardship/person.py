"""Personal-data requests (GDPR/LGPD): everything held about a person, and erasing it everywhere.

Erasure keeps a tombstone: the contact row stays with no data (``erased``), its emails and phones only as
SHA-256 hashes salted with the book's name (kind ``erased-email`` / ``erased-phone``), so a later check can tell
that an item a lagging account still lists belongs to an erased person without holding the person's data. The
journal keeps that an erasure happened, never what was erased: its rows keep no values, and only the notes that
hold no personal data (which contact it was merged into, on which account it was deleted). A person is also the
contacts merged into theirs that the trash still holds: their emails and phones became the survivor's, and an
access request shows them, an erasure erases them (``merge --undo`` of an erased contact is refused). Each account
holding the person is owed a delete through the outbox; a link's base (the last agreed content) is dropped when
that delete is confirmed, like any delete, and at once on accounts we never write to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..codec import contact_to_data
from ..normalize import email_address, phone_number
from ..settings import Settings
from ..store import Store, identity_tombstone
from . import StewardshipError
from .common import journal_row, queue_deletes
from .duplicates import merged_away


@dataclass(frozen=True)
class PersonRecord:
    """Everything the store holds about one contact (for an access request)."""

    contact_id: str
    book: str
    contact: dict[str, Any]
    deleted_at: str | None
    accounts: list[dict[str, Any]]
    journal: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    owed_writes: list[dict[str, Any]]


# one definition, in the store, so the engine can recognise an erased person without importing this module
tombstone_hash = identity_tombstone


def find_person(store: Store, settings: Settings, query: str) -> list[str]:
    """Contact ids (every book) holding this email or phone, and those merged into them that the trash still holds
    (:func:`~.duplicates.merged_away`: the same person, with their data, found by no email or phone of their own).
    Raises StewardshipError on an empty query."""
    query = query.strip()
    if not query:
        raise StewardshipError("give an email address or a phone number")
    found: set[str] = set()
    for book in settings.books:
        if "@" in query:
            kind, value = "email", email_address(query).casefold()
        else:
            kind, value = "phone", phone_number(query, book.default_region)
        found |= store.match_identities(book.name, kind, [value]).get(value, set())
    return sorted(found | merged_away(store, found))


def show_person(store: Store, contact_ids: list[str]) -> list[PersonRecord]:
    records = store.contacts(contact_ids)
    links = store.links_by_contact(contact_ids)
    out = []
    for cid in contact_ids:
        r = records[cid]
        conflicts = [
            {"id": c.id, "field": c.field, "candidates": dict(c.candidates), "resolved": c.resolved_at is not None}
            for c in store.conflicts_of(cid)
        ]
        owed = [
            {"account": o.account, "kind": o.kind.value, "attempts": o.attempts} for o in store.outbox_of_contact(cid)
        ]
        out.append(
            PersonRecord(
                cid,
                r.book,
                contact_to_data(r.contact),
                r.deleted_at.isoformat(timespec="seconds") if r.deleted_at else None,
                [
                    {"account": lk.account, "remote_id": lk.remote_id, "as_last_agreed": contact_to_data(lk.base)}
                    for lk in links.get(cid, {}).values()
                ],
                [
                    {
                        "id": row.id,
                        "run_id": row.run_id,
                        "at": row.at.isoformat(timespec="seconds"),
                        "account": row.account,
                        "action": row.action,
                        "field": row.field,
                        "before": row.before,
                        "after": row.after,
                        "note": row.note,
                    }
                    for row in store.history(cid)
                ],
                conflicts,
                owed,
            )
        )
    return out


def erase_person(store: Store, settings: Settings, contact_ids: list[str]) -> list[str]:
    """Erase these contacts from the store and owe their delete to every account. Returns the books touched."""
    records = store.contacts(contact_ids)
    books: list[str] = []
    for cid in contact_ids:
        r = records[cid]
        book = settings.book(r.book)
        writable = [a.name for a in book.accounts if a.writable]
        with store.transaction() as tx:
            tx.erase_contact(r, writable=writable)
            queue_deletes(store, tx, book, [cid])
            journal_row(
                tx,
                {
                    "book": book.name,
                    "contact_id": cid,
                    "action": "erase",
                    "note": "erased on request; deletes owed to every account",
                },
            )
        books.append(book.name)
    return books
