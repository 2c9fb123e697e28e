"""Use cases that span several repositories in one transaction, or that send on the bot's own
initiative: what handlers and scheduled jobs call."""
