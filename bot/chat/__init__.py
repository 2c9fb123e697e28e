"""The Telegram edge: the authorized ``Request``, the ``@command`` guard and roles, sending
(HTML, albums), every button's callback data, and the single error handler."""
