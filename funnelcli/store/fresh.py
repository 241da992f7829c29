"""A new, empty database gets the schema every step built, in one go.

The steps of ``store/migrations.py`` stay the only definition of the schema. What they build,
run one after the other on an empty database (every table, index and trigger as SQLite stored
it, and the rows the steps wrote: the default stages, the record of the steps), is written
once into ``new_database.sql`` by ``python scripts/refresh_schema.py``, and a new database gets
that script. A new database thus skips the steps' intermediate states (the journal triggers
rebuilt as each step adds a column) and sqlite-utils itself: creating a database costs ~4 ms,
not ~60 ms and 9 MB of memory for importing sqlite-utils (a first ``add``, ``intake`` or
import into a new file pays only for its own work).

``tests/test_migrations.py`` checks that the script is what the steps build (a new step
without a refreshed script fails it) and that a database made from it equals one migrated
step by step. Should the script be behind the steps anyway, a new database is made by the
steps, in memory, as before the script existed.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple

from funnelcli.store.sqlscript import split

SCRIPT = Path(__file__).with_name("new_database.sql")
_HEADER = "-- funnel schema version {version}: the result of the steps of store/migrations.py.\n"
_NOTE = "-- Written by `python scripts/refresh_schema.py`: do not edit.\n"
#: The script's last line: a file cut short is not used.
_END = "-- end of the schema\n"
#: sqlite-utils' record of each step applied, whose time is the database's own.
_STEPS_TABLE = "_sqlite_migrations"


class Template(NamedTuple):
    statements: tuple[str, ...]  # CREATE … as SQLite stored them, in creation order
    rows: tuple[tuple[str, tuple[str, ...], tuple[tuple[object, ...], ...]], ...]


def build() -> Template:
    """The schema the steps build, on a database in memory (imports sqlite-utils)."""
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


def render(made: Template, version: int) -> str:
    """``made`` as the SQL script ``new_database.sql``: one statement at a time, then the rows
    as inserts (each step's time left to the database made from it: ``:applied_at``)."""
    parts = [_HEADER.format(version=version) + _NOTE]
    parts += [f"{sql};\n" for sql in made.statements]
    conn = sqlite3.connect(":memory:")  # SQLite quotes its own literals
    try:
        for name, columns, rows in made.rows:
            names = ", ".join(f'"{c}"' for c in columns)
            for row in rows:
                values = [
                    ":applied_at"
                    if name == _STEPS_TABLE and column == "applied_at"
                    else conn.execute("SELECT quote(?)", (value,)).fetchone()[0]
                    for column, value in zip(columns, row, strict=True)
                ]
                parts.append(f'INSERT INTO "{name}" ({names}) VALUES ({", ".join(values)});\n')
    finally:
        conn.close()
    return "\n".join([*parts, _END])


@cache
def _shipped(version: int) -> list[str] | None:
    """The statements of ``new_database.sql`` when it is the whole schema ``version``, else
    None."""
    try:
        script = SCRIPT.read_text(encoding="utf-8")
    except OSError:
        return None
    if not script.startswith(_HEADER.format(version=version)) or not script.endswith(_END):
        return None
    statements, rest = split(script)
    return None if rest.strip() else statements  # None: it ends inside a statement


@cache
def _built() -> Template:
    return build()


def create(conn: sqlite3.Connection) -> None:
    """Give an empty database (in a write transaction) the schema of the steps."""
    from funnelcli.store.migrations import SCHEMA_VERSION

    # sqlite-utils' own format for the time a step was applied
    now = {"applied_at": str(datetime.now(UTC))}
    statements = _shipped(SCHEMA_VERSION)
    if statements is not None:
        for sql in statements:
            conn.execute(sql, now)
        return
    made = _built()  # the script is behind the steps: they are run in memory
    for sql in made.statements:
        conn.execute(sql)
    for name, columns, rows in made.rows:
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{c}"' for c in columns)
        conn.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', rows)
