"""The connectors' copies of remote items (``remote_copies``), compressed: a cache, see :mod:`contactsync.copies`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from ..copies import RemoteCopy
from . import schema as t
from .base import StoreBase, chunks, upsert

#: built once: read in every run of an account that keeps copies (#18)
_GET = sa.select(t.remote_copies.c.remote_id, t.remote_copies.c.etag, t.remote_copies.c.body).where(
    t.remote_copies.c.account == sa.bindparam("account"),
    t.remote_copies.c.remote_id.in_(sa.bindparam("ids", expanding=True)),
)


class StoredCopies:
    """One account's remote copies in the store, compressed (a Google person of ~2 KB keeps in ~500 bytes)."""

    def __init__(self, store: StoreBase, account: str) -> None:
        self._store = store
        self._account = account

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, RemoteCopy] = {}
        if not wanted:
            return out
        with self._store._reading() as conn:
            for chunk in chunks(wanted):
                rows = conn.execute(_GET, {"account": self._account, "ids": list(chunk)})
                for remote_id, etag, body in rows:
                    out[remote_id] = RemoteCopy.from_packed(etag, body)
        return out

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        if not copies:
            return
        # within the columns' sizes (as links are): on PostgreSQL a refused row would abort the engine's
        # transaction these rows may be joining; an item without a copy is simply read before its write
        rows = [
            {"account": self._account, "remote_id": rid, "etag": copy.etag, "body": copy.packed}
            for rid, copy in copies.items()
            if len(rid) <= 1000 and len(copy.etag) <= 500
        ]
        if not rows:
            return
        with self._store._writing() as conn:
            upsert(conn, t.remote_copies, rows, ("account", "remote_id"))

    def drop(self, ids: Iterable[str]) -> None:
        gone = list(dict.fromkeys(ids))
        if not gone:
            return
        c = t.remote_copies.c
        with self._store._writing() as conn:
            for chunk in chunks(gone):
                conn.execute(sa.delete(t.remote_copies).where(c.account == self._account, c.remote_id.in_(chunk)))


class CopyReads(StoreBase):
    def copies(self, account: str) -> StoredCopies:
        """The remote copies kept for ``account`` (see :mod:`contactsync.copies`)."""
        return StoredCopies(self, account)
