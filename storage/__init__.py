"""Persistence: SQLModel tables, the engine, repository functions and Alembic migrations."""

# Importing the package registers every table on SQLModel.metadata, so foreign keys between
# the two model modules always resolve.
from storage import models, reminder_models, review_models  # noqa: F401
