"""Likely duplicates in the store, merging two contacts into one, and undoing a merge.

The engine never merges two items of one account into one person (one person is one object per replica), so
duplicates an organization already had stay apart until the admin decides. ``find_duplicates`` proposes pairs
with the reason; ``merge_contacts`` keeps the first contact (the survivor), folds the second into it with the
book's conflict rules (the same three-way merge the engine uses: lists are united element by element, a
single-valued disagreement goes to the field's rule, and ``manual`` queues a conflict with the candidates
``store`` and ``merged``), trashes the second and queues its delete on every account and the survivor's update.

Undo needs no table of its own: the merge's journal row holds both contacts as they were, so
``undo_merge(journal id)`` brings the second contact back and takes out of the survivor what only the merge put
there (fields edited since the merge keep their new value).
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from dataclasses import dataclass
from itertools import combinations

from ..codec import contact_from_data, contact_to_data, field_to_data
from ..engine.merge import STORE, Side, merge
from ..errors import NotFound
from ..model import ALL_FIELDS, Contact, Field
from ..settings import Settings
from ..store import CanonicalRecord, Store
from . import StewardshipError
from .common import journal_row, queue_deletes, queue_everywhere

MERGED = "merged"  # the candidate name of the merged-away contact's value in a queued conflict
_NAME_SIMILARITY = 0.85


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
                "action": "merge",
                "before": {
                    "survivor": contact_to_data(a.contact),
                    "merged": contact_to_data(b.contact),
                    "merged_id": b.id,
                },
                "after": contact_to_data(outcome.contact),
                "note": f"merged {b.id} into {a.id}",
            },
        )
        tx.journal(
            [{"book": book.name, "contact_id": b.id, "action": "merged-into", "note": f"{a.id} (journal #{jid})"}]
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


def undo_merge(store: Store, settings: Settings, journal_id: int) -> MergeResult:
    """Bring back the contact a merge folded away, and take out of the survivor what only the merge brought."""
    row = store.journal_entry(journal_id)
    if row is None or row.action != "merge" or not row.before:
        raise NotFound(f"journal entry {journal_id} is not a merge (`contactsync history CONTACT` shows them)")
    if store.journal_ids("unmerge", note=f"undo of merge #{journal_id}"):
        raise StewardshipError(f"merge #{journal_id} was already undone")
    before = row.before
    survivor_id, other_id = row.contact_id, before["merged_id"]
    old_survivor = contact_from_data(before["survivor"])
    merged_value = contact_from_data(row.after)
    current = store.contact(survivor_id)
    other = store.contact(other_id)
    if other.erased:
        raise StewardshipError(f"contact {other_id} was erased since the merge: it cannot come back")
    book = settings.book(current.book)
    restored = current.contact
    kept: list[str] = []
    for f in Field:
        if current.contact.get(f) == merged_value.get(f):
            restored = restored.with_field(f, old_survivor.get(f))
        else:
            kept.append(f.value)  # edited since the merge: the newer edit stays
    with store.transaction() as tx:
        tx.put_contacts(book.name, {survivor_id: restored, other_id: contact_from_data(before["merged"])})
        tx.restore_contact(other_id)
        jid = journal_row(
            tx,
            {
                "book": book.name,
                "contact_id": survivor_id,
                "action": "unmerge",
                "before": contact_to_data(current.contact),
                "after": contact_to_data(restored),
                "note": f"undo of merge #{journal_id}",
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
