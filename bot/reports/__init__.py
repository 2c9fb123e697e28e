"""Performance reports: KPIs (pandas), charts (matplotlib, off the event loop), the weekly
report, exports and the incident import."""
