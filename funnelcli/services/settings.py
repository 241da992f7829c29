"""Database settings: the default currency."""

from __future__ import annotations

import os
from pathlib import Path

from funnelcli import config
from funnelcli.models import DatabaseInfo
from funnelcli.money import parse_currency
from funnelcli.store import Store, Tx, describe
from funnelcli.store import queries as q


def default_currency(conn: Tx) -> str:
    """``FUNNEL_CURRENCY``, else the database's setting, else CAD."""
    chosen = config.currency_override() or q.get_setting(conn, "currency")
    return parse_currency(chosen) if chosen else config.DEFAULT_CURRENCY


def fallback_currency() -> str:
    """The default currency of a database not created yet: ``FUNNEL_CURRENCY``, else CAD."""
    chosen = config.currency_override()
    return parse_currency(chosen) if chosen else config.DEFAULT_CURRENCY


def get_default_currency(store: Store) -> str:
    with store.read() as conn:
        return default_currency(conn)


def set_default_currency(store: Store, currency: str) -> str:
    code = parse_currency(currency)
    with store.write() as conn:
        q.set_setting(conn, "currency", code)
    return code


def database_info(path: Path) -> DatabaseInfo:
    """The database at ``path`` described without opening it for writing (nor creating it)."""
    if not os.path.lexists(path):
        return DatabaseInfo(path, exists=False)
    schema, leads = describe(path)
    size = sum(
        os.stat(name).st_size for name in (path, Path(f"{path}-wal")) if os.path.exists(name)
    )
    return DatabaseInfo(path, exists=True, size=size, schema=schema, leads=leads)
