"""Forecast snapshots: what ``funnel report forecast --record`` said (schema step
``m011_forecast_snapshots``), read back by ``funnel report accuracy``.

One row per snapshot, bucket and currency; a snapshot is named by its local day and its choices
(period, ``--by``, method, source). Recording twice the same day replaces that day's rows for
the same choices: a cron job run twice leaves one snapshot. The figures are whole cents as the
report showed them, never recomputed: they are what was forecast then.

Why not journaled (the table is not in ``journal_schema.JOURNALED``): a snapshot is a record
of a report, not an edit of the user's data. ``funnel undo`` after a weekly cron snapshot must
undo the user's last change, not the snapshot; and no lead refers to a snapshot, so deleting or
merging leads leaves them as they were forecast.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from funnelcli.store.connection import Tx

if TYPE_CHECKING:  # the schema step creating the table does not load the reports' model
    from funnelcli.kpis.accuracy import Recorded

#: The table as step ``m011_forecast_snapshots`` created it (a shipped step: never edit this;
#: a change is a new step).
TABLE = """
CREATE TABLE forecast_snapshots (
    id INTEGER PRIMARY KEY,
    recorded_on TEXT NOT NULL,    -- local day of as_of: one snapshot a day per choice
    as_of TEXT NOT NULL,          -- UTC instant the forecast was computed at
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    period_label TEXT NOT NULL,
    by TEXT NOT NULL CHECK (by IN ('month', 'quarter')),
    method TEXT NOT NULL,
    source TEXT,                  -- the --source filter; NULL: every source
    bucket TEXT NOT NULL,
    bucket_from TEXT NOT NULL,
    bucket_to TEXT NOT NULL,
    currency TEXT NOT NULL,
    pipeline_cents INTEGER NOT NULL,
    recurring_cents INTEGER NOT NULL,
    won_cents INTEGER NOT NULL,
    total_cents INTEGER NOT NULL
) STRICT;
CREATE INDEX forecast_snapshots_day ON forecast_snapshots (recorded_on, period_from)
"""

_COLUMNS = (
    "recorded_on, as_of, period_from, period_to, period_label, by, method, source, bucket, "
    "bucket_from, bucket_to, currency, pipeline_cents, recurring_cents, won_cents, total_cents"
)

_SAME_SNAPSHOT = (
    "recorded_on = ? AND period_from = ? AND period_to = ? AND by = ? AND method = ? "
    "AND source IS ?"
)


def record(conn: Tx, key: Recorded, lines: Iterable[Recorded]) -> tuple[int, int]:
    """Replace the snapshot named by ``key`` (its day and choices) with ``lines``; how many
    rows were replaced and how many written."""
    same = (key.recorded_on, key.period_from, key.period_to, key.by, key.method, key.source)
    replaced = conn.execute(f"DELETE FROM forecast_snapshots WHERE {_SAME_SNAPSHOT}", same).rowcount
    rows = [tuple(line) for line in lines]
    conn.executemany(
        f"INSERT INTO forecast_snapshots ({_COLUMNS}) VALUES ({', '.join('?' * 16)})", rows
    )
    return replaced, len(rows)


def recorded(conn: Tx, first: str, last: str, source: str | None) -> list[Recorded]:
    """The snapshot lines recorded on the days ``first`` to ``last`` (ISO, both included) for
    ``source`` (None: the snapshots of every source), oldest first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM forecast_snapshots "
        "WHERE recorded_on BETWEEN ? AND ? AND source IS ? "
        "ORDER BY recorded_on, period_from, period_to, by, method, bucket_from, currency",
        (first, last, source),
    ).fetchall()
    from funnelcli.kpis.accuracy import Recorded

    return [Recorded(*row) for row in rows]
