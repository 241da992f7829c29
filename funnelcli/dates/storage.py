"""The storage format of instants: UTC ISO 8601 strings (``2026-11-29T14:30:00Z``), shown in
the local zone (``TZ``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from funnelcli.errors import DataError
from funnelcli.i18n import _


def to_storage(moment: datetime) -> str:
    """Aware datetime -> ``2026-11-29T14:30:00Z`` (UTC, second precision)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    utc = moment.astimezone(UTC)  # the year padded to 4 digits, whatever strftime does
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"


#: A stored instant whose year is not written with 4 digits (``1-01-02T00:00:00Z``): an older
#: version stored one from FUNNEL_NOW=0001-01-02. Read, never written.
_ODD_YEAR_RE = r"^(\d{1,4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?$"


def from_storage(value: str) -> datetime:
    """A stored instant -> aware datetime in the local zone (in UTC at the calendar's edges,
    where the local zone cannot go)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        m = re.match(_ODD_YEAR_RE, value) if isinstance(value, str) else None
        try:
            if m is None:
                raise ValueError(value)
            year, month, day, hour, minute, second = (int(part or 0) for part in m.groups())
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            raise DataError(
                _("a stored date is not an ISO 8601 instant: {value!r}").format(value=value),
                hint=_("funnel check lists the problems of the database"),
            ) from None
    try:
        return moment.astimezone()
    except (OverflowError, ValueError, OSError):
        return moment


def local_date_of(value: str) -> date:
    """The local calendar date of a stored instant."""
    return from_storage(value).date()


def format_local(value: str | None, *, with_time: bool = True) -> str:
    """A stored instant for display in the local zone."""
    if not value:
        return ""
    try:
        moment = from_storage(value)
    except DataError:
        return value  # shown as it is stored (renderers escape what needs it)
    day = f"{moment.year:04d}-{moment:%m-%d}"
    return f"{day} {moment:%H:%M}" if with_time else day
