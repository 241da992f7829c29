"""SQLite's errors as the FunnelErrors (and exit codes) a user should see."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from funnelcli.errors import (
    DatabaseLocked,
    FunnelError,
    NotAFunnelDatabase,
    PermissionDenied,
    StorageError,
)
from funnelcli.i18n import _

#: SQLite's primary result codes (the low byte of an extended code) that a user can cause.
_BUSY, _LOCKED, _PERM, _READONLY, _IOERR, CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    5,
    6,
    3,
    8,
    10,
    11,
    13,
    14,
    26,
)


def primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF
    text = str(exc).lower()  # errors raised by the sqlite3 module itself carry no code
    for needle, primary in (
        ("locked", _BUSY),
        ("busy", _BUSY),
        ("readonly", _READONLY),
        ("read-only", _READONLY),
        ("full", _FULL),
        ("disk i/o", _IOERR),
        ("malformed", CORRUPT),
        ("not a database", _NOTADB),
        ("unable to open", _CANTOPEN),
    ):
        if needle in text:
            return primary
    return None


def translate(exc: sqlite3.Error, path: Path, busy_timeout: float = 0) -> FunnelError:
    """Turn a sqlite3 error into the FunnelError (and exit code) the user should see."""
    code = primary_code(exc)
    if code in (_BUSY, _LOCKED):
        return DatabaseLocked(
            _(
                "the database {path} is locked by another funnel command "
                "(waited {seconds} s): try again"
            ).format(path=path, seconds=f"{busy_timeout:g}"),
            hint=_("raise the wait with FUNNEL_BUSY_TIMEOUT=<seconds>"),
        )
    if code in (_READONLY, _PERM):
        return PermissionDenied(
            _("cannot write to {path}: the database is read-only").format(path=path),
            hint=_("check the permissions of the file and of its folder"),
        )
    if code == _FULL:
        return StorageError(
            _("I/O failure on {path}: {error}").format(path=path, error=exc),
            hint=_("free some disk space"),
        )
    if code == _IOERR:
        return StorageError(
            _("I/O failure on {path}: {error}").format(path=path, error=exc),
            hint=_("check the disk and the file"),
        )
    if code == CORRUPT:
        return StorageError(
            _("the database file {path} is corrupt ({error})").format(path=path, error=exc),
            hint=_("restore a backup: funnel restore BACKUP.db"),
        )
    if code == _NOTADB:
        return NotAFunnelDatabase(
            _("{path} is not a funnel database (not an SQLite file)").format(path=path)
        )
    if code == _CANTOPEN:
        return PermissionDenied(
            _("cannot open {path}: {error}").format(path=path, error=exc),
            hint=_("check the permissions of the file and folder"),
        )
    return StorageError(_("database error on {path}: {error}").format(path=path, error=exc))
