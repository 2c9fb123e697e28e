"""The Ceasefire coordination bot: application wiring, settings, CLI, i18n and rendering."""
