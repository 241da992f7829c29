"""Looking after the database file: consistent backups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from funnelcli import outfiles
from funnelcli.store import Store
from funnelcli.store import backup as copy_database


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    leads: int


def backup(store: Store, target: Path, *, force: bool = False) -> Backup:
    """Write a consistent copy of the live database to ``target`` (0600; through
    :mod:`funnelcli.outfiles`: a regular file, never the live database, replaced only with
    ``force``)."""
    target = Path(target).expanduser()
    output = outfiles.open_output(
        target, live_db=store.path, force=force, what="backup", streams=False
    )
    assert isinstance(output, outfiles.AtomicFile)  # streams=False: always a file
    try:
        leads = copy_database(store, output.tmp, target=target)
    except BaseException:
        output.discard()
        raise
    output.commit()
    return Backup(target, output.path.stat().st_size, leads)
