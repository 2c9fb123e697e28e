"""Application wiring: ``build_application``, the command line, the runner (polling or
webhook), the HTTP server, the durable intake of updates, the scheduler's jobs, logging,
and the offline demo."""
