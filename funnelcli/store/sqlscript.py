"""Running a schema step's SQL script inside the migration's transaction."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from sqlite_utils import Database


def run_script(db: Database, script: str) -> None:
    """Run a script one complete statement at a time (``sqlite3.complete_statement`` knows about
    strings, comments and trigger bodies). Not executescript(): it would COMMIT the transaction
    the migration runs in, and a half-applied step must roll back as a whole."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        db.execute(statement)
