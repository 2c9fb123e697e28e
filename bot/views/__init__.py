"""How the bot writes: the message catalog (``locales/``) and the renderers of item cards and
lists, incidents, reviews and minutes, reminders and digests."""
