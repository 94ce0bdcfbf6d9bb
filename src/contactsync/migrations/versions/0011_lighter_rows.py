"""lighter rows: one B-tree fewer for each link, journal row and identity a sync writes (#18)

A first sync writes per card two links, two journal rows and two identities; SQLite's cost per row is mostly one
B-tree insert per index, so each index not needed is work saved on every row:

- links had a UNIQUE index on (account, contact_id) and another on (contact_id) alone. One UNIQUE index on
  (contact_id, account) is the same constraint and serves every query of both: by contact (the merge, the push,
  the cascade from contacts) and by account and contact.
- journal's index on run_id: no query reads the journal by run.
- identities, on SQLite only, become a WITHOUT ROWID table: every column is in its primary key, so the rowid
  table stored each row a second time next to the key's index. The table is rebuilt and every row kept.
  PostgreSQL has no such distinction: nothing changes there but the indexes.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.drop_index("ix_links_contact_id")
        batch.drop_index("ix_links_contact")
        batch.create_index("ix_links_contact", ["contact_id", "account"], unique=True)
    with op.batch_alter_table("journal") as batch:
        batch.drop_index("ix_journal_run_id")
    if op.get_bind().dialect.name == "sqlite":
        # rebuilt as a copy of itself (columns, keys, the index on contact_id), the rows copied over
        with op.batch_alter_table("identities", recreate="always", table_kwargs={"sqlite_with_rowid": False}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("identities", recreate="always"):
            pass
    with op.batch_alter_table("journal") as batch:
        batch.create_index("ix_journal_run_id", ["run_id"], unique=False)
    with op.batch_alter_table("links") as batch:
        batch.drop_index("ix_links_contact")
        batch.create_index("ix_links_contact", ["account", "contact_id"], unique=True)
        batch.create_index("ix_links_contact_id", ["contact_id"], unique=False)
