"""The FunnelError tree: every error a user can cause carries its exit code and an optional hint.

The single error boundary (``funnelcli.cli``) prints ``Error: <message>`` (and the hint) on
stderr and exits with ``exit_code``. Codes follow sysexits(3) where one fits.
"""

from __future__ import annotations


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


class PermissionDenied(FunnelError):
    """Read-only database or folder (EX_NOPERM)."""

    exit_code = 77


class NotAFunnelDatabase(FunnelError):
    """The file is not a funnel database, or was made by a newer version (EX_CONFIG)."""

    exit_code = 78


class Interrupted(FunnelError):
    """Ctrl-C."""

    exit_code = 130
