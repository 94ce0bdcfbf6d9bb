"""daemon tables: book leases, account health (circuit breaker), tag-count checks

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daemon_leases",
        sa.Column("book", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_owner", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("book"),
    )
    op.create_table(
        "account_health",
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("book", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("circuit", sa.String(length=10), server_default="closed", nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure", sa.Text(), nullable=True),
        sa.Column("tags_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tags_error", sa.Text(), nullable=True),
        sa.Column("repair_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("account"),
    )
    op.create_table(
        "tag_checks",
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("tag_key", sa.String(length=500), nullable=False),
        sa.Column("book", sa.String(length=100), nullable=False),
        sa.Column("tag_name", sa.String(length=500), nullable=False),
        sa.Column("platform_count", sa.Integer(), nullable=True),
        sa.Column("store_count", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", "tag_key"),
    )


def downgrade() -> None:
    op.drop_table("tag_checks")
    op.drop_table("account_health")
    op.drop_table("daemon_leases")
