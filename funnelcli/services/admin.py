"""Looking after the database file: consistent backups."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from funnelcli.errors import PermissionDenied, StorageError, UsageError
from funnelcli.store import Store
from funnelcli.store import backup as backup_file


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    leads: int


def backup(store: Store, target: Path, *, force: bool = False) -> Backup:
    """Write a consistent copy of the live database to ``target`` (0600)."""
    target = Path(target).expanduser()
    if target.is_dir():
        raise UsageError(
            f"{target} is a folder: give the backup a file name, e.g. {target}/funnel-backup.db"
        )
    if not target.parent.is_dir():
        raise UsageError(
            f"cannot write the backup {target}: the folder {target.parent} does not exist"
        )
    if target.exists():
        if target.resolve() == store.path.resolve():
            raise UsageError(f"{target} is the live database itself: choose another file")
        if not force:
            raise UsageError(f"{target} already exists", hint="add --force to overwrite it")
    try:
        size, leads = backup_file(store, target)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EIO):
            raise StorageError(f"cannot write the backup {target}: {exc.strerror}") from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise PermissionDenied(f"cannot write the backup {target}: {exc.strerror}") from None
        raise
    return Backup(target, size, leads)
