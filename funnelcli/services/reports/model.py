"""``--method model``: the aggregates the model learns from, read on the report's snapshot (a
report ``--as-of`` reads the database as it was then, so the model learns only from that)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from funnelcli import dates, periods
from funnelcli.kpis import model
from funnelcli.kpis.forecast import Forecast, Span, add_months
from funnelcli.kpis.rows import WonGroup
from funnelcli.store.reports import model as model_sql

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.services.reports.gather import Gather


def model_forecast(g: Gather, spans: Sequence[Span], last: date, won: list[WonGroup]) -> Forecast:
    """The model's forecast of ``spans`` (ending on ``last``), ``won`` being part (c)."""
    today, now, scope = g.today, dates.to_storage(g.opts.now), g.scope
    span = model.window(today, max(today, spans[0].start) if spans else today, last)
    found = model.cohorts(
        model_sql.stage_delays(g.conn, g.open_ids, g.won_id, now, span.end, scope), span
    )
    created = model.cohorts(model_sql.created_delays(g.conn, g.won_id, now, span.end, scope), span)
    new = created.get(0, model.Cohort(0, 0, None))
    first_stage = g.pipeline.open[0] if g.pipeline.open else None
    rate = new.rate if new.observed >= model.MODEL_MINIMUM and new.rate is not None else None
    if rate is None:
        rate = Fraction(first_stage.probability if first_stage else 0, 100)
    since_rate = add_months(today, -model.RATE_MONTHS)
    leads = model_sql.leads_created(g.conn, periods.utc_bound(since_rate), now, scope)
    since_amounts = periods.utc_bound(add_months(today, -model.AMOUNT_MONTHS))
    estimates = model.amounts(model_sql.won_amounts(g.conn, g.won_id, since_amounts, now, scope))
    return model.model_forecast(
        spans,
        today,
        model.model_stages(g.pipeline, found),
        model_sql.open_deals(g.conn, g.open_ids, scope),
        estimates,
        (new, rate, leads, (today - since_rate).days),
        g.recurring,
        won,
    )
