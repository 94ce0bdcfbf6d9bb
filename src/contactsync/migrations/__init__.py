"""The store's Alembic migrations (``versions/``, run by ``env.py``), and a new store made at their head at once.

A new, empty database needs no walk through every migration: :func:`create_at_head` creates the tables of
``contactsync.store.schema`` as they stand and records the head revision the way Alembic's ``stamp`` does, so the
next migration added applies to it as to a migrated store. That the two ways give the same schema is checked on
SQLite and PostgreSQL (tests/test_migrations_fresh_cpu.py). It spares a first sync importing Alembic (with mako
and every dialect's DDL module) and running the migrations: 0.1-0.2 s of CPU (#18).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: Alembic's version table, as its ``stamp`` creates it (alembic.runtime.migration.MigrationContext)
_VERSION_TABLE = sa.Table(
    "alembic_version",
    sa.MetaData(),
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def create_at_head(conn: Connection, head: str) -> bool:
    """On a database that holds no table at all, create the schema as of revision ``head`` and record ``head``
    as its revision; False (nothing done) when the database holds any table: it is migrated the usual way.
    ``head`` must be the newest migration's revision, the one ``contactsync.store.schema`` describes. Runs in the
    caller's transaction (on PostgreSQL under its migration lock)."""
    if sa.inspect(conn).get_table_names():
        return False
    from contactsync.store.schema import metadata

    metadata.create_all(conn)
    _VERSION_TABLE.create(conn)
    conn.execute(_VERSION_TABLE.insert().values(version_num=head))
    return True


__all__ = ["create_at_head"]
