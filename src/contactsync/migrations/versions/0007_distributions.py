"""distributions: one source pushed one way into a container on many targets (issue #17 part 3)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "distributions",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("source_state", sa.Text(), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("brake_reason", sa.Text(), nullable=True),
        sa.Column("brake_since", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "distribution_items",
        sa.Column("distribution", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("source_id", sa.String(length=1000), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("owner_keys", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("distribution", "contact_id"),
    )
    op.create_index("ix_distribution_items_revision", "distribution_items", ["distribution", "revision"])
    op.create_index("ix_distribution_items_source", "distribution_items", ["distribution", "source_id"], unique=True)
    op.create_table(
        "distribution_targets",
        sa.Column("distribution", sa.String(length=100), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.String(length=20), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("distribution", "account"),
    )
    op.create_table(
        "distribution_links",
        sa.Column("distribution", sa.String(length=100), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("remote_id", sa.String(length=1000), nullable=True),
        sa.Column("etag", sa.String(length=500), server_default="", nullable=False),
        sa.Column("hash", sa.String(length=64), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("distribution", "account", "contact_id"),
    )
    op.create_index("ix_distribution_links_remote", "distribution_links", ["account", "remote_id"])


def downgrade() -> None:
    op.drop_index("ix_distribution_links_remote", table_name="distribution_links")
    op.drop_table("distribution_links")
    op.drop_table("distribution_targets")
    op.drop_index("ix_distribution_items_source", table_name="distribution_items")
    op.drop_index("ix_distribution_items_revision", table_name="distribution_items")
    op.drop_table("distribution_items")
    op.drop_table("distributions")
