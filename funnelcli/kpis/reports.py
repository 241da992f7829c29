"""The report objects: what ``funnelcli.services.reports`` builds and ``funnelcli.render.reports``
draws (as JSON, CSV, plain text or Rich). Plain values; nothing here computes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from funnelcli.kpis.deals import (
    Cycle,
    DealSize,
    LostReason,
    OpenOpportunities,
    SourceStats,
    StageTime,
    Velocity,
)
from funnelcli.kpis.forecast import (
    Forecast,
    ForecastBucket,
    ForecastLine,
    LeftOut,
    StageProbability,
)
from funnelcli.kpis.funnel import Funnel, LeadsByBucket
from funnelcli.kpis.numbers import Rate
from funnelcli.kpis.paths import Paths
from funnelcli.periods import Period
from funnelcli.pipeline import Pipeline

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.kpis.accuracy import Accuracy  # only report accuracy needs the module
    from funnelcli.kpis.backtest import Backtest, Choice  # only backtest and --method auto


class Header(NamedTuple):
    section: str | None  # None: the dashboard
    period: Period
    source: str | None
    as_of: str  # UTC storage string of "now"
    today: date
    pipeline: Pipeline
    by: str = "month"
    #: Set for a report of the database as it was at ``as_of`` (``--as-of``, or a FUNNEL_NOW
    #: before the latest data): the leads shown with values older than their recorded history.
    older_values: int | None = None


class KpiReport(NamedTuple):
    header: Header
    leads: LeadsByBucket
    lead_to_opportunity: Rate
    win_rate: Rate
    sizes: list[DealSize]
    cycle: Cycle
    open: OpenOpportunities
    velocity: list[Velocity]
    forecast: list[ForecastLine]  # the whole period: (a) + (b) + (c) per currency
    left_out: dict[str, int]


class FunnelReport(NamedTuple):
    header: Header
    funnel: Funnel


class SourcesReport(NamedTuple):
    header: Header
    sources: list[SourceStats]


class MonthlyReport(NamedTuple):
    header: Header
    leads: LeadsByBucket


class ForecastReport(NamedTuple):
    header: Header
    method: str
    forecast: Forecast
    left_out: list[LeftOut]
    left_out_counts: dict[str, int]
    #: ``--method auto``: what the backtest chose (None: the method was not chosen by backtest).
    auto: Choice | None = None


class CycleReport(NamedTuple):
    header: Header
    cycle: Cycle
    stages: list[StageTime]


class PathsReport(NamedTuple):
    header: Header
    paths: Paths


class LostReport(NamedTuple):
    header: Header
    deals: int
    reasons: list[LostReason]


class AccuracyReport(NamedTuple):
    """The recorded forecasts against what was then won (the header's period: the days they
    were recorded)."""

    header: Header
    accuracy: Accuracy


class BacktestReport(NamedTuple):
    """Each forecast method and baseline at past cut-offs against what was then won (the
    header's period: the months or quarters whose ends are the cut-offs)."""

    header: Header
    backtest: Backtest


class DashboardForecast(NamedTuple):
    """The forecast of this month, next month, this quarter and next quarter."""

    spans: list[ForecastBucket]
    probabilities: list[StageProbability]
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
    | AccuracyReport
    | BacktestReport
    | Dashboard
)
