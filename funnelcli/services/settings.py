"""Database settings: the default currency."""

from __future__ import annotations

from funnelcli import config
from funnelcli.money import parse_currency
from funnelcli.store import Store, Tx
from funnelcli.store import queries as q


def default_currency(conn: Tx) -> str:
    """``FUNNEL_CURRENCY``, else the database's setting, else CAD."""
    chosen = config.currency_override() or q.get_setting(conn, "currency")
    return parse_currency(chosen) if chosen else config.DEFAULT_CURRENCY


def get_default_currency(store: Store) -> str:
    with store.read() as conn:
        return default_currency(conn)


def set_default_currency(store: Store, currency: str) -> str:
    code = parse_currency(currency)
    with store.write() as conn:
        q.set_setting(conn, "currency", code)
    return code
