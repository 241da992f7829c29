"""The FunnelError tree: every error a user can cause carries its exit code and an optional hint.

The single error boundary (``funnelcli.cli``) prints ``Error: <message>`` (and the hint) on
stderr and exits with ``exit_code``. Codes follow sysexits(3) where one fits.
"""

from __future__ import annotations

import errno
from typing import Literal


class FunnelError(Exception):
    """Base class: a problem the user can understand and act on."""

    exit_code = 1

    def __init__(
        self, message: str, *, hint: str | None = None, details: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details  # lines printed under the message (each one line)


class UsageError(FunnelError):
    """Bad usage or an invalid argument value (unknown lead, bad date, unknown stage)."""

    exit_code = 2


class NotFoundError(UsageError):
    """A lead, stage or follow-up named on the command line does not exist."""


class InvalidDate(UsageError):
    """A date or period that does not parse."""


class InvalidAmount(UsageError):
    """An amount of money that does not parse."""


class DataError(FunnelError):
    """Invalid data in an input file (EX_DATAERR)."""

    exit_code = 65


class InputFileError(FunnelError):
    """An input file is missing or unreadable (EX_NOINPUT)."""

    exit_code = 66


class StorageError(FunnelError):
    """I/O failure: disk full, corrupt database file (EX_IOERR)."""

    exit_code = 74


class OutputError(StorageError):
    """Standard output could not be written: disk full, closed (EX_IOERR)."""


class DatabaseLocked(FunnelError):
    """The database stayed locked past the busy timeout (EX_TEMPFAIL)."""

    exit_code = 75


class TryLater(FunnelError):
    """A failure the sender should retry (EX_TEMPFAIL): a mail server keeps the message."""

    exit_code = 75


class PermissionDenied(FunnelError):
    """Read-only database or folder (EX_NOPERM)."""

    exit_code = 77


class NotAFunnelDatabase(FunnelError):
    """The file is not a funnel database, or was made by a newer version (EX_CONFIG)."""

    exit_code = 78


class Interrupted(FunnelError):
    """Ctrl-C."""

    exit_code = 130


# --------------------------------------------------------------------------- OS errors


def read_error(exc: OSError, label: str) -> FunnelError:
    """The FunnelError for an OSError met while reading ``label`` ("the mapping file m.toml"):
    an input that is missing or unreadable is exit 66, whatever the cause."""
    from funnelcli.i18n import _

    reasons = {
        errno.ENOENT: _("no such file"),
        errno.EISDIR: _("it is a folder"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
    }
    return InputFileError(
        _("cannot read {label}: {reason}").format(
            label=label, reason=reasons.get(exc.errno or 0, exc.strerror)
        )
    )


def write_error(
    exc: OSError, label: str, *, verb: Literal["write", "create", "remove"] = "write"
) -> FunnelError:
    """The FunnelError for an OSError met while writing ``label`` ("the report x.svg"), or
    doing ``verb`` to it ("create" the folder x)."""
    from funnelcli.i18n import _

    cannot = {
        "write": _("cannot write {label}"),
        "create": _("cannot create {label}"),
        "remove": _("cannot remove {label}"),
    }
    what = cannot[verb].format(label=label)
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(
            _("{what}: disk full").format(what=what), hint=_("free some disk space")
        )
    if code in (errno.EACCES, errno.EPERM):
        return PermissionDenied(_("{what}: permission denied").format(what=what))
    if code == errno.EROFS:
        return PermissionDenied(_("{what}: read-only file system").format(what=what))
    if code in (errno.ENOENT, errno.ENOTDIR):
        return UsageError(_("{what}: its folder does not exist").format(what=what))
    if code == errno.EISDIR:
        return UsageError(_("{what}: it is a folder").format(what=what))
    if code == errno.EPIPE:
        return StorageError(_("{what}: its reader went away (broken pipe)").format(what=what))
    return StorageError(_("{what}: {reason}").format(what=what, reason=exc.strerror or exc))
