"""Forecast snapshots: ``funnel report forecast --record`` stores the figures it showed;
``funnel report accuracy`` compares them with what was then won (:mod:`funnelcli.kpis.accuracy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from funnelcli import periods
from funnelcli.kpis import reports as kr
from funnelcli.kpis.accuracy import Recorded, accuracy, spans_over
from funnelcli.kpis.forecast import Span, forecast
from funnelcli.kpis.numbers import to_cents
from funnelcli.services.reports.gather import Gather
from funnelcli.store import Store
from funnelcli.store import snapshots as snapshot_sql
from funnelcli.store.reports.clauses import Edges


def lines_of(r: kr.ForecastReport) -> list[Recorded]:
    """The snapshot of a forecast report: one line per bucket and currency, in whole cents."""
    h = r.header
    head = (h.today.isoformat(), h.as_of, h.period.start.isoformat(), h.period.end.isoformat())
    choices = (h.period.label, h.by, r.method, h.source)
    return [
        Recorded(
            *head,
            *choices,
            bucket.label,
            bucket.start.isoformat(),
            bucket.end.isoformat(),
            line.currency,
            to_cents(line.pipeline) or 0,
            line.recurring,
            line.won,
            to_cents(line.total) or 0,
        )
        for bucket in r.forecast.buckets
        for line in bucket.by_currency
    ]


def record(store: Store, r: kr.ForecastReport) -> tuple[int, int]:
    """Store the forecast's figures, replacing the snapshot of the same day and choices; how
    many lines were replaced and written. No journal entry: see ``store/snapshots.py``."""
    lines = lines_of(r)
    h = r.header
    key = Recorded(
        h.today.isoformat(), h.as_of, h.period.start.isoformat(), h.period.end.isoformat(),
        h.period.label, h.by, r.method, h.source, "", "", "", "", 0, 0, 0, 0,
    )  # fmt: skip
    with store.write() as conn:
        return snapshot_sql.record(conn, key, lines)


def accuracy_report(g: Gather) -> kr.AccuracyReport:
    """The snapshots recorded in the report's period (for its source) against their actuals."""
    first, last = g.period.start.isoformat(), g.period.end.isoformat()
    lines = snapshot_sql.recorded(g.conn, first, last, g.opts.source)
    actuals = {span: actual(g, *span) for span in spans_over(lines, g.today)}
    return kr.AccuracyReport(g.header(), accuracy(lines, actuals, g.today))


def actual(g: Gather, first: str, last: str) -> dict[str, int]:
    """What was won in ``[first, last]`` (ISO days), per currency: the won amounts and the
    recurring billings that fell in it -- (b) + (c) of the forecast of a period that is over (also
    the actual of ``report backtest``). A recurring deal without a term billed for as long as it
    stayed won: no 12-month cap on what happened."""
    return actuals(g, [(date.fromisoformat(first), date.fromisoformat(last))])[0]


def actuals(g: Gather, spans: Sequence[tuple[date, date]]) -> list[dict[str, int]]:
    """:func:`actual` of each of ``spans`` (first and last days), read at once when each starts
    the day after the previous one ends (each day's deals and billings fall in one span)."""
    if not spans:  # a backtest with no finished cut-off
        return []
    follow = all(b[0] == a[1] + timedelta(days=1) for a, b in zip(spans, spans[1:], strict=False))
    if not follow:
        return [actuals(g, [span])[0] for span in spans]
    labels = tuple(str(n) for n in range(len(spans)))
    edges = Edges(
        labels,
        tuple(periods.utc_bound(start) for start, _ in spans),
        periods.utc_bound(spans[-1][1] + timedelta(days=1)),
    )
    won = g.won_by_span(edges)
    buckets = [Span(label, *span) for label, span in zip(labels, spans, strict=True)]
    figures = forecast(buckets, g.today, [], [], g.recurring, won, None)
    return [
        {line.currency: line.recurring + line.won for line in bucket.by_currency}
        for bucket in figures.buckets
    ]
