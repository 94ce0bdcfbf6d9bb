"""Personal-data requests (GDPR/LGPD): everything held about a person, and erasing it everywhere.

Erasure keeps a tombstone: the contact row stays with no data (``erased``), its emails and phones only as
SHA-256 hashes salted with the book's name (kind ``erased-email`` / ``erased-phone``), so a later check can tell
that an item a lagging account still lists belongs to an erased person without holding the person's data. The
journal keeps that an erasure happened, never what was erased. Each account holding the person is owed a delete
through the outbox; a link's base (the last agreed content) is dropped when that delete is confirmed, like any
delete, and at once on accounts we never write to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..codec import contact_to_data
from ..normalize import email_address, phone_number
from ..settings import Settings
from ..store import Store, identity_tombstone, now
from ..store import schema as t
from . import StewardshipError
from .common import journal_row, queue_deletes


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
    """Contact ids (every book) holding this email or phone. Raises StewardshipError on an empty query."""
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
    return sorted(found)


def show_person(store: Store, contact_ids: list[str]) -> list[PersonRecord]:
    records = store.contacts(contact_ids)
    links = store.links_by_contact(contact_ids)
    out = []
    with store.engine.connect() as conn:
        for cid in contact_ids:
            r = records[cid]
            conflicts = [
                {
                    "id": c.id,
                    "field": c.field,
                    "candidates": json.loads(c.candidates),
                    "resolved": c.resolved_at is not None,
                }
                for c in conn.execute(sa.select(t.conflicts).where(t.conflicts.c.contact_id == cid))
            ]
            owed = [
                {"account": o.account, "kind": o.kind, "attempts": o.attempts}
                for o in conn.execute(sa.select(t.outbox).where(t.outbox.c.contact_id == cid))
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
                        {**row, "at": row["at"].isoformat(timespec="seconds") if row["at"] else None}
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
        tombstones = [
            {
                "book": book.name,
                "kind": f"erased-{kind}",
                "value": tombstone_hash(book.name, kind, v),
                "contact_id": cid,
            }
            for kind, values in (
                ("email", set(r.contact.identity_emails())),
                ("phone", set(r.contact.identity_phones())),
            )
            for v in values
        ]
        writable = [a.name for a in book.accounts if a.writable]
        with store.transaction() as tx:
            c = t.contacts.c
            tx.conn.execute(
                sa.update(t.contacts)
                .where(c.id == cid)
                .values(data="{}", erased=True, deleted_at=r.deleted_at or now(), updated_at=now())
            )
            tx.conn.execute(sa.delete(t.identities).where(t.identities.c.contact_id == cid))
            if tombstones:
                tx.conn.execute(sa.insert(t.identities), tombstones)
            tx.conn.execute(
                sa.update(t.journal).where(t.journal.c.contact_id == cid).values(before=None, after=None, note=None)
            )
            tx.conn.execute(sa.delete(t.conflicts).where(t.conflicts.c.contact_id == cid))
            tx.conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id == cid))
            # the copies connectors kept of the person's items hold the person's data too
            for account, remote_id in tx.conn.execute(
                sa.select(t.links.c.account, t.links.c.remote_id).where(t.links.c.contact_id == cid)
            ).all():
                tx.conn.execute(
                    sa.delete(t.remote_copies).where(
                        t.remote_copies.c.account == account, t.remote_copies.c.remote_id == remote_id
                    )
                )
            # accounts we never write to keep their item; we forget what it held
            tx.conn.execute(
                sa.update(t.links)
                .where(t.links.c.contact_id == cid, t.links.c.account.not_in(writable))
                .values(base="{}")
            )
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
