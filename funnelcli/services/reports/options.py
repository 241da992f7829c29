"""A report's choices from the command line, validated: section, period, source, buckets, method."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from funnelcli import dates, periods
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.kpis.forecast import Method
from funnelcli.periods import Period
from funnelcli.services.sources import NO_SOURCE
from funnelcli.store.reports.clauses import Scope
from funnelcli.text import normalize_source

SECTIONS = (
    "kpis", "funnel", "sources", "monthly", "forecast", "cycle", "paths", "lost", "accuracy",
    "backtest",
)  # fmt: skip
METHODS = ("auto", "stage", "history", "model")
#: The sections whose period is not the last 12 months: the forecast looks ahead, accuracy
#: covers every snapshot recorded up to today, the backtest cut-offs whose next period is over.
DEFAULTS = {
    "forecast": periods.forecast_default,
    "accuracy": periods.recorded_default,
    "backtest": periods.backtest_default,
}
#: ``--source (none)`` selects the leads recorded without a source.


@dataclass(frozen=True, slots=True)
class Options:
    """A report's validated choices (a dataclass: ``now`` defaults to the clock read when the
    options are made)."""

    section: str | None  # None: the dashboard
    period: Period
    source: str | None = None  # normalised; NO_SOURCE for leads without one
    by: str = "month"
    method: Method = "auto"
    now: datetime = field(default_factory=dates.now)
    #: ``--as-of`` given: the report shows the database as it was at ``now``. Without it, a
    #: ``FUNNEL_NOW`` (``frozen``) before the latest data does the same.
    as_of: bool = False
    frozen: bool = False
    #: ``--method auto`` (given or by default): the forecast's method (the dashboard's too) is
    #: chosen by backtest; when the history is too short to choose, "auto" is the rule of
    #: :data:`funnelcli.kpis.forecast.EMPIRICAL_MINIMUM`.
    choose: bool = False
    #: No period given, and the default one is the last months: it starts at the first lead.
    since_first: bool = False

    @property
    def scope(self) -> Scope:
        if self.source == NO_SOURCE:
            return Scope(unsourced=True)
        return Scope(source=self.source)


def options(
    section: str | None = None,
    *,
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
    source: str | None = None,
    by: str = "month",
    method: str = "auto",
    dayfirst: bool | None = None,
    now: datetime | None = None,
    as_of: str | None = None,
    choose: bool = False,
) -> Options:
    """Validate the command line's choices into :class:`Options`."""
    if section is not None and section not in SECTIONS:
        raise UsageError(
            _("unknown report section {section!r}: expected {choices}").format(
                section=section, choices=", ".join(SECTIONS)
            )
        )
    if by not in ("month", "quarter"):
        raise UsageError(_("invalid --by {by!r}: expected month or quarter").format(by=by))
    if method not in METHODS:
        raise UsageError(
            _("invalid --method {method!r}: expected stage, history or model").format(method=method)
        )
    frozen = now is None and dates.frozen()
    now = now or dates.now()
    if as_of is not None:
        now = as_of_moment(as_of, now, dayfirst)
    today = now.date()
    default = DEFAULTS[section](today) if section in DEFAULTS else None
    chosen = periods.resolve(period, start, end, today=today, dayfirst=dayfirst, default=default)
    wanted = None
    if source is not None:
        text = source.strip()
        wanted = NO_SOURCE if text.lower() in (NO_SOURCE, "none") else normalize_source(text)
    return Options(
        section,
        chosen,
        wanted,
        by,
        method,  # type: ignore[arg-type]
        now,
        as_of is not None,
        frozen,
        choose and method == "auto" and section in ("forecast", None),
        period is None and start is None and end is None and section not in DEFAULTS,
    )


def as_of_moment(text: str, now: datetime, dayfirst: bool | None) -> datetime:
    """``--as-of``: a date means the end of that day, a date and time that moment; never after
    now (the end of today is now)."""
    when = dates.parse_when(text, ref=now, dayfirst=dayfirst, prefer="past")
    moment = when.start() if when.time is not None else dates.end_of_day(when.date)
    if when.date > now.date() or moment > now + timedelta(minutes=1):
        raise UsageError(
            _("--as-of {text!r} is in the future: a report shows the past or today").format(
                text=text
            )
        )
    return min(moment, now)
