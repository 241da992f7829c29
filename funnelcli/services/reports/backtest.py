"""``funnel report backtest``: at each past cut-off, every forecast method (and the baselines) on
the database as it was then, against what was then won (:mod:`funnelcli.kpis.backtest`).

One past database holding only what the forecast reads, written as of the latest cut-off and
cut back to each earlier one in turn (``store.reports.past_cut``), shared at each cut-off by
every method and baseline; the actuals are read on the report's own database, as ``report
accuracy`` counts them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from funnelcli import dates, periods
from funnelcli.errors import TryLater
from funnelcli.i18n import _
from funnelcli.kpis import backtest as bt
from funnelcli.kpis import model
from funnelcli.kpis import reports as kr
from funnelcli.kpis.forecast import Span, add_months, forecast, stage_probabilities
from funnelcli.periods import Period
from funnelcli.services.reports.gather import Gather
from funnelcli.services.reports.options import METHODS, Options
from funnelcli.services.reports.snapshots import actuals
from funnelcli.services.stages import load
from funnelcli.store import Store
from funnelcli.store.reports import deals as deal_sql
from funnelcli.store.reports import past_cut
from funnelcli.store.reports.shared_history import SharedHistory

MONTHS = {"month": 1, "quarter": 3}


def own_methods() -> list[str]:
    """funnel's own forecast methods, by name (every one ``--method`` accepts but ``auto``)."""
    return [m for m in METHODS if m != "auto"]


def cut_offs(period: Period, by: str, today: date) -> tuple[list[bt.CutOff], int]:
    """The end of each month (quarter) of ``period`` and the period after it; those whose next
    period is not over before ``today`` are left out and counted."""
    step = MONTHS[by]
    out: list[bt.CutOff] = []
    pending = 0
    for bucket in periods.buckets(period, by):
        end = (
            periods.month_end(bucket.start) if by == "month" else periods.quarter_end(bucket.start)
        )
        start = end + timedelta(days=1)
        last = add_months(start, step) - timedelta(days=1)
        if last >= today:
            pending += 1
            continue
        label = periods.month_label(start) if by == "month" else periods.quarter_label(start)
        out.append(bt.CutOff(end, label, start, last))
    return out, pending


#: How many times a backtest runs when other processes keep writing to the database meanwhile.
SETTLE_TRIES = 3


def run(store: Store, opts: Options, older: int | None = None) -> bt.Backtest:
    """The backtest of ``opts`` (its period, ``--by`` and source) on ``store``.

    Each cut-off reads its own snapshot of the database: a write another process commits
    meanwhile (a move dated back between two cut-offs, a lead deleted with its history) could
    reach some cut-offs and not others. ``PRAGMA data_version`` tells: the backtest then runs
    again on the database as it is, and a database that keeps changing is refused (75, try
    again) rather than shown half old, half new."""
    for _attempt in range(SETTLE_TRIES):
        version = store.data_version()
        test = _run(store, opts, older)
        if store.data_version() == version:
            return test
    raise TryLater(
        _("the database kept changing during the backtest ({tries} runs)").format(
            tries=SETTLE_TRIES
        ),
        hint=_("run it again when the other writes are done"),
    )


def _run(store: Store, opts: Options, older: int | None) -> bt.Backtest:
    cuts, pending = cut_offs(opts.period, opts.by, opts.now.date())
    own = own_methods()
    with store.read() as conn:
        g = Gather(conn, opts, load(conn), None, older)
        won_then = actuals(g, [(c.start, c.end) for c in cuts])
        earliest = dates.to_storage(dates.end_of_day(cuts[0].day)) if cuts else ""
        history = SharedHistory.read(conn, earliest, opts.scope) if cuts else None
        if history is not None:
            history.plan(_reference_instants(cuts))
    per_cut: list[list[bt.Line]] = []
    with _scratch() as folder:
        # no cut-off is earlier than the first: the source's rows dated by then are never cut
        copies = past_cut.PastCopies(store.path, folder / "past.db", floor=earliest)
        try:
            for cut, won in reversed(list(zip(cuts, won_then, strict=True))):
                said = _forecasts(store, opts, cut, own, copies, history)
                per_cut.append(bt.lines_of(cut, said, won))
        finally:
            copies.close()
    lines = [line for each in reversed(per_cut) for line in each]
    methods = [*own, *bt.BASELINES]
    lines = bt.with_every_currency(lines, methods)
    return bt.Backtest(methods, cuts, lines, bt.overall(lines), pending)


def report(store: Store, opts: Options, older: int | None = None) -> kr.BacktestReport:
    with store.read() as conn:
        header = Gather(conn, opts, load(conn), None, older).header()
    return kr.BacktestReport(header, run(store, opts, older))


def choose(store: Store, opts: Options) -> bt.Choice:
    """``--method auto``: the method of lowest backtest error over the default range (monthly
    cut-offs of the 12 months before last month), for the report's source."""
    test = replace(
        opts, section="backtest", by="month", period=periods.backtest_default(opts.now.date())
    )
    return bt.choose(run(store, test), own_methods())


def _reference_instants(cuts: list[bt.CutOff]) -> set[str]:
    """Every instant the model may take as a reference cut-off at one of ``cuts``: the cut-off's
    moment a whole number of days before (as ``services.reports.model`` writes them)."""
    days = 31 * (model.REFERENCE_MONTHS + 2 * MONTHS["quarter"] + 1)
    out: set[str] = set()
    for cut in cuts:
        moment = dates.end_of_day(cut.day)
        out.update(dates.to_storage(moment - timedelta(days=k)) for k in range(days))
    return out


@contextmanager
def _scratch() -> Iterator[Path]:
    """A folder for the past databases (in memory where there is a tmpfs), removed after."""
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="funnel-backtest-", dir=memory) as folder:
        yield Path(folder)


def _forecasts(
    store: Store,
    opts: Options,
    cut: bt.CutOff,
    own: list[str],
    copies: past_cut.PastCopies,
    history: SharedHistory | None,
) -> dict[str, dict[str, Fraction | int]]:
    """What each method and baseline said at the end of ``cut.day`` about ``cut``'s period
    (``copies``: the past database, asked latest cut-off first)."""
    moment = dates.end_of_day(cut.day)
    with store.translate_errors():
        then = copies.at(dates.to_storage(moment))
    with then.read() as conn:
        period = Period(cut.start, cut.end, cut.label)
        base = Gather(
            conn, replace(opts, section="forecast", now=moment, period=period), load(conn)
        )
        base.history = history
        out: dict[str, dict[str, Fraction | int]] = {}
        g = base
        for method in own:
            g = g.with_method(method)  # each passes on what it read that no method changes
            totals = g.forecast(period, None).totals
            out[method] = {line.currency: line.total for line in totals}
        # the baselines read what every method read (``g`` passes it on; no method changes it)
        out["pipeline"] = _weighted_by_defaults(g, period)
        before = _previous(g, cut)
        out["last_period"] = dict(before[0])
        out["mean_of_4"] = dict(bt.mean_of(before))
        return out


def _previous(g: Gather, cut: bt.CutOff) -> list[dict[str, int]]:
    """The actuals of the four periods before ``cut``'s, latest first, as known at the cut-off."""
    step = MONTHS[g.opts.by]
    starts = [add_months(cut.start, -k * step) for k in range(4, 0, -1)]
    spans = [(start, add_months(start, step) - timedelta(days=1)) for start in starts]
    return actuals(g, spans)[::-1]


def _weighted_by_defaults(g: Gather, period: Period) -> dict[str, Fraction | int]:
    """Baseline (i): Σ amount × the stage's default probability over the open deals expected to
    close in ``period`` (their own probabilities ignored; no recurring revenue)."""
    groups = deal_sql.pipeline(g.conn, g.open_ids, period.start, period.end, g.scope)
    plain = [group._replace(probability=None) for group in groups]
    defaults = stage_probabilities(g.pipeline, 0, {}, "stage")
    span = Span(period.label, period.start, period.end)
    totals = forecast([span], g.today, plain, defaults, [], []).totals
    return {line.currency: line.pipeline for line in totals}
