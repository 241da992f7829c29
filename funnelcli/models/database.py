"""The database in use, as ``funnel config`` and ``funnel --version`` describe it."""

from pathlib import Path
from typing import NamedTuple


class DatabaseInfo(NamedTuple):
    """Where am I: the database in use (``funnel config``, ``funnel --version``)."""

    path: Path
    exists: bool
    size: int = 0  #: bytes, with the write-ahead log not yet folded in
    schema: int = 0
    leads: int = 0
