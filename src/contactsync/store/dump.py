"""Every table's rows at once, for backups: one consistent read of the whole store, and replacing it all.

The file format (JSON lines, a header) is :mod:`contactsync.stewardship.backup`'s; here is only what touches the
database. The connectors' copies of remote items (``remote_copies``) are left out of a dump: a cache of what the
platforms hold, emptied by a restore and refilled by the next run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema as t
from .base import StoreBase, TxBase, aware

#: tables a dump leaves out: caches, refilled by the next run
_CACHES = frozenset({t.remote_copies.name})


def _latest_change(conn: Connection) -> datetime | None:
    stamps = [
        aware(conn.execute(sa.select(sa.func.max(col))).scalar())
        for col in (t.contacts.c.updated_at, t.journal.c.at, t.runs.c.started_at, t.links.c.modified)
    ]
    found = [s for s in stamps if s is not None]
    return max(found) if found else None


class StoreDump:
    """The store as one read transaction sees it (open through :meth:`DumpReads.dump`)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def latest_change(self) -> datetime | None:
        """The newest change the store holds (a contact, a journal row, a run, a link): a backup taken before it
        misses it."""
        return _latest_change(self._conn)

    def rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(table name, row) of every table but the caches, parents before children."""
        for table in t.metadata.sorted_tables:
            if table.name in _CACHES:
                continue
            for row in self._conn.execute(sa.select(table)):
                yield table.name, dict(row._mapping)


class DumpReads(StoreBase):
    @contextmanager
    def dump(self) -> Iterator[StoreDump]:
        """One consistent view of every table: SQLite's WAL gives a read transaction a fixed view; PostgreSQL runs
        it REPEATABLE READ."""
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield StoreDump(conn)

    def latest_change(self) -> datetime | None:
        with self._reading() as conn:
            return _latest_change(conn)

    def counts(self) -> dict[str, int]:
        """Row counts per table (tests and ``status --json``)."""
        with self._reading() as conn:
            return {
                name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for name, table in t.metadata.tables.items()
            }


class DumpWrites(TxBase):
    def replace_everything(self, rows: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Empty every table (the caches included) and insert ``rows`` (as :meth:`StoreDump.rows` gives them);
        returns how many were read. PostgreSQL's serial ids then continue after the restored ones."""
        for table in reversed(t.metadata.sorted_tables):
            self.conn.execute(sa.delete(table))
        count = 0
        batch: dict[str, list[dict[str, Any]]] = {}
        for name, row in rows:
            batch.setdefault(name, []).append(row)
            count += 1
        for table in t.metadata.sorted_tables:  # parents before children (foreign keys)
            if batch.get(table.name):
                self.conn.execute(sa.insert(table), batch[table.name])
        if self.dialect == "postgresql":
            for table in t.metadata.sorted_tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and pk[0].autoincrement is True and isinstance(pk[0].type, sa.Integer):
                    self.conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                            f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                        )
                    )
        return count
