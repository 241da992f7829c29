"""Drawing the reports: JSON and CSV (stable contracts), plain text, Rich, and ``--save``.

A report is first laid out as a list of simple blocks (:class:`Heading`, :class:`Facts`,
:class:`Grid`, :class:`Note`); two backends draw them: plain text for pipes and cron mails (no
ANSI codes, no box drawing, no Rich import) and Rich on a terminal (panels, tables, coloured
bars). ``--save`` draws the same blocks on a recording Rich console and exports SVG or HTML.

JSON: instants are UTC ISO strings, days ISO dates, money ``{"cents": int, "amount": "12.50"}``
beside its ``currency``, rates fractions 0..1 (4 decimals) with the counts they come from,
undefined values ``null``. See the README's report section for every shape.
"""

import io
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from funnelcli import kpis, outfiles
from funnelcli.errors import UsageError
from funnelcli.kpis import Rate, round_rate, to_cents
from funnelcli.money import format_money, to_decimal
from funnelcli.render import Format, Output
from funnelcli.text import one_line

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.services.reports import (
        CycleReport,
        Dashboard,
        ForecastReport,
        FunnelReport,
        Header,
        KpiReport,
        LostReport,
        MonthlyReport,
        PathsReport,
        SourcesReport,
    )

DASH = "—"
NO_SOURCE = "(none)"
#: Rows of the left-out list drawn in a table (JSON lists them all).
LEFT_OUT_SHOWN = 15
BAR_WIDTH = 30
#: Columns of sources in the dashboard's monthly table (the rest are summed in "others").
DASHBOARD_SOURCES = 3
SMALL = "*"


# --------------------------------------------------------------------------- formatting


def pct(value: Fraction | float | None) -> str:
    if value is None:
        return DASH
    return f"{float(value) * 100:.1f}%"


def rate_text(rate: Rate | None) -> str:
    return DASH if rate is None else pct(rate.value)


def count(n: int | None) -> str:
    return DASH if n is None else f"{n:,}"


def money(cents: Fraction | int | None, currency: str | None = None) -> str:
    if cents is None:
        return DASH
    return format_money(to_cents(cents), currency)


def plural(n: int, word: str) -> str:
    return f"{count(n)} {word}{'' if n == 1 else 's'}"


def days_text(value: Fraction | None) -> str:
    return DASH if value is None else f"{float(value):.1f} d"


def source_name(source: str | None) -> str:
    return NO_SOURCE if source is None else source


def sequence_text(sequence: Sequence[str]) -> str:
    return " → ".join(sequence) if sequence else "(no actions)"


# --------------------------------------------------------------------------- JSON pieces


def money_json(cents: Fraction | int | None) -> dict[str, Any]:
    whole = to_cents(cents)
    return {"cents": whole, "amount": to_decimal(whole)}


def rate_json(rate: Rate | None, *, small: bool = False) -> dict[str, Any] | None:
    if rate is None:
        return None
    out: dict[str, Any] = {
        "rate": round_rate(rate.value),
        "numerator": rate.numerator,
        "denominator": rate.denominator,
    }
    if small:
        out["small_sample"] = rate.small_sample
    return out


def days_json(value: Fraction | None) -> float | None:
    return None if value is None else round_rate(value, 2)


def header_json(header: "Header", section: str) -> dict[str, Any]:
    return {
        "section": section,
        "period": {
            "from": header.period.start.isoformat(),
            "to": header.period.end.isoformat(),
            "label": header.period.label,
        },
        "source": header.source,
        "as_of": header.as_of,
    }


def _size_json(size: kpis.DealSize) -> dict[str, Any]:
    return {
        "currency": size.currency,
        "deals": size.deals,
        "deals_with_amount": size.with_amount,
        "total": money_json(size.total_cents),
        "average": money_json(size.average),
        "median": money_json(size.median),
    }


def _cycle_json(cycle: kpis.Cycle) -> dict[str, Any]:
    return {
        "deals": cycle.deals,
        "average_days": days_json(cycle.average_days),
        "median_days": days_json(cycle.median_days),
    }


def _line_json(line: kpis.ForecastLine) -> dict[str, Any]:
    return {
        "currency": line.currency,
        "pipeline": money_json(line.pipeline),
        "recurring": money_json(line.recurring),
        "won": money_json(line.won),
        "total": money_json(line.total),
        "pipeline_deals": line.pipeline_deals,
        "billings": line.billings,
        "won_deals": line.won_deals,
    }


def _probability_json(p: kpis.StageProbability) -> dict[str, Any]:
    return {
        "stage": p.stage.name,
        "default": round_rate(p.default),
        "closed_deals": p.closed,
        "won_deals": p.won,
        "empirical": round_rate(p.empirical),
        "used": p.used,
        "probability": round_rate(p.value),
    }


def _leads_json(leads: kpis.LeadsByBucket, buckets: Sequence[Any]) -> list[dict[str, Any]]:
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


def _buckets(header: "Header") -> list[Any]:
    from funnelcli.periods import buckets

    return buckets(header.period, header.by)


def kpis_body(r: "KpiReport") -> dict[str, Any]:
    return {
        "leads_created": r.leads.total,
        "leads_per_month": _leads_json(r.leads, _buckets(r.header)),
        "lead_to_opportunity": rate_json(r.lead_to_opportunity),
        "win_rate": {
            **(rate_json(r.win_rate) or {}),
            "won": r.win_rate.numerator,
            "lost": r.win_rate.denominator - r.win_rate.numerator,
        },
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


def funnel_body(r: "FunnelReport") -> dict[str, Any]:
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


def sources_body(r: "SourcesReport") -> dict[str, Any]:
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


def monthly_body(r: "MonthlyReport") -> dict[str, Any]:
    return {
        "by": r.header.by,
        "leads_created": r.leads.total,
        "sources": list(r.leads.sources),
        "periods": _leads_json(r.leads, _buckets(r.header)),
    }


def _left_out_json(item: kpis.LeftOut, ladder: kpis.Ladder) -> dict[str, Any]:
    deal = item.deal
    return {
        "id": deal.id,
        "name": deal.name,
        "stage": ladder.stage(deal.stage_id).name,
        "currency": deal.currency,
        "amount": money_json(deal.amount_cents) if deal.amount_cents is not None else None,
        "expected_close": deal.expected_close.isoformat() if deal.expected_close else None,
        "reasons": list(item.reasons),
    }


def forecast_body(r: "ForecastReport") -> dict[str, Any]:
    return {
        "by": r.header.by,
        "method": r.method,
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
        "left_out": {
            **r.left_out_counts,
            "list": OnePerLine(_left_out_json(item, r.header.ladder) for item in r.left_out),
        },
    }


def cycle_body(r: "CycleReport") -> dict[str, Any]:
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


def _path_stats_json(p: kpis.PathStats) -> dict[str, Any]:
    return {
        "closed_deals": p.won + p.lost,
        "won": p.won,
        "lost": p.lost,
        "win_rate": rate_json(p.win_rate, small=True),
        "small_sample": p.small_sample,
        "actions_before_win": days_json(p.actions_before_win),
        "actions_before_loss": days_json(p.actions_before_loss),
        "types": [
            {
                "type": t.type,
                "won_with": rate_json(t.won_with, small=True),
                "lost_with": rate_json(t.lost_with, small=True),
                "win_rate_with": rate_json(t.win_rate_with, small=True),
                "win_rate_without": rate_json(t.win_rate_without, small=True),
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


def paths_body(r: "PathsReport") -> dict[str, Any]:
    return {
        **_path_stats_json(r.paths.overall),
        "by_source": [{"source": p.source, **_path_stats_json(p)} for p in r.paths.by_source],
    }


def lost_body(r: "LostReport") -> dict[str, Any]:
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


def dashboard_body(r: "Dashboard") -> dict[str, Any]:
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
}


def section_of(report: Any) -> str:
    return report.header.section or "dashboard"


def to_json(report: Any) -> dict[str, Any]:
    """The stable JSON object of a report (see the README for each section's shape)."""
    section = section_of(report)
    return {**header_json(report.header, section), **_BODIES[section](report)}


# --------------------------------------------------------------------------- CSV


def _m(prefix: str, cents: Fraction | int | None) -> dict[str, Any]:
    whole = to_cents(cents)
    return {prefix: to_decimal(whole), f"{prefix}_cents": whole}


KPI_KEYS = ("kpi", "period", "source", "currency", "value", "cents", "numerator", "denominator")


def _kpi_row(kpi: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    return {"kpi": kpi, "value": value, **extra}


def kpis_csv(r: "KpiReport") -> list[dict[str, Any]]:
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
            whole = to_cents(cents)
            rows.append(
                _kpi_row(
                    name,
                    to_decimal(whole),
                    currency=size.currency,
                    cents=whole,
                    denominator=size.with_amount,
                )
            )
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
    rows.append(_kpi_row("open_opportunities", r.open.deals))
    for c in r.open.by_currency:
        rows.append(_kpi_row("open_opportunities", c.deals, currency=c.currency))
        for name, cents in (("open_total", c.total_cents), ("open_weighted", c.weighted)):
            whole = to_cents(cents)
            rows.append(
                _kpi_row(
                    name,
                    to_decimal(whole),
                    currency=c.currency,
                    cents=whole,
                    denominator=c.with_amount,
                )
            )
    for v in r.velocity:
        whole = to_cents(v.per_day)
        rows.append(
            _kpi_row("sales_velocity_per_day", to_decimal(whole), currency=v.currency, cents=whole)
        )
    for line in r.forecast:
        for name, cents in (
            ("forecast_pipeline", line.pipeline),
            ("forecast_recurring", line.recurring),
            ("forecast_won", line.won),
            ("forecast_total", line.total),
        ):
            whole = to_cents(cents)
            rows.append(_kpi_row(name, to_decimal(whole), currency=line.currency, cents=whole))
    return rows


def funnel_csv(r: "FunnelReport") -> list[dict[str, Any]]:
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


def sources_csv(r: "SourcesReport") -> list[dict[str, Any]]:
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


def monthly_csv(r: "MonthlyReport") -> list[dict[str, Any]]:
    spans = {b.label: b for b in _buckets(r.header)}
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
    "billings", "won_deals",
)  # fmt: skip


def _line_csv(label: str, start: Any, end: Any, line: kpis.ForecastLine) -> dict[str, Any]:
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
    }


def forecast_csv(r: "ForecastReport") -> list[dict[str, Any]]:
    rows = [
        _line_csv(b.label, b.start, b.end, line)
        for b in r.forecast.buckets
        for line in b.by_currency
    ]
    if r.forecast.buckets:
        first, last = r.forecast.buckets[0].start, r.forecast.buckets[-1].end
        rows += [_line_csv("total", first, last, line) for line in r.forecast.totals]
    return rows


def cycle_csv(r: "CycleReport") -> list[dict[str, Any]]:
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
    "lost_share", "win_rate_with", "win_rate_without", "small_sample",
)  # fmt: skip


def paths_csv(r: "PathsReport") -> list[dict[str, Any]]:
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
                    "win_rate_with": round_rate(t.win_rate_with.value),
                    "win_rate_without": round_rate(t.win_rate_without.value),
                    "small_sample": t.win_rate_with.small_sample or t.win_rate_without.small_sample,
                }
            )
    return rows


def lost_csv(r: "LostReport") -> list[dict[str, Any]]:
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


def dashboard_csv(r: "Dashboard") -> list[dict[str, Any]]:
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
}


def to_csv(report: Any) -> tuple[Sequence[str], list[dict[str, Any]]]:
    make, keys = _CSV[section_of(report)]
    return keys, make(report)


# --------------------------------------------------------------------------- blocks


class Heading(NamedTuple):
    text: str
    detail: str = ""


class Facts(NamedTuple):
    """Label → value lines (the KPI panel)."""

    title: str
    rows: list[tuple[str, str]]


class Bar(NamedTuple):
    """A bar in a table cell: stacked ``parts`` (one per colour) on a scale of ``maximum``."""

    parts: tuple[int, ...]
    maximum: int
    width: int = BAR_WIDTH

    def length(self, value: int) -> int:
        if self.maximum <= 0:
            return 0
        return round(value * self.width / self.maximum)


class Grid(NamedTuple):
    title: str
    headers: list[str]
    rows: list[list[str | Bar]]
    right: frozenset[int] = frozenset()
    notes: Sequence[str] = ()
    legend: Sequence[str] = ()  # names of the stacked bars' parts


class Note(NamedTuple):
    text: str


Block = Heading | Facts | Grid | Note


def _heading(header: "Header", title: str) -> Heading:
    from funnelcli.dates import format_local

    source = f"source {header.source}" if header.source else "all sources"
    period = header.period
    span = f"{period.start.isoformat()} to {period.end.isoformat()}"
    label = f" ({period.label})" if not period.label.startswith(period.start.isoformat()) else ""
    return Heading(title, f"{span}{label} · {source} · as of {format_local(header.as_of)}")


def _kpi_facts(
    r: "KpiReport",
    overdue: int | None = None,
    problems: int | None = None,
    *,
    dashboard: bool = False,
) -> Facts:
    rows: list[tuple[str, str]] = [("Leads created", count(r.leads.total))]
    l2o = r.lead_to_opportunity
    rows.append(
        (
            "Lead → opportunity",
            f"{rate_text(l2o)}  ({count(l2o.numerator)} of {count(l2o.denominator)} leads)",
        )
    )
    wr = r.win_rate
    rows.append(
        (
            "Win rate",
            f"{rate_text(wr)}  ({count(wr.numerator)} won, "
            f"{count(wr.denominator - wr.numerator)} lost opportunities)",
        )
    )
    if not r.sizes:
        rows.append(("Average won deal", f"{DASH}  (no deal won)"))
    for size in r.sizes:
        rows.append(
            (
                f"Average won deal {size.currency}",
                f"{money(size.average, size.currency)}  median {money(size.median)}"
                f" · {plural(size.with_amount, 'deal')}",
            )
        )
    rows.append(
        (
            "Sales cycle",
            f"{days_text(r.cycle.average_days)}  median {days_text(r.cycle.median_days)}"
            f" · {plural(r.cycle.deals, 'deal')}",
        )
    )
    rows.append(("Open opportunities", count(r.open.deals)))
    for c in r.open.by_currency:
        rows.append(
            (
                f"  {c.currency}",
                f"{money(c.total_cents, c.currency)} · weighted {money(c.weighted)}"
                f" · {plural(c.deals, 'deal')}",
            )
        )
    for v in r.velocity:
        rows.append(
            (
                f"Sales velocity {v.currency}",
                f"{money(v.per_day, v.currency)} per day" if v.per_day is not None else DASH,
            )
        )
    if not dashboard:
        for line in r.forecast:
            rows.append(
                (
                    f"Forecast {line.currency}",
                    f"{money(line.total, line.currency)}  (pipeline {money(line.pipeline)}"
                    f" + recurring {money(line.recurring)} + won {money(line.won)})",
                )
            )
    if dashboard:
        rows.append(("Overdue follow-ups", count(overdue or 0)))
        rows.append(("Data problems", f"{count(problems or 0)}  (see: funnel check)"))
    return Facts("KPIs", rows)


def _funnel_grid(r: "FunnelReport") -> Grid:
    top = max((s.reached for s in r.funnel.steps), default=0)
    rows: list[list[str | Bar]] = [
        [
            step.stage.name,
            count(step.reached),
            rate_text(step.conversion) if step.conversion else "",
            rate_text(step.of_created),
            Bar((step.reached,), top),
        ]
        for step in r.funnel.steps
    ]
    return Grid(
        f"Funnel · {count(r.funnel.leads)} leads created",
        ["Stage", "Reached", "From previous", "Of created", ""],
        rows,
        frozenset({1, 2, 3}),
    )


def _monthly_grid(leads: kpis.LeadsByBucket, *, limit: int | None = None) -> Grid:
    sources = leads.sources if limit is None else leads.sources[:limit]
    others = [] if limit is None else leads.sources[limit:]
    headers = ["Period", *(source_name(s)[:12] for s in sources)]
    if others:
        headers.append("others")
    headers += ["Total", ""]
    top = max((leads.bucket_total(b) for b in leads.buckets), default=0)
    rows: list[list[str | Bar]] = []
    for label in leads.buckets:
        parts = [leads.count(label, s) for s in sources]
        row: list[str | Bar] = [label, *(count(n) for n in parts)]
        if others:
            rest = sum(leads.count(label, s) for s in others)
            parts.append(rest)
            row.append(count(rest))
        row += [count(leads.bucket_total(label)), Bar(tuple(parts), top)]
        rows.append(row)
    legend = [source_name(s) for s in sources] + (["others"] if others else [])
    return Grid(
        "Leads created per month by source",
        headers,
        rows,
        frozenset(range(1, len(headers) - 1)),
        legend=legend,
    )


def _line_cells(line: kpis.ForecastLine) -> list[str | Bar]:
    return [
        line.currency,
        money(line.pipeline),
        money(line.recurring),
        money(line.won),
        money(line.total),
    ]


FORECAST_HEADERS = ["Period", "Cur.", "Pipeline (a)", "Recurring (b)", "Won (c)", "Total"]


def _forecast_rows(spans: Sequence[tuple[str, kpis.ForecastBucket]]) -> list[list[str | Bar]]:
    rows: list[list[str | Bar]] = []
    for label, bucket in spans:
        lines = bucket.by_currency
        if not lines:
            rows.append([label, DASH, DASH, DASH, DASH, DASH])
        for i, line in enumerate(lines):
            rows.append([label if i == 0 else "", *_line_cells(line)])
    return rows


def _left_out_note(counts: dict[str, int]) -> str:
    if not counts.get("deals"):
        return "No open deal is left out of the forecast."
    parts = [
        f"{count(counts[key])} {kpis.REASONS[key]}"
        for key in ("no_amount", "no_expected_close", "expected_close_past")
        if counts.get(key)
    ]
    return (
        f"Left out of the forecast: {plural(counts['deals'], 'open deal')} ({', '.join(parts)}); "
        "see: funnel report forecast"
    )


def _probability_note(probabilities: Sequence[kpis.StageProbability]) -> str:
    parts = [
        f"{p.stage.name} {pct(p.value)} ({'history' if p.used == 'history' else 'stage default'})"
        for p in probabilities
    ]
    return "Win probability by stage: " + ", ".join(parts)


def dashboard_blocks(r: "Dashboard") -> list[Block]:
    names = ("This month", "Next month", "This quarter", "Next quarter")
    spans = [(f"{n} {s.label}", s) for n, s in zip(names, r.forecast.spans, strict=True)]
    return [
        _heading(r.header, "Sales dashboard"),
        _kpi_facts(r.kpis, r.overdue, r.problems, dashboard=True),
        _funnel_grid(r.funnel),
        _monthly_grid(r.monthly.leads, limit=DASHBOARD_SOURCES),
        Grid(
            "Forecast",
            FORECAST_HEADERS,
            _forecast_rows(spans),
            frozenset({2, 3, 4, 5}),
            notes=[_left_out_note(r.forecast.left_out)],
        ),
    ]


def kpis_blocks(r: "KpiReport") -> list[Block]:
    return [
        _heading(r.header, "KPIs"),
        _kpi_facts(r),
        _monthly_grid(r.leads),
        Note(_left_out_note(r.left_out)),
    ]


def funnel_blocks(r: "FunnelReport") -> list[Block]:
    return [_heading(r.header, "Funnel"), _funnel_grid(r)]


def sources_blocks(r: "SourcesReport") -> list[Block]:
    rows: list[list[str | Bar]] = []
    for s in r.sources:
        base: list[str | Bar] = [
            source_name(s.source),
            count(s.leads),
            rate_text(s.lead_to_opportunity),
            count(s.won),
            count(s.lost),
            rate_text(s.win_rate),
            days_text(s.cycle.average_days),
        ]
        if not s.sizes:
            rows.append([*base, DASH, DASH])
        for i, z in enumerate(s.sizes):
            cells = base if i == 0 else [""] * len(base)
            rows.append([*cells, money(z.total_cents, z.currency), money(z.average, z.currency)])
    return [
        _heading(r.header, "Sources"),
        Grid(
            "Per source",
            [
                "Source",
                "Leads",
                "→ Opp.",
                "Won",
                "Lost",
                "Win rate",
                "Cycle",
                "Won revenue",
                "Avg deal",
            ],
            rows,
            frozenset(range(1, 9)),
            notes=["Leads: created in the period; won, lost, revenue and cycle: closed in it."],
        ),
    ]


def monthly_blocks(r: "MonthlyReport") -> list[Block]:
    grid = _monthly_grid(r.leads)
    title = "Leads created per quarter by source" if r.header.by == "quarter" else grid.title
    return [
        _heading(r.header, "Leads per month"),
        Grid(title, grid.headers, grid.rows, grid.right, legend=grid.legend),
    ]


def forecast_blocks(r: "ForecastReport") -> list[Block]:
    f = r.forecast
    spans = [(b.label, b) for b in f.buckets]
    total = (
        kpis.combine(f.buckets, "Total", f.buckets[0].start, f.buckets[-1].end)
        if f.buckets
        else None
    )
    rows = _forecast_rows(spans)
    if total is not None and len(f.buckets) > 1:
        rows += _forecast_rows([("Total", total)])
    blocks: list[Block] = [
        _heading(r.header, "Revenue forecast"),
        Grid(
            "Forecast",
            FORECAST_HEADERS,
            rows,
            frozenset({2, 3, 4, 5}),
            notes=[
                "(a) open deals expected to close then, × win probability; (b) recurring "
                "billings of won monthly/quarterly/yearly deals; (c) already won.",
            ],
        ),
        Grid(
            f"Win probability by stage (method: {r.method})",
            ["Stage", "Default", "Closed deals", "Won", "Empirical", "Used"],
            [
                [
                    p.stage.name,
                    pct(p.default),
                    count(p.closed),
                    count(p.won),
                    pct(p.empirical),
                    f"{pct(p.value)} ({'history' if p.used == 'history' else 'stage default'})",
                ]
                for p in f.probabilities
            ],
            frozenset({1, 2, 3, 4}),
            notes=[
                f"History is used when at least {kpis.EMPIRICAL_MINIMUM} closed deals reached "
                f"the stage; {plural(f.overrides, 'deal')} weighted by its own override.",
            ],
        ),
    ]
    if r.left_out:
        shown = r.left_out[:LEFT_OUT_SHOWN]
        notes = []
        if len(r.left_out) > len(shown):
            notes.append(
                f"… and {count(len(r.left_out) - len(shown))} more (all in --format json)."
            )
        blocks.append(
            Grid(
                f"Left out of the forecast: {plural(len(r.left_out), 'open deal')}",
                ["ID", "Name", "Stage", "Amount", "Expected close", "Why"],
                [
                    [
                        str(item.deal.id),
                        item.deal.name[:30],
                        r.header.ladder.stage(item.deal.stage_id).name,
                        money(item.deal.amount_cents, item.deal.currency),
                        item.deal.expected_close.isoformat() if item.deal.expected_close else DASH,
                        ", ".join(kpis.REASONS[k] for k in item.reasons),
                    ]
                    for item in shown
                ],
                frozenset({0, 3}),
                notes=notes,
            )
        )
    else:
        blocks.append(Note("No open deal is left out of the forecast."))
    return blocks


def cycle_blocks(r: "CycleReport") -> list[Block]:
    return [
        _heading(r.header, "Sales cycle"),
        Facts(
            "Days from creation to win (deals won in the period)",
            [
                ("Won deals", count(r.cycle.deals)),
                ("Mean", days_text(r.cycle.average_days)),
                ("Median", days_text(r.cycle.median_days)),
            ],
        ),
        Grid(
            "Mean time a won deal spent in each stage",
            ["Stage", "Won deals that were at it", "Mean time there"],
            [[t.stage.name, count(t.deals), days_text(t.average_days)] for t in r.stages],
            frozenset({1, 2}),
        ),
    ]


def _flag(rate: Rate) -> str:
    return f"{rate_text(rate)}{SMALL if rate.small_sample else ''}"


def _actions(value: Fraction | None) -> str:
    return DASH if value is None else f"{float(value):.1f}"


def paths_blocks(r: "PathsReport") -> list[Block]:
    p = r.paths.overall
    small_note = (
        f"{SMALL} fewer than {kpis.SMALL_SAMPLE} deals behind the rate: too few to mean much."
    )
    blocks: list[Block] = [
        _heading(r.header, "Which paths win"),
        Facts(
            "Deals closed in the period",
            [
                ("Won / lost", f"{count(p.won)} / {count(p.lost)}"),
                ("Win rate", _flag(p.win_rate)),
                ("Actions before a win", _actions(p.actions_before_win)),
                ("Actions before a loss", _actions(p.actions_before_loss)),
            ],
        ),
        Grid(
            "Per type of action",
            ["Type", "Won deals with it", "Lost deals with it", "Win rate with", "Without"],
            [
                [
                    t.type,
                    f"{count(t.won_with.numerator)} ({_flag(t.won_with)})",
                    f"{count(t.lost_with.numerator)} ({_flag(t.lost_with)})",
                    _flag(t.win_rate_with),
                    _flag(t.win_rate_without),
                ]
                for t in p.types
            ],
            frozenset({1, 2, 3, 4}),
            notes=[small_note] if p.types else ["No action recorded on these deals."],
        ),
    ]
    for title, sequences in (
        ("First three actions of won deals", p.won_sequences),
        ("First three actions of lost deals", p.lost_sequences),
    ):
        blocks.append(
            Grid(
                title,
                ["Sequence", "Deals", "Share"],
                [
                    [sequence_text(s.sequence), count(s.share.numerator), _flag(s.share)]
                    for s in sequences
                ],
                frozenset({1, 2}),
            )
        )
    blocks.append(
        Grid(
            "Per source",
            ["Source", "Won", "Lost", "Win rate", "Actions/win", "Most common start (won)"],
            [
                [
                    source_name(s.source),
                    count(s.won),
                    count(s.lost),
                    _flag(s.win_rate),
                    _actions(s.actions_before_win),
                    sequence_text(s.won_sequences[0].sequence) if s.won_sequences else DASH,
                ]
                for s in r.paths.by_source
            ],
            frozenset({1, 2, 3, 4}),
            notes=[small_note],
        )
    )
    return blocks


def lost_blocks(r: "LostReport") -> list[Block]:
    rows: list[list[str | Bar]] = []
    for reason in r.reasons:
        for i, v in enumerate(reason.by_currency):
            head = (
                [reason.reason or NO_SOURCE, count(reason.deals), rate_text(reason.share)]
                if i == 0
                else ["", "", ""]
            )
            rows.append([*head, money(v.amount_cents, v.currency), count(v.deals - v.with_amount)])
    return [
        _heading(r.header, "Lost deals"),
        Grid(
            f"Why {count(r.deals)} deals were lost",
            ["Reason", "Deals", "Share", "Value", "Without amount"],
            rows,
            frozenset({1, 2, 3, 4}),
        ),
    ]


_BLOCKS: dict[str, Callable[[Any], list[Block]]] = {
    "dashboard": dashboard_blocks,
    "kpis": kpis_blocks,
    "funnel": funnel_blocks,
    "sources": sources_blocks,
    "monthly": monthly_blocks,
    "forecast": forecast_blocks,
    "cycle": cycle_blocks,
    "paths": paths_blocks,
    "lost": lost_blocks,
}


def blocks(report: Any) -> list[Block]:
    """The report as blocks of text for people: every string one line, made printable (stage
    names, sources and lost reasons are the user's text)."""
    return [_printable(block) for block in _BLOCKS[section_of(report)](report)]


def _printable(block: Block) -> Block:
    if isinstance(block, Heading):
        return Heading(one_line(block.text), one_line(block.detail))
    if isinstance(block, Facts):
        return Facts(one_line(block.title), [(one_line(k), one_line(v)) for k, v in block.rows])
    if isinstance(block, Grid):
        return block._replace(
            title=one_line(block.title),
            headers=[one_line(h) for h in block.headers],
            rows=[[one_line(c) if isinstance(c, str) else c for c in row] for row in block.rows],
            notes=[one_line(n) for n in block.notes],
            legend=[one_line(n) for n in block.legend],
        )
    return Note(one_line(block.text))


# --------------------------------------------------------------------------- plain text


def _plain_bar(bar: Bar) -> str:
    return "#" * bar.length(sum(bar.parts))


def _plain_grid(grid: Grid) -> list[str]:
    cells = [[c if isinstance(c, str) else _plain_bar(c) for c in row] for row in grid.rows]
    widths = [
        max(len(h), *(len(row[i]) for row in cells)) if cells else len(h)
        for i, h in enumerate(grid.headers)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if i in grid.right else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [grid.title, line(grid.headers)]
    out += [line(row) for row in cells] if cells else ["(none)"]
    out += grid.notes
    return out


def plain_lines(items: Sequence[Block]) -> list[str]:
    out: list[str] = []
    for block in items:
        if out:
            out.append("")
        if isinstance(block, Heading):
            out.append(block.text)
            if block.detail:
                out.append(block.detail)
        elif isinstance(block, Facts):
            out.append(block.title)
            width = max((len(label) for label, _ in block.rows), default=0)
            out += [f"  {label.ljust(width)}  {value}".rstrip() for label, value in block.rows]
        elif isinstance(block, Grid):
            out += _plain_grid(block)
        else:
            out.append(block.text)
    return out


# --------------------------------------------------------------------------- Rich

_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_black")


def rich_renderables(items: Sequence[Block]) -> list[Any]:
    from rich import box
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    def bar_text(bar: Bar) -> Text:
        text = Text()
        done = 0
        running = 0
        for i, part in enumerate(bar.parts):
            running += part
            end = bar.length(running)
            text.append("█" * (end - done), style=_COLOURS[i % len(_COLOURS)])
            done = end
        return text

    out: list[Any] = []
    for block in items:
        if isinstance(block, Heading):
            title = Text(block.text, style="bold")
            if block.detail:
                title.append("\n" + block.detail, style="dim")
            out.append(title)
        elif isinstance(block, Facts):
            table = Table.grid(padding=(0, 2))
            table.add_column(style="dim")
            table.add_column()
            for label, value in block.rows:
                table.add_row(label, Text(value))
            out.append(Panel(table, title=block.title, title_align="left", expand=False))
        elif isinstance(block, Grid):
            table = Table(
                title=block.title,
                title_justify="left",
                title_style="bold",
                box=box.SIMPLE_HEAD,
                pad_edge=False,
                show_edge=False,
                padding=(0, 1),
            )
            for i, header in enumerate(block.headers):
                table.add_column(header, justify="right" if i in block.right else "left")
            for row in block.rows:
                table.add_row(*(Text(c) if isinstance(c, str) else bar_text(c) for c in row))
            out.append(table)
            if len(block.legend) > 1:
                legend = Text("  ")
                for i, name in enumerate(block.legend):
                    legend.append("█ ", style=_COLOURS[i % len(_COLOURS)])
                    legend.append(f"{name}  ")
                out.append(legend)
            for note in block.notes:
                out.append(Text(note, style="dim"))
        else:
            out.append(Text(block.text))
        out.append(Text(""))
    return out[:-1]


# --------------------------------------------------------------------------- output


class OnePerLine(list[Any]):
    """A JSON array that :func:`json_text` writes one item per line, each item on its line
    (``{"id": 12, "name": "Acme", ...}``): the forecast's list of left-out deals, which can be
    tens of thousands long, stays quick to write and easy to read with ``grep`` or ``jq``."""


def _compact_encoder() -> Callable[[Any], str]:
    """One JSON value on one line (``", "`` and ``": "`` separators, non-ASCII kept), with the
    standard library's C encoder made once (a ``json.dumps`` per item sets one up each time)."""
    import json.encoder

    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover -- a Python built without the _json accelerator
        return json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def default(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    encoder = make(
        None, default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(encoder(value, 0))


def json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, the same text, ≈2.5× faster; the
    items of a :class:`OnePerLine` array are each written on one line.

    The standard library encodes indented JSON in pure Python, one generator step per token:
    the forecast's list of 54,000 left-out deals at 1M leads took 0.8 s. This encoder appends
    the same tokens to a list (strings through the standard library's C ``encode_basestring``).
    ``tests/test_reports.py`` compares the two on every report and on generated data.
    """
    from json import dumps
    from json.encoder import encode_basestring

    parts: list[str] = []
    append = parts.append
    compact: Callable[[Any], str] | None = None

    def key_text(key: Any) -> str:
        if isinstance(key, str):
            return encode_basestring(key)
        return encode_basestring(dumps(key).strip('"'))  # as json: 1 -> "1", None -> "null"

    def encode(item: Any, newline: str) -> None:
        if isinstance(item, str):
            append(encode_basestring(item))
        elif item is None:
            append("null")
        elif item is True:
            append("true")
        elif item is False:
            append("false")
        elif isinstance(item, int):
            append(int.__repr__(item))
        elif isinstance(item, float):
            append(dumps(item))  # NaN and infinities as json writes them
        elif isinstance(item, dict):
            if not item:
                append("{}")
                return
            inner = newline + "  "
            separator = "{" + inner
            for key, member in item.items():
                append(separator)
                append(key_text(key))
                append(": ")
                encode(member, inner)
                separator = "," + inner
            append(newline + "}")
        elif isinstance(item, OnePerLine) and item:
            nonlocal compact
            compact = compact or _compact_encoder()
            inner = newline + "  "
            append("[" + inner)
            append(("," + inner).join(map(compact, item)))
            append(newline + "]")
        elif isinstance(item, list | tuple):
            if not item:
                append("[]")
                return
            inner = newline + "  "
            separator = "[" + inner
            for member in item:
                append(separator)
                encode(member, inner)
                separator = "," + inner
            append(newline + "]")
        else:
            raise TypeError(f"Object of type {type(item).__name__} is not JSON serializable")

    encode(value, "\n")
    return "".join(parts)


def show(out: Output, report: Any, fmt: Format) -> None:
    """Write a report to ``out`` in the format asked."""
    if fmt is Format.JSON:
        out.out.write(json_text(to_json(report)) + "\n")
    elif fmt is Format.CSV:
        keys, rows = to_csv(report)
        out.csv(rows, keys)
    elif out.terminal:
        console = out.console()
        for renderable in rich_renderables(blocks(report)):
            console.print(renderable)
    else:
        for line in plain_lines(blocks(report)):
            out.line(line)


SAVE_WIDTH = 100


def save(report: Any, path: Path, *, live_db: Path | None, force: bool = False) -> None:
    """Draw the report with Rich and write it as an SVG picture or an HTML page
    (:func:`funnelcli.outfiles.write_file`: 0600, replaced only with ``force``)."""
    kind = path.suffix.lower()
    if kind not in (".svg", ".html", ".htm"):
        raise UsageError(
            f"cannot save to {str(path)!r}: expected a file name ending in .svg or .html"
        )
    from rich.console import Console

    console = Console(
        file=io.StringIO(),
        record=True,
        width=SAVE_WIDTH,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        emoji=False,
    )
    for renderable in rich_renderables(blocks(report)):
        console.print(renderable)
    title = f"funnel report {report.header.section or ''}".strip()
    text = (
        console.export_svg(title=title)
        if kind == ".svg"
        else console.export_html(inline_styles=True)
    )
    outfiles.write_file(path, text.encode("utf-8"), live_db=live_db, force=force, what="report")
