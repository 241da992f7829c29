"""The stable JSON object of each report.

Instants are UTC ISO strings, days ISO dates, money ``{"cents": int, "amount": "12.50"}`` beside
its ``currency``, rates fractions 0..1 (4 decimals) with the counts they come from, undefined
values ``null`` -- a rate without data (denominator 0) and an amount without one are ``null``
as a whole, never an object of nulls. Probabilities are percents 0..100, as ``funnel stages``
and the lead records give them. See docs/formats.md for every shape.
"""

from collections.abc import Callable, Sequence
from typing import Any

from funnelcli.kpis import reports as kr
from funnelcli.kpis.deals import Cycle, DealSize
from funnelcli.kpis.forecast import MONTHS_BILLED, ForecastLine, LeftOut, StageProbability
from funnelcli.kpis.funnel import LeadsByBucket
from funnelcli.kpis.numbers import Rate, round_rate
from funnelcli.kpis.paths import PathStats
from funnelcli.periods import Bucket, buckets
from funnelcli.pipeline import Pipeline
from funnelcli.render.reports.json_text import OnePerLine
from funnelcli.render.reports.json_values import (
    days_json,
    header_json,
    money_json,
    percent_json,
    rate_json,
)


def _size_json(size: DealSize) -> dict[str, Any]:
    return {
        "currency": size.currency,
        "deals": size.deals,
        "deals_with_amount": size.with_amount,
        "total": money_json(size.total_cents),
        "average": money_json(size.average),
        "median": money_json(size.median),
    }


def _cycle_json(cycle: Cycle) -> dict[str, Any]:
    return {
        "deals": cycle.deals,
        "average_days": days_json(cycle.average_days),
        "median_days": days_json(cycle.median_days),
        "left_out_estimated": cycle.estimated,
    }


def _line_json(line: ForecastLine) -> dict[str, Any]:
    return {
        "currency": line.currency,
        "pipeline": money_json(line.pipeline),
        "recurring": money_json(line.recurring),
        "won": money_json(line.won),
        "total": money_json(line.total),
        "pipeline_deals": line.pipeline_deals,
        "billings": line.billings,
        "won_deals": line.won_deals,
        "won_left_out_estimated": line.won_estimated,
    }


def _probability_json(p: StageProbability) -> dict[str, Any]:
    return {
        "stage": p.stage.name,
        "default": percent_json(p.default),
        "closed_deals": p.closed,
        "won_deals": p.won,
        "empirical": percent_json(p.empirical),
        "used": p.used,
        "probability": percent_json(p.value),
    }


def _leads_json(leads: LeadsByBucket, buckets: Sequence[Bucket]) -> list[dict[str, Any]]:
    spans = {b.label: b for b in buckets}
    return [
        {
            "label": label,
            "from": spans[label].start.isoformat(),
            "to": spans[label].end.isoformat(),
            "leads": leads.bucket_total(label),
            "by_source": [{"source": s, "leads": leads.count(label, s)} for s in leads.sources],
        }
        for label in leads.buckets
    ]


def report_buckets(header: kr.Header) -> list[Bucket]:

    return buckets(header.period, header.by)


def _win_rate_json(rate: Rate) -> dict[str, Any] | None:
    shown = rate_json(rate)
    if shown is None:
        return None
    return {**shown, "won": rate.numerator, "lost": rate.denominator - rate.numerator}


def kpis_body(r: kr.KpiReport) -> dict[str, Any]:
    return {
        "leads_created": r.leads.total,
        "leads_per_month": _leads_json(r.leads, report_buckets(r.header)),
        "leads_per_month_left_out_estimated": r.leads.estimated,
        "lead_to_opportunity": rate_json(r.lead_to_opportunity),
        "win_rate": _win_rate_json(r.win_rate),
        "won_deal_size": [_size_json(s) for s in r.sizes],
        "sales_cycle": _cycle_json(r.cycle),
        "open_opportunities": {
            "deals": r.open.deals,
            "by_currency": [
                {
                    "currency": c.currency,
                    "deals": c.deals,
                    "deals_with_amount": c.with_amount,
                    "total": money_json(c.total_cents),
                    "weighted": money_json(c.weighted),
                }
                for c in r.open.by_currency
            ],
        },
        "sales_velocity": [
            {
                "currency": v.currency,
                "open_opportunities": v.open_opportunities,
                "win_rate": round_rate(v.win_rate),
                "average_won_deal": money_json(v.average_deal),
                "average_cycle_days": days_json(v.average_cycle_days),
                "per_day": money_json(v.per_day),
            }
            for v in r.velocity
        ],
        "forecast": {
            "from": r.header.period.start.isoformat(),
            "to": r.header.period.end.isoformat(),
            "by_currency": [_line_json(line) for line in r.forecast],
            "left_out": r.left_out,
        },
    }


def funnel_body(r: kr.FunnelReport) -> dict[str, Any]:
    return {
        "leads_created": r.funnel.leads,
        "stages": [
            {
                "stage": step.stage.name,
                "kind": step.stage.kind.value,
                "opportunity": step.stage.is_opportunity,
                "reached": step.reached,
                "conversion": rate_json(step.conversion),
                "of_created": rate_json(step.of_created),
            }
            for step in r.funnel.steps
        ],
    }


def sources_body(r: kr.SourcesReport) -> dict[str, Any]:
    return {
        "sources": [
            {
                "source": s.source,
                "leads": s.leads,
                "opportunities": s.lead_to_opportunity.numerator,
                "lead_to_opportunity": rate_json(s.lead_to_opportunity),
                "won": s.won,
                "lost": s.lost,
                "win_rate": rate_json(s.win_rate),
                "won_deal_size": [_size_json(z) for z in s.sizes],
                "sales_cycle": _cycle_json(s.cycle),
            }
            for s in r.sources
        ]
    }


def monthly_body(r: kr.MonthlyReport) -> dict[str, Any]:
    return {
        "by": r.header.by,
        "leads_created": r.leads.total,
        "sources": list(r.leads.sources),
        "periods": _leads_json(r.leads, report_buckets(r.header)),
        "left_out_estimated": r.leads.estimated,
    }


def _left_out_json(item: LeftOut, pipeline: Pipeline) -> dict[str, Any]:
    deal = item.deal
    return {
        "id": deal.id,
        "name": deal.name,
        "stage": pipeline.by_id(deal.stage_id).name,
        "currency": deal.currency,
        "amount": money_json(deal.amount_cents) if deal.amount_cents is not None else None,
        "expected_close": deal.expected_close.isoformat() if deal.expected_close else None,
        "reasons": list(item.reasons),
    }


def forecast_body(r: kr.ForecastReport) -> dict[str, Any]:
    if r.forecast.model is not None:
        from funnelcli.render.reports.model_json import model_body  # only the model needs it

        return model_body(r, _forecast_body(r))
    return _forecast_body(r)


def _forecast_body(r: kr.ForecastReport) -> dict[str, Any]:
    return {
        "by": r.header.by,
        "method": r.method,
        "auto": _auto(r),
        "periods": [
            {
                "label": b.label,
                "from": b.start.isoformat(),
                "to": b.end.isoformat(),
                "by_currency": [_line_json(line) for line in b.by_currency],
            }
            for b in r.forecast.buckets
        ],
        "totals": [_line_json(line) for line in r.forecast.totals],
        "probabilities": [_probability_json(p) for p in r.forecast.probabilities],
        "overrides": r.forecast.overrides,
        "months_billed": MONTHS_BILLED,
        "recurring_capped": r.forecast.capped,
        "left_out": {
            **r.left_out_counts,
            "list": OnePerLine(_left_out_json(item, r.header.pipeline) for item in r.left_out),
        },
    }


def cycle_body(r: kr.CycleReport) -> dict[str, Any]:
    return {
        **_cycle_json(r.cycle),
        "stages": [
            {
                "stage": t.stage.name,
                "deals": t.deals,
                "average_days": days_json(t.average_days),
            }
            for t in r.stages
        ],
    }


def _path_stats_json(p: PathStats) -> dict[str, Any]:
    return {
        "closed_deals": p.won + p.lost,
        "won": p.won,
        "lost": p.lost,
        "won_of_closed": rate_json(p.won_of_closed, small=True),
        "small_sample": p.small_sample,
        "actions_before_win": days_json(p.actions_before_win),
        "actions_before_loss": days_json(p.actions_before_loss),
        "types": [
            {
                "type": t.type,
                "won_with": rate_json(t.won_with, small=True),
                "lost_with": rate_json(t.lost_with, small=True),
                "won_of_closed_with": rate_json(t.won_of_closed_with, small=True),
                "won_of_closed_without": rate_json(t.won_of_closed_without, small=True),
            }
            for t in p.types
        ],
        "won_sequences": [
            {"sequence": list(s.sequence), "deals": s.share.numerator, "share": rate_json(s.share)}
            for s in p.won_sequences
        ],
        "lost_sequences": [
            {"sequence": list(s.sequence), "deals": s.share.numerator, "share": rate_json(s.share)}
            for s in p.lost_sequences
        ],
    }


def paths_body(r: kr.PathsReport) -> dict[str, Any]:
    return {
        **_path_stats_json(r.paths.overall),
        "by_source": [{"source": p.source, **_path_stats_json(p)} for p in r.paths.by_source],
    }


def lost_body(r: kr.LostReport) -> dict[str, Any]:
    return {
        "lost_deals": r.deals,
        "reasons": [
            {
                "reason": reason.reason,
                "deals": reason.deals,
                "share": rate_json(reason.share),
                "by_currency": [
                    {
                        "currency": v.currency,
                        "deals": v.deals,
                        "deals_with_amount": v.with_amount,
                        "value": money_json(v.amount_cents),
                    }
                    for v in reason.by_currency
                ],
            }
            for reason in r.reasons
        ],
    }


def dashboard_body(r: kr.Dashboard) -> dict[str, Any]:
    names = ("this_month", "next_month", "this_quarter", "next_quarter")
    return {
        "kpis": kpis_body(r.kpis),
        "funnel": funnel_body(r.funnel),
        "monthly": monthly_body(r.monthly),
        "forecast": {
            "periods": [
                {
                    "name": name,
                    "label": span.label,
                    "from": span.start.isoformat(),
                    "to": span.end.isoformat(),
                    "by_currency": [_line_json(line) for line in span.by_currency],
                }
                for name, span in zip(names, r.forecast.spans, strict=True)
            ],
            "probabilities": [_probability_json(p) for p in r.forecast.probabilities],
            "left_out": r.forecast.left_out,
        },
        "overdue_follow_ups": r.overdue,
        "data_quality_problems": r.problems,
    }


_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "kpis": kpis_body,
    "funnel": funnel_body,
    "sources": sources_body,
    "monthly": monthly_body,
    "forecast": forecast_body,
    "cycle": cycle_body,
    "paths": paths_body,
    "lost": lost_body,
    "dashboard": dashboard_body,
    "accuracy": lambda r: _accuracy_body(r),
    "backtest": lambda r: _backtest_body(r),
}


def _backtest_body(r: kr.BacktestReport) -> dict[str, Any]:
    from funnelcli.render.reports.backtest import backtest_body  # only this section needs it

    return backtest_body(r)


def _auto(r: kr.ForecastReport) -> dict[str, Any] | None:
    """What ``--method auto`` chose (null without it)."""
    if r.auto is None:
        return None
    from funnelcli.render.reports.backtest import auto_json

    return auto_json(r.auto, r.forecast.totals)


def _accuracy_body(r: kr.AccuracyReport) -> dict[str, Any]:
    from funnelcli.render.reports.accuracy import accuracy_body  # only this section needs it

    return accuracy_body(r)


def section_of(report: kr.Report) -> str:
    return report.header.section or "dashboard"


def to_json(report: kr.Report) -> dict[str, Any]:
    """The stable JSON object of a report (see the README for each section's shape)."""
    section = section_of(report)
    return {**header_json(report.header, section), **_BODIES[section](report)}
