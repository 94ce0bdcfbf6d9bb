"""remote copies: the last version of each remote item a connector saw, so a write need not read it first

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "remote_copies",
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("remote_id", sa.String(length=1000), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("account", "remote_id"),
    )


def downgrade() -> None:
    op.drop_table("remote_copies")
