"""Prometheus metrics (``/metrics``): updates, latency, notifications, sweeps, backlogs.

One ``CollectorRegistry`` per application (not the global default), so several
applications in one process (tests, a benchmark) do not collide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.updates = Counter(
            "ceasefire_updates_total", "Updates handled", ["command", "outcome"], registry=r
        )
        self.latency = Histogram(
            "ceasefire_handler_seconds",
            "Handler latency",
            ["command"],
            registry=r,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.notifications = Counter(
            "ceasefire_notifications_total",
            "Notifications by kind and outcome",
            ["kind", "outcome"],
            registry=r,
        )
        self.sweep = Histogram(
            "ceasefire_sweep_seconds",
            "Reminder sweep duration",
            registry=r,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.last_sweep = Gauge(
            "ceasefire_last_sweep_timestamp_seconds",
            "When the last sweep finished (Unix time)",
            registry=r,
        )

        # Backlogs, set at the end of each sweep from the database (so every instance
        # reports the same totals): pending should drain, failed and unprocessed stay near 0.
        self.notifications_pending = Gauge(
            "ceasefire_notifications_pending",
            "Notifications waiting to be sent (due later, held by quiet hours, or retrying)",
            registry=r,
        )
        self.notifications_failed = Gauge(
            "ceasefire_notifications_failed",
            "Notifications given up after max_attempts (kept for the record)",
            registry=r,
        )
        self.updates_unprocessed = Gauge(
            "ceasefire_updates_unprocessed",
            "Stored updates not processed yet (being handled, or waiting for a retry)",
            registry=r,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
