"""Shell completion (``funnel --install-completion``): lead ids, follow-up ids, stage names,
sources and period names.

Completion runs on every Tab press: it reads the database if it exists (never creates or
migrates one) and never fails loudly — a problem gives no suggestions, not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from funnelcli import config

T = TypeVar("T")


def _store(ctx: typer.Context) -> Any:
    from funnelcli.store import open_db

    root = ctx.find_root()
    explicit = root.params.get("db")
    path = config.db_path(explicit, typer.get_app_dir("funnel"))
    if not Path(path).is_file():
        return None
    return open_db(Path(path), busy_timeout=0.5, create=False)


def _from_database(ctx: typer.Context, fetch: Callable[[Any], list[T]]) -> list[T]:
    """``fetch(store)`` on the database in use; nothing when there is none or on any problem."""
    try:
        store = _store(ctx)
        if store is None:
            return []
        try:
            return fetch(store)
        finally:
            store.close()
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return []


def _starting(names: list[str], incomplete: str) -> list[str]:
    wanted = incomplete.casefold()
    return [name for name in names if name.casefold().startswith(wanted)]


def lead_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Lead ids (newest first) with the lead's name and company as the description."""

    def fetch(store: Any) -> list[tuple[str, str]]:
        from funnelcli.services.leads import completions

        return completions(store, incomplete)

    return _from_database(ctx, fetch)


def follow_up_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Open follow-ups as funnel shows them (``F12``, or ``12`` when digits were typed), each
    with its due date, text and lead."""

    def fetch(store: Any) -> list[tuple[str, str]]:
        from funnelcli.services.followups import completions

        return completions(store, incomplete)

    return _from_database(ctx, fetch)


def stage_names(ctx: typer.Context, incomplete: str) -> list[str]:
    def fetch(store: Any) -> list[str]:
        from funnelcli.services.stages import list_stages

        return [row.stage.name for row in list_stages(store)]

    return _starting(_from_database(ctx, fetch), incomplete)


def source_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """The sources the leads have (and ``(none)`` for a report or a list)."""

    def fetch(store: Any) -> list[str]:
        from funnelcli.services.leads import source_names as names

        return names(store)

    return _starting(_from_database(ctx, fetch), incomplete)


def period_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """The named periods (``this-month``, ``last-quarter``, …) and the current ones by date."""
    from funnelcli import periods

    return _starting(periods.names(), incomplete)
