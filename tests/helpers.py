"""Helpers for tests: read the database directly, run the real program in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    """Read the database directly (a separate connection: what was committed)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def funnel_process(*args: str, env: dict[str, str] | None = None, **kwargs: Any):
    """Run the real ``funnel`` in a subprocess (for promises about processes and pipes)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "funnelcli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


#: Set by ``conftest.py`` for the fast loop (``pytest -m "not slow"``).
FAST_LOOP_ENV = "FUNNEL_TEST_FAST_LOOP"


def examples(full: int) -> int:
    """How many examples a property test draws: all of them in the full suite (CI), a quarter
    (at least 20) in the fast loop, so that ``pytest -m "not slow"`` stays under 40 s."""
    return max(20, full // 4) if os.environ.get(FAST_LOOP_ENV) else full


def bulk_leads(db: Path, count: int, *, notes: str | None = None, prefix: str = "Bulk") -> None:
    """Insert ``count`` plain leads straight into the database (fast set-up for big files)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(
            "INSERT INTO leads (name, notes, created_at, updated_at, stage_id, currency) "
            "VALUES (?, ?, '2026-11-29T14:00:00Z', '2026-11-29T14:00:00Z', 1, 'CAD')",
            [(f"{prefix} {i}", notes) for i in range(count)],
        )
    conn.close()
