"""funnel: a command-line sales-funnel tracker for solo salespeople."""

__version__ = "0.6.0"
