"""Shell completion of lead ids and stage names (``funnel --install-completion``).

Completion runs on every Tab press: it reads the database if it exists (never creates or
migrates one) and never fails loudly — a problem gives no suggestions, not an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from funnelcli import config


def _store(ctx: typer.Context) -> Any:
    from funnelcli.store import open_db

    root = ctx.find_root()
    explicit = root.params.get("db")
    path = config.db_path(explicit, typer.get_app_dir("funnel"))
    if not Path(path).is_file():
        return None
    return open_db(Path(path), busy_timeout=0.5, create=False)


def lead_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Lead ids (newest first) with the lead's name and company as the description."""
    try:
        store = _store(ctx)
        if store is None:
            return []
        try:
            from funnelcli.services.leads import completions

            return completions(store, incomplete)
        finally:
            store.close()
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return []


def stage_names(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        store = _store(ctx)
        if store is None:
            return []
        try:
            from funnelcli.services.stages import list_stages

            names = [row.stage.name for row in list_stages(store)]
        finally:
            store.close()
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return []
    wanted = incomplete.casefold()
    return [name for name in names if name.casefold().startswith(wanted)]
