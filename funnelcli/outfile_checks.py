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
    label = f"the {what} {path}"
    if str(path) == STDOUT:
        if not streams:
            raise UsageError(f"cannot write the {what} to standard output: give a file name")
        return Target(path, path, Kind.STREAM, f"the {what} (standard output)")
    real = Path(os.path.realpath(path))
    for name in (path.name, real.name):
        if name.endswith(SIDECARS):
            raise UsageError(
                f"cannot write {label}: a name ending in -wal, -shm or -journal belongs to an "
                "SQLite database, which would delete or overwrite it",
                hint="choose another file name",
            )
    if live_db is not None:
        suffix = live_file(path, Path(live_db))
        if suffix == "":
            raise UsageError(f"{path} is the live database itself: choose another file")
        if suffix is not None:
            raise UsageError(
                f"{path} is the {suffix} file of the live database {live_db}: choose another file"
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
                f"give the path of the file itself: {real}"
                if replace
                else f"add --force to write to {real} (the link stays as it is)"
            )
            raise UsageError(
                f"{path} is a symbolic link to {real}: it was left untouched", hint=hint
            )
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:  # a dangling link: create the file it names
            return Target(path, real, _new(real.parent, label), label)
        except OSError as exc:
            raise write_error(exc, label) from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"{path} is a folder: give the {what} a file name")
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        if not streams:
            raise UsageError(
                f"cannot write {label}: it is a device or a named pipe, and a {what} must be "
                "a regular file"
            )
        return Target(path, real, Kind.STREAM, label)
    if not stat.S_ISREG(mode):
        raise UsageError(f"cannot write {label}: it is not a regular file (left untouched)")
    if not (force or replace):
        raise UsageError(
            f"{path} already exists: it was left untouched", hint="add --force to replace it"
        )
    return Target(path, real, Kind.FILE, label)


def _new(folder: Path, label: str) -> Kind:
    if not folder.is_dir():
        raise UsageError(f"cannot write {label}: the folder {folder} does not exist")
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
