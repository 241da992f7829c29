"""The forecast's method chosen by backtest, kept for the day (``--method auto``, the default).

A backtest rebuilds the database at each past cut-off: a second at 2,000 leads, many at
100,000 — too slow to pay at every ``funnel report``. Its choice depends only on the history
before this month's first day (its last window ends there) and on today's date (which sets the
cut-offs). So it is computed once a day per database and source, and again when that history
changes (a fingerprint of counts and sums of the rows dated before the month: an import of old
deals, a deletion, an edited stage move). It is kept in ``$XDG_CACHE_HOME/funnel/`` (JSON,
owner-only); a cache that cannot be read or written is ignored: it only saves time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from funnelcli import config, periods
from funnelcli.kpis.backtest import AUTO_MINIMUM, Choice
from funnelcli.kpis.forecast import add_months
from funnelcli.services.reports.options import Options
from funnelcli.store import Store
from funnelcli.store.reports import choice as choice_sql

FILE = "forecast-method.json"


def chosen(store: Store, opts: Options, compute: Callable[[], Choice]) -> Choice:
    """The backtest's choice for ``opts`` (its source, today), computed by ``compute`` only
    when there is no choice to reuse."""
    today = opts.now.date()
    month = periods.month_start(today)
    first = periods.utc_bound(add_months(month, -12))
    before = periods.utc_bound(month)
    with store.read() as conn:
        months = choice_sql.won_months(conn, first, before)
        if months < AUTO_MINIMUM - 1:  # (UTC months: a margin of one for the local ones)
            return Choice(None, months, None)  # too short a history: no backtest to say so
        fingerprint = choice_sql.history_fingerprint(conn, before)
    key = "|".join(
        (str(os.path.realpath(store.path)), today.isoformat(), str(opts.source), fingerprint)
    )
    path = config.cache_dir() / FILE
    kept = _load(path)
    if key in kept:
        try:
            return _decode(kept[key])
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            pass  # written by another version: computed again
    found = compute()
    today_only = {k: v for k, v in kept.items() if k.split("|")[1:2] == [today.isoformat()]}
    _save(path, {**today_only, key: _encode(found)}, store.path)
    return found


def _encode(choice: Choice) -> dict[str, Any]:
    return {
        "method": choice.method,
        "cut_offs": choice.cut_offs,
        "wape": None if choice.wape is None else str(choice.wape),
        "range": None if choice.range is None else [str(r) for r in choice.range],
        "ratios": choice.ratios,
    }


def _decode(data: dict[str, Any]) -> Choice:
    bounds = data["range"]
    return Choice(
        data["method"],
        int(data["cut_offs"]),
        None if data["wape"] is None else Fraction(data["wape"]),
        None if bounds is None else (Fraction(bounds[0]), Fraction(bounds[1])),
        int(data["ratios"]),
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: Path, data: dict[str, Any], live_db: Path) -> None:
    """Replace the cache file (owner-only, atomically: ``outfiles``); a failure is ignored."""
    from funnelcli import outfiles
    from funnelcli.errors import FunnelError

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        payload = json.dumps(data).encode("utf-8")
        outfiles.write_file(path, payload, live_db=live_db, force=True, what="forecast cache")
    except (OSError, FunnelError):
        return
