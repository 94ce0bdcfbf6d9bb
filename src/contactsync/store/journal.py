"""The journal (what changed, when, by which run or command) and the conflicts waiting for the admin."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import NotFound
from ..model import Field
from . import schema as t
from .base import ByDialect, RowInsert, StoreBase, TxBase, aware, aware_at, chunks, dumps, in_values, now, values_param


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One journal row; ``before`` and ``after`` as data (decoded JSON)."""

    id: int
    run_id: int | None
    at: datetime
    book: str
    account: str | None
    contact_id: str
    action: str
    field: str | None
    before: Any
    after: Any
    note: str | None


@dataclass(frozen=True, slots=True)
class Conflict:
    id: int
    book: str
    contact_id: str
    field: str
    #: {"<account>": <field value as data>, ...} plus "store" for the canonical value
    candidates: Mapping[str, Any]
    created_at: datetime
    resolved_at: datetime | None
    resolution: str | None


def _entry(r: Any) -> JournalEntry:
    return JournalEntry(
        r.id,
        r.run_id,
        aware_at(r.at),
        r.book,
        r.account,
        r.contact_id,
        r.action,
        r.field,
        json.loads(r.before) if r.before else None,
        json.loads(r.after) if r.after else None,
        r.note,
    )


def _conflict(r: Any) -> Conflict:
    return Conflict(
        r.id,
        r.book,
        r.contact_id,
        r.field,
        json.loads(r.candidates),
        aware_at(r.created_at),
        aware(r.resolved_at),
        r.resolution,
    )


#: built once per dialect, the ids bound as one parameter (#18: in_values; read for every card of a run)
_OPEN_CONFLICT_FIELDS = ByDialect(
    lambda dialect: sa.select(t.conflicts.c.contact_id, t.conflicts.c.field).where(
        in_values(dialect, t.conflicts.c.contact_id, "ids"), t.conflicts.c.resolved_at.is_(None)
    )
)
#: journal rows as tuples, in this order (#18: see RowInsert)
_JOURNAL = RowInsert.of(
    t.journal, ("run_id", "at", "book", "account", "contact_id", "action", "field", "before", "after", "note")
)


def _journal_tuple(row: Mapping[str, Any], stamp: datetime) -> tuple[Any, ...]:
    before, after = row.get("before"), row.get("after")
    return (
        row.get("run_id"),
        stamp,
        row["book"],
        row.get("account"),
        row["contact_id"],
        row["action"],
        row.get("field"),
        None if before is None else dumps(before),
        None if after is None else dumps(after),
        row.get("note"),
    )


def _journal_values(row: Mapping[str, Any], stamp: datetime) -> dict[str, Any]:
    return dict(zip(_JOURNAL.columns, _journal_tuple(row, stamp), strict=True))


#: the journal's action for a contact purged from the trash
PURGE_ACTION = "purge"

#: a merge (``contactsync merge``, :mod:`contactsync.stewardship.duplicates`) is journaled as a record on the
#: survivor (MERGE_ACTION) whose ``before`` holds both contacts as they were (MERGE_SURVIVOR, MERGE_MERGED) and the
#: merged-away contact's id (MERGE_MERGED_ID), and whose ``after`` is the merged contact; the merged-away contact
#: gets a MERGED_INTO row, and the survivor an UNMERGE row noted :func:`unmerge_note` when the merge is undone
MERGE_ACTION, MERGED_INTO_ACTION, UNMERGE_ACTION = "merge", "merged-into", "unmerge"
MERGE_SURVIVOR, MERGE_MERGED, MERGE_MERGED_ID = "survivor", "merged", "merged_id"


def unmerge_note(journal_id: int) -> str:
    """The note of the UNMERGE row that undid the merge recorded under ``journal_id``: how an undo is found."""
    return f"undo of merge #{journal_id}"


#: the journal's actions whose note holds no personal data, by how each is written: contact and journal ids,
#: account and field names, a conflict rule or the candidate taken, a distribution's revision, the reason a
#: connector declares for every contact of an account (``Capabilities.lossy``), words of ours. Erasing or purging a
#: contact keeps these notes (its history still says it was merged into whom, deleted on which account, purged)
#: and blanks every other note with the values: the note of an action not listed here may quote the person
#: (``left-on-account``'s reason is a connector's, given per item), and so may one a later version adds until
#: it is listed here
NOTES_WITHOUT_PERSONAL_DATA = frozenset(
    {
        "create",  # a distribution's write: "distribute"
        "update",
        "delete",
        "trash",  # "deleted on ACCOUNT,…"
        "delete-lost",
        "restore",
        "conflict-lost",  # "rule RULE"
        "conflict-queued",
        "not-carried",  # the account's declared reason
        "push-create",  # the fields written
        "push-update",
        "push-delete",
        "resolve",  # "conflict ID: took CANDIDATE"
        "import",
        "erase",
        PURGE_ACTION,
        MERGE_ACTION,  # "merged ID into ID"
        MERGED_INTO_ACTION,  # "ID (journal #N)"
        UNMERGE_ACTION,  # "undo of merge #N"
        "distribute-join",  # "revision N"
        "distribute-change",
        "distribute-leave",
    }
)


def forget_values(conn: Connection, contact_ids: Sequence[str]) -> None:
    """What the journal keeps of contacts erased or purged (their data is gone from the store): every row without
    its values, and without its note unless its action's notes hold no personal data (NOTES_WITHOUT_PERSONAL_DATA).
    A merge record that folded one of them into a survivor keeps its id but none of its values: an undo has
    nothing left to bring back (see :func:`_forget_merged`)."""
    j = t.journal.c
    note = sa.case((j.action.in_(sorted(NOTES_WITHOUT_PERSONAL_DATA)), j.note), else_=sa.null())
    for chunk in chunks(contact_ids):
        conn.execute(sa.update(t.journal).where(j.contact_id.in_(chunk)).values(before=None, after=None, note=note))
    _forget_merged(conn, contact_ids)


def _forget_merged(conn: Connection, contact_ids: Sequence[str]) -> None:
    """Take out of the survivors' merge records what they hold of these merged-away contacts: the contact as it
    was (MERGE_MERGED), the merged contact (``after``: the survivor's values and theirs) and, for a merge since
    undone, the merged contact the undo started from (its UNMERGE row's ``before``). The survivor's own values
    (MERGE_SURVIVOR) stay; they go when the survivor is erased or purged, with all of its rows."""
    j = t.journal.c
    merged: set[str] = set()
    for chunk in chunks(contact_ids):
        q = sa.select(j.contact_id).where(j.contact_id.in_(chunk), j.action == MERGED_INTO_ACTION)
        merged.update(str(r[0]) for r in conn.execute(q))
    if not merged:
        return  # the common case, read through the contact index alone
    # the records are the survivors', under ids the merged-away contact's rows name only in a note: read them all
    # (an admin's merges, a few), and only when a contact merged away goes
    records = conn.execute(sa.select(j.id, j.before).where(j.action == MERGE_ACTION, j.before.is_not(None))).all()
    for journal_id, before in records:
        record = json.loads(before)
        if record.get(MERGE_MERGED_ID) not in merged or MERGE_MERGED not in record:
            continue
        del record[MERGE_MERGED]
        conn.execute(sa.update(t.journal).where(j.id == journal_id).values(before=dumps(record), after=None))
        conn.execute(
            sa.update(t.journal)
            .where(j.action == UNMERGE_ACTION, j.note == unmerge_note(int(journal_id)))
            .values(before=None)
        )


class JournalReads(StoreBase):
    def history(self, contact_id: str) -> list[JournalEntry]:
        """Every journal row of one contact, oldest first."""
        q = sa.select(t.journal).where(t.journal.c.contact_id == contact_id).order_by(t.journal.c.id)
        with self._reading() as conn:
            return [_entry(r) for r in conn.execute(q)]

    def journal_entry(self, journal_id: int) -> JournalEntry | None:
        with self._reading() as conn:
            r = conn.execute(sa.select(t.journal).where(t.journal.c.id == journal_id)).first()
        return _entry(r) if r is not None else None

    def journal_ids(
        self, action: str, *, contact_ids: Sequence[str] | None = None, note: str | None = None
    ) -> list[int]:
        """Ids of the journal rows of ``action`` (for these contacts, with this note, when given), newest first."""
        j = t.journal.c
        q = sa.select(j.id).where(j.action == action).order_by(j.id.desc())
        if contact_ids is not None:
            q = q.where(j.contact_id.in_(list(contact_ids)))
        if note is not None:
            q = q.where(j.note == note)
        with self._reading() as conn:
            return [int(r[0]) for r in conn.execute(q)]

    def open_conflicts(self, book: str | None = None) -> list[Conflict]:
        """The conflicts waiting for the admin (of ``book``, or every book), oldest first."""
        q = sa.select(t.conflicts).where(t.conflicts.c.resolved_at.is_(None)).order_by(t.conflicts.c.id)
        if book is not None:
            q = q.where(t.conflicts.c.book == book)
        with self._reading() as conn:
            return [_conflict(r) for r in conn.execute(q)]

    def conflicts_of(self, contact_id: str) -> list[Conflict]:
        """Every conflict of one contact, resolved or not, oldest first."""
        q = sa.select(t.conflicts).where(t.conflicts.c.contact_id == contact_id).order_by(t.conflicts.c.id)
        with self._reading() as conn:
            return [_conflict(r) for r in conn.execute(q)]

    def open_conflict_fields(self, contact_ids: Iterable[str]) -> dict[str, set[Field]]:
        """contact id → fields with a conflict waiting for the admin."""
        ids = list(contact_ids)
        out: dict[str, set[Field]] = {}
        if not ids:
            return out
        with self._reading() as conn:
            for chunk in chunks(ids):
                rows = conn.execute(_OPEN_CONFLICT_FIELDS(self.dialect), {"ids": values_param(self.dialect, chunk)})
                for cid, fname in rows:
                    out.setdefault(cid, set()).add(Field.named(fname))
        return out

    def conflict(self, conflict_id: int) -> Conflict:
        """Raises NotFound for an unknown id."""
        with self._reading() as conn:
            r = conn.execute(sa.select(t.conflicts).where(t.conflicts.c.id == conflict_id)).first()
        if r is None:
            raise NotFound(f"no conflict with id {conflict_id}")
        return _conflict(r)


class JournalWrites(TxBase):
    def journal(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows with keys run_id, book, account, contact_id, action, field, before, after, note (data, not JSON)."""
        if not rows:
            return
        stamp = now()
        _JOURNAL.run(self.conn, [_journal_tuple(r, stamp) for r in rows])

    def journal_one(self, row: Mapping[str, Any]) -> int:
        """One journal row (keys as :meth:`journal`'s) and its id: an undo names it."""
        result = self.conn.execute(sa.insert(t.journal).values(**_journal_values(row, now())))
        pk = result.inserted_primary_key
        return int(pk[0]) if pk else 0

    def add_conflict(self, book: str, contact_id: str, field: str, candidates: Mapping[str, Any]) -> int:
        # one open conflict per contact and field: a newer disagreement replaces the older one
        self.conn.execute(
            sa.delete(t.conflicts).where(
                t.conflicts.c.contact_id == contact_id,
                t.conflicts.c.field == field,
                t.conflicts.c.resolved_at.is_(None),
            )
        )
        result = self.conn.execute(
            sa.insert(t.conflicts).values(
                book=book, contact_id=contact_id, field=field, candidates=dumps(candidates), created_at=now()
            )
        )
        pk = result.inserted_primary_key
        return int(pk[0]) if pk else 0

    def resolve_conflict(self, conflict_id: int, resolution: str) -> None:
        self.conn.execute(
            sa.update(t.conflicts)
            .where(t.conflicts.c.id == conflict_id)
            .values(resolved_at=now(), resolution=resolution)
        )
