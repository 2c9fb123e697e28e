"""The Ceasefire coordination bot, in layers (ARCHITECTURE.md): ``app`` wires everything;
``reminders``, ``services`` and ``reports`` are what the bot does; ``chat`` is the Telegram
edge; ``runtime`` what a running bot holds; ``views`` and ``input`` how it writes and what
users type. Command handlers are the top-level ``handlers`` package."""
