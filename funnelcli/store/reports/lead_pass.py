"""One pass over the leads a report needs: the cohort, the lost deals, each lead's peak once."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from funnelcli.kpis.rows import ESTIMATED, CohortGroup
from funnelcli.store.migrations import all_recorded
from funnelcli.store.reports.clauses import Edges, Scope, in_range, is_wide, literal, peak_sql, scan


class Tally(NamedTuple):
    """What one pass over the leads found; each lead's peak was read once, for every use."""

    cohort: list[CohortGroup]  # leads created in the period
    lost_in_period: list[tuple[str | None, int | None, int]]  # (source, peak, deals)
    lost: dict[int | None, int]  # every lost deal (now lost) by peak


class Wanted(NamedTuple):
    """What a report needs from the lead pass."""

    cohort: bool = False  # leads created in the period...
    buckets: bool = False  # ... by month/quarter
    sources: bool = False  # ... and deals lost in the period, by source
    peaks: bool = False  # ... by peak
    lost_in_period: bool = False  # deals lost in the period, by peak
    lost: bool = False  # every lost deal, by peak (the empirical stage→won rates)


def lead_pass(
    conn: sqlite3.Connection,
    ranks: Mapping[int, int],
    ids: tuple[int, int],
    edges: Edges,
    scope: Scope,
    wanted: Wanted,
    leads: int,
) -> Tally:
    """One read of the leads a report needs, each lead's peak computed once.

    ``ids`` are the won and lost stage ids; ``edges`` the period's buckets (the period is
    ``edges.starts[0]`` to ``edges.end``); ``leads`` :func:`lead_id_ceiling`.

    The rows read are the leads created in the period (``wanted.cohort``) and the deals now
    lost (all of them for ``wanted.lost``, else those lost in the period). When the report
    needs several kinds of rows or buckets or sources, each row gets one integer packing its
    bucket, two flags (lost; lost in the period) and its peak, and SQLite counts the rows per
    source and code: grouping on one integer (and the source) sorts much faster than on five
    columns, and the peak, the expensive part, is read once per lead even when the lead counts
    in the funnel, in the win rate and in the stage→won rates. A report that needs only peaks
    (``funnel``, ``forecast``) sums one column per peak instead: no sort at all.

    Every lost deal by peak (``wanted.lost``, all sources) is counted apart, from the index
    ``leads_stage_reached`` alone (:func:`lost_peaks`). Otherwise, a pass that reads every lost
    deal reads about half the table, so it scans the table rather than going through the
    indexes; so does one whose period holds many of the leads.
    """
    won_id, lost_id = (int(i) for i in ids)
    where, params = scope.clause()
    if wanted.lost and not where and all_recorded(ranks):
        apart = lost_peaks(conn, ranks, won_id, lost_id)
        tally = lead_pass(conn, ranks, ids, edges, scope, wanted._replace(lost=False), leads)
        return tally._replace(lost=apart)
    start, end = literal(edges.starts[0]), literal(edges.end)
    in_cohort = f"(l.created_at >= {start} AND l.created_at < {end})"
    is_lost = f"l.stage_id = {lost_id}"
    rows = [in_cohort] if wanted.cohort else []
    if wanted.lost:
        rows.append(is_lost)
    elif wanted.lost_in_period:
        rows.append(f"({is_lost} AND l.closed_at >= {start} AND l.closed_at < {end})")
    if not rows:
        return Tally([], [], {})
    closed = wanted.lost or wanted.lost_in_period
    peaks = max(ranks.values()) + 2  # peak codes: 0 (none), rank + 1
    peak = peak_sql(ranks, won_id, lost_id) if wanted.peaks or closed else "0"
    bounds = (edges.starts[0], edges.end)
    if wanted.lost:
        wide = wanted.cohort or bool(where)  # else: the lost deals only, from leads_stage_reached
    else:
        wide = (wanted.cohort and is_wide(conn, in_range("created_at"), bounds, leads)) or (
            wanted.lost_in_period and is_wide(conn, in_range("closed_at"), bounds, leads)
        )
    table = f"FROM leads l{scan(wide)} WHERE ({' OR '.join(rows)}){where}"
    grouped = (
        wanted.sources or wanted.buckets or len(rows) > 1 or (wanted.lost and wanted.lost_in_period)
    )
    if grouped:
        if wanted.buckets:
            # a lead whose created date an import estimated goes apart, after the buckets
            estimated = len(edges.labels) + 1
            bucket = (
                f"CASE WHEN NOT {in_cohort} THEN 0 WHEN l.dates_estimated & 1 THEN {estimated} "
                f"ELSE 1 + {edges.index_case('l.created_at')} END"
            )
        else:
            bucket = f"{in_cohort}" if wanted.cohort else "0"
        flags = "0"
        if closed:
            in_period = (
                f"{int(wanted.lost_in_period)} * (l.closed_at >= {start} AND l.closed_at < {end})"
            )
            flags = f"CASE WHEN {is_lost} THEN {2 * int(wanted.lost)} + {in_period} ELSE 0 END"
        source = "l.source" if wanted.sources else "NULL"
        counted = conn.execute(
            f"SELECT source, code, count(*) FROM (SELECT {source} AS source, "
            f"(({bucket}) * 4 + {flags}) * {peaks} + {peak} AS code {table} LIMIT -1) "
            "GROUP BY 2, 1",  # the integer first: the sort compares text only on ties
            params,
        ).fetchall()
    else:
        # One kind of row, no bucket, no source: one sum per peak code, no sort.
        sums = ", ".join(f"sum(peak = {code})" for code in range(peaks))
        row = conn.execute(f"SELECT {sums} FROM (SELECT {peak} AS peak {table} LIMIT -1)", params)
        kind = (4 if wanted.cohort else 0) + (2 if wanted.lost else 1 if closed else 0)
        counted = [(None, kind * peaks + code, n) for code, n in enumerate(row.fetchone()) if n]
    labels = (*edges.labels, ESTIMATED) if wanted.buckets else ("",)
    return _unpack(counted, peaks, labels, wanted)


def lost_peaks(
    conn: sqlite3.Connection, ranks: Mapping[int, int], won_id: int, lost_id: int
) -> dict[int | None, int]:
    """Every lost deal by peak (None: it was only ever lost), when the peaks are recorded.

    A lost deal's peak depends only on ``reached``: SQLite counts the deals per value of
    ``reached`` (a few dozen) in ``leads_stage_reached`` order -- no table row, no sort -- and
    computes the peak once per value.
    """
    assert all_recorded(ranks)
    rows = conn.execute(
        f"SELECT {peak_sql(ranks, won_id, lost_id)}, count(*) FROM leads l "
        f"INDEXED BY leads_stage_reached WHERE l.stage_id = {int(lost_id)} GROUP BY l.reached"
    )
    lost: dict[int | None, int] = {}
    for code, n in rows:
        peak = None if code == 0 else code - 1
        lost[peak] = lost.get(peak, 0) + n
    return lost


def _unpack(
    counted: Sequence[tuple[str | None, int, int]],
    peaks: int,
    labels: Sequence[str],
    wanted: Wanted,
) -> Tally:
    """The :class:`Tally` of ``(source, code, leads)`` rows (see :func:`lead_pass`)."""
    cohort: dict[tuple[str, str | None, int | None], int] = {}
    lost_in: dict[tuple[str | None, int | None], int] = {}
    lost: dict[int | None, int] = {}
    for source, packed, n in counted:
        rest, peak_code = divmod(packed, peaks)
        bucket_index, flag_bits = divmod(rest, 4)
        peak = None if peak_code == 0 else peak_code - 1
        if bucket_index:
            key = (labels[bucket_index - 1], source, peak if wanted.peaks else None)
            cohort[key] = cohort.get(key, 0) + n
        if flag_bits & 2 and wanted.lost:
            lost[peak] = lost.get(peak, 0) + n
        if flag_bits & 1 and wanted.lost_in_period:
            lost_in[source, peak] = lost_in.get((source, peak), 0) + n
    return Tally(
        [CohortGroup(*key, n) for key, n in cohort.items()],
        [(*key, n) for key, n in lost_in.items()],
        lost,
    )
