"""Settings that come from the environment: database path, busy timeout, currency, debug."""

from __future__ import annotations

import os
from pathlib import Path

from funnelcli.errors import UsageError
from funnelcli.i18n import _

DB_FILENAME = "funnel.db"
DEFAULT_BUSY_TIMEOUT = 10.0
DEFAULT_CURRENCY = "CAD"


def user_path(value: str | Path) -> Path:
    """A path the user typed, ``~`` expanded (``~nobody-known`` stays as typed, never an error:
    ``Path.expanduser`` raises when it cannot find the home folder)."""
    return Path(os.path.expanduser(value))


def db_path(explicit: str | Path | None, app_dir: str | Path) -> Path:
    """``--db`` (which Typer already fills from ``FUNNEL_DB``), else the user's app directory."""
    if explicit:
        return user_path(explicit)
    return Path(app_dir) / DB_FILENAME


def busy_timeout() -> float:
    """Seconds a write waits for another process's lock (``FUNNEL_BUSY_TIMEOUT``)."""
    raw = os.environ.get("FUNNEL_BUSY_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise UsageError(
            _("FUNNEL_BUSY_TIMEOUT={raw!r} is not a number of seconds between 0 and 3600").format(
                raw=raw
            )
        )
    return value


def currency_override() -> str | None:
    """``FUNNEL_CURRENCY`` beats the currency stored in the database's settings."""
    return os.environ.get("FUNNEL_CURRENCY", "").strip() or None


def cache_dir() -> Path:
    """Where funnel keeps what it can recompute (``$XDG_CACHE_HOME/funnel``, else
    ``~/.cache/funnel``): never data, only time saved."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "funnel"


def debug() -> bool:
    return os.environ.get("FUNNEL_DEBUG", "") not in ("", "0")
