"""The shared vocabulary of the domain: errors, enumerated terms and the acting member.

Every layer imports it (storage, parsers, views, handlers) and it imports nothing of the
project, so a parser can refuse input and a repository can refuse a change with the same
exceptions without either depending on the other.
"""
