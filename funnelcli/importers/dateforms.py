"""Date forms of CRM exports that need no day/month order: month names (``15 Apr, 2021
00:03:00`` from Zoho, ``Apr 15, 2021 2:30:00 PM``, ``15-Apr-21``, ``15 avr. 2021``,
``3 de marzo de 2023``) and Excel's serial day numbers (``44301``, ``44301.5``).

Each function returns the parts it read, or None when the text is not of its form; the caller
(:class:`~funnelcli.importers.datecolumn.DateColumn`) checks and stores them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from funnelcli.dates.words import MONTHS
from funnelcli.text import fold

#: Spanish month names and abbreviations (English and French ones are the human dates').
_SPANISH = {
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9,
    "set": 9, "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12,
}  # fmt: skip
_MONTHS = {**MONTHS, **_SPANISH}

#: A time after the date: ``00:03:00``, ``2:30 PM``, ``14h30``, ``10:03:00.000``.
_TIME = (
    r"(?:[\s,T]+(?:a las\s+|at\s+|a\s+)?(?P<h>\d{1,2})[:h](?P<m>\d{2})"
    r"(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})(?:er|st|nd|rd|th)?(?:\s+de)?\s+(?P<mon>[a-z]+)\.?(?:\s+de)?,?\s+"
    r"(?P<y>\d{4})" + _TIME
)
_MONTH_FIRST = re.compile(
    r"(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME
)
#: ``15-Apr-2021``, ``15-Apr-21`` (a two-digit year is 20YY, as in slashed dates).
_HYPHENED = re.compile(r"(?P<d>\d{1,2})-(?P<mon>[a-z]+)\.?-(?P<y>\d{4}|\d{2})" + _TIME)


class Parts(NamedTuple):
    """A date and, when written, its time of day (local)."""

    year: int
    month: int
    day: int
    #: As written: hour, minute, second (or None), "am"/"pm" (or None); None: no time.
    time: tuple[str, str, str | None, str | None] | None


def month_name_date(text: str) -> Parts | None:
    """The parts of a date written with its month's name (English, French or Spanish), with an
    optional time; None when the text is not such a date or names no month."""
    if not text[:1].isalnum() or not any(c.isalpha() for c in text[:12]):
        return None
    folded = fold(text)
    match = (
        _DAY_FIRST.fullmatch(folded)
        or _MONTH_FIRST.fullmatch(folded)
        or _HYPHENED.fullmatch(folded)
    )
    if match is None:
        return None
    month = _MONTHS.get(match["mon"])
    if month is None:
        return None
    year_text = match["y"]
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    at = None
    if match["h"] is not None:
        ampm = match["ampm"]
        at = (match["h"], match["m"], match["s"], ampm and ampm[0] + "m")
    return Parts(year, month, int(match["d"]), at)


#: Excel's day 0 in its 1900 date system: 1899-12-30, because Excel counts a 29 February 1900
#: that never was (serial 60), so that serials from 61 (1 March 1900) on land right.
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: The serials read as dates: 1990-01-01 to 2100-12-31. Outside, a number in a date column is
#: far more likely an id or an amount than a date, and is refused.
FIRST_SERIAL = (date(1990, 1, 1) - _EXCEL_EPOCH.date()).days
LAST_SERIAL = (date(2100, 12, 31) - _EXCEL_EPOCH.date()).days
_SERIAL = re.compile(r"(\d{5})(?:\.(\d{1,15}))?")


def excel_serial(text: str) -> tuple[date, time | None] | None:
    """The date (and time of day, when the serial has a fraction) of an Excel serial day
    number in the accepted range; None when the text is not a number of 5 digits."""
    match = _SERIAL.fullmatch(text)
    if match is None:
        return None
    days = int(match[1])
    if not FIRST_SERIAL <= days <= LAST_SERIAL:
        raise ValueError(
            f"a number, not a date: Excel day numbers are read from {FIRST_SERIAL} "
            f"(1990-01-01) to {LAST_SERIAL} (2100-12-31)"
        )
    fraction = match[2]
    if fraction is None or not fraction.strip("0"):
        return (_EXCEL_EPOCH + timedelta(days=days)).date(), None
    seconds = round(float("0." + fraction) * 86400)
    moment = _EXCEL_EPOCH + timedelta(days=days, seconds=seconds)
    return moment.date(), moment.time()
