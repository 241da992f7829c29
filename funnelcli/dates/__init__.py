"""Dates and times: "now", human date forms, and the storage format.

Storage is unambiguous: instants are UTC ISO 8601 strings (``2026-11-29T14:30:00Z``), calendar
dates are ``YYYY-MM-DD`` in the user's local calendar. Display uses the local zone (``TZ``).

The package's API is this module: ``clock`` ("now", zones), ``storage`` (stored instants),
``human`` (parsing what people type; its vocabulary in ``words``).
"""

from funnelcli.dates.clock import (
    MAX_YEAR,
    MIN_YEAR,
    end_of_day,
    frozen,
    local,
    now,
    start_of_day,
    today,
    use_utc_if_zone_unusable,
)
from funnelcli.dates.human import (
    EXPECTED,
    Prefer,
    When,
    parse_date,
    parse_duration,
    parse_moment,
    parse_when,
)
from funnelcli.dates.storage import format_local, from_storage, local_date_of, to_storage

__all__ = [
    "EXPECTED",
    "MAX_YEAR",
    "MIN_YEAR",
    "Prefer",
    "When",
    "format_local",
    "end_of_day",
    "from_storage",
    "frozen",
    "local",
    "local_date_of",
    "now",
    "parse_date",
    "parse_duration",
    "parse_moment",
    "parse_when",
    "start_of_day",
    "to_storage",
    "today",
    "use_utc_if_zone_unusable",
]
