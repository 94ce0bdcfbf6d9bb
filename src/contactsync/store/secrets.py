"""Keys the store keeps for itself (table ``store_keys``, migration 0010): random, made once, shared by every
process that uses the store.

The one there is, :data:`HANDLE_KEY`, keys the hash behind the handle ``status`` shows after a quarantined item's
masked id (:func:`contactsync.logs.item_handle`). A hash without a key let anyone reading a pasted ``status``
confirm a guess ("is ana.silva's card the one quarantined?": hash the guessed href and compare); with a key only
the store's holders can. The key is made where the first item is quarantined, in that run's own transaction
(:func:`make_key`: an insert that does nothing where the row exists, so two daemons sharing one PostgreSQL store
agree on it), and by migration 0010 for a store that had quarantined items before it. ``status`` only reads it
(:meth:`StoreKeys.stored_key`): it never writes, so it never waits on a daemon's write lock. The key stays the
same across processes and restarts; a store restored from a backup keeps it (``dump`` copies every table).
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .base import StoreBase, dialect_insert, now
from .schema import UTCDateTime, metadata

store_keys = sa.Table(
    "store_keys",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    #: the key's bytes as hex (a backup's rows are JSON)
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

#: the key of the quarantine's handles
HANDLE_KEY = "quarantine-handle"
#: bytes of a new key: HMAC-SHA256's block is 64, its output 32; 32 random bytes are beyond any guessing
KEY_BYTES = 32


def make_key(conn: Connection, dialect: str, name: str, *, at: datetime | None = None) -> None:
    """Make the store's key ``name`` (random, :data:`KEY_BYTES`) in the caller's transaction, unless it has one:
    where another process made it first, the insert does nothing (PostgreSQL's waits for that one's commit)."""
    ins = dialect_insert(dialect, store_keys).on_conflict_do_nothing(index_elements=["name"])
    conn.execute(ins.values(name=name, value=secrets.token_bytes(KEY_BYTES).hex(), created_at=at or now()))


class StoreKeys(StoreBase):
    def stored_key(self, name: str) -> bytes | None:
        """The store's key ``name``, or None where none was made yet (no item was ever quarantined): read only."""
        with self._reading() as conn:
            value = conn.execute(sa.select(store_keys.c.value).where(store_keys.c.name == name)).scalar_one_or_none()
        return None if value is None else bytes.fromhex(value)

    def store_key(self, name: str) -> bytes:
        """The store's key ``name``, made now if it has none yet (for the tools and tests that need one at once)."""
        with self._writing() as conn:
            make_key(conn, self.dialect, name)
        key = self.stored_key(name)
        assert key is not None  # made above, or by another process first
        return key


__all__ = ["HANDLE_KEY", "KEY_BYTES", "StoreKeys", "make_key", "store_keys"]
