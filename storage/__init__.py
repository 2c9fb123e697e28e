"""Persistence: SQLModel tables, the engine, repository functions and Alembic migrations.

Nothing here imports the bot: repository functions take a session and plain values and
raise ``domain.errors``; ``Database.run`` is how the rest of the program calls them.
"""

# Importing the package registers every table on SQLModel.metadata.
from storage import models  # noqa: F401
