"""What a database file is, read without changing it: a funnel database (which schema
version), an empty file, or something funnel must leave untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from funnelcli.errors import NotAFunnelDatabase
from funnelcli.i18n import _
from funnelcli.store import files
from funnelcli.store.connection import connect, read_only
from funnelcli.store.migrations import SCHEMA_VERSION
from funnelcli.store.sqlite_errors import translate

#: ``PRAGMA application_id`` of every funnel database: "FNL1".
APPLICATION_ID = 0x464E4C31
#: SQLITE_READONLY_ROLLBACK: a hot journal that a read-only connection may not roll back.
_READONLY_ROLLBACK = 776


def identify(conn: sqlite3.Connection, path: Path) -> int:
    """The database's schema version; refuse foreign and newer databases. Reads only."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id == 0:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise NotAFunnelDatabase(
                _(
                    "{path} is an SQLite database but not a funnel database; it was left untouched"
                ).format(path=path),
                hint=_("point --db or FUNNEL_DB at a funnel database, or at a new file name"),
            )
        return 0
    if app_id != APPLICATION_ID:
        raise NotAFunnelDatabase(
            _(
                "{path} is not a funnel database (application id {app_id}); it was left untouched"
            ).format(path=path, app_id=f"{app_id:#x}")
        )
    if version > SCHEMA_VERSION:
        raise NotAFunnelDatabase(
            _(
                "{path} was made by a newer version of funnel (schema {version}, this version "
                "knows {known}); it was left untouched"
            ).format(path=path, version=version, known=SCHEMA_VERSION),
            hint=_("upgrade funnel: pip install --upgrade funnelcli"),
        )
    return version


def _identify_copy(path: Path) -> int:
    """Identify a database whose hot rollback journal must be rolled back before it can be read.

    The rollback happens on a private copy of the file and its journal, so a foreign or newer
    database is still refused untouched; only a funnel database we may open is rolled back in
    place (by the read-write connection that follows).
    """
    from funnelcli.outfiles import scratch_copy

    with scratch_copy(path, ("-journal",)) as copy:
        conn = connect(copy, "rw")
        try:
            return identify(conn, path)
        finally:
            conn.close()


def inspect(path: Path) -> tuple[int, dict[str, str]]:
    """Schema version and settings of an existing database, read without changing it.

    Refuses (NotAFunnelDatabase) anything that is not a funnel database; ``(0, {})`` for an
    empty file.
    """
    path = Path(path)
    files.check_regular(path)
    if files.check_header(path):
        return 0, {}
    try:
        conn = read_only(path)
        try:
            version = identify(conn, path)
            has_settings = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
            ).fetchone()
            settings = dict(conn.execute("SELECT key, value FROM settings")) if has_settings else {}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == _READONLY_ROLLBACK:
            return _identify_copy(path), {}
        raise translate(exc, path) from exc
    return version, settings


def describe(path: Path) -> tuple[int, int]:
    """Schema version and lead count of an existing database, read without changing it."""
    version, _ = inspect(path)
    if version == 0:
        return 0, 0
    try:
        conn = read_only(path)
        try:
            leads = conn.execute("SELECT count(*) FROM leads").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    return version, int(leads)
