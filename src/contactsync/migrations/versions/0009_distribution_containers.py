"""distribution_targets.container_id: the container's id on each target, kept between runs (issue #17)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("distribution_targets") as batch:
        batch.add_column(sa.Column("container_id", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("distribution_targets") as batch:
        batch.drop_column("container_id")
