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
    caller's transaction (on PostgreSQL under its migration lock).

    One exception: a creation that was stopped before its stamp. On SQLite each CREATE commits on its own, so a
    process killed between the first table and the stamp left some of the schema's tables, all empty, and no
    revision: every later start failed ("table ... already exists"), with Alembic's first migration as with this.
    Such a database (only tables of the schema, not one row in any, no ``alembic_version``) holds nothing to
    lose: its tables are dropped and the schema is created again."""
    from contactsync.store.schema import metadata

    present = set(sa.inspect(conn).get_table_names())
    if present and not _creation_stopped_before_its_stamp(conn, present, metadata):
        return False
    if present:
        metadata.drop_all(conn, tables=[t for t in metadata.sorted_tables if t.name in present])
    metadata.create_all(conn)
    _VERSION_TABLE.create(conn)
    conn.execute(_VERSION_TABLE.insert().values(version_num=head))
    return True


def _creation_stopped_before_its_stamp(conn: Connection, present: set[str], metadata: sa.MetaData) -> bool:
    """Whether the database's tables are some of the schema's, every one empty, with no revision recorded."""
    if not present <= set(metadata.tables):
        return False  # alembic_version, or a table that is not ours: never touched here
    return all(
        conn.execute(sa.select(sa.literal(1)).select_from(metadata.tables[name]).limit(1)).first() is None
        for name in present
    )


__all__ = ["create_at_head"]
