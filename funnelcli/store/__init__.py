"""The store: the one place that opens the database file and runs SQL.

``open_db()`` checks that the file is a funnel database (or empty), creates it readable by its
owner only, sets WAL, ``foreign_keys=ON``, ``synchronous=FULL`` and the busy timeout on every
connection, and applies pending migrations under ``BEGIN IMMEDIATE``.

The jobs live in modules of their own: ``connection`` (the ``Store`` and its transactions),
``files`` (the file before SQLite opens it), ``identity`` (what a file is), ``sqlite_errors``
(SQLite's errors as FunnelErrors), ``backups`` (backup, restore, quick check), ``migrations``
(append-only steps), and the SQL of each concept (``queries``, ``followups``, …).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from funnelcli.store import files
from funnelcli.store.backups import backup, lead_count, quick_check, restore, verify_backup
from funnelcli.store.connection import Store, Tx, connect
from funnelcli.store.files import ensure_parent, missing_database
from funnelcli.store.identity import APPLICATION_ID, describe, identify, inspect
from funnelcli.store.migrations import SCHEMA_VERSION
from funnelcli.store.sqlite_errors import translate
from funnelcli.text import fold

__all__ = [
    "APPLICATION_ID",
    "Store",
    "Tx",
    "backup",
    "describe",
    "ensure_parent",
    "inspect",
    "lead_count",
    "migrate",
    "missing_database",
    "open_db",
    "quick_check",
    "restore",
    "translate",
    "verify_backup",
]


def _fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


def migrate(store: Store) -> None:
    """Apply pending steps in one IMMEDIATE transaction: all of them, or none.

    ``Migrations.apply`` wraps each step in ``db.atomic()``, which nests as a savepoint inside
    this transaction, so a step that fails halfway leaves the database at its old version.
    """
    from funnelcli.store import fresh, migrations

    with store.write(journal=False) as conn:  # a schema change is not undone
        # Another process may have migrated while we waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            if (
                version == 0
                and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            ):
                fresh.create(conn)  # a new database: the steps' result in one go
            else:
                migrations.build().apply(store.db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def switch_to_wal(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """``PRAGMA journal_mode = WAL``, waiting up to the busy timeout for other connections.

    SQLite answers SQLITE_BUSY at once, without its busy handler, when another connection
    holds the file at that moment: two commands that start together on a new database (two
    cron jobs, an intake and an ``add``) would see one refused with "locked" after no wait.
    """
    deadline = time.monotonic() + busy_timeout
    pause = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY
            left = deadline - time.monotonic()
            if not busy or left <= 0:
                raise
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.05)


def open_db(path: Path, *, busy_timeout: float = 10.0, create: bool = True) -> Store:
    """Open (creating and migrating when needed) the funnel database at ``path``.

    With ``create=False`` a missing file is refused (InputFileError): a command that only reads
    must never create an empty database, or a mistyped path would make a cron job report
    nothing. The file is identified on a read-only connection first: a foreign or newer
    database is refused before anything (a WAL checkpoint, a journal-mode switch) could change
    it.
    """
    path = Path(path)
    created = False
    if not os.path.lexists(path):
        if not create:
            raise missing_database(path)
        files.create_file(path)
        created = True
    version, _ = inspect(path)
    if version == 0:
        files.owner_only(path)  # a new (or empty, pre-made) database holds personal data
    files.fix_sidecars(path)
    try:
        conn = connect(path, "rw", busy_timeout)
    except sqlite3.Error as exc:
        raise translate(exc, path, busy_timeout) from exc
    store = Store(conn, path, busy_timeout)
    store.created = created
    conn.create_function("funnel_fold", 1, _fold, deterministic=True)
    try:
        with store.translate_errors():
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            version = identify(conn, path)
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                switch_to_wal(conn, busy_timeout)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                migrate(store)
            store.journaled = True
    except BaseException:
        conn.close()
        raise
    return store
