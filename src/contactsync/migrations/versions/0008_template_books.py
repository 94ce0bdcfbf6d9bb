"""template_books: the books expanded from book templates, active and retired (issue #17 part 2)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "template_books",
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.String(length=1000), nullable=False),
        sa.Column("book", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("username", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("display_name", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("template", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("template_books")
