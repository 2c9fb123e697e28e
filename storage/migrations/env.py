"""Alembic environment: the engine comes from ``storage.engine.alembic_config``."""

from alembic import context
from sqlmodel import SQLModel

import storage  # noqa: F401  (importing the package registers every table)

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
