"""Point-in-time reports: the database as it was at an instant, written as a temporary database.

Why a database and not a condition in every query: the reports read summary columns
(``leads.reached``, ``last_event_at``), covering indexes and a dozen queries tuned for today's
state; teaching each of them "as of D" would double that code and slow down every report, and a
forgotten condition would leak the future. Instead :func:`write_past` writes a database holding
only the rows and values as of D, its summary columns recomputed by step 5's own SQL, and the
unchanged report code runs on it. So "a report as of D equals the same report on a database
built only from the events up to D" holds by construction, and reports of today pay nothing.

The rules (docs/reports.md, "Reports as of a past date"):

- a row's own date says when it happened: a lead exists from ``created_at``, a stage change, an
  action at ``at``, a follow-up from ``created_at`` and is open until ``done_at``; a lead's
  stage is the last of its stage changes by then (and it is closed when that stage is);
- the values of a row are those the journal records for then: the ``old`` image of the first
  change recorded after the instant, or the row as it is now when none was (a row whose first
  later record is an insert, by ``undo``, did not exist then); ``funnel merge`` is a correction,
  not an event: its records are skipped, so a merged lead shows its merged history; a row that
  is gone now (deleted) stays gone;
- values older than their recorded history (the lead's insertion is not journaled by then: it
  predates the journal, or an import or a backdated ``add`` wrote it later) are known since the
  lead's creation, except that an import row's amount, expected close and probability on a row
  that the import wrote closed are known only from its close date. :func:`write_past` returns
  how many leads shown had such values.
"""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

from funnelcli.store.connection import connect
from funnelcli.store.journal_schema import JOURNALED

#: The journal's own tables: a past database has no journal.
_JOURNAL_TABLES = ("journal", "journal_ranges", "journal_changes")
#: What an import row closed when imported does not tell before its close date.
_UNTOLD_BEFORE_CLOSE = ("amount_cents", "expected_close", "probability")
_VALUES = (
    "amount_cents", "expected_close", "probability", "frequency", "source", "term", "billed_until"
)  # fmt: skip
#: The date that says when a row happened.
_DATED = {
    "leads": "created_at",
    "stage_changes": "at",
    "activities": "at",
    "follow_ups": "created_at",
}


def later_than(conn: sqlite3.Connection, at: str) -> bool:
    """True when the database records a write, a lead or a close after ``at`` (a stored
    instant): a report as of ``at`` must then leave them out. Three index lookups."""
    row = conn.execute(
        "SELECT (SELECT max(at) FROM journal) > :at OR (SELECT max(created_at) FROM leads) > :at "
        "OR (SELECT max(closed_at) FROM leads WHERE closed_at IS NOT NULL) > :at",
        {"at": at},
    ).fetchone()
    return bool(row[0])


def _verb(command: str) -> str:
    """The command of a journal entry's command line (``funnel --db x merge 1 2``: merge)."""
    try:
        words = shlex.split(command)[1:]
    except ValueError:
        return ""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--db":
            skip = True
        elif not word.startswith("-"):
            return word
    return ""


def entries(conn: sqlite3.Connection, at: str) -> None:
    """Temporary tables: ``later`` (the entries after ``at`` whose records count) and
    ``inserted`` (the id ranges of leads each entry inserted, when, and whether by an import)."""
    conn.execute("CREATE TEMP TABLE later (id INTEGER PRIMARY KEY)")
    conn.execute(
        "CREATE TEMP TABLE inserted (after INTEGER, upto INTEGER, at TEXT, import INTEGER)"
    )
    rows = conn.execute("SELECT id, at, command, kind, undone_by FROM src.journal").fetchall()
    verbs = {entry: _verb(command) for entry, _, command, _, _ in rows}
    conn.executemany(
        "INSERT INTO later VALUES (?)",
        [
            (entry,)
            for entry, when, _, kind, undone in rows
            if when > at and not (verbs[entry] == "merge" and kind == "command" and undone is None)
        ],
    )
    when_of = {entry: when for entry, when, *_ in rows}
    conn.executemany(
        "INSERT INTO inserted VALUES (?, ?, ?, ?)",
        [
            (after, upto, when_of[entry], verbs[entry] == "import")
            for entry, after, upto in conn.execute(
                "SELECT entry_id, after, upto FROM src.journal_ranges "
                "WHERE tbl = 'leads' AND upto > after"
            )
        ],
    )
    conn.execute(
        "CREATE TEMP TABLE firsts AS SELECT c.tbl, c.row_id, c.op, c.old, min(c.id) AS first "
        "FROM src.journal_changes c JOIN later ON later.id = c.entry_id GROUP BY c.tbl, c.row_id"
    )
    conn.execute("CREATE INDEX temp.firsts_row ON firsts (tbl, row_id)")


def restore(conn: sqlite3.Connection, table: str, at: str, rows: str = "") -> None:
    """``table`` as now, then each row changed after the instant as its first later record
    had it before (an insert recorded later: the row did not exist). ``rows``: an SQL condition
    on the rows of ``src`` to copy (default: every one); the records applied are ``firsts``'."""
    columns = [row[1] for row in conn.execute(f"PRAGMA src.table_info({table})")]
    # rows dated after the instant are left out now (unless the journal changed them since:
    # their date then is the recorded one), which spares inserting and deleting them
    dated = _DATED.get(table)
    kept = (
        f" WHERE ({dated} <= :at OR rowid IN (SELECT row_id FROM firsts WHERE tbl = '{table}'))"
        if dated
        else " WHERE 1"
    )
    kept += f" AND ({rows})" if rows else ""
    conn.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}{kept}", {"at": at})
    conn.execute(
        f"DELETE FROM main.{table} WHERE rowid IN "
        f"(SELECT row_id FROM firsts WHERE tbl = '{table}' AND op = 'insert')"
    )
    values = ", ".join(
        f"CASE WHEN json_type(f.old, '$.{c}') IS NULL THEN {table}.{c} "
        f"ELSE json_extract(f.old, '$.{c}') END"
        for c in columns
    )
    conn.execute(
        f"UPDATE main.{table} SET ({', '.join(columns)}) = ({values}) FROM firsts AS f "
        f"WHERE f.tbl = '{table}' AND f.op <> 'insert' AND f.row_id = {table}.rowid"
    )


_UNRECORDED = "NOT EXISTS (SELECT 1 FROM inserted WHERE leads.id > after AND leads.id <= upto " \
    "AND at <= :at)"  # fmt: skip
_IMPORTED_LATER = (
    "EXISTS (SELECT 1 FROM inserted WHERE leads.id > after AND leads.id <= upto "
    "AND at > :at AND import)"
)

_SELECT = """
DELETE FROM leads WHERE created_at > :at;
DELETE FROM stage_changes WHERE at > :at OR lead_id NOT IN (SELECT id FROM leads);
DELETE FROM activities WHERE at > :at OR lead_id NOT IN (SELECT id FROM leads);
DELETE FROM follow_ups WHERE created_at > :at OR lead_id NOT IN (SELECT id FROM leads);
UPDATE follow_ups SET done_at = NULL, done_note = NULL WHERE done_at > :at;
UPDATE activities SET follow_up_id = NULL WHERE follow_up_id NOT IN (SELECT id FROM follow_ups);
DELETE FROM lead_external_ids WHERE lead_id NOT IN (SELECT id FROM leads);
DELETE FROM lead_import_keys WHERE lead_id NOT IN (SELECT id FROM leads);
"""


def _leads_then(conn: sqlite3.Connection, at: str) -> int:
    """Import rule, stage and close of each lead then; how many show untracked values."""
    untold(conn, at)
    older = count_older(conn, at)
    # Only the leads whose history or row changed after the instant may differ from the copy
    # (their stage, close and summary columns); the others are as the triggers kept them.
    conn.execute(
        "CREATE TEMP TABLE touched AS SELECT lead_id AS id FROM src.stage_changes WHERE at > :at "
        "UNION SELECT lead_id FROM src.activities WHERE at > :at "
        "UNION SELECT row_id FROM firsts WHERE tbl IN ('leads') "
        "UNION SELECT lead_id FROM main.stage_changes WHERE rowid IN "
        "(SELECT row_id FROM firsts WHERE tbl = 'stage_changes') "
        "UNION SELECT lead_id FROM main.activities WHERE rowid IN "
        "(SELECT row_id FROM firsts WHERE tbl = 'activities')",
        {"at": at},
    )
    recount(conn, at)
    return older


def untold(conn: sqlite3.Connection, at: str, where: str = "") -> None:
    """The import rule: an import row closed after ``at`` and imported later does not tell its
    amount, expected close and probability then (``where``: an extra SQL condition)."""
    nulls = ", ".join(f"{c} = NULL" for c in _UNTOLD_BEFORE_CLOSE)
    conn.execute(
        f"UPDATE leads SET {nulls} WHERE closed_at > :at AND {_IMPORTED_LATER}{where}", {"at": at}
    )


def count_older(conn: sqlite3.Connection, at: str) -> int:
    """How many leads show values older than their recorded history."""
    return int(
        conn.execute(
            f"SELECT count(*) FROM leads WHERE {_UNRECORDED} AND "
            f"({' OR '.join(f'{c} IS NOT NULL' for c in _VALUES)})",
            {"at": at},
        ).fetchone()[0]
    )


def recount(conn: sqlite3.Connection, at: str) -> None:
    """The stage, close and summary columns of the leads in ``temp.touched``, from their
    stage history by ``at``: the stage of the last change (its close time when the lead
    was not closed by ``at``), and ``reached`` and ``last_event_at`` as the migration's
    ``_m005_recompute`` counts them (its statement, inline); one pass over the rows (the
    summary columns read the history alone, not the columns updated with them)."""
    conn.execute(
        """UPDATE leads SET
            stage_id = CASE WHEN x.kind IS NULL THEN leads.stage_id ELSE x.to_stage_id END,
            closed_at = CASE WHEN x.kind IS NULL THEN leads.closed_at
                WHEN x.kind = 'open' THEN NULL
                WHEN leads.closed_at IS NULL OR leads.closed_at > :at THEN x.at
                ELSE leads.closed_at END,
            lost_reason = CASE WHEN x.kind IS NULL OR x.kind = 'lost' THEN leads.lost_reason END,
            reached = (
                SELECT coalesce(sum(bit), 0) FROM (
                    SELECT DISTINCT 1 << to_stage_id AS bit FROM stage_changes
                    WHERE lead_id = leads.id AND to_stage_id BETWEEN 1 AND 62
                )
            ),
            last_event_at = (
                SELECT max(at) FROM (
                    SELECT max(at) AS at FROM stage_changes WHERE lead_id = leads.id
                    UNION ALL SELECT max(at) FROM activities WHERE lead_id = leads.id
                )
            )
        FROM (
            SELECT t.id, c.to_stage_id, c.at, s.kind FROM touched t
            LEFT JOIN (
                SELECT lead_id, to_stage_id, at, row_number() OVER (
                    PARTITION BY lead_id ORDER BY at DESC, id DESC) AS n
                FROM main.stage_changes WHERE lead_id IN touched
            ) c ON c.lead_id = t.id AND c.n = 1
            LEFT JOIN stages s ON s.id = c.to_stage_id
        ) x
        WHERE x.id = leads.id""",
        {"at": at},
    )


#: What the forecast reads (``funnel report backtest``'s past database, cut back from cut-off to
#: cut-off by ``past_cut``): the other tables are created empty, and no trigger is created.
FORECAST_TABLES = ("stages", "settings", "leads", "stage_changes")
#: Indexes of those tables that neither the forecast nor the making of the copy reads: left
#: out of such a copy (creating an index is most of the time of writing one).
_UNREAD_BY_FORECAST = frozenset(
    {"stage_changes_to", "leads_email", "leads_email_stage", "leads_import_key",
     "leads_dates_estimated", "leads_created"}
)  # fmt: skip


def write_past(source: Path, target: Path, at: str, only: tuple[str, ...] | None = None) -> int:
    """Write at ``target`` (a new file) the database ``source`` as it was at ``at`` (a stored
    instant), in one read snapshot of ``source``; how many leads shown have values older than
    their recorded history. ``only``: copy the rows of these tables alone (see
    :data:`FORECAST_TABLES`), leaving the copy without triggers."""
    conn = connect(target, "rwc")
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("ATTACH ? AS src", (Path(source).resolve().as_uri() + "?mode=ro",))
        conn.execute("BEGIN")
        schema = conn.execute(
            "SELECT type, name, sql FROM src.sqlite_master "
            "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        for kind, _, sql in schema:
            if kind == "table":
                conn.execute(sql)
        for kind, name, _ in schema:
            if kind == "table" and name not in JOURNALED and name not in _JOURNAL_TABLES:
                conn.execute(f"INSERT INTO main.{name} SELECT * FROM src.{name}")
        entries(conn, at)
        for table in JOURNALED:
            if only is None or table in only:
                restore(conn, table, at)
        for statement in _SELECT.strip().splitlines():
            conn.execute(statement, {"at": at})
        for kind, name, sql in schema:
            if kind == "index" and (only is None or name not in _UNREAD_BY_FORECAST):
                conn.execute(sql)
        older = _leads_then(conn, at)
        for kind, _, sql in schema:
            if kind == "trigger" and only is None:
                conn.execute(sql)
        for pragma in ("user_version", "application_id"):
            value = int(conn.execute(f"PRAGMA src.{pragma}").fetchone()[0])
            conn.execute(f"PRAGMA main.{pragma} = {value}")
        conn.execute("COMMIT")
        conn.execute("DETACH src")
    finally:
        conn.close()
    return older
