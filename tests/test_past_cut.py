"""The backtest's past database, cut back from cut-off to cut-off (``store/reports/past_cut.py``),
equals a fresh ``write_past`` at every cut-off: every table, row by row, and the count of leads
with values older than their history.

Histories: generated ones (seeded, bounded), written in SQL through journaled writes at
instants spread over the history: leads inserted by imports and adds at any time (before or
after their creation and close), close times that are not their last move's (before, after),
then edits of every kind at their own instants (amounts, sources, closes, creation dates, moves
added, dropped, re-dated and moved to another lead, leads deleted, stage probabilities, merges
whose records a past view skips); seeded random sequences of write commands through the CLI
(adds, backdated moves and closes, reopenings, qualification and source edits, actions,
deletions, undos, merges, stage probabilities, imports of closed and open rows); and the demo.
Cut at random instants and at the instants of journal entries themselves.
"""

from __future__ import annotations

import contextlib
import random
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from funnelcli.cli import app
from funnelcli.store import open_db
from funnelcli.store.reports import past
from funnelcli.store.reports.past_cut import PastCopies

STAGES = ("contacted", "qualified", "proposal", "negotiation")
SOURCES = ("web-form", "referral", "fair")


def _tables(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def _assert_cut_back_equals_fresh(db: Path, cut_offs: list[str], folder: Path) -> int:
    """Every cut-off, latest first: the copy cut back equals a fresh copy; how many cut-offs
    had rows (so that a test cutting nothing would show)."""
    copies = PastCopies(db, folder / "cut.db", count_older=True)
    fresh = folder / "fresh.db"
    shown = 0
    try:
        for at in sorted(set(cut_offs), reverse=True):
            copies.at(at)
            older = past.write_past(db, fresh, at, past.FORECAST_TABLES)
            then = _tables(fresh)
            assert _tables(copies.target) == then, at
            assert copies.older == older, at
            shown += bool(then["leads"])
            fresh.unlink()
    finally:
        copies.close()
    return shown


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


START = datetime(2025, 1, 1)
OPEN, WON, LOST = (1, 2, 3, 4, 5), 6, 7


def _generated(path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A generated history (module doc); its cut-offs."""
    rng = random.Random(seed)

    def instant() -> datetime:
        return START + timedelta(days=rng.uniform(0, 600), seconds=rng.randrange(86_400))

    store = open_db(path)
    ids: list[int] = []
    for _ in range(8):
        monkeypatch.setenv("FUNNEL_NOW", instant().isoformat())
        store.command = rng.choice(("funnel import crm.csv", "funnel add x"))
        with store.write() as conn:
            for _ in range(20):
                lead = len(ids) + 1
                created = instant()
                walk = [(rng.choice(OPEN[:2]), created)]
                moment = created
                for _ in range(rng.randrange(0, 5)):
                    moment += timedelta(days=rng.choice((0, 1, rng.uniform(0.1, 60))))
                    walk.append((rng.choice((*OPEN, *OPEN, WON, LOST)), moment))
                final, last = walk[-1]
                jitter = timedelta(days=rng.choice((0, 0, -3, 4, 25)))
                conn.execute(
                    "INSERT INTO leads (id, name, created_at, updated_at, stage_id, closed_at, "
                    "currency, source, amount_cents, expected_close, probability, "
                    "dates_estimated) VALUES (?, ?, ?, ?, ?, ?, 'CAD', ?, ?, ?, ?, ?)",
                    (
                        lead, f"Lead {lead}", _stamp(created), _stamp(created), final,
                        _stamp(last + jitter) if final in (WON, LOST) else None,
                        rng.choice(SOURCES), rng.choice((None, 50_000, 120_000)),
                        rng.choice((None, "2025-09-01")), rng.choice((None, 40)),
                        rng.choice((0,) * 6 + (1, 2)),
                    ),
                )  # fmt: skip
                conn.executemany(
                    "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (?, ?, ?)",
                    [(lead, stage, _stamp(at)) for stage, at in walk],
                )
                ids.append(lead)
    edits = (
        "UPDATE leads SET amount_cents = :n * 100, source = :source WHERE id = :lead",
        "UPDATE leads SET closed_at = :at WHERE id = :lead AND closed_at IS NOT NULL",
        "UPDATE leads SET created_at = :at WHERE id = :lead",
        "UPDATE leads SET probability = :n % 100, expected_close = '2026-01-15' WHERE id = :lead",
        "DELETE FROM stage_changes WHERE id = (SELECT max(id) FROM stage_changes "
        "WHERE lead_id = :lead)",
        "UPDATE stage_changes SET at = :at WHERE id = (SELECT min(id) FROM stage_changes "
        "WHERE lead_id = :lead)",
        "UPDATE stage_changes SET lead_id = :other WHERE lead_id = :lead",
        "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (:lead, :stage, :now)",
        "UPDATE leads SET stage_id = :stage, closed_at = CASE WHEN :stage > 5 THEN :now END "
        "WHERE id = :lead",
        "DELETE FROM leads WHERE id = :lead",
        "UPDATE stages SET probability = :n % 100 WHERE id = :stage % 5 + 1",
    )
    for _ in range(40):
        now = instant()
        monkeypatch.setenv("FUNNEL_NOW", now.isoformat())
        store.command = rng.choice(("funnel edit 1", "funnel merge 1 2", "funnel advance 3"))
        with store.write() as conn:
            for _ in range(rng.randrange(1, 4)):
                values = {
                    "lead": rng.choice(ids), "other": rng.choice(ids), "n": rng.randrange(1, 500),
                    "source": rng.choice(SOURCES), "stage": rng.choice((*OPEN, WON, LOST)),
                    "at": _stamp(instant()), "now": _stamp(now),
                }  # fmt: skip
                with contextlib.suppress(sqlite3.IntegrityError):  # a lead deleted before
                    conn.execute(rng.choice(edits), values)
    store.close()
    conn = sqlite3.connect(path)
    try:
        entries = [row[0] for row in conn.execute("SELECT at FROM journal")]
    finally:
        conn.close()
    return [_stamp(instant()) for _ in range(25)] + entries


def _history(db: Path, folder: Path, seed: int) -> list[str]:
    """A random history of ~60 commands from 2026-01-05; the instants of its cut-offs."""
    rng = random.Random(seed)
    runner = CliRunner()
    moment = datetime(2026, 1, 5, 9, 0)
    leads: dict[int, str] = {}  # id -> "open" | "won" | "lost"
    cut_offs: list[str] = []

    def run(*args: object, backdate: bool = False) -> str:
        extra = ["--at", (moment - timedelta(days=rng.randrange(1, 20))).isoformat()]
        argv = [str(a) for a in args] + (extra if backdate else [])
        env = {"FUNNEL_DB": str(db), "FUNNEL_NOW": moment.isoformat()}
        return runner.invoke(app, argv, env=env).stdout

    def some(status: str | None = None) -> int | None:
        ids = [i for i, s in leads.items() if status is None or s == status]
        return rng.choice(ids) if ids else None

    for step in range(60):
        moment += timedelta(hours=rng.randrange(5, 80))
        if rng.random() < 0.3:
            cut_offs.append((moment - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        roll = rng.random()
        lead = some()
        if roll < 0.2 or lead is None:
            out = run("add", f"L{step}", "--source", rng.choice(SOURCES), "--amount",
                      str(rng.randrange(1, 50) * 100), backdate=rng.random() < 0.3)  # fmt: skip
            found = re.findall(r"\d+", out)
            if found:
                leads[int(found[0])] = "open"
        elif roll < 0.35 and (open_lead := some("open")):
            run("advance", open_lead, rng.choice(STAGES), backdate=rng.random() < 0.4)
        elif roll < 0.45 and (open_lead := some("open")):
            won = rng.random() < 0.6
            if won:
                run("win", open_lead, backdate=rng.random() < 0.5)
            else:
                run("lose", open_lead, "--reason", "price")
            leads[open_lead] = "won" if won else "lost"
        elif roll < 0.5 and (closed := some("won") or some("lost")):
            run("reopen", closed)
            leads[closed] = "open"
        elif roll < 0.6:
            run("qualify", lead, "--amount", str(rng.randrange(1, 90) * 100),
                "--expected-close", (moment + timedelta(days=rng.randrange(5, 60))).date())  # fmt: skip
        elif roll < 0.65:
            run("qualify", lead, "--probability", rng.randrange(5, 95))
        elif roll < 0.7:
            run("edit", lead, "--source", rng.choice(SOURCES))
        elif roll < 0.75:
            run("log", lead, "call")
        elif roll < 0.8:
            run("undo")
            leads = _statuses(db)
        elif roll < 0.84 and len(leads) > 2:
            keep, other = rng.sample(sorted(leads), 2)
            run("merge", keep, other)
            if rng.random() < 0.5:
                run("undo")
            leads = _statuses(db)
        elif roll < 0.88:
            run("delete", lead, "--yes")
            leads.pop(lead, None)
        elif roll < 0.92:
            run("stages", "set-probability", rng.choice(STAGES), rng.randrange(5, 95))
        else:
            day = (moment - timedelta(days=rng.randrange(10, 40))).date()
            csv = folder / f"import-{step}.csv"
            csv.write_text(
                "Email,Name,Source,Status,Created,Closed,Amount\n"
                f"w{step}@x.ca,W{step},fair,Won,{day},{day + timedelta(days=5)},4000\n"
                f"o{step}@x.ca,O{step},fair,Proposal,{day},,2500\n"
                f"l{step}@x.ca,L{step},web-form,Lost,{day},{day + timedelta(days=8)},900\n",
                encoding="utf-8",
            )
            run("import", csv)
            leads = _statuses(db)
    conn = sqlite3.connect(db)
    try:
        entries = [row[0] for row in conn.execute("SELECT at FROM journal ORDER BY id")]
    finally:
        conn.close()
    return cut_offs + entries[::4]


def _statuses(db: Path) -> dict[int, str]:
    conn = sqlite3.connect(db)
    try:
        return {
            lead: {"open": "open", "won": "won", "lost": "lost"}[kind]
            for lead, kind in conn.execute(
                "SELECT l.id, s.kind FROM leads l JOIN stages s ON s.id = l.stage_id"
            )
        }
    finally:
        conn.close()


@pytest.mark.parametrize(
    "seed", [1, *(pytest.param(n, marks=pytest.mark.slow) for n in range(2, 9))]
)
def test_cut_back_equals_a_fresh_copy_on_generated_histories(db_path, tmp_path, seed, monkeypatch):
    cut_offs = _generated(db_path, seed, monkeypatch)
    assert _assert_cut_back_equals_fresh(db_path, cut_offs, tmp_path) > 20


@pytest.mark.slow  # the fast loop keeps the generated history and the demo
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cut_back_equals_a_fresh_copy_on_random_histories(db_path, tmp_path, seed):
    cut_offs = _history(db_path, tmp_path, seed)
    journal = sqlite3.connect(db_path)
    ops = dict(journal.execute("SELECT op, count(*) FROM journal_changes GROUP BY op").fetchall())
    journal.close()
    assert ops.get("update", 0) > 20 and ops.get("delete", 0) > 3  # the journal has history
    assert _assert_cut_back_equals_fresh(db_path, cut_offs, tmp_path) > 10


def test_cut_back_equals_a_fresh_copy_on_the_demo(funnel, tmp_path):
    demo = tmp_path / "demo.db"
    funnel("demo", "--db", demo, "--leads", "300")
    months = [f"{y}-{m:02d}-{d}T04:59:59Z" for y in (2025, 2026) for m in range(1, 13)
              for d in ("01", "16")]  # fmt: skip
    assert _assert_cut_back_equals_fresh(demo, months, tmp_path) > 10


# a backdated move and a deletion made between two cuts leave a copy unequal to a fresh one,
# with or without the dated rows read once (main before this test fails alike): not the cache
_UNEQUAL = pytest.mark.xfail(strict=True, reason="cut back after a write to the source")


@pytest.mark.parametrize(
    "write",
    ["log", pytest.param("advance", marks=_UNEQUAL), pytest.param("delete", marks=_UNEQUAL)],
)
def test_a_write_to_the_source_between_two_cuts_changes_no_copy(funnel, tmp_path, write):
    """The cuts read the source's dated rows once (``past_cut._dated``): a write made after
    that (an action backdated between the cut-offs; a move backdated there, a lead deleted
    with its history there) is journaled later than every cut-off, so each copy should still
    equal a fresh one of the source as it is then."""
    demo = tmp_path / "demo.db"
    funnel("demo", "--db", demo, "--leads", "300")
    months = [f"2026-{m:02d}-01T04:59:59Z" for m in range(1, 11)]
    copies = PastCopies(demo, tmp_path / "cut.db", count_older=True, floor=months[0])
    fresh = tmp_path / "fresh.db"
    conn = sqlite3.connect(demo)
    open_id, action_id = (
        row[0]
        for row in conn.execute(
            "SELECT l.id FROM leads l JOIN stages s ON s.id = l.stage_id WHERE s.kind = 'open' "
            "AND l.created_at < '2026-01-01' ORDER BY l.id LIMIT 2"
        )
    )
    gone = conn.execute(
        "SELECT lead_id FROM stage_changes WHERE at > ? AND at <= ? ORDER BY id LIMIT 1",
        (months[3], months[6]),
    ).fetchone()[0]
    conn.close()
    try:
        copies.at(months[-1])
        copies.at(months[-2])  # the dated rows read here
        if write == "advance":
            funnel("--db", demo, "advance", open_id, "--at", "2026-05-10")
        elif write == "log":
            funnel("--db", demo, "log", action_id, "call", "--at", "2026-04-12")
        else:
            funnel("--db", demo, "delete", gone, "--yes")
        for at in reversed(months[:-2]):
            copies.at(at)
            older = past.write_past(demo, fresh, at, past.FORECAST_TABLES)
            assert _tables(copies.target) == _tables(fresh), at
            assert copies.older == older, at
            fresh.unlink()
    finally:
        copies.close()
