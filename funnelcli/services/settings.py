"""Database settings: the default currency."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from funnelcli import config, dates, i18n
from funnelcli.money import parse_currency
from funnelcli.store import Store, Tx, describe
from funnelcli.store import queries as q

if TYPE_CHECKING:  # built by ``config`` and ``--version`` only
    from funnelcli.models.database import DatabaseInfo


def default_currency(conn: Tx) -> str:
    """``FUNNEL_CURRENCY``, else the database's setting, else CAD."""
    chosen = config.currency_override() or q.get_setting(conn, "currency")
    return parse_currency(chosen) if chosen else config.DEFAULT_CURRENCY


def fallback_currency() -> str:
    """The default currency of a database not created yet: ``FUNNEL_CURRENCY``, else CAD."""
    chosen = config.currency_override()
    return parse_currency(chosen) if chosen else config.DEFAULT_CURRENCY


def locale_currency(environ: Any = os.environ) -> str | None:
    """The currency of a French locale's country (``fr_FR`` → EUR, ``fr_CH`` → CHF, ``fr_CA``
    → CAD; Babel's data), or None: another locale, or none, keeps CAD."""
    name = i18n.locale_name(environ)
    language, _sep, territory = name.partition("_")
    if language.lower() != "fr" or not territory:
        return None
    from babel.numbers import get_territory_currencies

    try:
        found = get_territory_currencies(territory.upper(), dates.today())
    except Exception:  # noqa: BLE001 - an unknown territory: the default
        return None
    return found[0] if found else None


def take_locale_currency(store: Store) -> str | None:
    """When a database is created: its currency setting from the locale, stored (never worked
    out per process: cron, often without ``LANG``, and the terminal agree)."""
    currency = locale_currency()
    if currency is None:
        return None
    with store.write() as conn:
        if q.get_setting(conn, "currency") is None:
            q.set_setting(conn, "currency", currency)
    return currency


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
    from funnelcli.models.database import DatabaseInfo

    if not os.path.lexists(path):
        return DatabaseInfo(path, exists=False)
    schema, leads = describe(path)
    size = sum(
        os.stat(name).st_size for name in (path, Path(f"{path}-wal")) if os.path.exists(name)
    )
    return DatabaseInfo(path, exists=True, size=size, schema=schema, leads=leads)
