"""Dates and times: "now", human date forms, and the storage format.

Storage is unambiguous: instants are UTC ISO 8601 strings (``2026-11-29T14:30:00Z``), calendar
dates are ``YYYY-MM-DD`` in the user's local calendar. Display uses the local zone (``TZ``).

"Now" is the system clock, or ``FUNNEL_NOW`` (ISO date or datetime) when set, so every command
that depends on today is deterministic under test.

Parsing is ISO first (``dateutil``'s ``dayfirst=True`` would turn ``2026-04-03`` into March 4th),
then the human forms: ``today``, ``tomorrow``, ``yesterday``, ``+3d``, ``-2w``, ``in 2 weeks``,
``3 days ago``, ``next monday``, ``friday``, ``1 dec``, ``dec 1 2026``, ``15/03/2026`` (with
``dayfirst``), French words (``demain``, ``lundi``, ``15 mars``), each optionally followed by a
time (``14:30``, ``9am``, ``14h30``). Anything else raises :class:`InvalidDate`.
"""

from __future__ import annotations

import os
import re
import time as _time
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple

from funnelcli.errors import DataError, InvalidDate
from funnelcli.text import fold

Prefer = Literal["future", "past"] | None

MIN_YEAR = 1900
MAX_YEAR = 2999

EXPECTED = (
    "expected an ISO date (2026-12-01), a date and time (2026-12-01 14:30) "
    "or a form like today, tomorrow, +3d, in 2 weeks, next monday, 1 dec"
)


# --------------------------------------------------------------------------- now and zones


def now() -> datetime:
    """The current moment as an aware datetime in the local zone (``FUNNEL_NOW`` wins)."""
    _time.tzset()  # honour a TZ changed since start-up (tests, long-lived callers)
    frozen = os.environ.get("FUNNEL_NOW", "").strip()
    if not frozen:
        return datetime.now().astimezone()
    hint = "use e.g. FUNNEL_NOW=2026-11-29 or FUNNEL_NOW=2026-11-29T09:00:00"
    try:
        parsed = datetime.fromisoformat(frozen)
    except ValueError:
        raise InvalidDate(
            f"FUNNEL_NOW={frozen!r} is not an ISO date or datetime", hint=hint
        ) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:  # the range --at accepts
        raise InvalidDate(
            f"FUNNEL_NOW={frozen!r}: year {parsed.year} is out of range ({MIN_YEAR} to {MAX_YEAR})",
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
        problem = f"TZ={zone!r} is more than 24 hours away from UTC"
    elif not _zone_known(zone, offsets):
        problem = f"TZ={zone!r} is not a time zone this system knows"
    else:
        return None
    os.environ["TZ"] = "UTC"
    _time.tzset()
    return f"{problem}: using UTC"


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


def today() -> date:
    return now().date()


def local(moment: datetime) -> datetime:
    """An aware datetime in the local zone (the offset right for that instant)."""
    return moment.astimezone()


def start_of_day(day: date) -> datetime:
    """Local midnight of ``day`` as an aware datetime."""
    return datetime.combine(day, time()).astimezone()


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
                f"a stored date is not an ISO 8601 instant: {value!r}",
                hint="funnel check lists the problems of the database",
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


# --------------------------------------------------------------------------- parsed values


class When(NamedTuple):
    """A calendar date with an optional local time of day."""

    date: date
    time: time | None = None

    def start(self) -> datetime:
        """The aware local moment: the time if given, else the start of the day."""
        return datetime.combine(self.date, self.time or time()).astimezone()


_WEEKDAYS = {
    "monday": 0, "mon": 0, "lundi": 0, "lun": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "mardi": 1, "mar": 1,
    "wednesday": 2, "wed": 2, "mercredi": 2, "mer": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "jeudi": 3, "jeu": 3,
    "friday": 4, "fri": 4, "vendredi": 4, "ven": 4,
    "saturday": 5, "sat": 5, "samedi": 5, "sam": 5,
    "sunday": 6, "sun": 6, "dimanche": 6, "dim": 6,
}  # fmt: skip

_MONTHS = {
    "jan": 1, "january": 1, "janvier": 1, "janv": 1,
    "feb": 2, "february": 2, "fevrier": 2, "fev": 2, "fevr": 2,
    "mar": 3, "march": 3, "mars": 3,
    "apr": 4, "april": 4, "avril": 4, "avr": 4,
    "may": 5, "mai": 5,
    "jun": 6, "june": 6, "juin": 6,
    "jul": 7, "july": 7, "juillet": 7, "juil": 7,
    "aug": 8, "august": 8, "aout": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9,
    "oct": 10, "october": 10, "octobre": 10,
    "nov": 11, "november": 11, "novembre": 11,
    "dec": 12, "december": 12, "decembre": 12,
}  # fmt: skip

_UNITS = {
    "d": "days", "day": "days", "days": "days", "jour": "days", "jours": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks", "semaine": "weeks", "semaines": "weeks",
    "m": "months", "month": "months", "months": "months", "mois": "months",
    "y": "years", "year": "years", "years": "years", "an": "years", "ans": "years",
    "h": "hours", "hour": "hours", "hours": "hours", "heure": "hours", "heures": "hours",
}  # fmt: skip

_KEYWORDS = {
    "today": 0, "aujourd'hui": 0, "aujourdhui": 0,
    "tomorrow": 1, "demain": 1,
    "yesterday": -1, "hier": -1,
}  # fmt: skip

# Patterns as strings: ``re`` compiles each on first use and caches it, so a command that
# parses no date pays nothing for them at start-up.
_TIME_RE = (
    r"^(?P<rest>.*?)\s*(?:\bat\s+|\ba\s+)?"
    r"(?P<h>\d{1,2})(?:(?P<sep>[:h])(?P<m>\d{2})?)?\s*(?P<ampm>am|pm)?$"
)
_RELATIVE_RE = r"^(?P<sign>[+-])\s*(?P<n>\d{1,4})\s*(?P<unit>[a-z]+)$"
_IN_RE = r"^(?:in|dans)\s+(?P<n>\d{1,4})\s*(?P<unit>[a-z]+)$"
_AGO_RE = (
    r"^(?:(?P<n>\d{1,4})\s*(?P<unit>[a-z]+)\s+ago|il y a\s+(?P<n2>\d{1,4})\s*(?P<unit2>[a-z]+))$"
)
_WEEKDAY_RE = (
    r"^(?:(?P<which>next|this|last|prochain|dernier)\s+)?(?P<day>[a-z]+)\.?"
    r"(?:\s+(?P<after>prochain|dernier))?$"
)
_NUMERIC_RE = r"^(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})(?:[/.\-](?P<c>\d{2,4}))?$"
_DAY_MONTH_RE = r"^(?P<d>\d{1,2})(?:er|st|nd|rd|th)?\s+(?P<mon>[a-z]+)\.?,?(?:\s+(?P<y>\d{4}))?$"
_MONTH_DAY_RE = r"^(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(?P<y>\d{4}))?$"


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDate(f"invalid date {text!r}: year {year} is out of range")


def _make_date(year: int, month: int, day: int, text: str) -> date:
    _check_year(year, text)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidDate(f"invalid date {text!r}: {exc}") from None


def _year_less(month: int, day: int, ref: date, prefer: Prefer, text: str) -> date:
    """A date written without its year: this year, or the nearest one in the preferred direction."""
    result = _make_date(ref.year, month, day, text)
    if prefer == "future" and result < ref:
        result = _make_date(ref.year + 1, month, day, text)
    elif prefer == "past" and result > ref:
        result = _make_date(ref.year - 1, month, day, text)
    return result


def _shift(ref: datetime, n: int, unit: str, text: str) -> When:
    from dateutil.relativedelta import relativedelta

    try:
        if unit == "hours":
            moment = ref + timedelta(hours=n)
            return When(moment.date(), moment.time().replace(second=0, microsecond=0))
        if unit in ("days", "weeks"):
            return When(ref.date() + timedelta(**{unit: n}))
        delta = relativedelta(months=n) if unit == "months" else relativedelta(years=n)
        return When(ref.date() + delta)
    except (OverflowError, ValueError):
        raise InvalidDate(f"invalid date {text!r}: too far from today") from None


def _unit(word: str, text: str) -> str:
    unit = _UNITS.get(word)
    if unit is None:
        raise InvalidDate(f"invalid date {text!r}: unknown unit {word!r} (use d, w, m, y or h)")
    return unit


def _parse_time(hour: str, minute: str | None, ampm: str | None, text: str) -> time:
    h, m = int(hour), int(minute or 0)
    if ampm:
        if not 1 <= h <= 12:
            raise InvalidDate(f"invalid time in {text!r}: {h}{ampm}")
        h = h % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise InvalidDate(f"invalid time in {text!r}")
    return time(h, m)


def _numeric(
    match: re.Match[str], ref: date, dayfirst: bool | None, prefer: Prefer, text: str
) -> date:
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:  # 2026/12/01: year first is never ambiguous
        if c is None:
            raise InvalidDate(f"invalid date {text!r}: {EXPECTED}")
        return _make_date(int(a), int(b), int(c), text)
    first, second = int(a), int(b)
    if len(a) > 2:
        raise InvalidDate(f"invalid date {text!r}: {EXPECTED}")
    day_month = _order(first, second, dayfirst, text)
    day, month = day_month
    if c is None:
        return _year_less(month, day, ref, prefer, text)
    year = int(c) + (2000 if len(c) == 2 else 0)
    if len(c) == 3:
        raise InvalidDate(f"invalid date {text!r}: {EXPECTED}")
    return _make_date(year, month, day, text)


def _order(first: int, second: int, dayfirst: bool | None, text: str) -> tuple[int, int]:
    """(day, month) from the two leading numbers of a slashed date."""
    if first > 12 and second > 12:
        raise InvalidDate(f"invalid date {text!r}: {EXPECTED}")
    if dayfirst is True:
        return first, second
    if dayfirst is False:
        return second, first
    if first > 12 >= second:
        return first, second
    if second > 12 >= first:
        return second, first
    if first == second:
        return first, second
    raise InvalidDate(
        f"ambiguous date {text!r}: day or month first?",
        hint="write it as ISO (2026-04-03) or pass --dayfirst or --monthfirst",
    )


def _weekday(match: re.Match[str], ref: date, prefer: Prefer) -> date | None:
    """``friday`` is the next Friday (or the last one, on or before today, when looking back)."""
    day = _WEEKDAYS.get(match["day"])
    if day is None:
        return None
    which = match["which"] or match["after"]
    ahead = (day - ref.weekday()) % 7
    if which in ("last", "dernier"):
        back = (ref.weekday() - day) % 7 or 7
        return ref - timedelta(days=back)
    if which is None and prefer == "past":
        return ref - timedelta(days=(ref.weekday() - day) % 7)
    if which == "this" and ahead == 0:
        return ref
    return ref + timedelta(days=ahead or 7)


def _month_number(word: str) -> int | None:
    return _MONTHS.get(word.rstrip("."))


def _date_part(
    text: str, original: str, ref: datetime, dayfirst: bool | None, prefer: Prefer
) -> When | None:
    """The date written in ``text`` (already folded), or None when no form matches."""
    ref_day = ref.date()
    if text in _KEYWORDS:
        return When(ref_day + timedelta(days=_KEYWORDS[text]))
    if text in ("now", "maintenant"):
        return When(ref_day, ref.time().replace(second=0, microsecond=0))
    if m := re.match(_RELATIVE_RE, text):
        n = int(m["n"]) * (-1 if m["sign"] == "-" else 1)
        return _shift(ref, n, _unit(m["unit"], original), original)
    if m := re.match(_IN_RE, text):
        return _shift(ref, int(m["n"]), _unit(m["unit"], original), original)
    if m := re.match(_AGO_RE, text):
        count, unit = (m["n"], m["unit"]) if m["n"] else (m["n2"], m["unit2"])
        return _shift(ref, -int(count), _unit(unit, original), original)
    if m := re.match(_NUMERIC_RE, text):
        return When(_numeric(m, ref_day, dayfirst, prefer, original))
    if m := re.match(_DAY_MONTH_RE, text):
        month = _month_number(m["mon"])
        if month is not None:
            return When(_dated(m, month, ref_day, prefer, original))
    if m := re.match(_MONTH_DAY_RE, text):
        month = _month_number(m["mon"])
        if month is not None:
            return When(_dated(m, month, ref_day, prefer, original))
    if m := re.match(_WEEKDAY_RE, text):
        found = _weekday(m, ref_day, prefer)
        if found is not None:
            return When(found)
    return None


def _dated(match: re.Match[str], month: int, ref: date, prefer: Prefer, text: str) -> date:
    day = int(match["d"])
    if match["y"]:
        return _make_date(int(match["y"]), month, day, text)
    return _year_less(month, day, ref, prefer, text)


def _iso(text: str) -> When | None:
    """ISO 8601 date or datetime (naive = local time; an offset is converted to local)."""
    if not text[:4].isdigit() or len(text) < 8:
        return None
    try:
        if not any(sep in text for sep in "T :"):  # 2026-12-01, 20261201: a date, no time
            parsed_date = date.fromisoformat(text)
            _check_year(parsed_date.year, text)
            return When(parsed_date)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    _check_year(moment.year, text)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return When(moment.date(), moment.time().replace(microsecond=0))


def parse_when(
    text: str,
    *,
    ref: datetime | None = None,
    dayfirst: bool | None = None,
    prefer: Prefer = None,
) -> When:
    """Parse a date with an optional time of day, relative to ``ref`` (default: now)."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidDate("invalid date '': " + EXPECTED)
    stripped = text.strip()
    if len(stripped) > 64:
        raise InvalidDate(f"invalid date {stripped[:40]!r}…: too long")
    found = _iso(stripped) or _human(stripped, text, ref or now(), dayfirst, prefer)
    _check_year(found.date.year, text)  # relative forms can leave the range too
    return found


def _human(
    stripped: str, original: str, ref: datetime, dayfirst: bool | None, prefer: Prefer
) -> When:
    folded = fold(stripped)
    found = _date_part(folded, original, ref, dayfirst, prefer)
    if found is not None:
        return found
    m = re.match(_TIME_RE, folded)
    if m and (m["sep"] or m["ampm"]):
        at = _parse_time(m["h"], m["m"], m["ampm"], original)
        rest = m["rest"].strip().rstrip(",")
        day = _date_part(rest, original, ref, dayfirst, prefer) if rest else When(ref.date())
        if day is not None and day.time is None:
            return When(day.date, at)
    raise InvalidDate(f"invalid date {original!r}: {EXPECTED}")


def parse_date(
    text: str, *, ref: datetime | None = None, dayfirst: bool | None = None, prefer: Prefer = None
) -> date:
    """Parse a calendar date; a time of day, if written, is ignored."""
    return parse_when(text, ref=ref, dayfirst=dayfirst, prefer=prefer).date


def parse_moment(
    text: str, *, ref: datetime | None = None, dayfirst: bool | None = None
) -> datetime:
    """Parse the moment something happened (``--at``), as an aware local datetime.

    A date without a time means that day: now if it is today, else the start of the day. A
    moment in the future is refused: history cannot be recorded ahead of time.
    """
    ref = ref or now()
    when = parse_when(text, ref=ref, dayfirst=dayfirst, prefer="past")
    moment = ref if when.time is None and when.date == ref.date() else when.start()
    if moment > ref + timedelta(minutes=1):
        raise InvalidDate(
            f"--at {text!r} is in the future ({moment:%Y-%m-%d %H:%M}); "
            "only past or present moments can be recorded"
        )
    return moment


def parse_duration(text: str) -> timedelta:
    """``2d``, ``1w``, ``12h``, ``3 days`` -> timedelta."""
    m = re.match(r"^\s*(\d{1,4})\s*([a-z]+)\s*$", fold(text or ""))
    unit = _UNITS.get(m[2]) if m else None
    if not m or unit in (None, "months", "years"):
        raise InvalidDate(f"invalid duration {text!r}: expected e.g. 2d, 1w or 12h")
    return timedelta(**{unit: int(m[1])})
