"""What ``funnel config`` prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from funnelcli.i18n import _
from funnelcli.render import Output

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.models.database import DatabaseInfo


def setting(out: Output, key: str, value: str, *, changed: bool) -> None:
    """``funnel config``: a setting, after changing it or not."""
    if changed:
        out.committed(_("the default {key} was set to {value}").format(key=key, value=value))
    out.line(f"{key} = {value}")


def language_setting(out: Output, language: str, *, changed: bool) -> None:
    """``funnel config language``: ``language = fr`` (the saved choice, said in its language)."""

    out.line(f"language = {language}")
    if changed:
        out.note(_("the interface is now in English"))


def size_text(size: int) -> str:
    """``48 KiB``, ``3.2 MiB``: a file's size for people."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def database_lines(info: DatabaseInfo) -> list[str]:
    """Where am I: the database in use, as ``key = value`` lines."""
    if not info.exists:
        return [f"database = {info.path} (not created yet: 'funnel init' or 'funnel add' does)"]
    return [
        f"database = {info.path}",
        f"size = {size_text(info.size)}",
        f"schema = {info.schema}",
        f"leads = {info.leads:,}",
    ]
