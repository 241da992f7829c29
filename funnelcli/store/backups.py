"""Whole-file operations on an open database: the quick check, backups and restores, all
through SQLite's own APIs (never a file copy that could split a database from its WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from funnelcli.errors import StorageError, UsageError
from funnelcli.i18n import _
from funnelcli.store.connection import Store, connect, read_only
from funnelcli.store.identity import inspect
from funnelcli.store.migrations import SCHEMA_VERSION
from funnelcli.store.sqlite_errors import CORRUPT, primary_code, translate


def quick_check(store: Store) -> None:
    """``PRAGMA quick_check``: a corrupt page SQLite can see is an I/O failure (74), said now."""
    with store.translate_errors():
        rows = [row[0] for row in store.conn.execute("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        raise StorageError(
            _("the database file {path} is corrupt: {choices}").format(
                path=store.path, choices="; ".join(rows)
            ),
            hint=_("restore a backup: funnel restore BACKUP.db"),
        )


def backup(store: Store, copy_path: Path, *, target: Path) -> int:
    """Copy the live database into ``copy_path`` (an empty file) with SQLite's backup API;
    return the number of leads in the copy.

    The copy is one consistent snapshot even while another process writes (the backup runs in
    a single step inside a read transaction), checked with ``PRAGMA integrity_check``. The
    caller writes ``copy_path`` beside ``target`` and renames it into place
    (:mod:`funnelcli.outfiles`); errors writing it name ``target``.
    """
    try:
        copy = connect(copy_path, "rw")
        try:
            store.conn.backup(copy)
            # A backup is one self-contained file: reading it (restore, --db) then needs no
            # -wal/-shm beside it, and copying it by hand cannot leave half of it behind.
            copy.execute("PRAGMA journal_mode = DELETE")
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise StorageError(
                    _("the backup failed its integrity check: {result}").format(result=result)
                )
            return copy.execute("SELECT count(*) FROM leads").fetchone()[0]
        finally:
            copy.close()
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if "full" in text:
            raise StorageError(
                _("cannot write the backup {target}: disk full").format(target=target),
                hint=_("free some disk space"),
            ) from exc
        if "disk i/o" in text:
            raise StorageError(
                _("cannot write the backup {target}: {exc}").format(target=target, exc=exc)
            ) from exc
        raise translate(exc, store.path, store.busy_timeout) from exc


def verify_backup(path: Path) -> int:
    """Check that ``path`` is a whole funnel database this version can open: its lead count.

    Refuses a foreign or newer file (78), an empty one (2) and one that fails
    ``PRAGMA integrity_check`` (74), reading it without changing it.
    """
    version, _settings = inspect(path)
    if version == 0:
        raise UsageError(_("{path} is an empty database, not a funnel backup").format(path=path))
    try:
        conn = read_only(path)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
            if result != ["ok"]:
                raise StorageError(
                    _("the backup {path} is corrupt: {choices}; nothing was restored").format(
                        path=path, choices="; ".join(result)
                    )
                )
            return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if primary_code(exc) == CORRUPT:
            raise StorageError(
                _("the backup {path} is corrupt ({exc}); nothing was restored").format(
                    path=path, exc=exc
                )
            ) from exc
        raise translate(exc, path) from exc


def restore(store: Store, source: Path) -> None:
    """Copy the database ``source`` over the live one with SQLite's backup API.

    The copy runs in one step, which holds the live database's write lock throughout: another
    process sees the old state or the new one. SQLite itself writes the pages through the live
    database's WAL, so no leftover ``-wal`` file can be replayed onto the restored data (the
    danger of restoring with ``cp``).
    """
    with store.translate_errors():
        conn = read_only(source)
        try:
            conn.backup(store.conn)
        finally:
            conn.close()
        if store.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            store.conn.execute("PRAGMA journal_mode = WAL")
        if store.conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            from funnelcli.store import migrate

            migrate(store)  # a backup made by an older version


def lead_count(store: Store) -> int:
    """How many leads the live database holds."""
    with store.translate_errors():
        return int(store.conn.execute("SELECT count(*) FROM leads").fetchone()[0])
