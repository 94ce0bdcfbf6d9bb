"""Likely duplicates in the store, merging two contacts into one, and undoing a merge.

The engine never merges two items of one account into one person (one person is one object per replica), so
duplicates an organization already had stay apart until the admin decides. ``find_duplicates`` proposes pairs
with the reason; ``merge_contacts`` keeps the first contact (the survivor), folds the second into it with the
book's conflict rules (the same three-way merge the engine uses: lists are united element by element, a
single-valued disagreement goes to the field's rule, and ``manual`` queues a conflict with the candidates
``store`` and ``merged``), trashes the second and queues its delete on every account and the survivor's update.

Undo needs no table of its own: the merge's journal row holds both contacts as they were, so
``undo_merge(journal id)`` brings the second contact back and takes out of the survivor what only the merge put
there (fields edited since the merge keep their new value). Only while the store holds them: once either contact
is erased, or purged from the trash, the record keeps none of its values (the store's ``forget_values``) and the
undo is refused (:class:`UndoRefused`), as ``trash restore`` refuses them.
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from ..codec import contact_from_data, contact_to_data, field_to_data
from ..engine.merge import STORE, Side, merge
from ..errors import NotFound
from ..model import ALL_FIELDS, Contact, Field
from ..settings import Settings
from ..store import CanonicalRecord, Store
from ..store.journal import (
    MERGE_ACTION,
    MERGE_MERGED,
    MERGE_MERGED_ID,
    MERGE_SURVIVOR,
    MERGED_INTO_ACTION,
    PURGE_ACTION,
    UNMERGE_ACTION,
    unmerge_note,
)
from . import StewardshipError
from .common import journal_row, queue_deletes, queue_everywhere

MERGED = "merged"  # the candidate name of the merged-away contact's value in a queued conflict
_NAME_SIMILARITY = 0.85


class UndoRefused(StewardshipError):
    """A merge that cannot be undone (undone already, or a contact of it erased or purged since): the message says
    which contact and why."""


class Reason(enum.Enum):
    SAME_EMAIL = "same email"
    SAME_PHONE = "same phone"
    SIMILAR_NAME_SAME_COMPANY = "similar name and same company"


@dataclass(frozen=True, slots=True)
class Duplicate:
    first: str
    second: str
    reason: Reason
    #: what they share (an email, a phone, the company): for the admin's eyes only, never logged
    shared: str


@dataclass(frozen=True, slots=True)
class MergeResult:
    survivor: str
    merged: str
    journal_id: int
    conflicts: tuple[str, ...]  # fields queued for the admin (rule ``manual``)


def _folded(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _person_name(c: Contact) -> str:
    return _folded(" ".join(p for p in (c.name.given, c.name.family) if p) or c.display_name)


def find_duplicates(store: Store, book: str) -> list[Duplicate]:
    """Pairs of active contacts of ``book`` that are likely one person, strongest reason first."""
    found: dict[tuple[str, str], Duplicate] = {}

    def add(a: str, b: str, reason: Reason, shared: str) -> None:
        pair = (min(a, b), max(a, b))
        if pair not in found:
            found[pair] = Duplicate(pair[0], pair[1], reason, shared)

    for kind, reason in (("email", Reason.SAME_EMAIL), ("phone", Reason.SAME_PHONE)):
        for value, ids in store.shared_identities(book, kind).items():
            for a, b in combinations(ids, 2):
                add(a, b, reason, value)
    records = store.contacts(store.active_contact_ids(book))
    by_company: dict[str, list[CanonicalRecord]] = {}
    for r in records.values():
        if r.contact.organization and _person_name(r.contact):
            by_company.setdefault(_folded(r.contact.organization), []).append(r)
    for members in by_company.values():
        for ra, rb in combinations(sorted(members, key=lambda r: r.id), 2):
            ratio = difflib.SequenceMatcher(None, _person_name(ra.contact), _person_name(rb.contact)).ratio()
            if ratio >= _NAME_SIMILARITY:
                add(ra.id, rb.id, Reason.SIMILAR_NAME_SAME_COMPANY, ra.contact.organization)
    order = list(Reason)
    # the older contact first: it is the one most accounts already know, a natural survivor
    stamps = {r.id: r.updated_at for r in records.values()}
    pairs = []
    for d in found.values():
        if d.first in stamps and d.second in stamps and stamps[d.second] < stamps[d.first]:
            d = Duplicate(d.second, d.first, d.reason, d.shared)
        pairs.append(d)
    return sorted(pairs, key=lambda d: (order.index(d.reason), d.first, d.second))


def merge_contacts(store: Store, settings: Settings, survivor_id: str, other_id: str) -> MergeResult:
    """Fold ``other_id`` into ``survivor_id``; the next run updates the survivor and deletes the other
    everywhere. Raises NotFound for an unknown id, StewardshipError when the two cannot be merged."""
    if survivor_id == other_id:
        raise StewardshipError("a contact cannot be merged with itself")
    a, b = store.contact(survivor_id), store.contact(other_id)
    for r in (a, b):
        if r.deleted_at is not None or r.erased:
            raise StewardshipError(
                f"contact {r.id} is in the trash or erased; restore it first (`contactsync trash restore`)"
            )
    if a.book != b.book:
        raise StewardshipError(
            f"{a.id} is in book {a.book} and {b.id} in book {b.book}: only contacts of one book can be merged"
        )
    book = settings.book(a.book)
    side = Side(MERGED, None, b.contact, b.updated_at, 20_000, ALL_FIELDS)  # ranked after the survivor
    outcome = merge(a.contact, a.updated_at, [side], book.conflicts)
    queued = [d for d in outcome.decisions if d.queued]
    with store.transaction() as tx:
        tx.put_contacts(book.name, {a.id: outcome.contact})
        tx.trash_contact(book.name, b.id, days=book.trash_days, reason=f"merged into {a.id}")
        # the merged-away contact must not be matched to anyone any more: its addresses are the survivor's now
        tx.forget_identities(b.id)
        jid = journal_row(
            tx,
            {
                "book": book.name,
                "contact_id": a.id,
                "action": MERGE_ACTION,
                "before": {
                    MERGE_SURVIVOR: contact_to_data(a.contact),
                    MERGE_MERGED: contact_to_data(b.contact),
                    MERGE_MERGED_ID: b.id,
                },
                "after": contact_to_data(outcome.contact),
                "note": f"merged {b.id} into {a.id}",
            },
        )
        tx.journal(
            [{"book": book.name, "contact_id": b.id, "action": MERGED_INTO_ACTION, "note": f"{a.id} (journal #{jid})"}]
        )
        for d in queued:
            tx.add_conflict(
                book.name,
                a.id,
                d.field.value,
                {
                    STORE: field_to_data(d.field, a.contact.get(d.field)),
                    MERGED: field_to_data(d.field, b.contact.get(d.field)),
                },
            )
        queue_everywhere(store, tx, book, [a.id])
        queue_deletes(store, tx, book, [b.id])
    return MergeResult(a.id, b.id, jid, tuple(d.field.value for d in queued))


def _gone(store: Store, record: CanonicalRecord) -> str | None:
    """How the store lost the contact's data (erased, purged from the trash), or None while it holds it."""
    if record.erased:
        return "erased on request"
    if record.deleted_at is None or store.in_trash(record.id):
        return None
    purged = [e.at for e in store.history(record.id) if e.action == PURGE_ACTION]
    return f"purged from the trash on {purged[-1].isoformat(timespec='seconds')}" if purged else "purged from the trash"


def merged_away(store: Store, contact_ids: Iterable[str]) -> set[str]:
    """The contacts merged into these (and into those, and so on) that the trash still holds, with their data: a
    merge moves their emails and phones to the survivor, so nobody finds them by those any more, yet they are the
    survivor's person until their trash is purged or the merge undone (an undo says they are two people)."""
    seen = set(contact_ids)
    found: set[str] = set()
    survivors = list(seen)
    while survivors:
        further: list[str] = []
        for journal_id in store.journal_ids(MERGE_ACTION, contact_ids=survivors):
            row = store.journal_entry(journal_id)
            other = row.before.get(MERGE_MERGED_ID) if row is not None and row.before else None
            if not isinstance(other, str) or other in seen or not store.in_trash(other):
                continue
            if store.journal_ids(UNMERGE_ACTION, note=unmerge_note(journal_id)):
                continue
            seen.add(other)
            found.add(other)
            further.append(other)
        survivors = further
    return found


def undo_merge(store: Store, settings: Settings, journal_id: int) -> MergeResult:
    """Bring back the contact a merge folded away, and take out of the survivor what only the merge brought.

    Raises NotFound when ``journal_id`` is no merge, UndoRefused when the merge was undone already or the store no
    longer holds one of its contacts (erased, or purged from the trash): what the undo would bring back is gone,
    and its record keeps no value of it."""
    row = store.journal_entry(journal_id)
    if row is None or row.action != MERGE_ACTION:
        raise NotFound(f"journal entry {journal_id} is not a merge (`contactsync history CONTACT` shows them)")
    if store.journal_ids(UNMERGE_ACTION, note=unmerge_note(journal_id)):
        raise UndoRefused(f"merge #{journal_id} was already undone")
    survivor_id = row.contact_id
    current = store.contact(survivor_id)
    gone = _gone(store, current)
    if gone is not None:
        raise UndoRefused(
            f"merge #{journal_id} cannot be undone: contact {survivor_id}, which it kept, was {gone}; the store "
            "holds nothing of the merge to take back"
        )
    before = row.before
    if not before or MERGE_MERGED_ID not in before:
        raise NotFound(f"journal entry {journal_id} holds no merge to undo")
    other_id = str(before[MERGE_MERGED_ID])
    other = store.contact(other_id)
    gone = _gone(store, other)
    if gone is not None or MERGE_MERGED not in before:
        raise UndoRefused(
            f"merge #{journal_id} cannot be undone: contact {other_id}, which it merged away, was "
            f"{gone or 'purged from the trash'}; nothing of it is left to bring back"
        )
    old_survivor = contact_from_data(before[MERGE_SURVIVOR])
    merged_value = contact_from_data(row.after)
    book = settings.book(current.book)
    restored = current.contact
    kept: list[str] = []
    for f in Field:
        if current.contact.get(f) == merged_value.get(f):
            restored = restored.with_field(f, old_survivor.get(f))
        else:
            kept.append(f.value)  # edited since the merge: the newer edit stays
    with store.transaction() as tx:
        tx.put_contacts(book.name, {survivor_id: restored, other_id: contact_from_data(before[MERGE_MERGED])})
        tx.restore_contact(other_id)
        jid = journal_row(
            tx,
            {
                "book": book.name,
                "contact_id": survivor_id,
                "action": UNMERGE_ACTION,
                "before": contact_to_data(current.contact),
                "after": contact_to_data(restored),
                "note": unmerge_note(journal_id),
            },
        )
        tx.journal(
            [
                {
                    "book": book.name,
                    "contact_id": other_id,
                    "action": "restore",
                    "note": f"merge #{journal_id} undone"
                    + (f"; kept newer edits of {', '.join(kept)}" if kept else ""),
                }
            ]
        )
        queue_everywhere(store, tx, book, [survivor_id, other_id])
    return MergeResult(survivor_id, other_id, jid, ())
