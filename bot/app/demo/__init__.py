"""``ceasefire demo``: a synthetic history, then a scripted week played through the real
application and the fake Bot API."""
