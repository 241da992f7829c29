"""Human dates: ISO first (``dateutil``'s ``dayfirst=True`` would turn ``2026-04-03`` into
March 4th), then ``today``, ``tomorrow``, ``+3d``, ``in 2 weeks``, ``3 days ago``,
``next monday`` (that day of next week: weeks start on Monday), ``friday`` (the coming one),
``next week`` (next Monday), ``eow`` (this week's Friday), ``eom`` (this month's last day),
``1 dec``, ``15/03/2026`` (with ``dayfirst``), French words (``demain``, ``lundi``, ``15 mars``),
each optionally followed by a time (``14:30``, ``9am``, ``14h30``, ``noon``). Anything else
raises :class:`InvalidDate`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple

from funnelcli.dates.clock import MAX_YEAR, MIN_YEAR, now
from funnelcli.dates.words import (
    AGO_RE,
    DAY_MONTH_RE,
    IN_RE,
    KEYWORDS,
    MONTH_DAY_RE,
    MONTHS,
    NOON_RE,
    NUMERIC_RE,
    PERIOD_WORDS,
    RELATIVE_RE,
    TIME_RE,
    UNITS,
    WEEKDAY_RE,
    WEEKDAYS,
)
from funnelcli.errors import InvalidDate
from funnelcli.i18n import N_, _
from funnelcli.text import fold

Prefer = Literal["future", "past"] | None

EXPECTED = N_(
    "expected an ISO date (2026-12-01), a date and time (2026-12-01 14:30) "
    "or a form like today, tomorrow, +3d, in 2 weeks, next monday, 1 dec"
)


class When(NamedTuple):
    """A calendar date with an optional local time of day."""

    date: date
    time: time | None = None

    def start(self) -> datetime:
        """The aware local moment: the time if given, else the start of the day."""
        return datetime.combine(self.date, self.time or time()).astimezone()


def _invalid(text: str, why: str) -> InvalidDate:
    return InvalidDate(_("invalid date {text!r}: {why}").format(text=text, why=why))


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDate(
            _("invalid date {text!r}: year {year} is out of range").format(text=text, year=year)
        )


def _make_date(year: int, month: int, day: int, text: str) -> date:
    _check_year(year, text)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _invalid(text, str(exc)) from None


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
        raise _invalid(text, _("too far from today")) from None


def _unit(word: str, text: str) -> str:
    unit = UNITS.get(word)
    if unit is None:
        raise _invalid(text, _("unknown unit {word!r} (use d, w, m, y or h)").format(word=word))
    return unit


def _parse_time(hour: str, minute: str | None, ampm: str | None, text: str) -> time:
    h, m = int(hour), int(minute or 0)
    if ampm:
        if not 1 <= h <= 12:
            raise InvalidDate(
                _("invalid time in {text!r}: {time}").format(text=text, time=f"{h}{ampm}")
            )
        h = h % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise InvalidDate(_("invalid time in {text!r}").format(text=text))
    return time(h, m)


def _numeric(
    match: re.Match[str], ref: date, dayfirst: bool | None, prefer: Prefer, text: str
) -> date:
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:  # 2026/12/01: year first is never ambiguous
        if c is None:
            raise _invalid(text, _(EXPECTED))
        return _make_date(int(a), int(b), int(c), text)
    first, second = int(a), int(b)
    if len(a) > 2:
        raise _invalid(text, _(EXPECTED))
    day_month = _order(first, second, dayfirst, text)
    day, month = day_month
    if c is None:
        return _year_less(month, day, ref, prefer, text)
    year = int(c) + (2000 if len(c) == 2 else 0)
    if len(c) == 3:
        raise _invalid(text, _(EXPECTED))
    return _make_date(year, month, day, text)


def _order(first: int, second: int, dayfirst: bool | None, text: str) -> tuple[int, int]:
    """(day, month) from the two leading numbers of a slashed date."""
    if first > 12 and second > 12:
        raise _invalid(text, _(EXPECTED))
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
        _("ambiguous date {text!r}: day or month first?").format(text=text),
        hint=_("write it as ISO (2026-04-03) or pass --dayfirst or --monthfirst"),
    )


def _weekday(match: re.Match[str], ref: date, prefer: Prefer) -> date | None:
    """``friday`` is the next Friday (or the last one, on or before today, when looking back)."""
    day = WEEKDAYS.get(match["day"])
    if day is None:
        return None
    which = match["which"] or match["after"]
    ahead = (day - ref.weekday()) % 7
    if which == "next":  # that day of next week, weeks starting on Monday (ISO)
        return ref + timedelta(days=7 - ref.weekday() + day)
    if which in ("last", "dernier"):
        back = (ref.weekday() - day) % 7 or 7
        return ref - timedelta(days=back)
    if which is None and prefer == "past":
        return ref - timedelta(days=(ref.weekday() - day) % 7)
    if which == "this" and ahead == 0:
        return ref
    return ref + timedelta(days=ahead or 7)


def _month_number(word: str) -> int | None:
    return MONTHS.get(word.rstrip("."))


def _date_part(
    text: str, original: str, ref: datetime, dayfirst: bool | None, prefer: Prefer
) -> When | None:
    """The date written in ``text`` (already folded), or None when no form matches."""
    ref_day = ref.date()
    if text in KEYWORDS:
        return When(ref_day + timedelta(days=KEYWORDS[text]))
    if text in PERIOD_WORDS:
        return When(_period_day(PERIOD_WORDS[text], ref_day))
    if text in ("now", "maintenant"):
        return When(ref_day, ref.time().replace(second=0, microsecond=0))
    if m := re.match(RELATIVE_RE, text):
        n = int(m["n"]) * (-1 if m["sign"] == "-" else 1)
        return _shift(ref, n, _unit(m["unit"], original), original)
    if m := re.match(IN_RE, text):
        return _shift(ref, int(m["n"]), _unit(m["unit"], original), original)
    if m := re.match(AGO_RE, text):
        count, unit = (m["n"], m["unit"]) if m["n"] else (m["n2"], m["unit2"])
        return _shift(ref, -int(count), _unit(unit, original), original)
    if m := re.match(NUMERIC_RE, text):
        return When(_numeric(m, ref_day, dayfirst, prefer, original))
    if m := re.match(DAY_MONTH_RE, text):
        month = _month_number(m["mon"])
        if month is not None:
            return When(_dated(m, month, ref_day, prefer, original))
    if m := re.match(MONTH_DAY_RE, text):
        month = _month_number(m["mon"])
        if month is not None:
            return When(_dated(m, month, ref_day, prefer, original))
    if m := re.match(WEEKDAY_RE, text):
        found = _weekday(m, ref_day, prefer)
        if found is not None:
            return When(found)
    return None


def _period_day(word: str, ref: date) -> date:
    """``next week``: next Monday; ``eow``: this week's Friday (next week's from Saturday);
    ``eom``: the last day of this month."""
    if word == "next-week":
        return ref + timedelta(days=7 - ref.weekday())
    if word == "end-of-week":
        return ref + timedelta(days=(4 - ref.weekday()) % 7)
    following = date(ref.year + ref.month // 12, ref.month % 12 + 1, 1)
    return following - timedelta(days=1)


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
        raise _invalid("", _(EXPECTED))
    stripped = text.strip()
    if len(stripped) > 64:
        raise InvalidDate(_("invalid date {text!r}…: too long").format(text=stripped[:40]))
    found = _iso(stripped) or _human(stripped, text, ref or now(), dayfirst, prefer)
    _check_year(found.date.year, text)  # relative forms can leave the range too
    return found


def _human(
    stripped: str, original: str, ref: datetime, dayfirst: bool | None, prefer: Prefer
) -> When:
    folded = re.sub(NOON_RE, "12:00", fold(stripped))
    found = _date_part(folded, original, ref, dayfirst, prefer)
    if found is not None:
        return found
    m = re.match(TIME_RE, folded)
    if m and (m["sep"] or m["ampm"]):
        at = _parse_time(m["h"], m["m"], m["ampm"], original)
        rest = m["rest"].strip().rstrip(",")
        day = _date_part(rest, original, ref, dayfirst, prefer) if rest else When(ref.date())
        if day is not None and day.time is None:
            return When(day.date, at)
    raise _invalid(original, _(EXPECTED))


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
            _(
                "--at {text!r} is in the future ({moment}); "
                "only past or present moments can be recorded"
            ).format(text=text, moment=f"{moment:%Y-%m-%d %H:%M}")
        )
    return moment


def parse_duration(text: str) -> timedelta:
    """``2d``, ``1w``, ``12h``, ``3 days`` -> timedelta."""
    m = re.match(r"^\s*(\d{1,4})\s*([a-z]+)\s*$", fold(text or ""))
    unit = UNITS.get(m[2]) if m else None
    if not m or unit in (None, "months", "years"):
        raise InvalidDate(
            _("invalid duration {text!r}: expected e.g. 2d, 1w or 12h").format(text=text)
        )
    return timedelta(**{unit: int(m[1])})
