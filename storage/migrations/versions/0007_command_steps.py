"""command steps: exactly-once commands, answers retried from the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:00:00

A command's database steps commit with what they returned (``command_step``), so a replay
after a crash or a failed answer applies nothing twice; a stored update loses its payload
once processed and can wait (``not_before``) before its answer is tried again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "command_step",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", "seq"),
    )
    with op.batch_alter_table("received_update") as batch:
        batch.alter_column("payload", existing_type=sa.Text(), nullable=True)
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("not_before", storage.types.UTCDateTime(), nullable=True))
    # Processed updates no longer keep what the user typed.
    op.execute("UPDATE received_update SET payload = NULL WHERE processed_at IS NOT NULL")


def downgrade() -> None:
    op.execute("UPDATE received_update SET payload = '{}' WHERE payload IS NULL")
    with op.batch_alter_table("received_update") as batch:
        batch.drop_column("not_before")
        batch.drop_column("attempts")
        batch.alter_column("payload", existing_type=sa.Text(), nullable=False)
    op.drop_table("command_step")
