"""The journal of write commands: opening and closing an entry, listing, reverting, trimming.

Every ``Store.write()`` opens an entry in its own transaction (:func:`open_entry`) and closes it
before the commit (:func:`close_entry`); the triggers of ``journal_schema`` record the row
changes in between. An entry that changed nothing is removed when it closes.

Reverting an entry (:func:`revert`) runs inside another write, whose own entry records what
the revert changed: an undo is undone like any entry (that is ``funnel redo``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from funnelcli.store.journal_schema import JOURNALED

if TYPE_CHECKING:  # built only when the journal is read (undo): every write opens an entry
    from funnelcli.models.corrections import JournalEntry as Entry

_WORDS = {
    "stages": ("stage", "stages"),
    "settings": ("setting", "settings"),
    "leads": ("lead", "leads"),
    "follow_ups": ("follow-up", "follow-ups"),
    "activities": ("activity", "activities"),
    "stage_changes": ("stage change", "stage changes"),
    "lead_external_ids": ("external id", "external ids"),
    "lead_import_keys": ("deal key", "deal keys"),
}


#: Rows an entry inserted go in this order: new leads first (their history goes with them by
#: cascade, which spares the summary triggers a recount per stage change), then the history
#: added to older leads, then stages and settings, which leads refer to.
_DELETE_ORDER = (
    "leads", "follow_ups", "activities", "stage_changes", "lead_external_ids", "lead_import_keys",
    "settings", "stages",
)  # fmt: skip
assert sorted(_DELETE_ORDER) == sorted(JOURNALED)


def _loads(text: str) -> Any:
    """A recorded row (only reverting reads them: ``json`` is not imported by every write)."""
    import json

    return json.loads(text)


_ENTRY = "SELECT id, at, command, summary, kind, reverts, undone_by, purged FROM journal"
#: Entries closed (not the one the current write is recording).
_CLOSED = "id NOT IN (SELECT entry_id FROM journal_ranges WHERE upto IS NULL)"


def has_journal(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'journal_ranges'").fetchone()
    return found is not None


def open_entry(conn: sqlite3.Connection, command: str, at: str) -> int:
    """A new entry, open: the triggers record into it until :func:`close_entry`."""
    entry = conn.execute("INSERT INTO journal (at, command) VALUES (?, ?)", (at, command)).lastrowid
    assert entry is not None
    conn.execute(
        "INSERT INTO journal_ranges (entry_id, tbl, after) "
        + " UNION ALL ".join(
            f"SELECT {entry}, '{table}', coalesce(max(rowid), 0) FROM {table}"
            for table in JOURNALED
        )
    )
    return entry


def current_entry(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT entry_id FROM journal_ranges WHERE upto IS NULL LIMIT 1").fetchone()
    return None if row is None else int(row[0])


def close_entry(conn: sqlite3.Connection, entry: int) -> None:
    """Record where each table's ids ended, and a one-line summary; forget an empty entry."""
    ends = " ".join(
        f"WHEN '{table}' THEN (SELECT coalesce(max(rowid), 0) FROM {table})" for table in JOURNALED
    )
    conn.execute(
        f"UPDATE journal_ranges SET upto = max(after, CASE tbl {ends} END) WHERE entry_id = ?",
        (entry,),
    )
    counts = conn.execute(
        "SELECT tbl, op, count(DISTINCT row_id) FROM journal_changes WHERE entry_id = ? "
        "GROUP BY tbl, op",
        (entry,),
    ).fetchall()
    for table, after, upto in conn.execute(
        "SELECT tbl, after, upto FROM journal_ranges WHERE entry_id = ? AND upto > after",
        (entry,),
    ).fetchall():
        added = conn.execute(
            f"SELECT count(*) FROM {table} WHERE rowid > ? AND rowid <= ?", (after, upto)
        ).fetchone()[0]
        counts.append((table, "insert", added))
    kind, told = conn.execute("SELECT kind, summary FROM journal WHERE id = ?", (entry,)).fetchone()
    if kind == "command" and not any(n for _, _, n in counts):
        conn.execute("DELETE FROM journal_ranges WHERE entry_id = ?", (entry,))
        conn.execute("DELETE FROM journal WHERE id = ?", (entry,))
        # nobody saw that id: give it back, so that a command that changed nothing changes
        # nothing in the file either
        conn.execute(
            "UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'journal' AND seq = ?", (entry,)
        )
        return
    conn.execute(
        "DELETE FROM journal_ranges WHERE entry_id = ? AND upto = after "
        "AND tbl NOT IN (SELECT tbl FROM journal_changes WHERE entry_id = ?)",
        (entry, entry),
    )
    said = summary(counts)
    if told:
        said = f"{told}: {said}" if said else told
    conn.execute("UPDATE journal SET summary = ? WHERE id = ?", (said, entry))


def summary(counts: Sequence[tuple[str, str, int]]) -> str:
    """``added 1 lead, 2 stage changes; changed 1 lead`` from ``(table, op, rows)``."""
    parts = []
    for op, verb in (("insert", "added"), ("update", "changed"), ("delete", "deleted")):
        totals: dict[str, int] = {}
        for table, kind, n in counts:
            if kind == op and n:
                totals[table] = totals.get(table, 0) + n
        words = [f"{n} {_WORDS[t][n != 1]}" for t in JOURNALED if (n := totals.get(t, 0))]
        if words:
            parts.append(f"{verb} {', '.join(words)}")
    return "; ".join(parts)


def mark_revert(conn: sqlite3.Connection, entry: int, target: Entry) -> None:
    """``entry`` (open) reverts ``target``: an undo, or a redo when ``target`` was an undo."""
    kind = "redo" if target.kind == "undo" else "undo"
    conn.execute(
        "UPDATE journal SET kind = ?, reverts = ?, summary = ? WHERE id = ?",
        (kind, target.id, f"{kind} of entry {target.id}", entry),
    )
    conn.execute("UPDATE journal SET undone_by = ? WHERE id = ?", (entry, target.id))


# --------------------------------------------------------------------------- reading


def _entry(row: Sequence[Any]) -> Entry:
    from funnelcli.models.corrections import JournalEntry as Entry

    entry_id, at, command, summary, kind, reverts, undone_by, purged = row
    return Entry(entry_id, at, command, summary, kind, reverts, undone_by, bool(purged))


def get(conn: sqlite3.Connection, entry: int) -> Entry | None:
    row = conn.execute(f"{_ENTRY} WHERE id = ?", (entry,)).fetchone()
    return None if row is None else _entry(row)


def entries(conn: sqlite3.Connection, limit: int | None = None) -> list[Entry]:
    """The newest entries first."""
    sql = f"{_ENTRY} WHERE {_CLOSED} ORDER BY id DESC" + (
        "" if limit is None else f" LIMIT {int(limit)}"
    )
    return [_entry(row) for row in conn.execute(sql)]


def last_to_undo(conn: sqlite3.Connection) -> Entry | None:
    """The newest command (or redo) not undone yet: undos themselves are skipped, so that
    ``undo`` run again walks further back."""
    row = conn.execute(
        f"{_ENTRY} WHERE kind <> 'undo' AND undone_by IS NULL AND {_CLOSED} "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else _entry(row)


def last_to_redo(conn: sqlite3.Connection) -> Entry | None:
    """The newest undo not reverted yet, if no command came after it."""
    row = conn.execute(
        f"{_ENTRY} WHERE kind = 'undo' AND undone_by IS NULL AND {_CLOSED} AND id > "
        f"(SELECT coalesce(max(id), 0) FROM journal WHERE kind = 'command' AND {_CLOSED}) "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else _entry(row)


def later_conflicts(conn: sqlite3.Connection, entry: int) -> list[int]:
    """Later entries still in effect that touched a row ``entry`` touched (changed, inserted or
    deleted). An entry undone later, and the undo of an entry later than ``entry``, cancel out
    and are left aside."""
    return [
        int(row[0])
        for row in conn.execute(
            """
            WITH later AS (
                SELECT id FROM journal WHERE id > :e AND undone_by IS NULL
                AND (reverts IS NULL OR reverts < :e)
            ),
            mine_rows AS (SELECT tbl, row_id FROM journal_changes WHERE entry_id = :e),
            mine_ranges AS (
                SELECT tbl, after, upto FROM journal_ranges WHERE entry_id = :e AND upto > after
            )
            SELECT c.entry_id FROM journal_changes c JOIN later ON later.id = c.entry_id
            WHERE EXISTS (SELECT 1 FROM mine_rows m WHERE m.tbl = c.tbl AND m.row_id = c.row_id)
               OR EXISTS (SELECT 1 FROM mine_ranges m WHERE m.tbl = c.tbl
                          AND c.row_id > m.after AND c.row_id <= m.upto)
            UNION
            SELECT r.entry_id FROM journal_ranges r JOIN later ON later.id = r.entry_id
            WHERE r.upto > r.after AND (
                EXISTS (SELECT 1 FROM mine_rows m WHERE m.tbl = r.tbl
                        AND m.row_id > r.after AND m.row_id <= r.upto)
                OR EXISTS (SELECT 1 FROM mine_ranges m WHERE m.tbl = r.tbl
                           AND m.after < r.upto AND r.after < m.upto))
            ORDER BY 1
            """,
            {"e": entry},
        )
    ]


# --------------------------------------------------------------------------- reverting


def _restore_update(conn: sqlite3.Connection, table: str, row_id: int, row: dict) -> None:
    columns = [c for c in row if c not in ("rowid", "id")]
    conn.execute(
        f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE rowid = ?",
        [row[c] for c in columns] + [row_id],
    )


def _restore_insert(conn: sqlite3.Connection, table: str, row: dict) -> None:
    """Put a deleted row back under its id; recorded in the open entry as an insert when the
    id is not above the table's range (no trigger records inserts: see journal_schema)."""
    row_id = conn.execute(
        f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    ).lastrowid
    conn.execute(
        "INSERT INTO journal_changes (entry_id, tbl, op, row_id) SELECT entry_id, tbl, 'insert', "
        "? FROM journal_ranges WHERE tbl = ? AND upto IS NULL AND ? <= after",
        (row_id, table, row_id),
    )


def revert(conn: sqlite3.Connection, entry: int) -> None:
    """Put every row ``entry`` touched back as it was before it.

    Its changes are undone newest first (an update: the old row; a delete: the row again, same
    id; an insert of a reused id: deleted); then the rows inserted in its id ranges are deleted
    (after, so that a row it moved to a new lead is back on its old one before that lead goes);
    then each lead it updated gets its oldest recorded image again, so that the summary columns
    (``reached``, ``last_event_at``) are exactly as before, whatever the summary triggers did on
    the way (a lead it deleted comes back whole, summaries included, and its history after it
    finds nothing to change). Foreign keys are checked at the commit, so rows may come back in
    any order.
    """
    conn.execute("PRAGMA defer_foreign_keys = ON")
    ranges = {
        table: (after, upto)
        for table, after, upto in conn.execute(
            "SELECT tbl, after, upto FROM journal_ranges WHERE entry_id = ?", (entry,)
        ).fetchall()
    }
    for table, op, row_id, old in _newest_first(conn, entry):
        if table in ranges and row_id > ranges[table][0]:
            continue  # born in this entry: its range deletes it
        if op == "insert":
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (row_id,))
        elif op == "update":
            _restore_update(conn, table, row_id, _loads(old))
        else:
            _restore_insert(conn, table, _loads(old))
    for table in _DELETE_ORDER:
        after, upto = ranges.get(table, (0, 0))
        if upto > after:
            conn.execute(f"DELETE FROM {table} WHERE rowid > ? AND rowid <= ?", (after, upto))
    for row_id, old in conn.execute(
        "SELECT row_id, old FROM journal_changes WHERE id IN (SELECT min(id) FROM "
        "journal_changes WHERE entry_id = ? AND tbl = 'leads' AND op = 'update' GROUP BY row_id)",
        (entry,),
    ).fetchall():
        _restore_update(conn, "leads", row_id, _loads(old))


def _newest_first(
    conn: sqlite3.Connection, entry: int, page: int = 1000
) -> Iterator[tuple[str, str, int, Any]]:
    """The changes of ``entry``, newest first, a page at a time (an import's may be many)."""
    below = None
    while True:
        rows = conn.execute(
            "SELECT id, tbl, op, row_id, old FROM journal_changes WHERE entry_id = ? "
            "AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
            (entry, below, below, page),
        ).fetchall()
        if not rows:
            return
        below = rows[-1][0]
        for _, table, op, row_id, old in rows:
            yield table, op, row_id, old


# --------------------------------------------------------------------------- trimming


def prune(conn: sqlite3.Connection, before: str) -> int:
    """Forget the entries recorded before ``before`` (a stored instant); how many."""
    ids = "SELECT id FROM journal WHERE at < ?"
    conn.execute(f"DELETE FROM journal_changes WHERE entry_id IN ({ids})", (before,))
    conn.execute(f"DELETE FROM journal_ranges WHERE entry_id IN ({ids})", (before,))
    return conn.execute("DELETE FROM journal WHERE at < ?", (before,)).rowcount
