"""distribution_source_reads: a distribution's source read and a target's "not carried" get columns of their own

How the last read of a distribution's source went (when it was tried, when it was last read whole, what failed,
since when it has been failing) is kept in four columns of ``distributions``, and what a target's last run wrote
without something the target cannot hold (how many contacts, and per field and reason how many) in two of
``distribution_targets``. Before, an unreleased version kept the first in a row of ``distribution_targets`` of its
own (account ``:source``, a name no account can have) and the second as a line of the target's ``last_error``
beginning ``not carried: ``. No released store holds either; one that does loses them here: the ``:source`` rows
are deleted (the next cycle records its read of the source again) and the note lines are taken out of
``last_error`` (the next run that writes counts again, and the journal keeps each contact's ``not-carried``).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: the unreleased row and line (distribution/run.py's SOURCE_ROW and NOT_CARRIED then; not imported: a migration
#: stays what it was when it shipped, and they are gone)
_SOURCE_ROW = ":source"
_NOT_CARRIED = "not carried: "


def upgrade() -> None:
    with op.batch_alter_table("distributions") as batch:
        batch.add_column(sa.Column("source_tried_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("source_read_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("source_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("source_failing_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("distribution_targets") as batch:
        batch.add_column(sa.Column("not_carried_contacts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("not_carried", sa.Text(), nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text("delete from distribution_targets where account = :source"), {"source": _SOURCE_ROW})
    noted = conn.execute(
        sa.text("select distribution, account, last_error from distribution_targets where last_error like :noted"),
        {"noted": f"%{_NOT_CARRIED}%"},
    ).all()
    for distribution, account, stored in noted:
        error = "\n".join(line for line in str(stored).splitlines() if not line.startswith(_NOT_CARRIED))
        conn.execute(
            sa.text("update distribution_targets set last_error = :error where distribution = :d and account = :a"),
            {"error": error or None, "d": distribution, "a": account},
        )


def downgrade() -> None:
    with op.batch_alter_table("distribution_targets") as batch:
        batch.drop_column("not_carried")
        batch.drop_column("not_carried_contacts")
    with op.batch_alter_table("distributions") as batch:
        batch.drop_column("source_failing_since")
        batch.drop_column("source_error")
        batch.drop_column("source_read_at")
        batch.drop_column("source_tried_at")
