"""Canonical contacts and what hangs off them: identities (emails, phones), tags, photos, the trash, the
attention list of a book's data rules, and erasing a person on request."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..codec import contact_from_data, contact_to_data
from ..errors import NotFound
from ..model import Contact
from . import schema as t
from .base import (
    ByDialect,
    RowInsert,
    StoreBase,
    TxBase,
    aware,
    chunks,
    in_values,
    now,
    upsert_statement,
    values_param,
)
from .journal import PURGE_ACTION as PURGE_ACTION  # its home was here: ``admin`` imports it from here
from .journal import forget_values


@dataclass(frozen=True, slots=True)
class CanonicalRecord:
    id: str
    book: str
    contact: Contact
    updated_at: datetime
    deleted_at: datetime | None
    erased: bool = False


def identity_tombstone(book: str, kind: str, value: str) -> str:
    """What an erased person's email or phone is kept as: a hash salted with the book, never the value."""
    return hashlib.sha256(f"{book}\x00{kind}\x00{value}".encode()).hexdigest()


#: contacts: contact_to_data already emits its keys in one fixed order, so no sorting is needed to be canonical.
#: No check for circular references: contact_to_data builds a fresh tree of dicts, lists and strings, which holds
#: none, and the check cost a sixth of every encoding (an id, a dict entry set and removed per list and dict; #18)
_CONTACT_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


#: contacts decoded from a text encode_contact wrote (a listed item), by identity (the entry keeps the contact
#: alive, so the id is not reused while it is here): a first sync's merged contact is often that very object,
#: and its canonical row need not be encoded a second time (#18)
_ENCODED: dict[int, tuple[Contact, str]] = {}


def encode_contact(contact: Contact) -> str:
    """A contact as the store keeps it (canonical rows and bases): compact and canonical, so equal contacts encode
    to equal text."""
    known = _ENCODED.get(id(contact))
    if known is not None and known[0] is contact:
        return known[1]
    return _CONTACT_ENCODER.encode(contact_to_data(contact))


def decode_contact(text: str) -> Contact:
    """The contact :func:`encode_contact` wrote as ``text`` (without a photo's data); encoding it again gives
    ``text`` back without the work (decode(encode(c)) == c, and equal contacts encode to equal text)."""
    contact = contact_from_data(json.loads(text))
    remember_encoded(contact, text)
    return contact


def remember_encoded(contact: Contact, text: str) -> None:
    """Note that ``text`` is what :func:`encode_contact` gives for ``contact`` (a photo-less contact encoded
    before): encoding it again gives ``text`` back without the work."""
    if len(_ENCODED) > 4096:
        _ENCODED.clear()
    _ENCODED[id(contact)] = (contact, text)


def forget_encoded() -> None:
    """Let go of the contacts :func:`remember_encoded` keeps alive: the engine's last run out calls it, so no
    contact of a finished run outlives it here (#18: a first sync's 2,000 were still alive at exit, and the
    interpreter's last collection walked them)."""
    _ENCODED.clear()


def _photo_resolver(conn: Connection) -> Callable[[str], bytes | None]:
    def resolve(digest: str) -> bytes | None:
        row = conn.execute(sa.select(t.photos.c.data).where(t.photos.c.digest == digest)).first()
        return bytes(row[0]) if row else None

    return resolve


def _active(book: str) -> sa.Select[tuple[str]]:
    """Ids of the book's contacts that are neither trashed nor erased."""
    c = t.contacts.c
    return sa.select(c.id).where(c.book == book, c.deleted_at.is_(None), c.erased.is_(False))


#: what a contact row holds once its person's data is gone (erased on request, or purged from the trash)
_NO_DATA = "{}"


#: built once: these run in every run (#18)
_TAG_COUNTS = {
    # a contact's tags are its data's "tags" list, as the codec writes it (absent: none); each name is counted
    # once per occurrence
    True: sa.text(
        "select tag, count(*) from contacts cross join lateral "
        "json_array_elements_text(coalesce(cast(contacts.data as json) -> 'tags', '[]')) as tag "
        "where contacts.book = :book and contacts.deleted_at is null group by tag"
    ),
    False: sa.text(
        "select j.value, count(*) from contacts, json_each(contacts.data, '$.tags') as j "
        "where contacts.book = :book and contacts.deleted_at is null group by j.value"
    ),
}
#: the rows put_contacts writes for every contact, run with tuples (#18: see RowInsert)
_CONTACT_COLUMNS = ("id", "book", "data", "version", "updated_at", "deleted_at", "erased")
_PUT_CONTACTS = RowInsert(
    _CONTACT_COLUMNS, lambda dialect: upsert_statement(dialect, t.contacts, ["id"], _CONTACT_COLUMNS[1:])
)
_PUT_IDENTITIES = RowInsert.of(t.identities, ("book", "kind", "value", "contact_id"))
#: built once per dialect, the values bound as one parameter (#18: in_values; every email and phone of a first sync)
_MATCH_IDENTITIES = ByDialect(
    lambda dialect: sa.select(t.identities.c.value, t.identities.c.contact_id).where(
        t.identities.c.book == sa.bindparam("book"),
        t.identities.c.kind == sa.bindparam("kind"),
        in_values(dialect, t.identities.c.value, "values"),
    )
)
_CLEAR_IDENTITIES = ByDialect(
    lambda dialect: sa.delete(t.identities).where(in_values(dialect, t.identities.c.contact_id, "ids"))
)
#: canonical contacts by id, the ids bound as one parameter (#18: in_values; the matcher's candidates, a chunk's
#: contacts, a push's)
_CONTACTS = ByDialect(lambda dialect: sa.select(t.contacts).where(in_values(dialect, t.contacts.c.id, "ids")))
#: the trash entries past their date whose contact no account holds any more, with whether the contact is still
#: trashed (a conflict settled on a trashed contact writes it back live, and leaves its entry behind)
_DUE_TRASH = (
    sa.select(t.trash.c.contact_id, t.contacts.c.deleted_at.is_not(None))
    .join(t.contacts, t.contacts.c.id == t.trash.c.contact_id)
    .where(
        t.trash.c.book == sa.bindparam("book"),
        t.trash.c.purge_after < sa.bindparam("at"),
        t.trash.c.contact_id.not_in(sa.select(t.links.c.contact_id)),
    )
)
#: contacts an older version purged: out of the trash, on no account, not erased, yet still holding their data
#: (it kept the row whole). The next purge empties them as it does its own: a person's data outlives no purge,
#: also one made before the upgrade, and no migration has to rewrite a whole store at once
_PURGED_WITH_DATA = sa.select(t.contacts.c.id).where(
    t.contacts.c.book == sa.bindparam("book"),
    t.contacts.c.deleted_at.is_not(None),
    t.contacts.c.erased.is_(False),
    t.contacts.c.data != _NO_DATA,
    t.contacts.c.id.not_in(sa.select(t.trash.c.contact_id)),
    t.contacts.c.id.not_in(sa.select(t.links.c.contact_id)),
)


class ContactReads(StoreBase):
    def contacts(self, ids: Iterable[str]) -> dict[str, CanonicalRecord]:
        wanted = list(ids)
        out: dict[str, CanonicalRecord] = {}
        if not wanted:
            return out  # no connection taken (a first sync asks for none of a chunk's fresh contacts)
        with self._reading() as conn:
            resolver = _photo_resolver(conn)
            for chunk in chunks(wanted):
                for r in conn.execute(_CONTACTS(self.dialect), {"ids": values_param(self.dialect, chunk)}):
                    out[r.id] = CanonicalRecord(
                        r.id,
                        r.book,
                        contact_from_data(json.loads(r.data), resolver),
                        aware(r.updated_at) or now(),
                        aware(r.deleted_at),
                        r.erased,
                    )
        return out

    def contact(self, contact_id: str) -> CanonicalRecord:
        found = self.contacts([contact_id])
        if contact_id not in found:
            raise NotFound(f"no contact with id {contact_id}")
        return found[contact_id]

    def active_contact_ids(self, book: str) -> list[str]:
        q = sa.select(t.contacts.c.id).where(t.contacts.c.book == book, t.contacts.c.deleted_at.is_(None))
        with self._reading() as conn:
            return [r[0] for r in conn.execute(q)]

    def unlinked_contact_ids(self, book: str, account: str) -> list[str]:
        """Active contacts of the book with no link (and nothing queued) on ``account``."""
        linked = sa.select(t.links.c.contact_id).where(t.links.c.account == account)
        queued = sa.select(t.outbox.c.contact_id).where(t.outbox.c.account == account)
        q = _active(book).where(t.contacts.c.id.not_in(linked), t.contacts.c.id.not_in(queued))
        with self._reading() as conn:
            return [str(r[0]) for r in conn.execute(q)]

    def match_identities(self, book: str, kind: str, values: Iterable[str]) -> dict[str, set[str]]:
        """value → contact ids (active or trashed) sharing that normalized email or phone."""
        vals = list(set(values))
        out: dict[str, set[str]] = {}
        with self._reading() as conn:
            for chunk in chunks(vals):
                rows = conn.execute(
                    _MATCH_IDENTITIES(self.dialect),
                    {"book": book, "kind": kind, "values": values_param(self.dialect, chunk)},
                )
                for value, cid in rows:
                    out.setdefault(value, set()).add(cid)
        return out

    def shared_identities(self, book: str, kind: str) -> dict[str, list[str]]:
        """value → the active contacts of ``book`` holding that normalized email or phone (``kind``), for every
        value two or more of them share; ids in order (likely duplicates)."""
        i = t.identities.c
        q = (
            sa.select(i.value, i.contact_id)
            .where(i.book == book, i.kind == kind, i.contact_id.in_(_active(book)))
            .order_by(i.value, i.contact_id)
        )
        by_value: dict[str, list[str]] = {}
        with self._reading() as conn:
            for value, cid in conn.execute(q):
                by_value.setdefault(value, []).append(cid)
        return {value: ids for value, ids in by_value.items() if len(ids) > 1}

    def erased_identities(self, book: str, kind: str, values: Iterable[str]) -> set[str]:
        """Those of ``values`` (normalized emails or phones) that belonged to a person erased on request."""
        found: set[str] = set()
        with self._reading() as conn:
            anyone = conn.execute(
                sa.select(t.identities.c.value)
                .where(t.identities.c.book == book, t.identities.c.kind == f"erased-{kind}")
                .limit(1)
            ).first()
            if anyone is None:
                return found  # nobody was ever erased: no need to hash 100k values of a first sync
            for chunk in chunks(list(set(values))):
                by_hash = {identity_tombstone(book, kind, v): v for v in chunk}
                q = sa.select(t.identities.c.value).where(
                    t.identities.c.book == book,
                    t.identities.c.kind == f"erased-{kind}",
                    t.identities.c.value.in_(list(by_hash)),
                )
                found.update(by_hash[r[0]] for r in conn.execute(q))
        return found

    def attention(self, book: str | None = None) -> list[tuple[str, str, str]]:
        """(book, contact id, reason) of every contact a data rule holds back."""
        q = sa.select(t.attention.c.book, t.attention.c.contact_id, t.attention.c.reason).order_by(
            t.attention.c.book, t.attention.c.since
        )
        if book is not None:
            q = q.where(t.attention.c.book == book)
        with self._reading() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(q)]

    def trashed(self, book: str | None = None) -> list[tuple[CanonicalRecord, datetime]]:
        q = sa.select(t.trash.c.contact_id, t.trash.c.purge_after).order_by(t.trash.c.trashed_at)
        if book is not None:
            q = q.where(t.trash.c.book == book)
        with self._reading() as conn:
            rows = list(conn.execute(q))
        records = self.contacts(r[0] for r in rows)
        return [(records[r[0]], aware(r[1]) or now()) for r in rows if r[0] in records]

    def in_trash(self, contact_id: str) -> bool:
        """Whether the contact is in the trash now (a trashed contact leaves it when restored, erased or purged)."""
        q = sa.select(t.trash.c.contact_id).where(t.trash.c.contact_id == contact_id)
        with self._reading() as conn:
            return conn.execute(q).first() is not None

    def tag_counts(self, book: str) -> dict[str, tuple[str, int]]:
        """tag key → (display name, number of active contacts carrying it), from the canonical contacts.

        Counted by the database's own JSON functions (PostgreSQL, SQLite's JSON1): it is read after every run
        of the daemon, and decoding every contact of the book in Python cost more than the rest of a run with
        nothing to do once a book holds a few hundred contacts (#18). The names come back grouped as written;
        their keys (casefolded) are merged here, the first name in sort order shown."""
        counts: dict[str, tuple[str, int]] = {}
        with self._reading() as conn:
            rows = conn.execute(_TAG_COUNTS[conn.dialect.name == "postgresql"], {"book": book}).all()
        for name, n in sorted(rows):
            key = str(name).casefold()
            shown, before = counts.get(key, (str(name), 0))
            counts[key] = (shown, before + int(n))
        return counts


class ContactWrites(TxBase):
    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    def put_contacts(
        self, book: str, contacts: Mapping[str, Contact], *, at: datetime | None = None, new: bool = False
    ) -> None:
        """Insert or replace canonical contacts (and their identity rows, tags and photos). ``new``: none of them
        is in the store yet, so there are no identity rows to clear."""
        if not contacts:
            return
        stamp = at or now()
        _PUT_CONTACTS.run(
            self.conn, [(cid, book, encode_contact(c), 1, stamp, None, False) for cid, c in contacts.items()]
        )
        for chunk in chunks([] if new else list(contacts)):
            self.conn.execute(_CLEAR_IDENTITIES(self.dialect), {"ids": values_param(self.dialect, chunk)})
        ident: list[tuple[str, str, str, str]] = []
        tag_rows: dict[str, str] = {}
        photo_rows: list[dict[str, Any]] = []
        for cid, c in contacts.items():
            ident.extend((book, "email", v, cid) for v in set(c.identity_emails()))
            ident.extend((book, "phone", v, cid) for v in set(c.identity_phones()))
            for tag in c.tags:
                tag_rows.setdefault(tag.key, tag.name)
            if c.photo is not None and c.photo.data:
                photo_rows.append({"digest": c.photo.digest, "media_type": c.photo.media_type, "data": c.photo.data})
        _PUT_IDENTITIES.run(self.conn, ident)
        self._upsert(t.tags, [{"book": book, "key": k, "name": n} for k, n in tag_rows.items()], ["book", "key"])
        self._upsert(t.photos, photo_rows, ["digest"])

    def forget_identities(self, contact_id: str) -> None:
        """The contact's emails and phones match nobody any more (a contact merged into another)."""
        self.conn.execute(sa.delete(t.identities).where(t.identities.c.contact_id == contact_id))

    def trash_contact(self, book: str, contact_id: str, *, days: int, reason: str) -> None:
        stamp = now()
        self.conn.execute(sa.update(t.contacts).where(t.contacts.c.id == contact_id).values(deleted_at=stamp))
        self._upsert(
            t.trash,
            [
                {
                    "contact_id": contact_id,
                    "book": book,
                    "trashed_at": stamp,
                    "purge_after": stamp + timedelta(days=days),
                    "reason": reason,
                }
            ],
            ["contact_id"],
        )

    def restore_contact(self, contact_id: str, *, keep_time: bool = False) -> None:
        """Out of the trash; ``keep_time``: its ``updated_at`` stays as it was (else it is now)."""
        times: dict[str, Any] = {} if keep_time else {"updated_at": now()}
        self.conn.execute(sa.update(t.contacts).where(t.contacts.c.id == contact_id).values(deleted_at=None, **times))
        self.conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id == contact_id))

    def purge_trash(self, book: str) -> list[str]:
        """Forget trashed contacts past their date that no account still holds. Returns their ids.

        Forgetting is for good: the row stays (``history`` still tells what happened, and ``trash restore`` that
        it is gone) but without its data, its emails and phones, its conflicts, owed writes and attention entry;
        the journal keeps its rows without their values and personal notes, and a merge that folded it into
        another contact keeps no value of it to undo (:func:`~.journal.forget_values`), as an erasure does.
        Without this the person stayed whole in the store, where ``person show`` and ``person erase`` (which find
        people by email and phone) could no longer reach them. Unlike an erasure no hashed tombstone is kept: a
        purge is no request to keep the person out, and whoever enters them again is synced as anyone new."""
        stamp = now()
        due = self.conn.execute(_DUE_TRASH, {"book": book, "at": stamp}).all()
        # a live contact's stale entry: only the entry goes
        stale = [str(cid) for cid, trashed in due if not trashed]
        ids = [str(cid) for cid, trashed in due if trashed]
        ids += [str(r[0]) for r in self.conn.execute(_PURGED_WITH_DATA, {"book": book})]
        for chunk in chunks(stale):
            self.conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id.in_(chunk)))
        for chunk in chunks(ids):
            for table in (t.trash, t.outbox, t.identities, t.conflicts, t.attention):
                self.conn.execute(sa.delete(table).where(table.c.contact_id.in_(chunk)))
            self.conn.execute(
                sa.update(t.contacts).where(t.contacts.c.id.in_(chunk)).values(data=_NO_DATA, updated_at=stamp)
            )
        forget_values(self.conn, ids)
        if ids:
            # ``trash restore`` and ``merge --undo`` tell when from this row
            self.conn.execute(
                sa.insert(t.journal),
                [
                    {
                        "run_id": None,
                        "at": stamp,
                        "book": book,
                        "account": None,
                        "contact_id": cid,
                        "action": PURGE_ACTION,
                        "field": None,
                        "before": None,
                        "after": None,
                        "note": "purged from the trash: its data is gone from the store",
                    }
                    for cid in ids
                ],
            )
        return ids

    def erase_contact(self, record: CanonicalRecord, *, writable: Collection[str]) -> None:
        """Erase a person (an erasure request): the contact row stays with no data, flagged ``erased``; its emails
        and phones stay only as :func:`identity_tombstone` hashes (kinds ``erased-email``/``erased-phone``); the
        journal keeps its rows without their values and personal notes, and a merge record none of its values
        (:func:`~.journal.forget_values`); conflicts, the trash entry and the connectors' copies of its
        items go; links on accounts not in ``writable`` forget their base at once (the others keep it until the
        owed delete is confirmed, like any delete). Queueing those deletes is the caller's."""
        cid, book = record.id, record.book
        tombstones = [
            {"book": book, "kind": f"erased-{kind}", "value": identity_tombstone(book, kind, v), "contact_id": cid}
            for kind, values in (
                ("email", set(record.contact.identity_emails())),
                ("phone", set(record.contact.identity_phones())),
            )
            for v in values
        ]
        self.conn.execute(
            sa.update(t.contacts)
            .where(t.contacts.c.id == cid)
            .values(data=_NO_DATA, erased=True, deleted_at=record.deleted_at or now(), updated_at=now())
        )
        self.conn.execute(sa.delete(t.identities).where(t.identities.c.contact_id == cid))
        if tombstones:
            self.conn.execute(sa.insert(t.identities), tombstones)
        forget_values(self.conn, [cid])
        self.conn.execute(sa.delete(t.conflicts).where(t.conflicts.c.contact_id == cid))
        self.conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id == cid))
        # the copies connectors kept of the person's items hold the person's data too
        held = self.conn.execute(
            sa.select(t.links.c.account, t.links.c.remote_id).where(t.links.c.contact_id == cid)
        ).all()
        for account, remote_id in held:
            self.conn.execute(
                sa.delete(t.remote_copies).where(
                    t.remote_copies.c.account == account, t.remote_copies.c.remote_id == remote_id
                )
            )
        # accounts we never write to keep their item; we forget what it held
        self.conn.execute(
            sa.update(t.links)
            .where(t.links.c.contact_id == cid, t.links.c.account.not_in(list(writable)))
            .values(base="{}")
        )

    def set_attention(self, book: str, held: Mapping[str, str], cleared: Iterable[str]) -> None:
        """Record the contacts a data rule holds back (id → reason) and forget those that now pass."""
        gone = list(cleared)
        for chunk in chunks(gone):
            self.conn.execute(
                sa.delete(t.attention).where(t.attention.c.book == book, t.attention.c.contact_id.in_(chunk))
            )
        if held:
            existing = {
                r[0]
                for r in self.conn.execute(
                    sa.select(t.attention.c.contact_id).where(
                        t.attention.c.book == book, t.attention.c.contact_id.in_(list(held))
                    )
                )
            }
            stamp = now()
            self._upsert(
                t.attention,
                [
                    {"book": book, "contact_id": cid, "reason": why, "since": stamp}
                    for cid, why in held.items()
                    if cid not in existing
                ],
                ["book", "contact_id"],
            )
