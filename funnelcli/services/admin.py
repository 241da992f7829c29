"""Looking after the database file: consistent backups and safe restores."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from funnelcli import dates, outfiles
from funnelcli.config import user_path
from funnelcli.errors import InputFileError, UsageError
from funnelcli.i18n import _
from funnelcli.outfile_checks import live_file
from funnelcli.store import Store, lead_count, quick_check, verify_backup
from funnelcli.store import backup as copy_database
from funnelcli.store import restore as restore_file


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    leads: int


def backup(store: Store, target: Path, *, force: bool = False) -> Backup:
    """Write a consistent copy of the live database to ``target`` (0600; through
    :mod:`funnelcli.outfiles`: a regular file, never the live database, replaced only with
    ``force``)."""
    target = user_path(target)
    output = outfiles.open_output(
        target, live_db=store.path, force=force, what="backup", streams=False
    )
    assert isinstance(output, outfiles.AtomicFile)  # streams=False: always a file
    try:
        quick_check(store)  # never make a copy of a corrupt database look like a good backup
        leads = copy_database(store, output.tmp, target=target)
    except BaseException:
        output.discard()
        raise
    output.commit()
    return Backup(target, output.path.stat().st_size, leads)


@dataclass(frozen=True, slots=True)
class Restore:
    source: Path
    live: Path
    leads: int
    kept: Backup | None  # the replaced state, None when the live database was empty


def restore(store: Store, source: Path, *, force: bool = False) -> Restore:
    """Replace the live database by the backup ``source``, keeping the replaced state first.

    The backup is verified (a funnel database this version can open, integrity ok) before
    anything is touched. Without ``force``, a live database that holds leads is left alone.
    """
    source = user_path(source)
    if not source.exists():
        raise InputFileError(_("the backup {source} does not exist").format(source=source))
    part = live_file(source, store.path)  # however spelled or linked
    if part == "":
        raise UsageError(
            _("{source} is the live database itself: nothing to restore").format(source=source)
        )
    if part is not None:
        raise UsageError(
            _("{source} is the {part} file of the live database: nothing to restore").format(
                source=source, part=part
            )
        )
    leads = verify_backup(source)
    live_leads = lead_count(store)
    kept = None
    if live_leads or not store.created:
        if live_leads and not force:
            raise UsageError(
                _(
                    "the live database {path} holds {live_leads} lead(s): restoring replaces them"
                ).format(path=store.path, live_leads=live_leads),
                hint=_("add --force (the replaced state is kept as a backup file first)"),
            )
        kept = backup(store, _kept_path(store.path))
    restore_file(store, source)
    return Restore(source, store.path, leads, kept)


def _kept_path(live: Path) -> Path:
    """``funnel.db`` -> ``funnel.before-restore-20261129-090000.db``, beside it, never reused."""
    stamp = dates.now().strftime("%Y%m%d-%H%M%S")
    suffix = live.suffix or ".db"
    candidate, n = live.with_name(f"{live.stem}.before-restore-{stamp}{suffix}"), 1
    while os.path.lexists(candidate):
        n += 1
        candidate = live.with_name(f"{live.stem}.before-restore-{stamp}-{n}{suffix}")
    return candidate
