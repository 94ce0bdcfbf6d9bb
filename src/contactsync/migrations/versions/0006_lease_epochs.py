"""lease epochs: a counter on each book and account lease, bumped by every claim, that fences a run's commits;
identity kinds long enough for an erased person's tombstones

``identities.kind`` was VARCHAR(10), and an erasure's tombstones are of kind ``erased-email``/``erased-phone``:
PostgreSQL refused them (SQLite ignores lengths), so ``person erase`` failed there. Widened to 20 on PostgreSQL.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("daemon_leases", "account_leases"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("epoch", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name != "sqlite":  # SQLite does not enforce lengths: no need to rebuild the table
        op.alter_column("identities", "kind", type_=sa.String(length=20), existing_type=sa.String(length=10))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("identities", "kind", type_=sa.String(length=10), existing_type=sa.String(length=20))
    for table in ("daemon_leases", "account_leases"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("epoch")
