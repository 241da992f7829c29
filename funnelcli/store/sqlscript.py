"""SQL scripts one statement at a time: a schema step's, run inside the migration's
transaction, and the new database's script (``store/fresh.py``)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from sqlite_utils import Database


def split(script: str) -> tuple[list[str], str]:
    """The complete statements of ``script`` (``sqlite3.complete_statement`` knows about
    strings, comments and trigger bodies), and what follows the last one. Blank lines and
    ``--`` comment lines between statements are left out."""
    statements: list[str] = []
    statement = ""
    for line in script.splitlines(keepends=True):
        if not statement and (not line.strip() or line.startswith("--")):
            continue
        statement += line
        if sqlite3.complete_statement(statement):
            statements.append(statement)
            statement = ""
    return statements, statement


def run_script(db: Database, script: str) -> None:
    """Run a script one complete statement at a time. Not executescript(): it would COMMIT the
    transaction the migration runs in, and a half-applied step must roll back as a whole."""
    statements, rest = split(script)
    for statement in statements:
        db.execute(statement)
    if rest.strip():
        db.execute(rest)
