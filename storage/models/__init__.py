"""SQLModel tables, one module per aggregate: members and agencies, groups and sectors,
action items, incidents and reviews, reminders, the intake of updates, the audit log.

Every timestamp is a ``UTCDateTime``: stored as naive UTC (portable between SQLite and
PostgreSQL) and always handed back as an aware UTC datetime, so rendering code only has to
convert to the configured zone. Importing this package registers every table on
``SQLModel.metadata``, so foreign keys between the modules always resolve.
"""

from storage.models import audit, groups, incidents, intake, items, members, reminders  # noqa: F401
