"""Reports: gather the aggregates in one read snapshot, compute the KPIs, return report objects.

Every report reads inside one ``store.read()`` transaction, so its figures agree with each
other even while another process writes. The dashboard and the longer sections give part of
their work to a second, read-only connection paired to that same snapshot, in a worker thread
(:func:`build`, ``sql.Helper``): two cores instead of one.

The arithmetic is in :mod:`funnelcli.kpis`; the SQL in :mod:`funnelcli.store.reports`; drawing
in :mod:`funnelcli.render.reports`.
"""

import bisect
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from funnelcli import dates, kpis, periods
from funnelcli.errors import NotFoundError, UsageError
from funnelcli.periods import Period
from funnelcli.services.checks import problem_count
from funnelcli.services.followups import overdue_count
from funnelcli.services.stages import load
from funnelcli.store import Store
from funnelcli.store import reports as sql
from funnelcli.text import normalize_source

T = TypeVar("T")

SECTIONS = ("kpis", "funnel", "sources", "monthly", "forecast", "cycle", "paths", "lost")
METHODS = ("auto", "stage", "history")
#: ``--source (none)`` selects the leads recorded without a source.
NO_SOURCE = "(none)"

_EVERYTHING = sql.Wanted(
    cohort=True, buckets=True, sources=True, peaks=True, lost_in_period=True, lost=True
)
#: Reports that give part of their work to a helper connection (see :func:`build`).
PAIRED = (None, "kpis", "sources", "forecast", "cycle")
#: What each report reads in its pass over the leads (``sql.lead_pass``): the dashboard and
#: ``kpis`` need every part, and get them from one read of each lead's row.
WANTED: dict[str | None, sql.Wanted] = {
    None: _EVERYTHING,
    "kpis": _EVERYTHING,
    "funnel": sql.Wanted(cohort=True, peaks=True),
    "sources": sql.Wanted(cohort=True, sources=True, peaks=True, lost_in_period=True),
    "monthly": sql.Wanted(cohort=True, buckets=True, sources=True),
    "forecast": sql.Wanted(lost=True),
}


@dataclass(frozen=True, slots=True)
class Options:
    """A report's validated choices. A dataclass, not a NamedTuple like the report objects:
    ``now`` defaults to the clock read when the options are made (a ``default_factory``)."""

    section: str | None  # None: the dashboard
    period: Period
    source: str | None = None  # normalised; NO_SOURCE for leads without one
    by: str = "month"
    method: kpis.Method = "auto"
    now: datetime = field(default_factory=dates.now)

    @property
    def scope(self) -> sql.Scope:
        if self.source == NO_SOURCE:
            return sql.Scope(unsourced=True)
        return sql.Scope(source=self.source)


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
) -> Options:
    """Validate the command line's choices into :class:`Options`."""
    if section is not None and section not in SECTIONS:
        raise UsageError(f"unknown report section {section!r}: expected {', '.join(SECTIONS)}")
    if by not in ("month", "quarter"):
        raise UsageError(f"invalid --by {by!r}: expected month or quarter")
    if method not in METHODS:
        raise UsageError(f"invalid --method {method!r}: expected stage or history")
    now = now or dates.now()
    today = now.date()
    default = periods.forecast_default(today) if section == "forecast" else None
    chosen = periods.resolve(period, start, end, today=today, dayfirst=dayfirst, default=default)
    wanted = None
    if source is not None:
        text = source.strip()
        wanted = NO_SOURCE if text.lower() in (NO_SOURCE, "none") else normalize_source(text)
    return Options(section, chosen, wanted, by, method, now)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- report objects


class Header(NamedTuple):
    section: str | None
    period: Period
    source: str | None
    as_of: str  # UTC storage string of "now"
    today: date
    ladder: kpis.Ladder
    by: str = "month"


class KpiReport(NamedTuple):
    header: Header
    leads: kpis.LeadsByBucket
    lead_to_opportunity: kpis.Rate
    win_rate: kpis.Rate
    sizes: list[kpis.DealSize]
    cycle: kpis.Cycle
    open: kpis.OpenOpportunities
    velocity: list[kpis.Velocity]
    forecast: list[kpis.ForecastLine]  # the whole period: (a) + (b) + (c) per currency
    left_out: dict[str, int]


class FunnelReport(NamedTuple):
    header: Header
    funnel: kpis.Funnel


class SourcesReport(NamedTuple):
    header: Header
    sources: list[kpis.SourceStats]


class MonthlyReport(NamedTuple):
    header: Header
    leads: kpis.LeadsByBucket


class ForecastReport(NamedTuple):
    header: Header
    method: str
    forecast: kpis.Forecast
    left_out: list[kpis.LeftOut]
    left_out_counts: dict[str, int]


class CycleReport(NamedTuple):
    header: Header
    cycle: kpis.Cycle
    stages: list[kpis.StageTime]


class PathsReport(NamedTuple):
    header: Header
    paths: kpis.Paths


class LostReport(NamedTuple):
    header: Header
    deals: int
    reasons: list[kpis.LostReason]


class DashboardForecast(NamedTuple):
    """The forecast of this month, next month, this quarter and next quarter."""

    spans: list[kpis.ForecastBucket]
    probabilities: list[kpis.StageProbability]
    left_out: dict[str, int]


class Dashboard(NamedTuple):
    header: Header
    kpis: KpiReport
    funnel: FunnelReport
    monthly: MonthlyReport
    forecast: DashboardForecast
    overdue: int  # overdue follow-ups now
    problems: int  # data-quality problems (funnel check) now


Report = (
    KpiReport
    | FunnelReport
    | SourcesReport
    | MonthlyReport
    | ForecastReport
    | CycleReport
    | PathsReport
    | LostReport
    | Dashboard
)


# --------------------------------------------------------------------------- gathering


def _edges(buckets: list[periods.Bucket]) -> sql.Edges:
    return sql.Edges(
        tuple(b.label for b in buckets),
        tuple(periods.utc_bound(b.start) for b in buckets),
        periods.utc_bound(buckets[-1].end + timedelta(days=1)),
    )


class _Background(Generic[T]):
    """``work(conn)`` on the helper connection in a worker thread, or later on the report's.

    Jobs given to the same helper run one after the other (``after``: the job to wait for),
    since a connection runs one statement at a time. Without a helper (none could be paired),
    :meth:`result` runs the work on the report's connection. A failure of the helper's
    connection (an ``sqlite3.Error`` there) is not the report's: the work runs again on the
    report's connection, whose errors are the ones users see. Any other exception is raised as
    it is.
    """

    def __init__(
        self,
        work: Callable[[sqlite3.Connection], T],
        helper: sql.Helper | None,
        after: "_Background[Any] | None" = None,
    ) -> None:
        self.work = work
        self.helper = helper
        self.after = after
        self.value: T | None = None
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread: threading.Thread | None = None
        if helper is not None:
            self.thread = threading.Thread(target=self._run, name="funnel-report", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        assert self.helper is not None
        if self.after is not None and self.after.thread is not None:
            self.after.thread.join()
        if self.cancelled:
            return
        try:
            if not self.helper.conn.in_transaction:
                # a job before this one failed and SQLite ended the read transaction: the
                # snapshot is gone, so this job is done on the report's connection instead
                raise sqlite3.OperationalError("the helper lost its snapshot")
            self.value = self.work(self.helper.conn)
        except BaseException as exc:  # handed to the report's thread by result()
            self.error = exc

    def result(self, conn: sqlite3.Connection) -> T:
        if self.thread is None:
            return self.work(conn)
        self.thread.join()
        if isinstance(self.error, sqlite3.Error):
            return self.work(conn)
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop the worker (the report failed or was interrupted) before its connection closes."""
        self.cancelled = True  # a job still waiting for the one before it will not start
        if self.thread is None:
            return
        assert self.helper is not None
        while self.thread.is_alive():
            # an interrupt that falls between two statements of the job is lost: repeat it
            self.helper.conn.interrupt()
            self.thread.join(0.05)


class _Gather:
    """The aggregates of one report, each read once (the dashboard shares them)."""

    def __init__(
        self, conn: sqlite3.Connection, opts: Options, helper: sql.Helper | None = None
    ) -> None:
        self.conn = conn
        self.opts = opts
        self.helper = helper
        self.jobs: list[_Background[Any]] = []  # every job started (to cancel on failure)
        self.pending: list[_Background[dict[str, Any]]] = []  # prefetched, not yet collected
        self.prefetched: set[str] = set()  # names given to the helper (each computed once)
        self.scope = opts.scope
        pipeline = load(conn)
        self.ladder = kpis.Ladder(
            pipeline.stages, {s.id: pipeline.rank(s) for s in pipeline.stages}
        )
        self.ranks = self.ladder.peak_ranks()
        self.won_id = self.ladder.won.id
        self.lost_id = self.ladder.lost.id
        self.open_ids = [s.id for s in self.ladder.open]
        self.period = opts.period
        self.bounds = opts.period.bounds()
        self.today = opts.now.date()

    # ---------------------------------------------------------------- the helper

    def start(self, work: Callable[[sqlite3.Connection], T]) -> _Background[T]:
        """Run ``work`` on the helper connection once the jobs given to it before are done."""
        job = _Background(work, self.helper, self.jobs[-1] if self.jobs else None)
        self.jobs.append(job)
        return job

    def prefetch(self, *names: str) -> None:
        """Compute these cached properties on the helper connection, in its worker thread,
        while this one does the long part of the report; :meth:`collect` takes them.

        Without a helper nothing happens: each property is computed here when first read; nor
        for a property already computed or given to the helper.
        """
        names = tuple(n for n in names if n not in self.__dict__ and n not in self.prefetched)
        if self.helper is None or not names:
            return
        self.prefetched.update(names)
        opts = self.opts

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            twin = _Gather(conn, opts)
            return {name: getattr(twin, name) for name in names}

        self.pending.append(self.start(work))

    def collect(self) -> None:
        for job in self.pending:
            self.__dict__.update(job.result(self.conn))  # where cached_property keeps values
        self.pending.clear()

    def header(self) -> Header:
        return Header(
            self.opts.section,
            self.period,
            self.opts.source,
            dates.to_storage(self.opts.now),
            self.today,
            self.ladder,
            self.opts.by,
        )

    # ---------------------------------------------------------------- period aggregates

    @cached_property
    def buckets(self) -> list[periods.Bucket]:
        return periods.buckets(self.period, self.opts.by)

    @cached_property
    def leads_ceiling(self) -> int:
        return sql.lead_id_ceiling(self.conn)

    @cached_property
    def tally(self) -> sql.Tally:
        """The one pass over the leads that this report needs (see :data:`WANTED`)."""
        return sql.lead_pass(
            self.conn,
            self.ranks,
            (self.won_id, self.lost_id),
            _edges(self.buckets),
            self.scope,
            WANTED.get(self.opts.section, sql.Wanted()),
            self.leads_ceiling,
        )

    @cached_property
    def won(self) -> list[kpis.WonDeal]:
        """Every deal won in the period (medians need the amounts themselves)."""
        return sql.won_deals(self.conn, self.won_id, self.bounds, self.scope, self.leads_ceiling)

    @cached_property
    def closed(self) -> list[kpis.ClosedGroup]:
        """Deals won or lost in the period, by source, outcome and peak."""
        won_rank = self.ranks[self.won_id]
        per_source: dict[str | None, int] = {}
        for deal in self.won:
            per_source[deal.source] = per_source.get(deal.source, 0) + 1
        groups = [kpis.ClosedGroup(s, True, won_rank, n) for s, n in per_source.items()]
        groups += [
            kpis.ClosedGroup(source, False, peak, n)
            for source, peak, n in self.tally.lost_in_period
        ]
        return groups

    @cached_property
    def leads(self) -> kpis.LeadsByBucket:
        return kpis.leads_by_bucket([b.label for b in self.buckets], self.tally.cohort)

    # ---------------------------------------------------------------- now

    @cached_property
    def open(self) -> kpis.OpenOpportunities:
        groups = sql.open_groups(self.conn, self.ladder.opportunity_stage_ids(), self.scope)
        return kpis.open_opportunities(self.ladder, groups)

    @cached_property
    def probabilities(self) -> list[kpis.StageProbability]:
        won = sql.won_count(self.conn, self.won_id, self.scope)
        return kpis.stage_probabilities(self.ladder, won, self.tally.lost, self.opts.method)

    @cached_property
    def left_out_counts(self) -> dict[str, int]:
        return sql.left_out_counts(
            self.conn,
            self.open_ids,
            self.ladder.opportunity_stage_ids(),
            self.today,
            self.scope,
            self.leads_ceiling,
        )

    @cached_property
    def left_out_deals(self) -> list[kpis.LeftOut]:
        deals = sql.left_out(
            self.conn,
            self.open_ids,
            self.ladder.opportunity_stage_ids(),
            self.today,
            self.scope,
            self.leads_ceiling,
        )
        return kpis.left_out(deals, self.today)

    def forecast(self, period: Period, by: str | None) -> kpis.Forecast:
        """(a) + (b) + (c) for each month/quarter of ``period`` (one span when ``by`` is None)."""
        if by is None:
            spans = [kpis.Span(period.label, period.start, period.end)]
        else:
            spans = [kpis.Span(b.label, b.start, b.end) for b in periods.buckets(period, by)]
        edges = sql.Edges(
            tuple(s.label for s in spans),
            tuple(periods.utc_bound(s.start) for s in spans),
            period.bounds()[1],
        )
        first = max(self.today, period.start)
        pipeline = (
            sql.pipeline(self.conn, self.open_ids, first, period.end, self.scope)
            if first <= period.end
            else []
        )
        return kpis.forecast(
            self.ladder,
            spans,
            self.today,
            pipeline,
            self.probabilities,
            self.recurring,
            self.won_by_span(edges),
        )

    @cached_property
    def recurring(self) -> list[kpis.RecurringGroup]:
        return sql.recurring(self.conn, self.won_id, self.scope)

    def won_by_span(self, edges: sql.Edges) -> list[kpis.WonGroup]:
        """Deals won in each span of ``edges``, per currency."""
        start, end = edges.starts[0], edges.end
        if self.bounds[0] <= start and end <= self.bounds[1]:
            deals = self.won  # already read: the spans lie within the period
        else:
            deals = sql.won_deals(
                self.conn, self.won_id, (start, end), self.scope, self.leads_ceiling
            )
        totals: dict[tuple[str, str], list[int]] = {}
        for deal in deals:
            if not start <= deal.closed_at < end:
                continue
            label = edges.labels[bisect.bisect_right(edges.starts, deal.closed_at) - 1]
            row = totals.setdefault((label, deal.currency), [0, 0])
            row[0] += 1
            row[1] += deal.amount_cents or 0
        return [kpis.WonGroup(label, c, n, cents) for (label, c), (n, cents) in totals.items()]

    # ---------------------------------------------------------------- sections

    def kpis(
        self, helped: tuple[str, ...] = ("won", "recurring", "left_out_counts", "open")
    ) -> KpiReport:
        """The KPIs; ``helped``: the parts the helper computes meanwhile (when there is one),
        chosen so that both sides take about as long (at 1M leads)."""
        self.prefetch(*helped)
        self.tally  # noqa: B018 -- the long part, here, meanwhile
        for part in ("won", "recurring", "open", "left_out_counts"):
            if part not in helped:
                getattr(self, part)  # here, before waiting for the helper
        self.collect()
        rate = kpis.win_rate(self.ladder, self.closed)
        sizes = kpis.deal_sizes(self.won)
        cycle = kpis.sales_cycle(self.won)
        return KpiReport(
            self.header(),
            self.leads,
            kpis.lead_to_opportunity(self.ladder, self.tally.cohort),
            rate,
            sizes,
            cycle,
            self.open,
            kpis.sales_velocity(self.open, rate, sizes, cycle),
            self.forecast(self.period, None).totals,
            self.left_out_counts,
        )

    def funnel(self) -> FunnelReport:
        return FunnelReport(self.header(), kpis.funnel(self.ladder, self.tally.cohort))

    def sources(self) -> SourcesReport:
        self.prefetch("won")
        self.tally  # noqa: B018 -- the long part, here, meanwhile
        self.collect()
        return SourcesReport(
            self.header(),
            kpis.by_source(self.ladder, self.tally.cohort, self.closed, self.won),
        )

    def monthly(self) -> MonthlyReport:
        return MonthlyReport(self.header(), self.leads)

    def forecast_report(self) -> ForecastReport:
        self.prefetch("left_out_deals")  # the long part (54,000 deals listed at 1M leads)
        self.probabilities  # noqa: B018 -- meanwhile, here: every lost deal's peak...
        self.recurring  # noqa: B018 -- ... and the recurring revenue
        self.collect()
        left_out = self.left_out_deals  # listed: their counts need no second query
        return ForecastReport(
            self.header(),
            self.opts.method,
            self.forecast(self.period, self.opts.by),
            left_out,
            kpis.left_out_counts(left_out),
        )

    def cycle(self) -> CycleReport:
        self.prefetch("won")
        groups = sql.stage_times(
            self.conn, self.won_id, self.bounds, self.scope, self.leads_ceiling
        )
        self.collect()
        return CycleReport(
            self.header(), kpis.sales_cycle(self.won), kpis.time_in_stages(self.ladder, groups)
        )

    def paths(self) -> PathsReport:
        groups = sql.paths(
            self.conn, (self.won_id, self.lost_id), self.bounds, self.scope, self.leads_ceiling
        )
        return PathsReport(self.header(), kpis.paths(*groups))

    def lost(self) -> LostReport:
        groups = sql.lost(self.conn, self.lost_id, self.bounds, self.scope, self.leads_ceiling)
        return LostReport(self.header(), sum(g.deals for g in groups), kpis.lost_reasons(groups))

    def dashboard(self) -> Dashboard:
        # The helper: the audit, then the open deals; here, meanwhile: the rest of the KPIs
        # (at 1M leads, about 1.15 s of work on each side), then the forecasts, which need
        # nothing more than the KPIs read.
        self.counts_now  # noqa: B018 -- starts the audit on the helper connection
        # the audit covers every lead: for one source it is the longer side by itself
        helped = () if self.opts.source else ("open",)
        self.prefetch(*helped)
        sections = (
            self.kpis(helped=helped),
            self.funnel(),
            self.monthly(),
        )
        this_quarter = periods.parse_period("this-quarter", today=self.today)
        next_quarter = periods.parse_period("next-quarter", today=self.today)
        this_month = periods.parse_period("this-month", today=self.today)
        next_month = periods.parse_period("next-month", today=self.today)
        ahead = Period(this_quarter.start, next_quarter.end, "")
        months = self.forecast(ahead, "month").buckets
        spans = [
            kpis.combine(months, p.label, p.start, p.end)
            for p in (this_month, next_month, this_quarter, next_quarter)
        ]
        forecast = DashboardForecast(spans, self.probabilities, self.left_out_counts)
        overdue, problems = self.counts_now.result(self.conn)  # last: it ran meanwhile
        return Dashboard(self.header(), *sections, forecast, overdue, problems)

    @cached_property
    def counts_now(self) -> _Background[tuple[int, int]]:
        """Overdue follow-ups and data-quality problems (the audit of ``funnel check``): on the
        helper connection, started first so that it runs while this one computes the KPIs."""
        now = self.opts.now
        return self.start(lambda conn: (overdue_count(conn, now), problem_count(conn, now)))


def _check_source(conn: sqlite3.Connection, opts: Options) -> None:
    if opts.source is None:
        return
    if opts.source == NO_SOURCE:
        found = conn.execute("SELECT 1 FROM leads WHERE source IS NULL LIMIT 1").fetchone()
    else:
        found = conn.execute(
            "SELECT 1 FROM leads WHERE source = ? LIMIT 1", (opts.source,)
        ).fetchone()
    if found:
        return
    known = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT source FROM leads WHERE source IS NOT NULL ORDER BY source LIMIT 20"
        )
    ]
    raise NotFoundError(
        f"no lead has the source {opts.source!r}: expected one of "
        f"{', '.join([*known, NO_SOURCE]) if known else NO_SOURCE}",
    )


def build(store: Store, opts: Options) -> Any:
    """The report ``opts.section`` asks for (the dashboard when None), from one read snapshot.

    The reports in :data:`PAIRED` also open a helper connection paired to the same snapshot
    (``sql.Helper``) and give it the part of their work that does not wait for the long part
    (the data-quality audit and the open deals of the dashboard; the deals won, the recurring
    revenue, the open and the left-out deals of ``kpis``...). When pairing fails, everything runs on
    ``store``'s connection.
    """
    sql.prepare(store.conn)
    helper = sql.Helper.open(store.path, store.busy_timeout) if opts.section in PAIRED else None
    gather: _Gather | None = None
    try:
        with store.read() as conn:
            _check_source(conn, opts)
            gather = _Gather(conn, opts)  # reads the pipeline: this snapshot is now taken
            if helper is not None and helper.pair():
                gather.helper = helper
            match opts.section:
                case None:
                    return gather.dashboard()
                case "forecast":
                    return gather.forecast_report()
                case section:
                    return getattr(gather, section)()
    finally:
        jobs = gather.jobs if gather is not None else []
        for job in jobs:  # the report failed or was interrupted: nothing more starts...
            job.cancelled = True
        for job in jobs:  # ... and what runs is interrupted
            job.cancel()
        if helper is not None:
            helper.close()


def build_file(path: Path, opts: Options) -> Any:
    """The report of another database file (the demo's), opened just for it."""
    from funnelcli.store import open_db

    store = open_db(path)
    try:
        return build(store, opts)
    finally:
        store.close()
