"""Reminders, escalations, update collection before meetings, meeting reminders, digests and
the weekly summary: planned from the database by one sweep, each sent exactly once."""
