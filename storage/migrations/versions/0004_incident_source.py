"""incident source

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 02:54:26.335785

Incidents remember the id they had in an imported file, so importing the same file twice
adds nothing the second time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_ref", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.create_unique_constraint("uq_incident_source_ref", ["source_ref"])


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint("uq_incident_source_ref", type_="unique")
        batch_op.drop_column("source_ref")
