"""store_keys: keys the store makes once and keeps, the quarantine handles' first (store/secrets.py)

A store that holds quarantined items gets its handle key here, so the first ``status`` after the update shows
their handles (status never writes); any other gets it with its first quarantined item.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_keys",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM quarantine LIMIT 1")).first() is not None:
        conn.execute(
            sa.text("INSERT INTO store_keys (name, value, created_at) VALUES (:name, :value, :at)"),
            # the names and size of store/secrets.py's HANDLE_KEY and KEY_BYTES, written out: a migration stays
            # as it was when later code changes
            {"name": "quarantine-handle", "value": secrets.token_bytes(32).hex(), "at": datetime.now(UTC)},
        )


def downgrade() -> None:
    op.drop_table("store_keys")
