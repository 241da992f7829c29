"""The clock and the zone: "now" (``FUNNEL_NOW`` when set, so every command that depends on
today is deterministic under test), and a ``TZ`` the system cannot use replaced by UTC."""

from __future__ import annotations

import os
import re
import time as _time
from datetime import date, datetime, time

from funnelcli.errors import InvalidDate
from funnelcli.i18n import _

MIN_YEAR = 1900
MAX_YEAR = 2999


def now() -> datetime:
    """The current moment as an aware datetime in the local zone (``FUNNEL_NOW`` wins)."""
    _time.tzset()  # honour a TZ changed since start-up (tests, long-lived callers)
    frozen = os.environ.get("FUNNEL_NOW", "").strip()
    if not frozen:
        return datetime.now().astimezone()
    hint = _("use e.g. FUNNEL_NOW=2026-11-29 or FUNNEL_NOW=2026-11-29T09:00:00")
    try:
        parsed = datetime.fromisoformat(frozen)
    except ValueError:
        raise InvalidDate(
            _("FUNNEL_NOW={frozen!r} is not an ISO date or datetime").format(frozen=frozen),
            hint=hint,
        ) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:  # the range --at accepts
        raise InvalidDate(
            _(
                "FUNNEL_NOW={frozen!r}: year {year} is out of range ({MIN_YEAR} to {MAX_YEAR})"
            ).format(frozen=frozen, year=parsed.year, MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR),
            hint=hint,
        )
    return parsed.astimezone()  # naive means local time; aware is converted


#: A POSIX TZ rule (``EST5EDT``, ``<+0330>-3:30``, ``CET-1CEST,M3.5.0,M10.5.0/3``).
_POSIX_TZ = (
    r"^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)[+-]?\d{1,2}(?::\d{1,2}){0,2}"
    r"(?:(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)(?:[+-]?\d{1,2}(?::\d{1,2}){0,2})?(?:,.*)?)?$"
)
_ZONE_DIRS = ("/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo")
_UTC_NAMES = frozenset({"UTC", "UCT", "GMT", "Z", "Zulu", "Universal", "Greenwich"})


def use_utc_if_zone_unusable() -> str | None:
    """Switch to UTC when ``TZ`` cannot be used, and say why (None when it can).

    The C library falls back to UTC, silently, on a zone it does not know (``Nowhere/Nope``),
    and takes offsets of 24 hours or more (``UTC+25``) that no datetime can carry.
    """
    zone = os.environ.get("TZ", "")
    if not zone:
        return None
    _time.tzset()
    offsets = (_time.timezone, _time.altzone, _time.localtime().tm_gmtoff)
    if any(abs(offset) >= 24 * 3600 for offset in offsets):
        problem = _("TZ={zone!r} is more than 24 hours away from UTC: using UTC")
    elif not _zone_known(zone, offsets):
        problem = _("TZ={zone!r} is not a time zone this system knows: using UTC")
    else:
        return None
    os.environ["TZ"] = "UTC"
    _time.tzset()
    return problem.format(zone=zone)


def _zone_known(zone: str, offsets: tuple[int, ...]) -> bool:
    name = zone.removeprefix(":")
    if name in _UTC_NAMES or re.match(_POSIX_TZ, name):
        return True
    if any(offsets):  # the C library found a zone that is not UTC
        return True
    if os.path.isabs(name):
        return os.path.isfile(name)
    folders = (os.environ.get("TZDIR", ""), *_ZONE_DIRS)
    return ".." not in name and any(os.path.isfile(os.path.join(f, name)) for f in folders if f)


def frozen() -> bool:
    """True when ``FUNNEL_NOW`` sets "now" (a report then shows the database as of then)."""
    return bool(os.environ.get("FUNNEL_NOW", "").strip())


def today() -> date:
    return now().date()


def local(moment: datetime) -> datetime:
    """An aware datetime in the local zone (the offset right for that instant)."""
    return moment.astimezone()


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` (local) as an aware datetime: instants are stored to the
    second, so nothing stored that day is after it."""
    return datetime.combine(day, time(23, 59, 59)).astimezone()


def start_of_day(day: date) -> datetime:
    """Local midnight of ``day`` as an aware datetime."""
    return datetime.combine(day, time()).astimezone()
