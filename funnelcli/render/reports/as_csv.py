"""The CSV rows of each report (a stable contract, like the JSON): one row per figure."""

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from funnelcli.kpis import reports as kr
from funnelcli.kpis.forecast import ForecastLine
from funnelcli.kpis.numbers import round_rate, to_cents
from funnelcli.money import to_decimal
from funnelcli.render.reports.accuracy import ACCURACY_KEYS, accuracy_csv
from funnelcli.render.reports.as_json import report_buckets, section_of
from funnelcli.render.reports.backtest import BACKTEST_KEYS, backtest_csv
from funnelcli.render.reports.json_values import days_json
from funnelcli.render.reports.words import NO_SOURCE, source_name


def _m(prefix: str, cents: Fraction | int | None) -> dict[str, Any]:
    whole = to_cents(cents)
    return {prefix: to_decimal(whole), f"{prefix}_cents": whole}


KPI_KEYS = ("kpi", "period", "source", "currency", "value", "cents", "numerator", "denominator")


def _kpi_row(kpi: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    return {"kpi": kpi, "value": value, **extra}


def _money_row(
    kpi: str, cents: Fraction | int | None, currency: str, **extra: Any
) -> dict[str, Any]:
    whole = to_cents(cents)
    return _kpi_row(kpi, to_decimal(whole), currency=currency, cents=whole, **extra)


def kpis_csv(r: kr.KpiReport) -> list[dict[str, Any]]:
    rows = [_kpi_row("leads_created", r.leads.total)]
    for label in r.leads.buckets:
        for source in r.leads.sources:
            rows.append(
                _kpi_row(
                    "leads_per_month",
                    r.leads.count(label, source),
                    period=label,
                    source=source_name(source),
                )
            )
    for name, rate in (("lead_to_opportunity", r.lead_to_opportunity), ("win_rate", r.win_rate)):
        rows.append(
            _kpi_row(
                name,
                round_rate(rate.value),
                numerator=rate.numerator,
                denominator=rate.denominator,
            )
        )
    for size in r.sizes:
        for name, cents in (
            ("won_deal_total", size.total_cents),
            ("won_deal_average", size.average),
            ("won_deal_median", size.median),
        ):
            rows.append(_money_row(name, cents, size.currency, denominator=size.with_amount))
    rows.append(
        _kpi_row(
            "sales_cycle_average_days", days_json(r.cycle.average_days), denominator=r.cycle.deals
        )
    )
    rows.append(
        _kpi_row(
            "sales_cycle_median_days", days_json(r.cycle.median_days), denominator=r.cycle.deals
        )
    )
    rows.append(_kpi_row("sales_cycle_left_out_estimated", r.cycle.estimated))
    rows.append(_kpi_row("open_opportunities", r.open.deals))
    for c in r.open.by_currency:
        rows.append(_kpi_row("open_opportunities", c.deals, currency=c.currency))
        for name, cents in (("open_total", c.total_cents), ("open_weighted", c.weighted)):
            rows.append(_money_row(name, cents, c.currency, denominator=c.with_amount))
    for v in r.velocity:
        rows.append(_money_row("sales_velocity_per_day", v.per_day, v.currency))
    for line in r.forecast:
        for name, cents in (
            ("forecast_pipeline", line.pipeline),
            ("forecast_recurring", line.recurring),
            ("forecast_won", line.won),
            ("forecast_total", line.total),
        ):
            rows.append(_money_row(name, cents, line.currency))
    return rows


def funnel_csv(r: kr.FunnelReport) -> list[dict[str, Any]]:
    return [
        {
            "stage": step.stage.name,
            "kind": step.stage.kind.value,
            "opportunity": step.stage.is_opportunity,
            "reached": step.reached,
            "conversion": round_rate(step.conversion.value) if step.conversion else None,
            "of_created": round_rate(step.of_created.value),
        }
        for step in r.funnel.steps
    ]


SOURCES_KEYS = (
    "source", "leads", "opportunities", "lead_to_opportunity", "won", "lost", "win_rate",
    "average_cycle_days", "median_cycle_days", "currency", "won_deals", "won_revenue",
    "won_revenue_cents", "average_deal", "average_deal_cents",
)  # fmt: skip


def sources_csv(r: kr.SourcesReport) -> list[dict[str, Any]]:
    rows = []
    for s in r.sources:
        base = {
            "source": source_name(s.source),
            "leads": s.leads,
            "opportunities": s.lead_to_opportunity.numerator,
            "lead_to_opportunity": round_rate(s.lead_to_opportunity.value),
            "won": s.won,
            "lost": s.lost,
            "win_rate": round_rate(s.win_rate.value),
            "average_cycle_days": days_json(s.cycle.average_days),
            "median_cycle_days": days_json(s.cycle.median_days),
        }
        if not s.sizes:
            rows.append(base)
        for z in s.sizes:
            rows.append(
                {
                    **base,
                    "currency": z.currency,
                    "won_deals": z.deals,
                    **_m("won_revenue", z.total_cents),
                    **_m("average_deal", z.average),
                }
            )
    return rows


def monthly_csv(r: kr.MonthlyReport) -> list[dict[str, Any]]:
    spans = {b.label: b for b in report_buckets(r.header)}
    return [
        {
            "period": label,
            "from": spans[label].start.isoformat(),
            "to": spans[label].end.isoformat(),
            "source": source_name(source),
            "leads": r.leads.count(label, source),
        }
        for label in r.leads.buckets
        for source in r.leads.sources
    ]


FORECAST_KEYS = (
    "period", "from", "to", "currency", "pipeline", "pipeline_cents", "recurring",
    "recurring_cents", "won", "won_cents", "total", "total_cents", "pipeline_deals",
    "billings", "won_deals", "won_left_out_estimated",
)  # fmt: skip


def _line_csv(label: str, start: Any, end: Any, line: ForecastLine) -> dict[str, Any]:
    return {
        "period": label,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "currency": line.currency,
        **_m("pipeline", line.pipeline),
        **_m("recurring", line.recurring),
        **_m("won", line.won),
        **_m("total", line.total),
        "pipeline_deals": line.pipeline_deals,
        "billings": line.billings,
        "won_deals": line.won_deals,
        "won_left_out_estimated": line.won_estimated,
    }


def forecast_csv(r: kr.ForecastReport) -> list[dict[str, Any]]:
    rows = [
        _line_csv(b.label, b.start, b.end, line)
        for b in r.forecast.buckets
        for line in b.by_currency
    ]
    if r.forecast.buckets:
        first, last = r.forecast.buckets[0].start, r.forecast.buckets[-1].end
        rows += [_line_csv("total", first, last, line) for line in r.forecast.totals]
    return rows


def cycle_csv(r: kr.CycleReport) -> list[dict[str, Any]]:
    rows = [
        {
            "stage": "(created to won)",
            "deals": r.cycle.deals,
            "average_days": days_json(r.cycle.average_days),
            "median_days": days_json(r.cycle.median_days),
        }
    ]
    rows += [
        {"stage": t.stage.name, "deals": t.deals, "average_days": days_json(t.average_days)}
        for t in r.stages
    ]
    return rows


PATHS_KEYS = (
    "source", "type", "won_with", "won_deals", "won_share", "lost_with", "lost_deals",
    "lost_share", "won_of_closed_with", "won_of_closed_without", "small_sample",
)  # fmt: skip


def paths_csv(r: kr.PathsReport) -> list[dict[str, Any]]:
    rows = []
    for label, stats in [("(all)", r.paths.overall)] + [
        (source_name(p.source), p) for p in r.paths.by_source
    ]:
        for t in stats.types:
            rows.append(
                {
                    "source": label,
                    "type": t.type,
                    "won_with": t.won_with.numerator,
                    "won_deals": t.won_with.denominator,
                    "won_share": round_rate(t.won_with.value),
                    "lost_with": t.lost_with.numerator,
                    "lost_deals": t.lost_with.denominator,
                    "lost_share": round_rate(t.lost_with.value),
                    "won_of_closed_with": round_rate(t.won_of_closed_with.value),
                    "won_of_closed_without": round_rate(t.won_of_closed_without.value),
                    "small_sample": t.won_of_closed_with.small_sample
                    or t.won_of_closed_without.small_sample,
                }
            )
    return rows


def lost_csv(r: kr.LostReport) -> list[dict[str, Any]]:
    rows = []
    for reason in r.reasons:
        base = {
            "reason": reason.reason or NO_SOURCE,
            "deals": reason.deals,
            "share": round_rate(reason.share.value),
        }
        for v in reason.by_currency:
            rows.append(
                {
                    **base,
                    "currency": v.currency,
                    "currency_deals": v.deals,
                    "deals_with_amount": v.with_amount,
                    **_m("value", v.amount_cents),
                }
            )
    return rows


def dashboard_csv(r: kr.Dashboard) -> list[dict[str, Any]]:
    return [
        *kpis_csv(r.kpis),
        _kpi_row("overdue_follow_ups", r.overdue),
        _kpi_row("data_quality_problems", r.problems),
    ]


_CSV: dict[str, tuple[Callable[[Any], list[dict[str, Any]]], Sequence[str]]] = {
    "kpis": (kpis_csv, KPI_KEYS),
    "funnel": (
        funnel_csv,
        ("stage", "kind", "opportunity", "reached", "conversion", "of_created"),
    ),
    "sources": (sources_csv, SOURCES_KEYS),
    "monthly": (monthly_csv, ("period", "from", "to", "source", "leads")),
    "forecast": (forecast_csv, FORECAST_KEYS),
    "cycle": (cycle_csv, ("stage", "deals", "average_days", "median_days")),
    "paths": (paths_csv, PATHS_KEYS),
    "lost": (
        lost_csv,
        (
            "reason",
            "deals",
            "share",
            "currency",
            "currency_deals",
            "deals_with_amount",
            "value",
            "value_cents",
        ),  # fmt: skip
    ),
    "dashboard": (dashboard_csv, KPI_KEYS),
    "accuracy": (accuracy_csv, ACCURACY_KEYS),
    "backtest": (backtest_csv, BACKTEST_KEYS),
}


def to_csv(report: kr.Report) -> tuple[Sequence[str], list[dict[str, Any]]]:
    keys: Sequence[str]
    if isinstance(report, kr.ForecastReport) and report.forecast.model is not None:
        from funnelcli.render.reports.model_json import model_csv  # only the model needs it

        keys, rows = model_csv(report, forecast_csv(report))
    else:
        make, keys = _CSV[section_of(report)]
        rows = make(report)
    if isinstance(report, kr.ForecastReport) and report.auto is not None:
        from funnelcli.render.reports.backtest import with_range  # only --method auto

        return with_range(report, keys, rows)
    return keys, rows
