"""The aggregates of one report, each read once from the store (the dashboard shares them).

An aggregate is read when a section first asks for it. :meth:`Gather.ahead` may have given it
to the report's helper connection (``funnelcli.store.reports.helper``) before: reading it then
waits for the helper's value.
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from datetime import date, timedelta
from functools import cached_property, partial
from typing import Any, cast

from funnelcli import dates, periods
from funnelcli.kpis import deals
from funnelcli.kpis.forecast import (
    Forecast,
    LeftOut,
    Method,
    Span,
    StageProbability,
    forecast,
    left_out,
    stage_probabilities,
)
from funnelcli.kpis.funnel import LeadsByBucket, leads_by_bucket
from funnelcli.kpis.reports import Header
from funnelcli.kpis.rows import ClosedGroup, RecurringGroup, WonDeal, WonGroup
from funnelcli.periods import Period
from funnelcli.pipeline import Pipeline
from funnelcli.services.checks import problem_count
from funnelcli.services.followups import overdue_count
from funnelcli.services.reports.options import Options
from funnelcli.store import Tx
from funnelcli.store.reports import deals as deal_sql
from funnelcli.store.reports.clauses import Edges, Scope, lead_id_ceiling
from funnelcli.store.reports.helper import Helper, Job
from funnelcli.store.reports.lead_pass import Tally, Wanted, lead_pass
from funnelcli.store.reports.shared_history import SharedHistory

_EVERYTHING = Wanted(
    cohort=True, buckets=True, sources=True, peaks=True, lost_in_period=True, lost=True
)
#: What each report reads in its pass over the leads (``lead_pass``): the dashboard and
#: ``kpis`` need every part, and get them from one read of each lead's row.
WANTED: dict[str | None, Wanted] = {
    None: _EVERYTHING,
    "kpis": _EVERYTHING,
    "funnel": Wanted(cohort=True, peaks=True),
    "sources": Wanted(cohort=True, sources=True, peaks=True, lost_in_period=True),
    "monthly": Wanted(cohort=True, buckets=True, sources=True),
    "forecast": Wanted(lost=True),
}


#: What the helper connection computes meanwhile, per report (None: the dashboard), chosen so
#: that both connections take about as long on a large database. For one source, the dashboard
#: leaves the helper to the audit (of every lead): alone it is the longer side.
AHEAD: dict[str | None, tuple[str, ...]] = {
    None: ("counts_now", "open"),
    "kpis": ("won", "recurring", "left_out_counts", "open"),
    "sources": ("won",),
    "forecast": ("left_out_deals",),
    "cycle": ("won",),
}


def ahead(section: str | None, source: str | None) -> tuple[str, ...]:
    if section is None and source is not None:
        return ("counts_now",)
    return AHEAD.get(section, ())


def edges(buckets: list[periods.Bucket]) -> Edges:
    return Edges(
        tuple(b.label for b in buckets),
        tuple(periods.utc_bound(b.start) for b in buckets),
        periods.utc_bound(buckets[-1].end + timedelta(days=1)),
    )


class aggregate(cached_property[Any]):
    """A cached property that the helper may be computing already (see :meth:`Gather.ahead`)."""

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is not None and self.attrname in instance.ahead_jobs:
            job = instance.ahead_jobs.pop(self.attrname)
            instance.__dict__[self.attrname] = job.result(instance.conn)
        return super().__get__(instance, owner)


class Gather:
    """The aggregates of one report on ``conn``, within one read transaction."""

    def __init__(
        self,
        conn: Tx,
        opts: Options,
        pipeline: Pipeline,
        helper: Helper | None = None,
        older: int | None = None,
    ) -> None:
        self.conn = conn
        #: A report as of a past moment: how many leads have values older than their recorded
        #: history (None: a report of now).
        self.older = older
        self.opts = opts
        self.pipeline = pipeline
        self.helper = helper
        self.ahead_jobs: dict[str, Job[Any]] = {}
        self.scope = opts.scope
        self.ranks = pipeline.peak_ranks()
        self.won_id = pipeline.won.id
        self.lost_id = pipeline.lost.id
        self.open_ids = [s.id for s in pipeline.open]
        self.period = opts.period
        self.bounds = opts.period.bounds()
        self.today = opts.now.date()
        #: The history read once for every cut-off of a backtest (``report backtest``).
        self.history: SharedHistory | None = None

    def ahead(self, *names: str) -> None:
        """Have the helper compute these aggregates, in this order, while this connection does
        the rest (nothing without a helper: each is computed here when first read)."""
        if self.helper is None:
            return
        for name in names:
            if name not in self.__dict__ and name not in self.ahead_jobs:
                self.ahead_jobs[name] = self.helper.submit(partial(self._twin_value, name))

    def _twin_value(self, name: str, conn: Tx) -> Any:
        """Aggregate ``name`` read on ``conn`` (the helper's, or this one's if it failed)."""
        return getattr(Gather(conn, self.opts, self.pipeline), name)

    #: The aggregates that no forecast method changes: :meth:`with_method` shares them.
    SHARED = ("leads_ceiling", "tally", "won", "recurring")

    def with_method(self, method: str) -> Gather:
        """The same report's aggregates with another forecast method (``report backtest`` runs
        every method on one past database), sharing those already read that no method changes."""
        other = Gather(
            self.conn,
            replace(self.opts, method=cast(Method, method)),
            self.pipeline,
            None,
            self.older,
        )
        other.history = self.history
        for name in self.SHARED:
            if name in self.__dict__:
                other.__dict__[name] = self.__dict__[name]
        return other

    def header(self) -> Header:
        return Header(
            self.opts.section,
            self.period,
            self.opts.source,
            dates.to_storage(self.opts.now),
            self.today,
            self.pipeline,
            self.opts.by,
            self.older,
        )

    # ---------------------------------------------------------------- the period

    @cached_property
    def buckets(self) -> list[periods.Bucket]:
        return periods.buckets(self.period, self.opts.by)

    @cached_property
    def leads_ceiling(self) -> int:
        return lead_id_ceiling(self.conn)

    @aggregate
    def tally(self) -> Tally:
        """The one pass over the leads that this report needs (see :data:`WANTED`)."""
        return lead_pass(
            self.conn,
            self.ranks,
            (self.won_id, self.lost_id),
            edges(self.buckets),
            self.scope,
            WANTED.get(self.opts.section, Wanted()),
            self.leads_ceiling,
        )

    @aggregate
    def won(self) -> list[WonDeal]:
        """Every deal won in the period (medians need the amounts themselves)."""
        return deal_sql.won_deals(
            self.conn, self.won_id, self.bounds, self.scope, self.leads_ceiling
        )

    @cached_property
    def closed(self) -> list[ClosedGroup]:
        """Deals won or lost in the period, by source, outcome and peak."""
        won_rank = self.ranks[self.won_id]
        per_source: dict[str | None, int] = {}
        for deal in self.won:
            per_source[deal.source] = per_source.get(deal.source, 0) + 1
        groups = [ClosedGroup(s, True, won_rank, n) for s, n in per_source.items()]
        groups += [
            ClosedGroup(source, False, peak, n) for source, peak, n in self.tally.lost_in_period
        ]
        return groups

    @cached_property
    def leads(self) -> LeadsByBucket:
        return leads_by_bucket([b.label for b in self.buckets], self.tally.cohort)

    # ---------------------------------------------------------------- now

    @aggregate
    def open(self) -> deals.OpenOpportunities:
        groups = deal_sql.open_groups(self.conn, self.pipeline.opportunity_ids(), self.scope)
        return deals.open_opportunities(self.pipeline, groups)

    @aggregate
    def probabilities(self) -> list[StageProbability]:
        won = deal_sql.won_count(self.conn, self.won_id, self.scope)
        return stage_probabilities(self.pipeline, won, self.tally.lost, self.opts.method)

    @aggregate
    def left_out_counts(self) -> dict[str, int]:
        return deal_sql.left_out_counts(self.conn, *self._open_deals)

    @aggregate
    def left_out_deals(self) -> list[LeftOut]:
        return left_out(deal_sql.left_out(self.conn, *self._open_deals), self.today)

    @property
    def _open_deals(self) -> tuple[list[int], list[int], date, Scope, int]:
        """Which open deals the forecast may leave out (the store's arguments)."""
        ids = self.pipeline.opportunity_ids()
        return self.open_ids, ids, self.today, self.scope, self.leads_ceiling

    @aggregate
    def recurring(self) -> list[RecurringGroup]:
        return deal_sql.recurring(self.conn, self.won_id, self.scope)

    @aggregate
    def counts_now(self) -> tuple[int, int]:
        """Overdue follow-ups and data-quality problems (the audit of ``funnel check``)."""
        now = self.opts.now
        return overdue_count(self.conn, now), problem_count(self.conn, self.pipeline, now)

    def forecast(self, period: Period, by: str | None) -> Forecast:
        """(a) + (b) + (c) for each month/quarter of ``period`` (one span when ``by`` is None)."""
        if by is None:
            spans = [Span(period.label, period.start, period.end)]
        else:
            spans = [Span(b.label, b.start, b.end) for b in periods.buckets(period, by)]
        span_edges = Edges(
            tuple(s.label for s in spans),
            tuple(periods.utc_bound(s.start) for s in spans),
            period.bounds()[1],
        )
        if self.opts.method == "model":
            from funnelcli.services.reports.model import model_forecast

            return model_forecast(self, spans, period.end, self.won_by_span(span_edges))
        first = max(self.today, period.start)
        pipeline = (
            deal_sql.pipeline(self.conn, self.open_ids, first, period.end, self.scope)
            if first <= period.end
            else []
        )
        return forecast(
            spans,
            self.today,
            pipeline,
            self.probabilities,
            self.recurring,
            self.won_by_span(span_edges),
        )

    def won_by_span(self, spans: Edges) -> list[WonGroup]:
        """Deals won in each span of ``spans``, per currency."""
        start, end = spans.starts[0], spans.end
        if self.bounds[0] <= start and end <= self.bounds[1]:
            won = self.won  # already read: the spans lie within the period
        else:
            won = deal_sql.won_deals(
                self.conn, self.won_id, (start, end), self.scope, self.leads_ceiling
            )
        totals: dict[tuple[str, str], list[int]] = {}
        for deal in won:
            if not start <= deal.closed_at < end:
                continue
            label = spans.labels[bisect.bisect_right(spans.starts, deal.closed_at) - 1]
            row = totals.setdefault((label, deal.currency), [0, 0, 0])
            if deal.close_estimated:  # the import's time, not the sale's: counted, not added
                row[2] += 1
                continue
            row[0] += 1
            row[1] += deal.amount_cents or 0
        return [WonGroup(label, c, *counts) for (label, c), counts in totals.items()]
