"""A new, empty database gets the schema every step built, in one go.

The steps of ``store/migrations.py`` stay the only definition of the schema: the first new
database of a process is migrated step by step, in memory, and the result — every table, index
and trigger as SQLite stored it, and the rows the steps wrote (the default stages, the record
of the steps) — is replayed into each new database. A new database thus skips the steps'
intermediate states (the journal triggers rebuilt as each step adds a column, sqlite-utils'
bookkeeping per step): ~13 ms → ~4 ms, which a test suite making hundreds of databases feels.
``tests/test_migrations.py`` checks that a database made so equals one migrated step by step.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from typing import NamedTuple


class Template(NamedTuple):
    statements: tuple[str, ...]  # CREATE … as SQLite stored them, in creation order
    rows: tuple[tuple[str, tuple[str, ...], tuple[tuple[object, ...], ...]], ...]


@cache
def template() -> Template:
    """The schema the steps build (once per process, in memory)."""
    from sqlite_utils import Database

    from funnelcli.store import migrations

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.build().apply(Database(conn, execute_plugins=False))
        objects = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        rows = []
        for kind, name, _ in objects:
            if kind != "table":
                continue
            data = conn.execute(f'SELECT * FROM "{name}"')
            columns = tuple(d[0] for d in data.description)
            found = tuple(data.fetchall())
            if found:
                rows.append((name, columns, found))
        return Template(tuple(sql for _, _, sql in objects), tuple(rows))
    finally:
        conn.close()


def create(conn: sqlite3.Connection) -> None:
    """Give an empty database (in a write transaction) the schema of :func:`template`."""
    made = template()
    for sql in made.statements:
        conn.execute(sql)
    for name, columns, rows in made.rows:
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        conn.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', rows)
