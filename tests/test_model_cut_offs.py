"""The model's one-pass reading of its reference cut-offs (``store/reports/cut_offs.py``) against
the straightforward SQL it replaced (kept here as the reference): on seeded random histories,
group for group, for every scope.

The histories have what can trip a scan: several changes of a lead at the same instant (the
order is (at, id)), leads moved back, reopened, won before or after a window's end, stalled,
closed long ago, with estimated dates or none at all, and cut-offs at any time of day.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from funnelcli.store import open_db
from funnelcli.store.reports import cut_offs
from funnelcli.store.reports.clauses import Scope
from funnelcli.store.reports.model import _band

OPEN, WON, LOST = (1, 2, 3, 4, 5), 6, 7
BANDS = (30, 90)
SOURCES = ("web", "referral", None)
START = datetime(2025, 1, 1, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def reference_open_at(conn, open_ids, won_id, refs, bands, scope) -> Counter:
    """The query ``open_at`` was before the one-pass reading (issue 16's model, first version)."""
    where, params = scope.clause()
    values = ", ".join("(?, ?, ?)" for _ in refs)
    rows = conn.execute(
        f"""
        WITH refs(at, origin, upto) AS (VALUES {values}),
        spans AS (
            SELECT lead_id, to_stage_id AS stage_id, at AS since,
                lead(at) OVER (PARTITION BY lead_id ORDER BY at, id) AS until
            FROM stage_changes
        )
        SELECT s.stage_id, {_band("julianday(r.at) - julianday(s.since)", bands)},
            CASE WHEN l.stage_id = {won_id} AND l.closed_at < r.upto
                THEN CAST(julianday(l.closed_at) - julianday(r.origin) AS INTEGER) END,
            count(*)
        FROM refs r JOIN spans s ON s.since <= r.at AND (s.until IS NULL OR s.until > r.at)
        JOIN leads l ON l.id = s.lead_id
        WHERE s.stage_id IN ({", ".join(map(str, open_ids))}) AND l.dates_estimated = 0{where}
        GROUP BY 1, 2, 3
        """,
        [v for r in refs for v in r] + params,
    )
    return Counter({(stage, band, days): n for stage, band, days, n in rows})


def reference_created_after(conn, won_id, refs, scope) -> Counter:
    where, params = scope.clause()
    values = ", ".join("(?, ?, ?)" for _ in refs)
    rows = conn.execute(
        f"""
        WITH refs(at, origin, upto) AS (VALUES {values})
        SELECT CASE WHEN l.stage_id = {won_id} AND l.closed_at < r.upto
                THEN CAST(julianday(l.closed_at) - julianday(r.origin) AS INTEGER) END,
            count(*)
        FROM refs r JOIN leads l ON l.created_at > r.at AND l.created_at < r.upto
        WHERE l.dates_estimated = 0{where}
        GROUP BY 1
        """,
        [v for r in refs for v in r] + params,
    )
    return Counter({(0, 0, days): n for days, n in rows})


def build(path: Path, seed: int, leads: int = 150) -> None:
    """A random history written as funnel writes one: every lead's stage is the stage its
    latest change led to, closed leads have their close time (the summaries kept by triggers)."""
    rng = random.Random(seed)
    store = open_db(path)
    with store.write() as conn:
        for lead in range(1, leads + 1):
            created = START + timedelta(days=rng.uniform(0, 540), seconds=rng.randrange(86_400))
            walk = [rng.choice(OPEN[:2])]
            for _ in range(rng.randrange(0, 6)):
                walk.append(rng.choice((*OPEN, *OPEN, WON, LOST)))
            moment, changes = created, []
            for stage in walk:
                changes.append((stage, moment))
                if rng.random() < 0.15:  # a second change at the same instant
                    changes.append((rng.choice((*OPEN, WON, LOST)), moment))
                # whole days now and then: ages of exactly 30 or 90 days
                moment += timedelta(days=rng.choice((0, 1, 30, rng.uniform(0.1, 60))))
            final, last = changes[-1]
            closed = _stamp(last) if final in (WON, LOST) else None
            conn.execute(
                "INSERT INTO leads (id, name, created_at, updated_at, stage_id, closed_at, "
                "currency, source, dates_estimated) VALUES (?, ?, ?, ?, ?, ?, 'CAD', ?, ?)",
                (
                    lead, f"Lead {lead}", _stamp(created), _stamp(created), final, closed,
                    rng.choice(SOURCES), rng.choice((0,) * 8 + (1, 2)),
                ),
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (?, ?, ?)",
                [(lead, stage, _stamp(at)) for stage, at in changes],
            )
        conn.execute("INSERT INTO leads (id, name, created_at, updated_at, stage_id, currency) "
                     "VALUES (?, 'No history', '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z', "
                     "1, 'CAD')", (leads + 1,))  # fmt: skip
    store.close()


def references(rng: random.Random) -> list[tuple[str, str, str]]:
    """Cut-offs every 7 days at a random time of day, their day's start and window's end."""
    end = timedelta(days=rng.choice((10, 31, 92)))
    last = START + timedelta(days=rng.uniform(100, 500))
    hour = timedelta(seconds=rng.randrange(86_400))
    out = []
    for k in range(rng.randrange(1, 28)):
        day = (last - timedelta(days=7 * k)).replace(hour=0, minute=0, second=0)
        out.append((_stamp(day + hour), _stamp(day + timedelta(hours=5)), _stamp(day + end)))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_one_pass_equals_the_window_query(tmp_path, seed):
    db = tmp_path / "history.db"
    build(db, seed)
    rng = random.Random(1000 + seed)
    conn = sqlite3.connect(db)
    try:
        for scope in (Scope(), Scope(source="web"), Scope(unsourced=True)):
            for _ in range(4):
                refs = references(rng)
                fast = Counter()
                for g in cut_offs.open_at(conn, OPEN, WON, refs, BANDS, scope):
                    fast[g.stage_id, g.band, g.days] += g.deals
                expected = reference_open_at(conn, OPEN, WON, refs, BANDS, scope)
                assert fast == expected
                assert sum(expected.values()) > 0 or scope != Scope()
                news = Counter()
                for g in cut_offs.created_after(conn, WON, refs, scope):
                    news[g.stage_id, g.band, g.days] += g.deals
                assert news == reference_created_after(conn, WON, refs, scope)
    finally:
        conn.close()
