"""lighter rows: one B-tree fewer for each link and journal row a sync writes (#18)

A first sync writes per card two links and two journal rows; SQLite's cost per row is mostly one B-tree insert per
index, so each index not needed is work saved on every row:

- links had a UNIQUE index on (account, contact_id) and another on (contact_id) alone. One UNIQUE index on
  (contact_id, account) is the same constraint and serves every query of both: by contact (the merge, the push,
  the cascade from contacts) and by account and contact.
- journal's index on run_id: no query reads the journal by run.

Only indexes change, no table is rebuilt, and each step can run again: SQLite's driver commits each DDL statement
on its own, so a migration stopped halfway (killed, disk full) leaves some steps done at revision 0010, and the next
start runs 0011 again from its first step. (A rebuild of identities as WITHOUT ROWID saved 0.005 M instructions a
card and was left out for that reason: a long copy of a table is the step most likely to be stopped.)

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
    op.drop_index("ix_links_contact_id", table_name="links", if_exists=True)
    op.drop_index("ix_links_contact", table_name="links", if_exists=True)
    op.create_index("ix_links_contact", "links", ["contact_id", "account"], unique=True, if_not_exists=True)
    op.drop_index("ix_journal_run_id", table_name="journal", if_exists=True)


def downgrade() -> None:
    op.create_index("ix_journal_run_id", "journal", ["run_id"], unique=False, if_not_exists=True)
    op.drop_index("ix_links_contact", table_name="links", if_exists=True)
    op.create_index("ix_links_contact", "links", ["account", "contact_id"], unique=True, if_not_exists=True)
    op.create_index("ix_links_contact_id", "links", ["contact_id"], unique=False, if_not_exists=True)
