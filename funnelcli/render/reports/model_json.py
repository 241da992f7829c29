"""The JSON and CSV additions of ``report forecast --method model`` (imported only by it)."""

from typing import Any

from funnelcli.kpis.forecast import Forecast, ForecastLine
from funnelcli.kpis.model import MONTHS_BILLED, ModelFacts, ModelStage, age_bands
from funnelcli.kpis.numbers import to_cents
from funnelcli.kpis.reports import ForecastReport
from funnelcli.money import to_decimal
from funnelcli.render.reports.json_values import days_json, money_json, percent_json

#: The CSV columns a model's forecast line adds (after the other methods' columns).
CSV_KEYS = (
    "pipeline_estimated", "pipeline_estimated_cents", "new_business", "new_business_cents",
    "estimated_deals",
)  # fmt: skip


def line_json(line: ForecastLine) -> dict[str, Any]:
    return {
        "pipeline_estimated": money_json(line.estimated),
        "new_business": money_json(line.new_business),
        "estimated_deals": line.estimated_deals,
    }


def line_csv(line: ForecastLine) -> dict[str, Any]:
    estimated, new = to_cents(line.estimated), to_cents(line.new_business)
    return {
        "pipeline_estimated": to_decimal(estimated),
        "pipeline_estimated_cents": estimated,
        "new_business": to_decimal(new),
        "new_business_cents": new,
        "estimated_deals": line.estimated_deals,
    }


def _stage_json(s: ModelStage) -> dict[str, Any]:
    return {
        "stage": s.stage.name,
        "default": percent_json(s.default),
        "observed": s.cohort.observed,
        "won_in_window": s.cohort.won_total,
        "rate": percent_json(s.cohort.rate),
        "used": "history" if s.used == "model" else "stage",
        "probability": percent_json(s.value),
        "by_age": [
            {
                "days_at_stage": {"from": low, "to": high},
                "observed": band.observed,
                "won_in_window": band.won_total,
                "rate": percent_json(band.rate),
            }
            for (low, high), band in zip(age_bands(), s.bands, strict=True)
        ],
    }


def model_json(f: Forecast) -> dict[str, Any]:
    facts: ModelFacts = f.model
    return {
        "window_days": {"from": facts.window.start, "to": facts.window.end},
        "reference_cut_offs": facts.references,
        "stages": [_stage_json(s) for s in facts.stages],
        "new_leads": {
            "observed": facts.new_leads.observed,
            "won_in_window": facts.new_leads.won_total,
            "rate": percent_json(facts.new_leads.rate),
            "probability": percent_json(facts.new_rate),
        },
        "new_business": [
            {
                "currency": n.currency,
                "leads": n.leads,
                "leads_per_month": days_json(n.leads_per_month),
                "mean_amount": money_json(n.mean_amount),
                "revenue": money_json(n.revenue),
            }
            for n in facts.new_business
        ],
        "months_billed": MONTHS_BILLED,
        "recurring_capped": facts.capped,
        "unplaced": facts.unplaced,
    }


def _lines(r: ForecastReport) -> list[ForecastLine]:
    """Every line in the order the JSON periods and the CSV rows list them, totals last."""
    return [line for b in r.forecast.buckets for line in b.by_currency] + r.forecast.totals


def model_body(r: ForecastReport, body: dict[str, Any]) -> dict[str, Any]:
    """The other methods' body, each line with the model's parts, and what the model learnt."""
    lines = iter(_lines(r))
    for period in body["periods"]:
        for item in period["by_currency"]:
            item.update(line_json(next(lines)))
    for item in body["totals"]:
        item.update(line_json(next(lines)))
    return {**body, "model": model_json(r.forecast)}


def model_csv(
    r: ForecastReport, rows: list[dict[str, Any]]
) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    from funnelcli.render.reports.as_csv import FORECAST_KEYS

    for row, line in zip(rows, _lines(r), strict=True):
        row.update(line_csv(line))
    return (*FORECAST_KEYS, *CSV_KEYS), rows
