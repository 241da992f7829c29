"""The journal's tables and the triggers that fill them (schema step ``m008_journal``).

Why triggers: a journal that each command fills by hand is only as complete as the last command
written; a trigger on every journaled table records every UPDATE and DELETE made while an entry
is open, whoever makes it (a new command, a cascade, the summary triggers of step 5). Each
record keeps the whole old row and, for an update, the whole new one, as JSON: ``funnel undo``
puts the old row back; point-in-time reports can read field history from it.

Why no trigger on INSERT: an import of 100,000 leads inserts 200,000 rows (the leads and their
first stage changes), and even a trigger whose WHEN clause is false costs each of them a few
microseconds (BENCHMARKS.md has the figures). Tables use ``INTEGER PRIMARY KEY`` without
AUTOINCREMENT, so SQLite gives a new row ``max(rowid) + 1``: the rows an entry inserted are the
ids between the largest id of the table when the entry opened (``after``) and when it closed
(``upto``), recorded once per table in ``journal_ranges``. The one writer that inserts a row
under an id it names, at or below ``after``, is ``undo`` putting a deleted row back: it records
that insert itself (``journal.revert``). Funnel writes no other explicit id; a hand edit in the
``sqlite3`` shell is not journaled at all.

A row born in the open entry (an id above ``after``) is not recorded when it changes again or
goes: before the entry it did not exist, and that is all an undo needs to know.

The open entry is the ``journal_ranges`` rows whose ``upto`` is NULL. No entry open (a hand
edit in the ``sqlite3`` shell): the triggers record nothing.

A later step that adds a column to a journaled table must end with :func:`create_triggers` (it
drops and rebuilds them from the current columns): ``tests/test_journal.py`` checks that every
column is recorded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

#: The tables whose changes the journal records, parents first.
JOURNALED = (
    "stages", "settings", "leads", "follow_ups", "activities", "stage_changes",
    "lead_external_ids", "lead_import_keys",
)  # fmt: skip
#: The journaled tables whose rows belong to a lead (``lead_id``): they go with it.
LEAD_ROWS = (
    "follow_ups", "activities", "stage_changes", "lead_external_ids", "lead_import_keys",
)  # fmt: skip
assert set(LEAD_ROWS) <= set(JOURNALED)

TABLES = """
-- One entry per write command. AUTOINCREMENT: an id, once shown, never names another entry.
CREATE TABLE journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    command TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'command' CHECK (kind IN ('command', 'undo', 'redo')),
    reverts INTEGER,      -- for an undo or a redo: the entry it reverted
    undone_by INTEGER,    -- the entry that reverted this one
    purged INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1))  -- can no longer be undone
) STRICT;
-- Per entry and table: the largest rowid before (after) and after (upto) the command.
CREATE TABLE journal_ranges (
    entry_id INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    after INTEGER NOT NULL,
    upto INTEGER,         -- NULL while the entry is open
    PRIMARY KEY (entry_id, tbl)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX journal_ranges_open ON journal_ranges (tbl) WHERE upto IS NULL;
-- Row changes, in the order they happened. No foreign key to journal: a lookup per recorded
-- row is not worth it, and pruning deletes from both tables itself.
CREATE TABLE journal_changes (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_id INTEGER NOT NULL,
    old TEXT,             -- the row before (update, delete), as a JSON object
    new TEXT              -- the row after (update)
) STRICT;
CREATE INDEX journal_changes_entry ON journal_changes (entry_id);
CREATE INDEX journal_changes_row ON journal_changes (tbl, row_id);
"""


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _row_json(conn: sqlite3.Connection, table: str, ref: str) -> str:
    """``json_object(...)`` of every column of the row ``ref`` (OLD or NEW), rowid included."""
    pairs = [f"'rowid', {ref}.rowid"] if table == "settings" else []
    pairs += [f"'{column}', {ref}.{column}" for column in _columns(conn, table)]
    return f"json_object({', '.join(pairs)})"


def trigger_sql(conn: sqlite3.Connection, table: str) -> list[str]:
    """The journal triggers of ``table`` (update, delete), from its current columns."""
    open_entry = f"FROM journal_ranges WHERE tbl = '{table}' AND upto IS NULL"
    old, new = _row_json(conn, table, "OLD"), _row_json(conn, table, "NEW")
    record = "INSERT INTO journal_changes (entry_id, tbl, op, row_id, old, new) SELECT entry_id"
    return [
        f"""CREATE TRIGGER journal_{table}_update AFTER UPDATE ON {table} BEGIN
            {record}, '{table}', 'update', OLD.rowid, {old}, {new} {open_entry}
            AND OLD.rowid <= after;
        END""",
        f"""CREATE TRIGGER journal_{table}_delete AFTER DELETE ON {table} BEGIN
            {record}, '{table}', 'delete', OLD.rowid, {old}, NULL {open_entry}
            AND OLD.rowid <= after;
        END""",
    ]


def create_triggers(
    conn: sqlite3.Connection,
    execute: Callable[[str], object],
    tables: Sequence[str] = JOURNALED,
) -> None:
    """(Re)create the journal triggers of these journaled tables (default: all) from their
    current columns; a table a later step creates is left for that step (it calls this again).
    A step that changes one table recreates that table's triggers only: each ``CREATE
    TRIGGER`` re-reads the schema, which a new database pays once per step."""
    assert set(tables) <= set(JOURNALED)
    for table in tables:
        if not _columns(conn, table):
            continue
        for op in ("update", "delete"):
            execute(f"DROP TRIGGER IF EXISTS journal_{table}_{op}")
        for sql in trigger_sql(conn, table):
            execute(sql)
