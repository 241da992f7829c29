"""Reading a whole funnel database for comparisons: every table but the journal's."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

#: Tables compared: everything but the journal (and sqlite_sequence, its AUTOINCREMENT).
SKIPPED = ("journal", "journal_ranges", "journal_changes", "sqlite_sequence")


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (rowid first), in rowid order."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in SKIPPED
        ]
        return {
            table: conn.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
            for table in sorted(tables)
        }
    finally:
        conn.close()
