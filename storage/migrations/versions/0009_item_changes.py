"""item changes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:20:00

Coordinators correct items (``/editar``): each corrected field is a row with its old and new
value, who and when, so the item's history keeps what it said before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "item_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("field", text(length=16), nullable=False),
        sa.Column("old", text(length=1000), nullable=False),
        sa.Column("new", text(length=1000), nullable=False),
        sa.Column("reason", text(length=1000), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["action_item.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_item_change_item_id", "item_change", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_item_change_item_id", table_name="item_change")
    op.drop_table("item_change")
