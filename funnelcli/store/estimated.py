"""SQL for the dates an import estimated (``leads.dates_estimated``, migration step 7): moving
an imported lead's dates with its stage history, and the leads whose dates are estimated."""

from __future__ import annotations

import sqlite3

from funnelcli.store.migrations import CLOSED_ESTIMATED, CREATED_ESTIMATED

__all__ = [
    "CLOSED_ESTIMATED",
    "CREATED_ESTIMATED",
    "Redate",
    "estimated_count",
    "estimated_dates_of",
    "estimated_leads",
    "names",
]


def names(bits: int) -> tuple[str, ...]:
    """The dates ``leads.dates_estimated`` marks: ``("created", "closed")``, in that order."""
    return tuple(
        name
        for bit, name in ((CREATED_ESTIMATED, "created"), (CLOSED_ESTIMATED, "closed"))
        if bits & bit
    )


def estimated_dates_of(conn: sqlite3.Connection, lead_id: int) -> tuple[str, ...]:
    row = conn.execute("SELECT dates_estimated FROM leads WHERE id = ?", (lead_id,)).fetchone()
    return names(row[0] if row else 0)


class Redate:
    """One lead's dates and the stage changes that carry them, on an import's connection."""

    def __init__(self, conn: sqlite3.Connection, lead_id: int) -> None:
        self.conn = conn
        self.lead_id = lead_id

    def first_move_at(self) -> str | None:
        """The instant of the lead's first stage change after its creation (None: none)."""
        row = self.conn.execute(
            "SELECT min(at) FROM stage_changes WHERE lead_id = ? AND from_stage_id IS NOT NULL",
            (self.lead_id,),
        ).fetchone()
        return None if row is None else row[0]

    def last_move_before(self, at: str) -> str | None:
        """The latest stage change after the creation and before ``at`` (None: none)."""
        row = self.conn.execute(
            "SELECT max(at) FROM stage_changes WHERE lead_id = ? AND from_stage_id IS NOT NULL "
            "AND at < ?",
            (self.lead_id, at),
        ).fetchone()
        return None if row is None else row[0]

    def mark(self, estimated: int) -> None:
        self.conn.execute(
            "UPDATE leads SET dates_estimated = ? WHERE id = ?", (estimated, self.lead_id)
        )

    def created(self, at: str, estimated: int) -> None:
        """The lead was created ``at``: its creation in the history moves with it."""
        self.conn.execute(
            "UPDATE leads SET created_at = ?, dates_estimated = ? WHERE id = ?",
            (at, estimated, self.lead_id),
        )
        self.conn.execute(
            "UPDATE stage_changes SET at = ? WHERE lead_id = ? AND from_stage_id IS NULL",
            (at, self.lead_id),
        )

    def closed(self, was: str, at: str, estimated: int) -> None:
        """The lead was closed ``at``, not ``was``: the stage changes of its close move too."""
        self.conn.execute(
            "UPDATE leads SET closed_at = ?, dates_estimated = ? WHERE id = ?",
            (at, estimated, self.lead_id),
        )
        self.conn.execute(
            "UPDATE stage_changes SET at = ? WHERE lead_id = ? AND from_stage_id IS NOT NULL "
            "AND at = ?",
            (at, self.lead_id, was),
        )


def estimated_leads(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """``(id, dates_estimated)`` of every lead with an estimated date, by id."""
    return conn.execute(
        "SELECT id, dates_estimated FROM leads WHERE dates_estimated <> 0 ORDER BY id"
    ).fetchall()


def estimated_count(conn: sqlite3.Connection) -> int:
    """How many leads have an estimated date (read from ``leads_dates_estimated`` alone)."""
    return int(conn.execute("SELECT count(*) FROM leads WHERE dates_estimated <> 0").fetchone()[0])
