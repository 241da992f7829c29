"""The intake spool: web submissions waiting for the database, one file each, never lost.

``funnel intake`` writes a submission here when the database stays locked past the busy timeout
(or always, with ``--spool-only DIR``, for a web server that cannot open the owner's database);
``funnel intake --flush`` records them, oldest first, and removes each file once its
transaction committed. Only ``funnel intake`` touches the spool.

A file is written whole or not at all: to a hidden temporary name, flushed to the disk
(``fsync``), renamed into place, and the folder flushed too, so that a crash or a power cut
leaves either nothing or the complete submission. Its name says when it was received, the
order, the ``--input`` format (``auto``: detected) and the digest of its bytes, which makes a
second copy of the same bytes a no-op::

    20261129T140000000000Z-01764424800000000000-auto-<sha256>.sub

Submissions that can never become a lead (nobody to contact) go to ``rejected/`` with a
``.reason`` file beside them. Files are 0640: a web server's user writes, the owner's group
reads (``docs/web-forms.md`` shows the folder's setgid set-up).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from funnelcli.errors import InputFileError, read_error, write_error
from funnelcli.i18n import _

try:  # CPython's own SHA-256, without loading OpenSSL behind hashlib (~3 ms at every intake)
    from _sha256 import sha256  # Python 3.11
except ImportError:  # pragma: no cover - other versions and interpreters
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # Python 3.12+
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

FOLDER = "funnel-intake"
REJECTED = "rejected"
SUFFIX = ".sub"
_STAMP = "%Y%m%dT%H%M%S%fZ"


class Queued(NamedTuple):
    path: Path
    received: datetime
    input: str | None  # the --input format given, None: detected
    digest: str


def digest(raw: bytes) -> str:
    return sha256(raw).hexdigest()


def folder_of(db_path: Path) -> Path:
    """The spool of a database: ``funnel-intake/`` beside it."""
    return Path(db_path).parent / FOLDER


def existing(folder: Path, option: str) -> Path:
    """A folder named on the command line: it must exist (66), so that a mistyped path does
    not collect submissions that no cron job flushes."""
    if not folder.is_dir():
        raise InputFileError(
            _("the spool folder {folder} does not exist ({option})").format(
                folder=folder, option=option
            )
        )
    return folder


def queue(folder: Path, raw: bytes, *, received: datetime, input: str | None) -> Queued:
    """Write the submission atomically (the same bytes already waiting: nothing new)."""
    sum_ = digest(raw)
    for waiting in pending(folder):
        if waiting.digest == sum_:
            return waiting
    _make(folder)
    stamp = received.astimezone(UTC).strftime(_STAMP)
    name = f"{stamp}-{time.time_ns():020d}-{input or 'auto'}-{sum_}{SUFFIX}"
    _write(folder, name, raw)
    return Queued(folder / name, received, input, sum_)


def reject(folder: Path, raw: bytes, reason: str, *, received: datetime) -> Path:
    """Keep a submission that cannot be recorded in ``rejected/``, with why."""
    _make(folder)
    place = folder / REJECTED
    try:
        place.mkdir(mode=0o2770 if _setgid(folder) else 0o700, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, _("the folder {path}").format(path=place), verb="create") from None
    name = f"{received.astimezone(UTC).strftime(_STAMP)}-{digest(raw)}{SUFFIX}"
    _write(place, name, raw)
    _write(place, f"{name}.reason", f"{reason}\n".encode())
    return place / name


def pending(folder: Path) -> list[Queued]:
    """The submissions waiting, oldest first (none when the folder does not exist)."""
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise read_error(exc, _("the spool folder {path}").format(path=folder)) from None
    found = []
    for name in names:
        parts = name.removesuffix(SUFFIX).split("-")
        if name.startswith(".") or not name.endswith(SUFFIX) or len(parts) != 4:
            continue
        try:
            received = datetime.strptime(parts[0], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        given = None if parts[2] == "auto" else parts[2]
        found.append(Queued(folder / name, received, given, parts[3]))
    return found


def oldest(folder: Path) -> datetime | None:
    """When the oldest waiting submission was received."""
    waiting = pending(folder)
    return waiting[0].received if waiting else None


def read(item: Queued) -> bytes:
    try:
        return item.path.read_bytes()
    except OSError as exc:
        raise read_error(exc, _("the queued submission {path}").format(path=item.path)) from None


def remove(item: Queued) -> None:
    """Forget a submission once recorded (or kept in ``rejected/``)."""
    try:
        item.path.unlink(missing_ok=True)
        _sync_folder(item.path.parent)
    except OSError as exc:
        raise write_error(
            exc, _("the queued submission {path}").format(path=item.path), verb="remove"
        ) from None


def _make(folder: Path) -> None:
    """The default spool is made when first needed, for its owner only."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, _("the folder {path}").format(path=folder), verb="create") from None


def _setgid(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & 0o2000)
    except OSError:
        return False


def _write(folder: Path, name: str, data: bytes) -> None:
    """Whole or nothing (:mod:`funnelcli.outfiles`: a temporary file, fsync, rename, the
    folder synced), then readable by the folder's group."""
    from funnelcli import outfiles

    path = folder / name
    outfiles.write_file(path, data, live_db=None, force=False, what="spool file")
    try:
        os.chmod(path, 0o640)
    except OSError as exc:
        raise write_error(exc, _("the spool file {path}").format(path=path)) from None


def _sync_folder(folder: Path) -> None:
    """Make a rename or an unlink durable: flush the folder itself."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
