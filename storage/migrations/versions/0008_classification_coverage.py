"""incident classification, source and duplicates; sector alcaldía; source coverage

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:10:00

Incidents keep the prosecutor's classification (so negligent homicides are never counted as
violence), their source beside the source's id, and a possible-duplicate flag; each import
records the period its source covers, so weeks without data are missing, not zero.
Existing rows: the classification is the recorded type; an imported row (one with a file
id) came from the FGJ file if its id says so, else from an unnamed import.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("source", text(length=40), nullable=False, server_default="bot"))
        batch.add_column(sa.Column("classification", text(length=24), nullable=True))
        batch.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("duplicate", text(length=12), nullable=True))
        batch.drop_constraint("uq_incident_source_ref", type_="unique")
        batch.create_unique_constraint("uq_incident_source_ref", ["source", "source_ref"])
        batch.create_foreign_key("fk_incident_duplicate_of", "incident", ["duplicate_of"], ["id"])
    op.execute("UPDATE incident SET classification = type")
    op.execute(
        "UPDATE incident SET source = CASE WHEN source_ref LIKE 'CDMX-FGJ-%' THEN 'fgj' "
        "ELSE 'import' END WHERE source_ref IS NOT NULL"
    )
    with op.batch_alter_table("incident") as batch:
        batch.alter_column("classification", existing_type=text(length=24), nullable=False)
        batch.create_index("ix_incident_classification", ["classification"])
    with op.batch_alter_table("sector") as batch:
        batch.add_column(sa.Column("alcaldia", text(length=80), nullable=True))
    op.create_table(
        "coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", text(length=40), nullable=False),
        sa.Column("sector_id", sa.Integer(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sector_id"], ["sector.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_coverage_source", "coverage", ["source"])


def downgrade() -> None:
    op.drop_index("ix_coverage_source", table_name="coverage")
    op.drop_table("coverage")
    with op.batch_alter_table("sector") as batch:
        batch.drop_column("alcaldia")
    with op.batch_alter_table("incident") as batch:
        batch.drop_index("ix_incident_classification")
        batch.drop_constraint("fk_incident_duplicate_of", type_="foreignkey")
        batch.drop_constraint("uq_incident_source_ref", type_="unique")
        batch.create_unique_constraint("uq_incident_source_ref", ["source_ref"])
        batch.drop_column("duplicate")
        batch.drop_column("duplicate_of")
        batch.drop_column("classification")
        batch.drop_column("source")
