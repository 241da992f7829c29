"""What :mod:`funnelcli.outfiles` may write, decided before anything is (:func:`check_target`),
and the temporary files of outputs left behind by processes that are gone."""

from __future__ import annotations

import contextlib
import enum
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from funnelcli.errors import UsageError, write_error
from funnelcli.i18n import N_, _

#: The files SQLite keeps beside a database named by the rest of the name.
SIDECARS = ("-wal", "-shm", "-journal")
#: What ``-`` means as an output file.
STDOUT = "-"


class Kind(enum.Enum):
    NEW = "a new file"
    FILE = "a regular file"
    STREAM = "a device, a named pipe or standard output"


@dataclass(frozen=True, slots=True)
class Target:
    """A checked output path: where the bytes go, and how."""

    path: Path  # as given, for messages
    real: Path  # the file written: symbolic links resolved
    kind: Kind
    label: str  # "the rejects file out.csv", for messages


#: What is written, for messages: ``what=`` of the callers, with its article.
THINGS = {
    "output file": N_("the output file"),
    "export file": N_("the export file"),
    "demo database": N_("the demo database"),
    "rejects file": N_("the rejects file"),
    "backup": N_("the backup"),
    "forecast cache": N_("the forecast cache"),
    "spool file": N_("the spool file"),
    "report": N_("the report"),
    "settings file": N_("the settings file"),
}


def the(what: str) -> str:
    """``"the export file"`` (``"le fichier d'export"``): what is written, in messages."""
    return _(THINGS[what]) if what in THINGS else f"the {what}"


def check_target(
    path: Path,
    *,
    live_db: Path | None,
    force: bool,
    what: str = "output file",
    replace: bool = False,
    streams: bool = True,
) -> Target:
    """Refuse (UsageError, exit 2) a target that must not be written; else say how to write it.

    ``replace``: an existing file is replaced without ``force`` (symbolic links still need it).
    ``streams``: devices, named pipes and ``-`` are accepted (not for a backup: SQLite needs a
    file).
    """
    path = Path(path)
    label = f"{the(what)} {path}"
    if str(path) == STDOUT:
        if not streams:
            raise UsageError(
                _("cannot write {thing} to standard output: give a file name").format(
                    thing=the(what)
                )
            )
        return Target(path, path, Kind.STREAM, the(what) + _(" (standard output)"))
    real = Path(os.path.realpath(path))
    for name in (path.name, real.name):
        if name.endswith(SIDECARS):
            raise UsageError(
                _(
                    "cannot write {label}: a name ending in -wal, -shm or -journal belongs to "
                    "an SQLite database, which would delete or overwrite it"
                ).format(label=label),
                hint=_("choose another file name"),
            )
    if live_db is not None:
        suffix = live_file(path, Path(live_db))
        if suffix == "":
            raise UsageError(
                _("{path} is the live database itself: choose another file").format(path=path)
            )
        if suffix is not None:
            raise UsageError(
                _(
                    "{path} is the {suffix} file of the live database {live_db}: choose another "
                    "file"
                ).format(path=path, suffix=suffix, live_db=live_db)
            )
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return Target(path, real, _new(path.parent, label), label)
    except OSError as exc:
        raise write_error(exc, label) from None
    if stat.S_ISLNK(mode):
        if not force:
            hint = (
                _("give the path of the file itself: {real}")
                if replace
                else _("add --force to write to {real} (the link stays as it is)")
            ).format(real=real)
            raise UsageError(
                _("{path} is a symbolic link to {real}: it was left untouched").format(
                    path=path, real=real
                ),
                hint=hint,
            )
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:  # a dangling link: create the file it names
            return Target(path, real, _new(real.parent, label), label)
        except OSError as exc:
            raise write_error(exc, label) from None
    if stat.S_ISDIR(mode):
        raise UsageError(
            _("{path} is a folder: give {thing} a file name").format(path=path, thing=the(what))
        )
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        if not streams:
            raise UsageError(
                _(
                    "cannot write {label}: it is a device or a named pipe, and a {what} must be "
                    "a regular file"
                ).format(label=label, what=what)
            )
        return Target(path, real, Kind.STREAM, label)
    if not stat.S_ISREG(mode):
        raise UsageError(
            _("cannot write {label}: it is not a regular file (left untouched)").format(label=label)
        )
    if not (force or replace):
        raise UsageError(
            _("{path} already exists: it was left untouched").format(path=path),
            hint=_("add --force to replace it"),
        )
    return Target(path, real, Kind.FILE, label)


def _new(folder: Path, label: str) -> Kind:
    if not folder.is_dir():
        raise UsageError(
            _("cannot write {label}: the folder {folder} does not exist").format(
                label=label, folder=folder
            )
        )
    return Kind.NEW


def live_file(path: Path, live_db: Path) -> str | None:
    """Which file of the live database ``path`` is ("" for the database itself), or None."""
    real = os.path.realpath(path)
    try:
        here = os.stat(path)
    except OSError:
        here = None
    bases = {os.path.abspath(live_db), os.path.realpath(live_db)}
    for suffix in ("", *SIDECARS):
        for base in bases:
            candidate = base + suffix
            if os.path.realpath(candidate) == real:
                return suffix
            if here is not None:
                with contextlib.suppress(OSError):
                    there = os.stat(candidate)
                    if (there.st_dev, there.st_ino) == (here.st_dev, here.st_ino):
                        return suffix  # a hard link
    return None


# --------------------------------------------------------------------------- leftovers


def temp_name_pattern(name: str) -> re.Pattern[str]:
    """The temporary files of the output ``name``: ``.NAME.PID.RANDOM.tmp`` (and the SQLite
    files beside a database being written: a backup's ``-journal``, a demo's ``-wal``)."""
    return re.compile(rf"\.{re.escape(name)}\.(\d+)(?:\.[^.]+)?\.tmp(?:-journal|-wal|-shm)?")


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files of ``path`` left by processes that are gone; return them."""
    pattern = temp_name_pattern(path.name)
    removed: list[Path] = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or _alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            (path.parent / name).unlink()
            removed.append(path.parent / name)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process (or a number that is no pid): leave it
    return True
