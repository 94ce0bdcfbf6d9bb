"""lease epochs: a counter on each book and account lease, bumped by every claim, that fences a run's commits

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


def downgrade() -> None:
    for table in ("daemon_leases", "account_leases"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("epoch")
