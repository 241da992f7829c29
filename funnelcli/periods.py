"""Report periods: ``--period``, ``--from``/``--to``, the default period, and month/quarter buckets.

A period is a range of **local calendar days**, both ends included (``2026-11-01`` to
``2026-11-30``). Months and quarters are those of the local calendar. To query the database,
whose instants are UTC strings, :meth:`Period.bounds` turns the range into the half-open UTC
interval ``[local midnight of the first day, local midnight after the last day)``, which is
right across daylight-saving changes.

Forms of ``--period`` (case-insensitive): ``2026-11`` (a month), ``2026-Q3`` (a quarter),
``2026`` (a year), ``this-month``, ``last-month``, ``next-month``, ``this-quarter``,
``last-quarter``, ``next-quarter``, ``this-year``, ``last-year``, ``ytd`` (1 January to today),
``last-12-months`` (the 12 full months before the current one). ``--from``/``--to`` take a date
(``2026-03-15``, ``1 mar``, ``yesterday``…) or one of those period forms, meaning its first
(``--from``) or last (``--to``) day.

The default period is the SPEC's: the last 12 full months plus the current one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from funnelcli import dates
from funnelcli.errors import InvalidDate, UsageError
from funnelcli.i18n import _
from funnelcli.text import fold

PERIOD_FORMS = (
    "2026-11, 2026-Q3, 2026, this-month, last-month, next-month, this-quarter, "
    "last-quarter, next-quarter, this-year, last-year, ytd or last-12-months"
)

_MONTH_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")
_QUARTER_RE = re.compile(r"^(?P<y>\d{4})-?[qt](?P<q>\d)$")  # 2026-Q3, in French 2026-T3
_YEAR_RE = re.compile(r"^(?P<y>\d{4})$")


def _months(n: int):
    from dateutil.relativedelta import relativedelta

    return relativedelta(months=n)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return month_start(day) + _months(1) - timedelta(days=1)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    return quarter_start(day) + _months(3) - timedelta(days=1)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_label(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class Period:
    """Local calendar days ``start`` to ``end``, both included."""

    start: date
    end: date
    label: str

    def bounds(self) -> tuple[str, str]:
        """The UTC storage strings ``[start, end)`` to compare stored instants with."""
        return utc_bound(self.start), utc_bound(self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def utc_bound(day: date) -> str:
    """Local midnight at the start of ``day``, as a UTC storage string."""
    return dates.to_storage(dates.start_of_day(day))


def _span(start: date, end: date, label: str | None = None) -> Period:
    return Period(start, end, label or f"{start.isoformat()} … {end.isoformat()}")


def _checked_year(year: int, text: str) -> int:
    if not dates.MIN_YEAR <= year <= dates.MAX_YEAR:
        raise InvalidDate(
            _("invalid period {text!r}: year {year} is out of range").format(text=text, year=year)
        )
    return year


def _named(today: date) -> dict[str, Callable[[], Period]]:
    this_month = month_start(today)
    this_quarter = quarter_start(today)
    return {
        "this-month": lambda: _span(this_month, month_end(today), month_label(today)),
        "last-month": lambda: _month(this_month - _months(1)),
        "next-month": lambda: _month(this_month + _months(1)),
        "this-quarter": lambda: _quarter(this_quarter),
        "last-quarter": lambda: _quarter(this_quarter - _months(3)),
        "next-quarter": lambda: _quarter(this_quarter + _months(3)),
        "this-year": lambda: _span(
            date(today.year, 1, 1), date(today.year, 12, 31), str(today.year)
        ),
        "last-year": lambda: _span(
            date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), str(today.year - 1)
        ),
        "ytd": lambda: _span(date(today.year, 1, 1), today, f"{today.year} to date"),
        "last-12-months": lambda: _span(
            this_month - _months(12), this_month - timedelta(days=1), "last 12 months"
        ),
    }


def names(today: date | None = None) -> list[str]:
    """The period names ``--period`` takes, then this month, quarter and year by date."""
    today = today or dates.now().date()
    return [*_named(today), month_label(today), quarter_label(today), str(today.year)]


def _month(first: date) -> Period:
    return _span(first, month_end(first), month_label(first))


def _quarter(first: date) -> Period:
    return _span(first, quarter_end(first), quarter_label(first))


#: The period names in French (folded: no accents, words joined by "-"), and ``2026-T3``.
FRENCH_NAMES = {
    "ce-mois": "this-month", "ce-mois-ci": "this-month",
    "le-mois-dernier": "last-month", "mois-dernier": "last-month",
    "le-mois-prochain": "next-month", "mois-prochain": "next-month",
    "ce-trimestre": "this-quarter", "ce-trimestre-ci": "this-quarter",
    "le-trimestre-dernier": "last-quarter", "trimestre-dernier": "last-quarter",
    "le-trimestre-prochain": "next-quarter", "trimestre-prochain": "next-quarter",
    "cette-annee": "this-year", "l-annee-derniere": "last-year", "annee-derniere": "last-year",
    "depuis-le-debut-de-l-annee": "ytd", "les-12-derniers-mois": "last-12-months",
    "12-derniers-mois": "last-12-months",
}  # fmt: skip


def parse_period(text: str, *, today: date | None = None) -> Period:
    """A ``--period`` value -> :class:`Period`; anything else raises :class:`InvalidDate`."""
    today = today or dates.today()
    key = "-".join(fold(text or "").replace("_", "-").replace("'", "-").split())
    key = FRENCH_NAMES.get(key, key)
    named = _named(today)
    if key in named:
        return named[key]()
    if m := _MONTH_RE.match(key):
        year, month = _checked_year(int(m["y"]), text), int(m["m"])
        if not 1 <= month <= 12:
            raise InvalidDate(
                _("invalid period {text!r}: month {month} is not 1 to 12").format(
                    text=text, month=month
                )
            )
        return _month(date(year, month, 1))
    if m := _QUARTER_RE.match(key):
        year, quarter = _checked_year(int(m["y"]), text), int(m["q"])
        if not 1 <= quarter <= 4:
            raise InvalidDate(
                _("invalid period {text!r}: quarter {quarter} is not 1 to 4").format(
                    text=text, quarter=quarter
                )
            )
        return _quarter(date(year, 3 * quarter - 2, 1))
    if m := _YEAR_RE.match(key):
        year = _checked_year(int(m["y"]), text)
        return _span(date(year, 1, 1), date(year, 12, 31), str(year))
    raise InvalidDate(
        _("invalid period {text!r}: expected {PERIOD_FORMS}").format(
            text=text, PERIOD_FORMS=PERIOD_FORMS.replace(" or ", _(" or "))
        )
    )


def default_period(today: date | None = None) -> Period:
    """The SPEC's default: the last 12 full months plus the current one."""
    today = today or dates.today()
    first = month_start(today) - _months(12)
    return _span(first, month_end(today), "last 12 months and this month")


def since_first_lead(period: Period, first: date) -> Period:
    """The default period started at the month of the first lead, when that is later: a new
    user's reports show no months from before they began (issue 18)."""
    start = month_start(first)
    if not period.start < start <= period.end:
        return period
    return _span(start, period.end, "since the first lead")


def forecast_default(today: date | None = None) -> Period:
    """The forecast's default: this quarter and the next one (it looks ahead)."""
    today = today or dates.today()
    first = quarter_start(today)
    return _span(first, quarter_end(first + _months(3)), "this quarter and next quarter")


def backtest_default(today: date | None = None) -> Period:
    """``report backtest``'s default: the 12 months before last month, whose ends are cut-offs
    whose next month is over (the last one forecasts last month)."""
    today = today or dates.today()
    this_month = month_start(today)
    first = this_month - _months(13)
    return _span(first, this_month - _months(1) - timedelta(days=1), "12 months of cut-offs")


def recorded_default(today: date | None = None) -> Period:
    """``report accuracy``'s default: every snapshot recorded up to today."""
    today = today or dates.today()
    return _span(date(dates.MIN_YEAR, 1, 1), today, "every snapshot recorded")


def _bound(option: str, text: str, today: date, dayfirst: bool | None, *, end: bool) -> date:
    """``--from``/``--to``: a period form (its first/last day) or a date."""
    try:
        period = parse_period(text, today=today)
    except InvalidDate:
        period = None
    if period is not None:
        return period.end if end else period.start
    try:
        return dates.parse_date(
            text, ref=dates.start_of_day(today), dayfirst=dayfirst, prefer="past"
        )
    except InvalidDate as exc:
        raise InvalidDate(
            _(
                "{option}: invalid date {text!r}: expected a date (2026-03-15, 1 mar, "
                "yesterday) or a period ({PERIOD_FORMS})"
            ).format(option=option, text=text, PERIOD_FORMS=PERIOD_FORMS.replace(" or ", _(" or ")))
        ) from exc


def resolve(
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
    *,
    today: date | None = None,
    dayfirst: bool | None = None,
    default: Period | None = None,
) -> Period:
    """The period a report covers: ``--period``, or ``--from``/``--to``, or the default.

    A missing ``--from`` or ``--to`` takes the default period's bound.
    """
    today = today or dates.today()
    default = default or default_period(today)
    if period is not None and (start is not None or end is not None):
        raise UsageError(_("give --period or --from/--to, not both"))
    if period is not None:
        return parse_period(period, today=today)
    if start is None and end is None:
        return default
    first = _bound("--from", start, today, dayfirst, end=False) if start else default.start
    last = _bound("--to", end, today, dayfirst, end=True) if end else default.end
    if first > last:
        raise InvalidDate(
            _(
                "--from {first} is after --to {last}: expected the start of the period before "
                "its end"
            ).format(first=first.isoformat(), last=last.isoformat())
        )
    return _span(first, last)


@dataclass(frozen=True, slots=True)
class Bucket:
    """One month or quarter of a period (clipped to the period at both ends)."""

    label: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def buckets(period: Period, by: str = "month") -> list[Bucket]:
    """The months (``by="month"``) or quarters (``by="quarter"``) the period touches."""
    if by not in ("month", "quarter"):
        raise UsageError(_("invalid --by {by!r}: expected month or quarter").format(by=by))
    first_of = month_start if by == "month" else quarter_start
    last_of = month_end if by == "month" else quarter_end
    label_of = month_label if by == "month" else quarter_label
    out: list[Bucket] = []
    cursor = first_of(period.start)
    while cursor <= period.end:
        out.append(
            Bucket(label_of(cursor), max(cursor, period.start), min(last_of(cursor), period.end))
        )
        cursor = last_of(cursor) + timedelta(days=1)
    return out
