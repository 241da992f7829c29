"""SQL about activity types: which are in use, and how often."""

from funnelcli.activity_types import NOT_ACTIONS
from funnelcli.store.connection import Tx


def type_in_use(conn: Tx, word: str) -> bool:
    """True when some activity has the type ``word``."""
    found = conn.execute("SELECT 1 FROM activities WHERE type = ? LIMIT 1", (word,)).fetchone()
    return found is not None


def type_counts(conn: Tx) -> dict[str, int]:
    """Every type in use -> its number of activities."""
    return dict(conn.execute("SELECT type, count(*) FROM activities GROUP BY type ORDER BY type"))


#: ``activity_types.NOT_ACTIONS`` as an SQL list: ``a.type NOT IN {NOT_ACTIONS_SQL}``.
NOT_ACTIONS_SQL = "(" + ", ".join(f"'{kind}'" for kind in NOT_ACTIONS) + ")"
