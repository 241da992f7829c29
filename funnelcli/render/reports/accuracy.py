"""``funnel report accuracy`` as JSON, CSV and blocks (one module for the section: as_json and
as_csv are near the size limit)."""

from fractions import Fraction
from typing import Any

from funnelcli.i18n import _, codes, ngettext
from funnelcli.kpis.accuracy import Compared
from funnelcli.kpis.numbers import round_rate
from funnelcli.kpis.reports import AccuracyReport
from funnelcli.money import to_decimal
from funnelcli.render.reports.blocks import Block, Grid, heading
from funnelcli.render.reports.json_values import money_json
from funnelcli.render.reports.words import (
    count,
    money,
    pct,
    plural,
    signed_pct,
    source_label,
)


def _compared_json(c: Compared) -> dict[str, Any]:
    r = c.line
    return {
        "recorded_on": r.recorded_on,
        "as_of": r.as_of,
        "period": {"from": r.period_from, "to": r.period_to, "label": r.period_label},
        "by": r.by,
        "method": r.method,
        "label": r.bucket,
        "from": r.bucket_from,
        "to": r.bucket_to,
        "currency": r.currency,
        "forecast": money_json(r.total_cents),
        "pipeline": money_json(r.pipeline_cents),
        "recurring": money_json(r.recurring_cents),
        "won": money_json(r.won_cents),
        "actual": money_json(c.actual_cents),
        "error": money_json(c.error),
        "percentage_error": round_rate(c.percentage_error),
    }


def accuracy_body(report: AccuracyReport) -> dict[str, Any]:
    a = report.accuracy
    return {
        "snapshots": a.snapshots,
        "pending": a.pending,
        "periods": [_compared_json(c) for c in a.compared],
        "overall": [
            {
                "currency": o.currency,
                "periods": o.periods,
                "mean_absolute_error": money_json(o.mean_absolute_error),
                "weighted_absolute_percentage_error": round_rate(
                    o.weighted_absolute_percentage_error
                ),
                "bias": money_json(o.bias),
            }
            for o in a.overall
        ],
    }


ACCURACY_KEYS = (
    "recorded_on", "as_of", "method", "by", "period", "from", "to", "currency",
    "forecast", "forecast_cents", "actual", "actual_cents", "error", "error_cents",
    "percentage_error",
)  # fmt: skip


def accuracy_csv(report: AccuracyReport) -> list[dict[str, Any]]:
    rows = []
    for c in report.accuracy.compared:
        r = c.line
        row: dict[str, Any] = {
            "recorded_on": r.recorded_on,
            "as_of": r.as_of,
            "method": r.method,
            "by": r.by,
            "period": r.bucket,
            "from": r.bucket_from,
            "to": r.bucket_to,
            "currency": r.currency,
            "percentage_error": round_rate(c.percentage_error),
        }
        for name, cents in (("forecast", r.total_cents), ("actual", c.actual_cents)):
            row |= {name: to_decimal(cents), f"{name}_cents": cents}
        row |= {"error": to_decimal(c.error), "error_cents": c.error}
        rows.append(row)
    return rows


def _signed(cents: Fraction | int) -> str:
    text = money(cents)
    return text if cents < 0 else f"+{text}"


def accuracy_blocks(report: AccuracyReport) -> list[Block]:
    a = report.accuracy
    notes = [
        _(
            "Error = forecast − actual (+: the forecast was too high); actual = won in the "
            "period, recurring billings included."
        )
    ]
    if a.pending:
        notes.append(
            ngettext(
                "{lines} left out: their period is not over yet.",
                "{lines} left out: their period is not over yet.",
                a.pending,
            ).format(lines=plural(a.pending, "line"))
        )
    if not a.snapshots:
        notes = [
            _(
                "No forecast recorded in this period: record one with "
                "funnel report forecast --record (a weekly cron job: see docs/forecast.md)."
            )
        ]
    rows: list[list[Any]] = [
        [
            c.line.recorded_on,
            codes.method(c.line.method),
            c.line.bucket,
            c.line.currency,
            money(c.line.total_cents),
            money(c.actual_cents),
            _signed(c.error),
            signed_pct(c.percentage_error, 1),
        ]
        for c in a.compared
    ]
    overall: list[list[Any]] = [
        [
            o.currency,
            count(o.periods),
            money(o.mean_absolute_error),
            pct(o.weighted_absolute_percentage_error),
            _signed(o.bias),
        ]
        for o in a.overall
    ]
    source = source_label(report.header.source) if report.header.source else _("all sources")
    return [
        heading(report.header, _("Forecast accuracy")),
        Grid(
            _("Recorded forecasts ({snapshots}, {source}) against actuals").format(
                snapshots=plural(a.snapshots, "snapshot"), source=source
            ),
            [
                _("Recorded"),
                _("Method"),
                _("Period"),
                _("Cur."),
                _("Forecast"),
                _("Actual"),
                _("Error"),
                _("Error %"),
            ],
            rows,
            frozenset({4, 5, 6, 7}),
            notes=notes,
        ),
        Grid(
            _("Overall"),
            [
                _("Cur."),
                _("Periods"),
                _("Mean abs. error"),
                _("Weighted abs. {percent} error").format(percent="%"),
                _("Bias"),
            ],
            overall,
            frozenset({1, 2, 3, 4}),
        ),
    ]
