"""What users type: one vocabulary for every word, ``key=value`` arguments, dates and meeting
times, incident fields and the privacy guard. Parsers raise ``domain.errors.InvalidInput``."""
