"""The outbox: writes still owed to an account, durable across crashes, retried every run until confirmed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import schema as t
from .base import ByDialect, RowInsert, StoreBase, TxBase, chunks, dialect_insert, in_values, now, values_param

if TYPE_CHECKING:
    # read back when an entry is: `status` counts owed writes without the connector protocol (#18)
    from ..connector import ChangeKind

#: built once: read in every run (#18)
_OWED_CONTACTS = sa.select(t.outbox.c.contact_id).where(
    t.outbox.c.account.in_(sa.bindparam("accounts", expanding=True))
)


def _of_account_and_ids(dialect: str) -> tuple[sa.ColumnElement[bool], ...]:
    # "b_account": an UPDATE may not bind a column's own name in its WHERE
    return (t.outbox.c.account == sa.bindparam("b_account"), in_values(dialect, t.outbox.c.contact_id, "ids"))


#: built once per dialect, the ids bound as one parameter (#18: in_values; a first sync's outbox reads and writes
#: cover every card twice). Ordered here: the time each was queued is never read into Python (a datetime parsed
#: per row on SQLite), and the contact id makes the order total
_OWED_OF = ByDialect(
    lambda dialect: (
        sa.select(t.outbox.c.contact_id)
        .where(*_of_account_and_ids(dialect))
        .order_by(t.outbox.c.queued_at, t.outbox.c.contact_id)
    )
)
#: how many writes an account is owed, counted up to ``cap`` (a daemon's push of a few contacts does not count a
#: long outbox), and all of them in the order _OWED_OF gives: a push that asks about at least as many contacts as
#: the account is owed reads them all and keeps those asked about (#18: see owed_contacts)
_OWED_COUNT = sa.select(sa.func.count()).select_from(
    sa.select(sa.literal(1)).where(t.outbox.c.account == sa.bindparam("account")).limit(sa.bindparam("cap")).subquery()
)
_OWED_ALL = (
    sa.select(t.outbox.c.contact_id)
    .where(t.outbox.c.account == sa.bindparam("account"))
    .order_by(t.outbox.c.queued_at, t.outbox.c.contact_id)
)
_MARK_ATTEMPT = ByDialect(
    lambda dialect: (
        sa.update(t.outbox)
        .where(*_of_account_and_ids(dialect))
        .values(attempted_at=sa.bindparam("at"), attempts=t.outbox.c.attempts + 1)
    )
)
_DEQUEUE = ByDialect(lambda dialect: sa.delete(t.outbox).where(*_of_account_and_ids(dialect)))
#: queueing as tuples (#18: see RowInsert); re-queueing keeps the attempt marker: a create that may have
#: happened must still be looked for
_QUEUE = RowInsert(
    ("account", "contact_id", "kind", "queued_at", "attempted_at", "attempts", "last_error"),
    lambda dialect: _requeue(dialect_insert(dialect, t.outbox)),
)


def _requeue(ins: Any) -> Any:
    return ins.on_conflict_do_update(index_elements=["account", "contact_id"], set_={"kind": ins.excluded.kind})


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    account: str
    contact_id: str
    kind: ChangeKind
    attempted: bool
    attempts: int
    last_error: str | None


def _outbox_entry(r: Any) -> OutboxEntry:
    from ..connector import ChangeKind

    return OutboxEntry(
        r.account, r.contact_id, ChangeKind(r.kind), r.attempted_at is not None, r.attempts, r.last_error
    )


class OutboxReads(StoreBase):
    def outbox(self, account: str) -> list[OutboxEntry]:
        q = sa.select(t.outbox).where(t.outbox.c.account == account).order_by(t.outbox.c.queued_at)
        with self._reading() as conn:
            return [_outbox_entry(r) for r in conn.execute(q)]

    def owed_contacts(self, account: str, contact_ids: Sequence[str]) -> list[str]:
        """Those of these contacts the account is owed a write for, oldest first: a push reads only which (what
        it writes is decided from the contact and its link), not a whole entry per contact (#18)."""
        if not contact_ids:
            return []
        with self._reading() as conn:
            # a first sync asks about every contact: the account that only fed them is owed none, the one that
            # gets them all is owed each. Counting first (a range of the key's index) spares looking each id up
            # (#18: the two of a 2,000-card first sync cost 13.7k instructions a card, 3.4k so)
            owed = conn.execute(_OWED_COUNT, {"account": account, "cap": len(contact_ids) + 1}).scalar_one()
            if not owed:
                return []
            if owed <= len(contact_ids):
                asked = set(contact_ids)
                return [r[0] for r in conn.execute(_OWED_ALL, {"account": account}) if r[0] in asked]
            params = {"b_account": account, "ids": values_param(self.dialect, contact_ids)}
            return [r[0] for r in conn.execute(_OWED_OF(self.dialect), params)]

    def outbox_of_contact(self, contact_id: str) -> list[OutboxEntry]:
        """Every write owed for one contact, on any account (a personal-data request shows them)."""
        q = sa.select(t.outbox).where(t.outbox.c.contact_id == contact_id).order_by(t.outbox.c.account)
        with self._reading() as conn:
            return [_outbox_entry(r) for r in conn.execute(q)]

    def outbox_count(self, account: str) -> int:
        """How many writes the account is still owed."""
        q = sa.select(sa.func.count()).select_from(t.outbox).where(t.outbox.c.account == account)
        with self._reading() as conn:
            return int(conn.execute(q).scalar_one())

    def outbox_failures(self, account: str) -> tuple[int, str | None]:
        """How many owed writes of the account were tried and failed, and one of the newest errors (``status``:
        two small queries whatever the size of the outbox)."""
        failed = t.outbox.c.last_error.is_not(None)
        count_q = sa.select(sa.func.count()).select_from(t.outbox).where(t.outbox.c.account == account, failed)
        last_q = (
            sa.select(t.outbox.c.last_error)
            .where(t.outbox.c.account == account, failed)
            .order_by(t.outbox.c.attempts.desc(), t.outbox.c.queued_at.desc())
            .limit(1)
        )
        with self._reading() as conn:
            count = int(conn.execute(count_q).scalar_one())
            last = conn.execute(last_q).scalar_one_or_none() if count else None
        return count, last

    def outbox_contact_ids(self, accounts: Sequence[str]) -> set[str]:
        with self._reading() as conn:
            return {r[0] for r in conn.execute(_OWED_CONTACTS, {"accounts": list(accounts)})}


class OutboxWrites(TxBase):
    def queue(self, account: str, contact_ids: Iterable[str], kind: ChangeKind) -> None:
        stamp, value = now(), kind.value
        _QUEUE.run(self.conn, [(account, cid, value, stamp, None, 0, None) for cid in contact_ids])

    def mark_attempt(self, account: str, contact_ids: Sequence[str]) -> None:
        stamp = now()
        for chunk in chunks(list(contact_ids)):
            params = {"b_account": account, "ids": values_param(self.dialect, chunk), "at": stamp}
            self.conn.execute(_MARK_ATTEMPT(self.dialect), params)

    def fail(self, account: str, contact_id: str, error: str) -> None:
        self.conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.account == account, t.outbox.c.contact_id == contact_id)
            .values(last_error=error)
        )

    def dequeue(self, account: str, contact_ids: Iterable[str]) -> None:
        for chunk in chunks(list(contact_ids)):
            self.conn.execute(_DEQUEUE(self.dialect), {"b_account": account, "ids": values_param(self.dialect, chunk)})
