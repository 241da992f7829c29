"""The backtest's model reads the stage history once for every cut-off when nothing after the
earliest one touches it (``store/reports/shared_history.py``): at every cut-off, its groups
equal those ``cut_offs`` reads on the past database as of that cut-off, for reference cut-offs
as the model makes them (windows of 10, 31 and 92 days), every scope.

Generated histories (seeded, bounded): leads with 0 to 5 stage changes, several at one instant,
moved back, reopened, moved before their creation, won or lost with a close recorded before, at or after their last move,
actions after their last move, estimated dates, inserted before the earliest cut-off (with
journaled edits then) or after it (inserts only: the journal records no change then).
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from funnelcli.kpis.model import AGE_BANDS
from funnelcli.store import open_db
from funnelcli.store.reports import cut_offs
from funnelcli.store.reports.clauses import Scope
from funnelcli.store.reports.past_cut import PastCopies
from funnelcli.store.reports.shared_history import SharedHistory

OPEN, WON, LOST = (1, 2, 3, 4, 5), 6, 7
START = datetime(2025, 1, 1)
EARLIEST = datetime(2025, 9, 30, 23, 59, 59)
SCOPES = (Scope(None, False), Scope("web", False), Scope(None, True))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _build(path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    store = open_db(path)
    lead = 0
    for batch in range(6):
        # the first batches before the earliest cut-off (edited then), the others after it
        written = START + timedelta(days=60 * batch + rng.uniform(0, 50))
        monkeypatch.setenv("FUNNEL_NOW", written.isoformat())
        with store.write() as conn:
            for _ in range(40):
                lead += 1
                created = START + timedelta(days=rng.uniform(0, 600))
                moment = created - timedelta(days=40 if rng.random() < 0.05 else 0)
                walk = [(rng.choice(OPEN[:2]), moment)]  # a few moved before their creation
                for _ in range(rng.randrange(0, 6)):
                    moment += timedelta(days=rng.choice((0, 1, 30, rng.uniform(0.1, 60))))
                    walk.append((rng.choice((*OPEN, *OPEN, WON, LOST)), moment))
                final, last = walk[-1]
                jitter = timedelta(days=rng.choice((0, 0, -2, 3, 40)))
                conn.execute(
                    "INSERT INTO leads (id, name, created_at, updated_at, stage_id, closed_at, "
                    "currency, source, dates_estimated) VALUES (?, ?, ?, ?, ?, ?, 'CAD', ?, ?)",
                    (
                        lead, f"Lead {lead}", _stamp(created), _stamp(created), final,
                        _stamp(last + jitter) if final in (WON, LOST) else None,
                        rng.choice(("web", "referral", None)), rng.choice((0,) * 8 + (1, 2)),
                    ),
                )  # fmt: skip
                conn.executemany(
                    "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (?, ?, ?)",
                    [(lead, stage, _stamp(at)) for stage, at in walk],
                )
                if rng.random() < 0.3:
                    conn.execute(
                        "INSERT INTO activities (lead_id, type, at, created_at) VALUES (?, 'call', ?, ?)",
                        (lead, _stamp(last + timedelta(days=rng.uniform(-5, 90))), _stamp(last)),
                    )
            if written < EARLIEST:
                conn.execute("UPDATE leads SET source = 'web' WHERE id % 7 = 0")
    store.close()


def _refs(cut: datetime, window: int) -> list[tuple[str, str, str]]:
    """The model's reference cut-offs at ``cut`` for a window of ``window`` days."""
    out = []
    day = cut.replace(hour=0, minute=0, second=0) - timedelta(days=window)
    for k in range(27):
        ref = day - timedelta(days=7 * k)
        out.append((_stamp(ref + (cut - cut.replace(hour=0, minute=0, second=0))),
                    _stamp(ref + timedelta(hours=5)), _stamp(ref + timedelta(days=window))))  # fmt: skip
    return out


@pytest.mark.parametrize("planned", [True, False])
@pytest.mark.parametrize("seed", [1, *(pytest.param(n, marks=pytest.mark.slow) for n in (2, 3))])
def test_the_shared_history_equals_the_past_databases(
    db_path, tmp_path, seed, planned, monkeypatch
):
    _build(db_path, seed, monkeypatch)
    cuts = [EARLIEST + timedelta(days=30 * k + k % 3) for k in range(12)]
    conn = sqlite3.connect(db_path)
    histories = {scope: SharedHistory.read(conn, _stamp(cuts[0]), scope) for scope in SCOPES}
    conn.close()
    assert None not in histories.values()
    if planned:  # the spans of deals never won counted once on a grid of every reference
        grid = {ref[0] for cut in cuts for window in (10, 31, 92) for ref in _refs(cut, window)}
        for history in histories.values():
            assert history is not None
            history.plan(grid)
    copies = PastCopies(db_path, tmp_path / "past.db")
    compared = Counter()
    try:
        for cut in reversed(cuts):
            at = _stamp(cut)
            then = copies.at(at)
            with then.read() as past:
                for scope, history in histories.items():
                    assert history is not None
                    for window in (10, 31, 92):
                        refs = _refs(cut, window)
                        expected = cut_offs.open_at(past, OPEN, WON, refs, AGE_BANDS, scope)
                        got = history.open_at(past, at, OPEN, WON, refs, AGE_BANDS)
                        assert Counter(got) == Counter(expected), (at, scope, window)
                        expected = cut_offs.created_after(past, WON, refs, scope)
                        got = history.created_after(past, at, WON, refs)
                        assert Counter(got) == Counter(expected), (at, scope, window)
                        compared["open"] += len(expected)
                        compared["won"] += sum(g.days is not None for g in expected)
    finally:
        copies.close()
    assert compared["open"] > 100 and compared["won"] > 20
    for history in histories.values():  # the grid was used at every cut-off when planned
        assert history is not None
        assert bool(history._shared) is planned
        assert all(shared.grid.counts for shared in history._shared.values())


def test_a_change_of_the_history_after_the_earliest_cut_off_is_not_shared(db_path, monkeypatch):
    _build(db_path, 4, monkeypatch)
    monkeypatch.setenv("FUNNEL_NOW", "2026-03-01T10:00:00")
    store = open_db(db_path)
    with store.write() as conn:
        conn.execute("UPDATE stage_changes SET at = '2025-10-15T10:00:00Z' WHERE id = 3")
    store.close()
    conn = sqlite3.connect(db_path)
    try:
        # the write at 2026-03-01T15:00Z (10:00 in Toronto) changed a stage change
        assert SharedHistory.read(conn, "2026-03-01T15:00:01Z", Scope(None, False)) is not None
        assert SharedHistory.read(conn, "2026-03-01T14:59:59Z", Scope(None, False)) is None
    finally:
        conn.close()


@pytest.mark.parametrize("by", ["month", "quarter"])
def test_a_backtest_finds_every_reference_cut_off_on_the_grid(funnel, tmp_path, monkeypatch, by):
    """``backtest._reference_instants`` plans the model's reference instants ahead: should the
    model's rule outgrow it, each cut-off would fall back to the slow scan without a word."""
    demo = tmp_path / "demo.db"
    funnel("demo", "--db", demo, "--leads", "300")
    counted = []

    def no_fallback(*args, **kwargs):
        raise AssertionError("a reference instant was not planned: the spans were scanned")

    def count(self, *args, **kwargs):
        counted.append(1)
        return grid_count(self, *args, **kwargs)

    from funnelcli.store.reports import span_grid

    grid_count = span_grid.SpanGrid.count
    monkeypatch.setattr(SharedHistory, "_spans", no_fallback)
    monkeypatch.setattr(span_grid.SpanGrid, "count", count)
    args = ("--db", demo, "report", "backtest", "--by", by, "--method", "model", "-f", "json")
    funnel(*args)
    assert counted  # the grid answered each cut-off
