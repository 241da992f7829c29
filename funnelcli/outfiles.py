"""Output files: the one way funnel writes a file (``export --output``, ``import --rejects``,
``report --save``, ``backup``), so that no output option can forget a guard.

:func:`check_target` decides what may be written, before anything is:

- never the live database, nor its ``-wal``, ``-shm`` or ``-journal`` file, however the path is
  spelled (``os.path.realpath``) or linked (same device and inode), ``--force`` or not;
- never a name ending in ``-wal``, ``-shm`` or ``-journal``: SQLite takes such a file for part of
  the database named by the rest of the name, and deletes, truncates or replays it whenever that
  database is opened or closed — also when the database appears after the file was written;
- a folder is refused; a symbolic link is refused unless ``force``, and then the file it points
  to is written: the link itself is never replaced;
- a regular file (or a new name) is written to a temporary file beside it (mode 0600) and renamed
  into place, so a reader never sees half a file; an existing one is replaced only with ``force``
  (or ``replace``: a file a command rewrites at each run, like the rejects file);
- a character device or a named pipe (``/dev/null``, a FIFO), or ``-`` (standard output), is
  written in place, streamed: a rename over ``/dev/null`` would replace the device itself.

A temporary file is named ``.NAME.PID.RANDOM.tmp``: a process killed before its rename leaves it
behind, and the next write of NAME removes those whose process is gone.

Every ``OSError`` met while writing becomes a :class:`~funnelcli.errors.FunnelError` naming the
file (:func:`write_error`). Stdlib only: the services, the renderer and the CLI all use it.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

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


class OutputFile(Protocol):
    """An output being written: ``stream``, then ``commit()`` (or ``discard()``)."""

    stream: BinaryIO

    def sync(self) -> None: ...

    def commit(self) -> None: ...

    def discard(self) -> None: ...


# --------------------------------------------------------------------------- checks


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
        suffix = _live_file(path, Path(live_db))
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


def _live_file(path: Path, live_db: Path) -> str | None:
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


# --------------------------------------------------------------------------- writing


def open_output(
    path: Path,
    *,
    live_db: Path | None,
    force: bool,
    what: str = "output file",
    replace: bool = False,
    stdout: BinaryIO | None = None,
    streams: bool = True,
) -> OutputFile:
    """Check ``path`` (:func:`check_target`) and open it for writing."""
    target = check_target(
        path, live_db=live_db, force=force, what=what, replace=replace, streams=streams
    )
    if target.kind is not Kind.STREAM:
        return AtomicFile(target, replace=force or replace)
    if str(target.path) == STDOUT:
        if stdout is None:
            raise UsageError(f"cannot write the {what} to standard output: give a file name")
        return StreamFile(target, stdout)
    return StreamFile(target)


def write_file(
    path: Path, data: bytes, *, live_db: Path | None, force: bool, what: str = "output file"
) -> None:
    """Write ``data`` to ``path`` through :func:`open_output`."""
    output = open_output(path, live_db=live_db, force=force, what=what)
    try:
        output.stream.write(data)
    except BaseException:
        output.discard()
        raise
    output.commit()


class _Sink(io.RawIOBase):
    """A file descriptor whose write errors are FunnelErrors naming the file."""

    def __init__(self, fd: int, label: str) -> None:
        self.fd = fd
        self.label = label

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data) -> int:  # type: ignore[override]
        try:
            return os.write(self.fd, data)
        except OSError as exc:
            raise write_error(exc, self.label) from None

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(OSError):
                os.close(self.fd)
        super().close()


def _buffered(fd: int, label: str) -> BinaryIO:
    return io.BufferedWriter(_Sink(fd, label), 1 << 16)  # type: ignore[return-value]


class AtomicFile:
    """A file written beside its final path (mode 0600) and renamed into place by ``commit``."""

    def __init__(self, target: Target, *, replace: bool = False) -> None:
        self.target = target
        self.path = target.real
        self.replace = replace
        folder = self.path.parent
        remove_stale_temps(self.path)
        try:
            fd, tmp = tempfile.mkstemp(
                dir=folder, prefix=f".{self.path.name}.{os.getpid()}.", suffix=".tmp"
            )
        except OSError as exc:
            raise write_error(exc, f"in {folder}") from None
        self.tmp = Path(tmp)
        self.stream = _buffered(fd, target.label)

    def sync(self) -> None:
        """Flush to disk (a full disk shows here, before the rename)."""
        self.stream.flush()
        try:
            os.fsync(self.stream.fileno())
        except OSError as exc:
            raise write_error(exc, self.target.label) from None

    def commit(self) -> None:
        """Sync and move into place (refusing, without ``replace``, a file made since)."""
        try:
            self.sync()
            self.stream.close()
            if self.replace:
                os.replace(self.tmp, self.path)
            else:
                self._link_no_clobber()
            _sync_folder(self.path.parent)
        except FileExistsError:
            self.discard()
            raise UsageError(
                f"{self.target.path} already exists: it was left untouched",
                hint="add --force to replace it",
            ) from None
        except OSError as exc:
            self.discard()
            raise write_error(exc, self.target.label) from None
        except BaseException:
            self.discard()
            raise

    def _link_no_clobber(self) -> None:
        try:
            os.link(self.tmp, self.path)  # fails if the path exists: no race with another writer
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if self.path.exists():
                raise FileExistsError(str(self.path)) from None
            os.replace(self.tmp, self.path)
            return
        self.tmp.unlink()

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.stream.close()
        for suffix in ("", *SIDECARS):  # a database built in the temporary file has these too
            with contextlib.suppress(OSError):
                Path(f"{self.tmp}{suffix}").unlink()


class StreamFile:
    """A device, a named pipe or standard output, written in place (never renamed over)."""

    def __init__(self, target: Target, stdout: BinaryIO | None = None) -> None:
        self.target = target
        self.owned = stdout is None
        if stdout is not None:
            self.stream = stdout
            return
        label = target.label
        try:
            # No O_CREAT, no O_TRUNC: only what is there is written to. A FIFO waits for its reader.
            fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as exc:
            raise write_error(exc, label) from None
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):  # replaced since the check
            os.close(fd)
            raise UsageError(
                f"cannot write {label}: it changed while being opened (left untouched)"
            )
        self.stream = _buffered(fd, label)

    def sync(self) -> None:
        self.stream.flush()

    def commit(self) -> None:
        try:
            self.stream.flush()
        finally:
            if self.owned:
                self.discard()

    def discard(self) -> None:
        if self.owned:
            with contextlib.suppress(Exception):
                self.stream.close()


def _sync_folder(folder: Path) -> None:
    """Make the rename durable: fsync the folder (where the file system supports it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def scratch_copy(path: Path, suffixes: tuple[str, ...] = ()) -> Iterator[Path]:
    """A private copy of ``path`` (and of ``path + suffix`` for each suffix) in a temporary
    folder of its own, removed afterwards: for looking at a file without changing it."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="funnel-") as folder:
        copy = Path(folder) / "copy"
        for suffix in ("", *suffixes):
            if os.path.exists(f"{path}{suffix}"):
                shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
        yield copy


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
