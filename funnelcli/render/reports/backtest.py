"""``funnel report backtest`` as JSON, CSV and blocks (a table per currency, the overall errors,
and a chart of each method's forecast against the actual per period); the note of
``--method auto`` in the forecast."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from funnelcli.i18n import _, codes, ngettext
from funnelcli.kpis.backtest import AUTO_MINIMUM, BASELINES, Choice, Line
from funnelcli.kpis.forecast import ForecastLine
from funnelcli.kpis.numbers import round_rate, to_cents
from funnelcli.kpis.reports import BacktestReport, ForecastReport
from funnelcli.money import to_decimal
from funnelcli.render.reports.blocks import Bar, Block, Grid, heading
from funnelcli.render.reports.json_values import money_json
from funnelcli.render.reports.words import (
    count,
    decimal_text,
    money,
    pct,
    plural,
    signed_pct,
)


def _cut_json(line: Line) -> dict[str, Any]:
    cut = line.cut_off
    return {
        "cut_off": cut.day.isoformat(),
        "label": cut.label,
        "from": cut.start.isoformat(),
        "to": cut.end.isoformat(),
        "currency": line.currency,
        "actual": money_json(line.actual),
    }


def backtest_body(report: BacktestReport) -> dict[str, Any]:
    t = report.backtest
    periods: list[dict[str, Any]] = []
    for line in t.lines:
        if not periods or (periods[-1]["cut_off"], periods[-1]["currency"]) != (
            line.cut_off.day.isoformat(),
            line.currency,
        ):
            periods.append({**_cut_json(line), "methods": []})
        periods[-1]["methods"].append(
            {
                "method": line.method,
                "baseline": line.method in BASELINES,
                "forecast": money_json(line.forecast),
                "error": money_json(line.error),
                "percentage_error": round_rate(line.percentage_error),
            }
        )
    return {
        "by": report.header.by,
        "methods": t.methods,
        "cut_offs": len(t.cut_offs),
        "pending": t.pending,
        "periods": periods,
        "overall": [
            {
                "currency": o.currency,
                "method": o.method,
                "baseline": o.method in BASELINES,
                "cut_offs": o.cut_offs,
                "mean_absolute_error": money_json(o.mean_absolute_error),
                "weighted_absolute_percentage_error": round_rate(
                    o.weighted_absolute_percentage_error
                ),
                "mean_absolute_percentage_error": round_rate(o.mean_absolute_percentage_error),
                "bias": money_json(o.bias),
            }
            for o in t.overall
        ],
    }


BACKTEST_KEYS = (
    "cut_off", "period", "from", "to", "currency", "method", "baseline", "forecast",
    "forecast_cents", "actual", "actual_cents", "error", "error_cents", "percentage_error",
)  # fmt: skip


def backtest_csv(report: BacktestReport) -> list[dict[str, Any]]:
    rows = []
    for line in report.backtest.lines:
        cut = line.cut_off
        row: dict[str, Any] = {
            "cut_off": cut.day.isoformat(),
            "period": cut.label,
            "from": cut.start.isoformat(),
            "to": cut.end.isoformat(),
            "currency": line.currency,
            "method": line.method,
            "baseline": line.method in BASELINES,
        }
        for name, cents in (("forecast", line.forecast), ("actual", line.actual)):
            whole = to_cents(cents)
            row |= {name: to_decimal(whole), f"{name}_cents": whole}
        error = to_cents(line.error)
        row |= {"error": to_decimal(error), "error_cents": error}
        row["percentage_error"] = round_rate(line.percentage_error)
        rows.append(row)
    return rows


def _pct_error(value: Fraction | None) -> str:
    return signed_pct(value, 0)


def backtest_blocks(report: BacktestReport) -> list[Block]:
    t = report.backtest
    blocks: list[Block] = [heading(report.header, _("Forecast backtest"))]
    notes = [
        _(
            "Forecast of the next period with the data as of each cut-off; actual = won in it, "
            "recurring billings included; error % = (forecast − actual) ÷ actual. Baselines: "
            "pipeline (× stage defaults), last_period, mean_of_4."
        )
    ]
    if t.pending:
        notes.append(
            ngettext(
                "{cut_offs} left out: the next period is not over yet.",
                "{cut_offs} left out: the next period is not over yet.",
                t.pending,
            ).format(cut_offs=plural(t.pending, "cut-off"))
        )
    if not t.lines:
        notes.insert(0, _("No cut-off to test: nothing was won or forecast in these periods."))
        return [*blocks, Grid(_("Backtest"), [_("Cut-off")], [], notes=notes)]
    for currency in sorted({line.currency for line in t.lines}):
        mine = [line for line in t.lines if line.currency == currency]
        blocks += _currency_blocks(report, currency, mine, notes)
    return blocks


def _currency_blocks(
    report: BacktestReport, currency: str, lines: list[Line], notes: list[str]
) -> list[Block]:
    t = report.backtest
    by_cut: dict[tuple[str, str], dict[str, Line]] = {}
    for line in lines:
        key = (line.cut_off.day.isoformat(), codes.period(line.cut_off.label))
        by_cut.setdefault(key, {})[line.method] = line
    rows: list[list[str | Bar]] = []
    for (day, label), methods in by_cut.items():
        first = next(iter(methods.values()))
        cells: list[str | Bar] = [day, label, money(first.actual)]
        for m in t.methods:
            cells += [money(methods[m].forecast), _pct_error(methods[m].percentage_error)]
        rows.append(cells)
    headers = [_("Cut-off"), _("Period"), _("Actual")]
    for m in t.methods:
        headers += [codes.method(m), _("err")]
    overall = [o for o in t.overall if o.currency == currency]
    summary: list[list[str | Bar]] = [
        [
            codes.method(o.method) + (" " + _("(baseline)") if o.method in BASELINES else ""),
            count(o.cut_offs),
            money(o.mean_absolute_error),
            pct(o.weighted_absolute_percentage_error),
            pct(o.mean_absolute_percentage_error),
            money(o.bias),
        ]
        for o in overall
    ]
    title = (
        _("{currency}: forecast of the next quarter at each cut-off")
        if report.header.by == "quarter"
        else _("{currency}: forecast of the next month at each cut-off")
    ).format(currency=currency)
    # Narrow terminals: the period and each method's error, without the forecasts themselves.
    narrow_rows: list[list[str | Bar]] = [[row[1], row[2], *row[4::2]] for row in rows]
    narrow = Grid(
        _("{title}: error %").format(title=title),
        [_("Period"), _("Actual"), *map(codes.short_method, t.methods)],
        narrow_rows,
        frozenset(range(1, 2 + len(t.methods))),
        notes=[
            *notes,
            _(
                "Each method's error {percent} only (last: last_period, mean4: mean_of_4): a "
                "wider terminal (or -f csv) shows the forecasts."
            ).format(percent="%"),  # a placeholder: "% o" would read as a printf format
        ],
    )
    return [
        Grid(title, headers, rows, frozenset(range(2, len(headers))), notes=notes, narrow=narrow),
        Grid(
            _("{currency}: overall").format(currency=currency),
            [_("Method"), _("Cut-offs"), _("Mean abs. error"), _("WAPE"), _("MAPE"), _("Bias")],
            summary,
            frozenset({1, 2, 3, 4, 5}),
        ),
        _chart(currency, by_cut, t.methods),
    ]


def _chart(
    currency: str, by_cut: dict[tuple[str, str], dict[str, Line]], methods: list[str]
) -> Grid:
    """Each period's actual and each method's forecast as bars on one scale."""
    values = [(label, m) for (_day, label), m in by_cut.items()]
    top = max(
        [abs(to_cents(x.forecast) or 0) for _label, m in values for x in m.values()]
        + [m[methods[0]].actual for _label, m in values]
        + [1]
    )
    rows: list[list[str | Bar]] = []
    for label, lines in values:
        actual = lines[methods[0]].actual
        rows.append([label, _("actual"), Bar((actual,), top), money(actual)])
        for m in methods:
            cents = max(to_cents(lines[m].forecast) or 0, 0)
            rows.append(["", codes.method(m), Bar((cents,), top), money(lines[m].forecast)])
    return Grid(
        _("{currency}: forecast against actual").format(currency=currency),
        [_("Period"), "", "", ""],
        rows,
        frozenset({3}),
    )


def auto_note(choice: Choice) -> str:
    """What ``--method auto`` did, for the forecast's table."""
    if choice.method is None:
        return _(
            "--method auto: only {cut_offs} with something won (4 needed) in the last 12 months "
            "before last month: the stage rule below is used."
        ).format(cut_offs=plural(choice.cut_offs, "monthly cut-off"))
    return _(
        "--method auto chose {method}: the lowest backtest error (WAPE {wape} over {cut_offs} "
        "with something won; see funnel report backtest)."
    ).format(
        method=codes.method(choice.method),
        wape=pct(choice.wape),
        cut_offs=plural(choice.cut_offs, "monthly cut-off"),
    )


def range_notes(choice: Choice, totals: Sequence[ForecastLine]) -> list[str]:
    """The forecast's range from the chosen method's backtest (or why there is none)."""
    if choice.method is None:
        return []
    if choice.range is None:
        return [
            _("No range: {forecasts} of {method} above 0 ({minimum} needed).").format(
                forecasts=plural(choice.ratios, "backtest forecast"),
                method=codes.method(choice.method),
                minimum=AUTO_MINIMUM,
            )
        ]
    low, high = choice.range
    spans = "; ".join(
        _("{currency} {low} to {high}").format(
            currency=line.currency, low=money(line.total * low), high=money(line.total * high)
        )
        for line in totals
    )
    return [
        _(
            "Range: {spans} (the total × {low} and × {high}, the 10th and 90th percentiles of "
            "actual ÷ forecast of {method} over {forecasts})."
        ).format(
            spans=spans,
            low=decimal_text(low, 2),
            high=decimal_text(high, 2),
            method=codes.method(choice.method),
            forecasts=plural(choice.ratios, "backtest forecast"),
        )
    ]


def auto_json(choice: Choice | None, totals: Sequence[ForecastLine] = ()) -> dict[str, Any] | None:
    if choice is None:
        return None
    bounds = None
    if choice.range is not None:
        low, high = choice.range
        bounds = {
            "low_ratio": round_rate(low),
            "high_ratio": round_rate(high),
            "forecasts": choice.ratios,
            "totals": [
                {
                    "currency": line.currency,
                    "low": money_json(line.total * low),
                    "high": money_json(line.total * high),
                }
                for line in totals
            ],
        }
    return {
        "chosen": choice.method,
        "cut_offs_with_actual": choice.cut_offs,
        "weighted_absolute_percentage_error": round_rate(choice.wape),
        "range": bounds,
    }


RANGE_KEYS = ("low", "low_cents", "high", "high_cents")


def with_range(
    r: ForecastReport, keys: Sequence[str], rows: list[dict[str, Any]]
) -> tuple[Sequence[str], list[dict[str, Any]]]:
    """The forecast's CSV, with the range's columns (filled on the total rows) when
    ``--method auto`` gave one."""
    if r.auto is None or r.auto.range is None:
        return keys, rows
    low, high = r.auto.range
    totals = {line.currency: line.total for line in r.forecast.totals}
    for row in rows:
        total = totals.get(row["currency"]) if row["period"] == "total" else None
        if total is not None:
            for prefix, factor in (("low", low), ("high", high)):
                cents = to_cents(total * factor)
                row[prefix], row[f"{prefix}_cents"] = to_decimal(cents), cents
    return (*keys, *RANGE_KEYS), rows
