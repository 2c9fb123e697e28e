"""What a running bot holds: validated settings, the runtime container (database, clock,
catalogs, renderer processes, reports drawn ahead) and the Prometheus metrics."""
