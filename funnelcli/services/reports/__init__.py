"""Reports: gather the aggregates in one read snapshot, compute the KPIs, return report objects.

Every report reads inside one ``store.read()`` transaction, so its figures agree with each
other even while another process writes. The dashboard and the longer sections give part of
their aggregates (``sections.AHEAD``) to a second, read-only connection on that same snapshot,
in a worker thread (``funnelcli.store.reports.helper``): two cores instead of one.

``options`` validates the command line's choices, ``gather`` reads the aggregates, ``sections``
makes each report (the arithmetic is in :mod:`funnelcli.kpis`, the SQL in
:mod:`funnelcli.store.reports`, the report objects in :mod:`funnelcli.kpis.reports`).
"""

from pathlib import Path

from funnelcli.errors import NotFoundError
from funnelcli.kpis.reports import Report
from funnelcli.services.reports.gather import Gather, ahead
from funnelcli.services.reports.options import NO_SOURCE, SECTIONS, Options, options
from funnelcli.services.reports.sections import BUILDERS
from funnelcli.services.stages import load
from funnelcli.store import Store, Tx
from funnelcli.store.reports import sources
from funnelcli.store.reports.clauses import prepare
from funnelcli.store.reports.helper import Helper

__all__ = ["SECTIONS", "Options", "build", "build_file", "options"]


def build(store: Store, opts: Options) -> Report:
    """The report ``opts.section`` asks for (the dashboard when None), from one read snapshot."""
    prepare(store.conn)
    helped = ahead(opts.section, opts.source)
    helper = Helper.open(store.path, store.busy_timeout) if helped else None
    try:
        with store.read() as conn:
            _check_source(conn, opts)
            pipeline = load(conn)  # this snapshot is now taken: the helper may pair with it
            paired = helper if helper is not None and helper.pair() else None
            gather = Gather(conn, opts, pipeline, paired)
            gather.ahead(*helped)
            return BUILDERS[opts.section](gather)
    finally:
        if helper is not None:
            helper.close()


def _check_source(conn: Tx, opts: Options) -> None:
    if sources.in_use(conn, opts.scope):
        return
    known = sources.known(conn)
    raise NotFoundError(
        f"no lead has the source {opts.source!r}: expected one of "
        f"{', '.join([*known, NO_SOURCE]) if known else NO_SOURCE}",
    )


def build_file(path: Path, opts: Options) -> Report:
    """The report of another database file (the demo's), opened just for it."""
    from funnelcli.store import open_db

    store = open_db(path)
    try:
        return build(store, opts)
    finally:
        store.close()
