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

import contextlib
import errno
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from funnelcli.errors import UsageError, write_error
from funnelcli.i18n import _
from funnelcli.outfile_checks import (
    SIDECARS,
    STDOUT,
    Kind,
    Target,
    check_target,
    remove_stale_temps,
    temp_name_pattern,
    the,
)

__all__ = [
    "SIDECARS",
    "STDOUT",
    "AtomicFile",
    "Kind",
    "OutputFile",
    "StreamFile",
    "Target",
    "check_target",
    "open_output",
    "remove_stale_temps",
    "scratch_copy",
    "temp_name_pattern",
    "write_file",
]


class OutputFile(Protocol):
    """An output being written: ``stream``, then ``commit()`` (or ``discard()``)."""

    stream: BinaryIO

    def sync(self) -> None: ...

    def commit(self) -> None: ...

    def discard(self) -> None: ...


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
            raise UsageError(
                _("cannot write {thing} to standard output: give a file name").format(
                    thing=the(what)
                )
            )
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
            raise write_error(exc, _("in {folder}").format(folder=folder)) from None
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
                _("{path} already exists: it was left untouched").format(path=self.target.path),
                hint=_("add --force to replace it"),
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
                _("cannot write {label}: it changed while being opened (left untouched)").format(
                    label=label
                )
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
