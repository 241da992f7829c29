"""The database file itself, before SQLite opens it: created owner-only, checked to be a
regular SQLite file, its folder made, its leftover ``-wal``/``-shm`` made usable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from funnelcli.errors import (
    InputFileError,
    NotAFunnelDatabase,
    PermissionDenied,
    UsageError,
    write_error,
)
from funnelcli.i18n import _

SQLITE_MAGIC = b"SQLite format 3\x00"


def create_file(path: Path) -> None:
    """Create an empty database file readable and writable by its owner only (0600)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process created it first: fine
    except PermissionError:
        raise PermissionDenied(
            _("cannot create the database {path}: permission denied").format(path=path),
            hint=_("choose a writable folder with --db or FUNNEL_DB"),
        ) from None
    except FileNotFoundError:
        raise UsageError(
            _("cannot create the database {path}: the folder {folder} does not exist").format(
                path=path, folder=path.parent
            )
        ) from None
    except OSError as exc:
        raise write_error(exc, _("the database {path}").format(path=path), verb="create") from None
    os.close(fd)


def check_header(path: Path) -> bool:
    """True when the file is empty (a new database); refuse anything that is not SQLite."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except IsADirectoryError:
        raise UsageError(_("{path} is a folder, not a database file").format(path=path)) from None
    except PermissionError:
        raise PermissionDenied(
            _("cannot read {path}: permission denied").format(path=path)
        ) from None
    except OSError as exc:
        raise InputFileError(
            _("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None
    if not header:
        return True
    if header != SQLITE_MAGIC:
        raise NotAFunnelDatabase(
            _("{path} is not a funnel database (not an SQLite file); it was left untouched").format(
                path=path
            ),
            hint=_("point --db or FUNNEL_DB at a funnel database, or at a new file name"),
        )
    return False


def check_regular(path: Path) -> None:
    """A database is a regular file (or a symlink to one): not a device, a FIFO or a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # reported by whoever opens it
    if stat.S_ISDIR(mode):
        raise UsageError(_("{path} is a folder, not a database file").format(path=path))
    if not stat.S_ISREG(mode):
        raise UsageError(
            _(
                "{path} is not a regular file (a device or a pipe): "
                "it cannot hold a funnel database"
            ).format(path=path),
            hint=_("point --db or FUNNEL_DB at a file name"),
        )


def owner_only(path: Path) -> None:
    """Make a database funnel initialises, and its ``-wal``/``-shm``, readable by its owner only.

    A leftover ``-wal``/``-shm`` that its owner may not write (after a read-only episode) gets
    the owner's read and write bits back, or SQLite would refuse to open the database.
    """
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        try:
            info = os.stat(name)
            if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) != 0o600:
                os.chmod(name, 0o600)
        except OSError:
            continue  # missing, or not ours: SQLite reports what matters


def fix_sidecars(path: Path) -> None:
    """Give a leftover ``-wal``/``-shm`` its owner's write bit when the database itself has it."""
    try:
        if not os.stat(path).st_mode & stat.S_IWUSR:
            return
    except OSError:
        return
    for name in (f"{path}-wal", f"{path}-shm"):
        try:
            info = os.stat(name)
            if info.st_uid == os.geteuid() and not info.st_mode & stat.S_IWUSR:
                os.chmod(name, stat.S_IMODE(info.st_mode) | stat.S_IRUSR | stat.S_IWUSR)
        except OSError:
            continue


def missing_database(path: Path) -> InputFileError:
    return InputFileError(
        _("the database {path} does not exist").format(path=path),
        hint=_("create it with `funnel init` (or `funnel add`), or check --db and FUNNEL_DB"),
    )


def ensure_parent(path: Path) -> None:
    """Create the folder of the default database location (owner-only) if missing."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(
            exc, _("the folder {parent}").format(parent=path.parent), verb="create"
        ) from None
