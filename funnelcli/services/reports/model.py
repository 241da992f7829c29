"""``--method model``: the aggregates the model learns from, read on the report's snapshot (a
report ``--as-of`` reads the database as it was then, so the model learns only from that)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from funnelcli import dates, periods
from funnelcli.kpis import model
from funnelcli.kpis.forecast import Forecast, ForecastBucket, Span, add_months
from funnelcli.kpis.rows import WonGroup
from funnelcli.store.reports import cut_offs
from funnelcli.store.reports import model as model_sql

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.services.reports.gather import Gather


def model_forecast(g: Gather, spans: Sequence[Span], last: date, won: list[WonGroup]) -> Forecast:
    """The model's forecast of ``spans`` (ending on ``last``), ``won`` being part (c)."""
    today, moment, scope = g.today, g.opts.now, g.scope
    now = dates.to_storage(moment)
    span = model.window(today, max(today, spans[0].start) if spans else today, last)
    parts = model.parts_of(today, [ForecastBucket(s.label, s.start, s.end) for s in spans], span)
    refs = [
        (
            dates.to_storage(moment - timedelta(days=(today - day).days)),
            periods.utc_bound(day),
            periods.utc_bound(day + timedelta(days=span.end)),
        )
        for day in model.reference_days(today, span)
    ]
    found: dict[tuple[int, int | None], model.Cohort] = {}
    created = model.Cohort(0, (0,) * len(parts))
    if refs and span.days:
        if g.history is not None:  # a backtest's cut-off, from the history read once
            rows = g.history.open_at(g.conn, now, g.open_ids, g.won_id, refs, model.AGE_BANDS)
            created_rows = g.history.created_after(g.conn, now, g.won_id, refs)
        else:
            rows = cut_offs.open_at(g.conn, g.open_ids, g.won_id, refs, model.AGE_BANDS, scope)
            created_rows = cut_offs.created_after(g.conn, g.won_id, refs, scope)
        found = model.cohorts(rows, parts)
        news = model.cohorts(created_rows, parts)
        created = news.get((0, None), created)
    since_rate = add_months(today, -model.RATE_MONTHS)
    leads = model_sql.leads_created(g.conn, periods.utc_bound(since_rate), now, scope)
    since_amounts = periods.utc_bound(add_months(today, -model.AMOUNT_MONTHS))
    estimates = model.amounts(model_sql.won_amounts(g.conn, g.won_id, since_amounts, now, scope))
    until = dates.start_of_day(today + timedelta(days=span.end))
    new = model.NewLeads(
        created,
        leads,
        (today - since_rate).days,
        Fraction(max(0, round((until - moment).total_seconds())), 86_400),
    )
    return model.model_forecast(
        spans,
        today,
        model.model_stages(g.pipeline, found, len(parts)),
        model_sql.open_deals(g.conn, g.open_ids, now, model.AGE_BANDS, scope),
        estimates,
        new,
        g.recurring,
        won,
        len(refs),
    )
