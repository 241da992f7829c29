"""Reports: gather the aggregates in one read snapshot, compute the KPIs, return report objects.

Every report reads inside one ``store.read()`` transaction, so its figures agree with each
other even while another process writes. The dashboard and the longer sections give part of
their aggregates (``sections.AHEAD``) to a second, read-only connection on that same snapshot,
in a worker thread (``funnelcli.store.reports.helper``): two cores instead of one.

``options`` validates the command line's choices, ``gather`` reads the aggregates, ``sections``
makes each report (the arithmetic is in :mod:`funnelcli.kpis`, the SQL in
:mod:`funnelcli.store.reports`, the report objects in :mod:`funnelcli.kpis.reports`).
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

from funnelcli import dates
from funnelcli.kpis.forecast import Method
from funnelcli.kpis.reports import ForecastReport, Report
from funnelcli.services.reports.gather import Gather, ahead
from funnelcli.services.reports.options import SECTIONS, Options, options
from funnelcli.services.reports.sections import BUILDERS
from funnelcli.services.sources import unknown_source
from funnelcli.services.stages import load
from funnelcli.store import Store, Tx
from funnelcli.store.reports import past, sources
from funnelcli.store.reports.clauses import prepare
from funnelcli.store.reports.helper import Helper

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.kpis.backtest import Choice

__all__ = ["SECTIONS", "Options", "build", "build_file", "options"]


def build(store: Store, opts: Options) -> Report:
    """The report ``opts.section`` asks for (the dashboard when None), from one read snapshot;
    as of ``opts.now`` when ``--as-of`` says so or when the database holds anything later."""
    at = dates.to_storage(opts.now)
    if opts.as_of or (opts.frozen and _later_than(store, at)):
        return _build_past(store, opts, at)
    return _build(store, opts)


def _later_than(store: Store, at: str) -> bool:
    with store.read() as conn:
        return past.later_than(conn, at)


def _build_past(store: Store, opts: Options, at: str) -> Report:
    """The report on the database as it was at ``at``, written to a scratch file for it (in
    memory where there is a tmpfs), removed afterwards."""
    import tempfile

    from funnelcli.store import open_db

    scratch = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="funnel-as-of-", dir=scratch) as folder:
        target = Path(folder) / "past.db"
        with store.translate_errors():
            older = past.write_past(store.path, target, at)
        then = open_db(target)
        try:
            return _build(then, opts, older)
        finally:
            then.close()


def _choice(store: Store, opts: Options) -> "Choice":
    """The backtest's choice of method, reused for the day (``choice_cache``); a past view
    (``--as-of``, a temporary copy) is not worth keeping."""
    from funnelcli.services.reports import backtest, choice_cache

    if opts.as_of:
        return backtest.choose(store, opts)
    return choice_cache.chosen(store, opts, lambda: backtest.choose(store, opts))


def _build(store: Store, opts: Options, older: int | None = None) -> Report:
    prepare(store.conn)
    if opts.section == "backtest" or opts.choose:
        from dataclasses import replace

        from funnelcli.services.reports import backtest

        with store.read() as conn:
            _check_source(conn, opts)
        if opts.section == "backtest":
            return backtest.report(store, opts, older)
        choice = _choice(store, opts)
        chosen = cast(Method, choice.method or "auto")
        built = _build(store, replace(opts, method=chosen, choose=False), older)
        if not isinstance(built, ForecastReport):
            return built  # the dashboard: its forecast with the chosen method
        return built._replace(auto=choice)
    helped = ahead(opts.section, opts.source)
    helper = Helper.open(store.path, store.busy_timeout) if helped else None
    try:
        with store.read() as conn:
            _check_source(conn, opts)
            opts = _since_first_lead(conn, opts)
            pipeline = load(conn)  # this snapshot is now taken: the helper may pair with it
            paired = helper if helper is not None and helper.pair() else None
            gather = Gather(conn, opts, pipeline, paired, older)
            gather.ahead(*helped)
            return BUILDERS[opts.section](gather)
    finally:
        if helper is not None:
            helper.close()


def _since_first_lead(conn: Tx, opts: Options) -> Options:
    """The default period without the empty months before the first lead."""
    if not opts.since_first:
        return opts
    first = sources.first_created(conn)
    if first is None:
        return opts
    from dataclasses import replace

    from funnelcli.periods import since_first_lead

    return replace(opts, period=since_first_lead(opts.period, dates.local_date_of(first)))


def _check_source(conn: Tx, opts: Options) -> None:
    if sources.in_use(conn, opts.scope):
        return
    raise unknown_source(conn, str(opts.source))


def build_file(path: Path, opts: Options) -> Report:
    """The report of another database file (the demo's), opened just for it."""
    from funnelcli.store import open_db

    store = open_db(path)
    try:
        return build(store, opts)
    finally:
        store.close()
