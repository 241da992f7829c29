"""The past databases of ``funnel report backtest``: one copy, cut back from cut-off to cut-off.

:func:`past.write_past` writes the database as of one instant from scratch (the leads and the
stage history copied, their indexes built); a backtest needs it at every cut-off. Here the copy
as of the latest cut-off is written once, then cut back to each earlier one in turn, latest
first: the rows that may differ from a fresh copy as of the earlier instant are rebuilt from
the source by ``write_past``'s own rules (:func:`past.restore`, :func:`past.untold`,
:func:`past.recount`), the others are kept. ``tests/test_past_cut.py`` checks, table by table
and row by row, that the copy cut back equals a fresh one at every cut-off.

Going back from ``previous`` to ``at``, a lead kept as it is must have nothing between the two:
no stage change or action dated between them, no record of a counted journal entry written
between them (on the lead, or on a stage change or action of it: its lead before, after and in
either copy), no close date then (the restored one) between them (``write_past`` takes the
close from the history when the close is after the instant), and no import of it between
them (the import rule). Such a lead's values then are those it had at ``previous``: its
restored values are the same (the first record after ``at`` is the first after ``previous``),
its history by ``at`` is its history by ``previous``, and the import rule and the close rule
decide alike; a lead created after ``at`` is removed with its history. The stages and
settings (a few rows) are rebuilt whole.

The copy holds the tables the forecast reads (:data:`past.FORECAST_TABLES`). Each cut is one
transaction reading one snapshot of the source, and cutting back assumes the source keeps the
state the first copy was written from. A backdated action written meanwhile is still restored
by the journal, but a move backdated between two cut-offs or a lead deleted with its history
there leaves the later copies unlike a fresh one (``tests/test_past_cut.py`` pins both as
``xfail``). The one caller, the backtest, checks the
source's ``PRAGMA data_version`` over the whole run and runs again when it changed
(``services.reports.backtest.run``): it needs that anyway, as its other reads are made in
other snapshots than the copies'.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from funnelcli.store.journal_schema import LEAD_ROWS
from funnelcli.store.reports import past

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.store import Store

_TEMP = (
    "later", "inserted", "firsts", "firsts_all", "recent", "moved", "rebuild", "heavy", "light",
    "sc_rebuild", "gone", "touched",
)  # fmt: skip
_LEAD_ROWS = ", ".join(f"'{t}'" for t in LEAD_ROWS)


class PastCopies:
    """The database ``source`` as of instants given latest first, in one file at ``target``."""

    def __init__(
        self, source: Path, target: Path, *, count_older: bool = False, floor: str = ""
    ) -> None:
        self.source = Path(source)
        self.count_older = count_older
        #: No instant asked is earlier than this one ("": not known).
        self.floor = floor
        self.target = Path(target)
        self._store: Store | None = None
        self._at = ""
        #: How many leads shown have values older than their recorded history (write_past's),
        #: when ``count_older``.
        self.older: int | None = None

    def at(self, instant: str) -> Store:
        """The copy as of ``instant`` (a stored instant, not after the previous one asked)."""
        if self._store is None:
            from funnelcli.store import open_db

            self.older = past.write_past(self.source, self.target, instant, past.FORECAST_TABLES)
            self._store = open_db(self.target)
            self._store.conn.execute("PRAGMA journal_mode = OFF")  # a scratch file
            # 128 MiB of pages (SQLite's default: 2 MiB): each cut reads and rewrites the same
            # pages, which a small cache reads again from the file (system time halved)
            self._store.conn.execute("PRAGMA cache_size = -131072")
        else:
            assert instant <= self._at, (instant, self._at)
            with self._store.translate_errors():
                self.older = cut_back(
                    self._store.conn, self.source, instant, self._at, self.count_older, self.floor
                )
        self._at = instant
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self.target.unlink(missing_ok=True)


def cut_back(
    conn: sqlite3.Connection,
    source: Path,
    at: str,
    previous: str,
    count_older: bool = True,
    floor: str = "",
) -> int | None:
    """Cut the copy of ``source`` as of ``previous`` open on ``conn`` back to ``at``; how many
    leads shown have values older than their recorded history (as ``write_past`` says), when
    ``count_older``. ``floor``: no later cut on ``conn`` goes back before it ("": unknown)."""
    conn.execute("PRAGMA foreign_keys = OFF")  # stages are rebuilt under the leads
    conn.execute("PRAGMA synchronous = OFF")  # a scratch file: nothing to recover
    conn.execute("ATTACH ? AS src", (source.resolve().as_uri() + "?mode=ro",))
    try:
        conn.execute("BEGIN")
        try:
            _dated(conn, previous, floor)
            older = _cut(conn, at, previous, count_older)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        for name in _TEMP:
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        conn.execute("DETACH src")
        conn.execute("PRAGMA foreign_keys = ON")
    return older


def _cut(conn: sqlite3.Connection, at: str, previous: str, count_older: bool) -> int | None:
    span = {"at": at, "previous": previous}
    past.entries(conn, at)  # later, inserted, firsts: every counted record after ``at``
    conn.execute("ALTER TABLE temp.firsts RENAME TO firsts_all")
    conn.execute(
        "CREATE TEMP TABLE recent AS SELECT id FROM later "
        "WHERE id IN (SELECT id FROM src.journal WHERE at <= :previous)",
        span,
    )
    conn.execute(
        "CREATE TEMP TABLE moved AS SELECT c.tbl, c.row_id, c.old, c.new "
        "FROM src.journal_changes c JOIN recent ON recent.id = c.entry_id"
    )
    _leads_to_rebuild(conn, span)
    _heavy_and_light(conn)
    conn.execute("CREATE TEMP TABLE sc_rebuild (id INTEGER PRIMARY KEY)")
    conn.execute(
        "INSERT OR IGNORE INTO sc_rebuild "
        "SELECT id FROM src.stage_changes WHERE lead_id IN heavy "
        "UNION SELECT row_id FROM firsts_all WHERE tbl = 'stage_changes' "
        "AND json_extract(old, '$.lead_id') IN heavy "
        "UNION SELECT row_id FROM moved WHERE tbl = 'stage_changes'"
    )
    conn.execute(
        "CREATE TEMP TABLE firsts AS SELECT * FROM firsts_all WHERE tbl IN ('stages', 'settings') "
        "OR (tbl = 'leads' AND row_id IN heavy) "
        "OR (tbl = 'stage_changes' AND row_id IN sc_rebuild)"
    )
    conn.execute("CREATE INDEX temp.firsts_rebuilt ON firsts (tbl, row_id)")
    conn.execute("DELETE FROM main.stages")
    conn.execute("DELETE FROM main.settings")
    conn.execute("DELETE FROM main.stage_changes WHERE rowid IN sc_rebuild")
    conn.execute("DELETE FROM main.stage_changes WHERE lead_id IN heavy")
    conn.execute("DELETE FROM main.leads WHERE id IN heavy")
    past.restore(conn, "stages", at)
    past.restore(conn, "settings", at)
    past.restore(conn, "leads", at, "id IN temp.heavy")
    past.restore(conn, "stage_changes", at, "rowid IN temp.sc_rebuild")
    # a lead without a record is the source's row: its history cut, the derived columns of
    # the source's row back before they are derived again
    conn.execute("DELETE FROM main.stage_changes WHERE lead_id IN light AND at > :at", span)
    conn.execute(
        "UPDATE main.leads SET (stage_id, closed_at, lost_reason) = (SELECT s.stage_id, "
        "s.closed_at, s.lost_reason FROM src.leads s WHERE s.id = leads.id) WHERE id IN light "
        "AND EXISTS (SELECT 1 FROM src.leads s WHERE s.id = leads.id AND (s.stage_id <> "
        "leads.stage_id OR s.closed_at IS NOT leads.closed_at "
        "OR s.lost_reason IS NOT leads.lost_reason))"
    )
    conn.execute("CREATE TEMP TABLE gone AS SELECT id FROM main.leads WHERE created_at > :at", span)
    conn.execute("DELETE FROM main.leads WHERE id IN gone")
    conn.execute("DELETE FROM main.stage_changes WHERE lead_id IN gone")
    conn.execute(
        "DELETE FROM main.stage_changes WHERE rowid IN sc_rebuild "
        "AND (at > :at OR lead_id NOT IN (SELECT id FROM main.leads))",
        span,
    )
    past.untold(conn, at, " AND id IN temp.rebuild")
    older = past.count_older(conn, at) if count_older else None
    # write_past's "touched", of the leads rebuilt (the others were recounted, or not, alike)
    conn.execute(
        """CREATE TEMP TABLE touched AS SELECT r.id FROM rebuild r WHERE
            EXISTS (SELECT 1 FROM src.stage_changes c WHERE c.lead_id = r.id AND c.at > :at)
            OR EXISTS (SELECT 1 FROM src.activities a WHERE a.lead_id = r.id AND a.at > :at)
            OR r.id IN (SELECT row_id FROM firsts_all WHERE tbl = 'leads')
            OR r.id IN (SELECT lead_id FROM main.stage_changes WHERE rowid IN
                (SELECT row_id FROM firsts_all WHERE tbl = 'stage_changes'))
            OR r.id IN (SELECT lead_id FROM main.activities WHERE rowid IN
                (SELECT row_id FROM firsts_all WHERE tbl = 'activities'))""",
        span,
    )
    past.recount(conn, at)
    return older


def _dated(conn: sqlite3.Connection, previous: str, floor: str) -> None:
    """``temp.dated``: the instant and lead of the source's stage changes and actions after
    ``floor`` and by ``previous``, by instant, read at the first cut and kept for the next ones
    (each would scan the source's: there is no index on their dates). An action written to
    the source after that is journaled later than every cut-off and restored by the journal's
    records, which ``_leads_to_rebuild`` reads at each cut; a backdated move or a deletion is
    not (see the module's note)."""
    if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'dated'").fetchone():
        return
    conn.execute(
        "CREATE TEMP TABLE dated (at TEXT NOT NULL, lead_id INTEGER NOT NULL, "
        "PRIMARY KEY (at, lead_id)) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT OR IGNORE INTO dated SELECT at, lead_id FROM (SELECT at, lead_id "
        "FROM src.stage_changes UNION ALL SELECT at, lead_id FROM src.activities) "
        "WHERE at > :floor AND at <= :previous ORDER BY 1, 2",
        {"floor": floor, "previous": previous},
    )


def _heavy_and_light(conn: sqlite3.Connection) -> None:
    """``temp.heavy``: the leads to rebuild that a record after the instant touches (the lead,
    or a stage change of it: before, after or in the copy), written again from the source by
    ``write_past``'s rules; ``temp.light``: the others, as the source has them, updated."""
    conn.execute("CREATE TEMP TABLE heavy (id INTEGER PRIMARY KEY)")
    for select in (
        "SELECT row_id FROM firsts_all WHERE tbl = 'leads'",
        "SELECT row_id FROM moved WHERE tbl = 'leads'",
        *(
            f"SELECT json_extract(f.{image}, '$.lead_id') FROM {records} f "
            f"WHERE f.tbl = 'stage_changes'"
            for records, image in (("firsts_all", "old"), ("moved", "old"), ("moved", "new"))
        ),
        *(
            f"SELECT c.lead_id FROM {records} f JOIN {db}.stage_changes c "
            "ON f.tbl = 'stage_changes' AND c.id = f.row_id"
            for records in ("firsts_all", "moved")
            for db in ("src", "main")
        ),
    ):
        conn.execute(f"INSERT OR IGNORE INTO heavy SELECT id FROM rebuild WHERE id IN ({select})")
    conn.execute("CREATE TEMP TABLE light AS SELECT id FROM rebuild WHERE id NOT IN heavy")


def _leads_to_rebuild(conn: sqlite3.Connection, span: dict[str, str]) -> None:
    """``temp.rebuild``: the leads that may differ between the two instants (module doc)."""

    def between(value: str) -> str:
        return f"{value} > :at AND {value} <= :previous"

    old_close, old_at = "json_extract(old, '$.closed_at')", "json_extract(f.old, '$.at')"
    conn.execute("CREATE TEMP TABLE rebuild (id INTEGER PRIMARY KEY)")
    for select in (
        f"SELECT lead_id AS id FROM dated WHERE {between('at')}",  # stage changes, actions
        f"SELECT id FROM src.leads WHERE {between('closed_at')}",
        f"SELECT row_id AS id FROM firsts_all WHERE tbl = 'leads' AND {between(old_close)}",
        "SELECT coalesce(json_extract(f.old, '$.lead_id'), c.lead_id) AS id FROM firsts_all f "
        "LEFT JOIN src.stage_changes c ON c.id = f.row_id "
        f"WHERE f.tbl = 'stage_changes' AND {between(old_at)}",
        "SELECT l.id FROM inserted i JOIN src.leads l ON l.id > i.after AND l.id <= i.upto "
        f"WHERE i.import AND {between('i.at')}",
        "SELECT row_id AS id FROM moved WHERE tbl = 'leads'",
        f"SELECT json_extract(old, '$.lead_id') AS id FROM moved WHERE tbl IN ({_LEAD_ROWS})",
        f"SELECT json_extract(new, '$.lead_id') AS id FROM moved WHERE tbl IN ({_LEAD_ROWS})",
        "SELECT c.lead_id AS id FROM moved m JOIN src.stage_changes c "
        "ON m.tbl = 'stage_changes' AND c.id = m.row_id",
        "SELECT c.lead_id AS id FROM moved m JOIN main.stage_changes c "
        "ON m.tbl = 'stage_changes' AND c.id = m.row_id",
        "SELECT a.lead_id AS id FROM moved m JOIN src.activities a "
        "ON m.tbl = 'activities' AND a.id = m.row_id",
    ):
        conn.execute(
            f"INSERT OR IGNORE INTO rebuild SELECT id FROM ({select}) WHERE id IS NOT NULL", span
        )
