"""Point-in-time reports (issue 16, item 1): ``funnel report --as-of D`` and a past FUNNEL_NOW.

The promise: a report as of D on a database equals the same report on a database built only
from the events up to D. A history is built through the CLI at successive FUNNEL_NOW values;
after the events up to each cut-off the database is copied; at the end every section, as of each
cut-off, is compared with the same section of its copy (only the header's point-in-time keys may
differ). The lead deleted after a cut-off is deleted on its copy too: a deleted lead is absent
from past views.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import NOW
from helpers import rows

SECTIONS = (None, "kpis", "funnel", "sources", "monthly", "forecast", "cycle", "paths", "lost")
#: The header keys that say a report is a past view: the only ones allowed to differ.
POINT_IN_TIME = ("point_in_time", "values_older_than_history")

IMPORT = (
    "Email,Name,Source,Status,Created,Closed,Amount\n"
    "old-won@x.ca,Old Won,fair,Won,2025-10-01,2025-12-20,4000\n"
    "old-open@x.ca,Old Open,fair,Proposal,2025-11-15,,2500\n"
    "old-lost@x.ca,Old Lost,web-form,Lost,2025-12-01,2025-12-28,900\n"
)

#: (FUNNEL_NOW, command) in time order; the cut-offs are between them.
HISTORY: list[tuple[str, tuple[str, ...]]] = [
    ("2026-01-02T09:00:00", ("import", "{csv}")),
    ("2026-01-05T10:00:00", ("add", "Ada", "--source", "web-form", "--amount", "1000")),
    ("2026-01-10T10:00:00", ("add", "Bob", "--source", "referral")),
    ("2026-01-12T10:00:00", ("advance", "4", "qualified")),
    ("2026-01-15T10:00:00", ("qualify", "5", "--amount", "500", "--expected-close", "2026-03-01")),
    ("2026-01-16T10:00:00", ("qualify", "5", "--probability", "30")),
    ("2026-01-25T10:00:00", ("add", "Dan", "--source", "referral", "--amount", "700")),
    ("2026-02-01T10:00:00", ("follow-up", "add", "4", "Call back", "--due", "2026-02-05")),
    ("2026-02-03T10:00:00", ("log", "5", "call")),
    ("2026-02-04T10:00:00", ("stages", "set-probability", "qualified", "40")),
    # cut-off 2026-02-05T12:00
    ("2026-02-10T10:00:00", ("qualify", "5", "--amount", "800", "--expected-close", "2026-04-01")),
    ("2026-02-11T10:00:00", ("qualify", "5", "--probability", "60")),
    ("2026-02-12T10:00:00", ("stages", "set-probability", "qualified", "35")),
    ("2026-02-13T10:00:00", ("qualify", "2", "--amount", "3000")),
    ("2026-02-15T10:00:00", ("win", "4", "--keep-follow-ups")),
    ("2026-02-20T10:00:00", ("follow-up", "done", "1")),
    ("2026-02-21T10:00:00", ("advance", "5", "proposal")),
    # cut-off 2026-02-25T12:00
    ("2026-03-01T10:00:00", ("lose", "5", "--reason", "price")),
    ("2026-03-05T10:00:00", ("delete", "6", "--yes")),
    ("2026-03-08T10:00:00", ("win", "2")),
    ("2026-03-09T10:00:00", ("qualify", "3", "--expected-close", "2026-05-01")),
]
CUTOFFS = ("2026-02-05T12:00:00", "2026-02-25T12:00:00", "2026-03-06T12:00:00")
FINAL = "2026-03-15T09:00:00"
DELETED = "6"


def _copy(db: Path, to: Path) -> None:
    """A consistent copy of a live database (WAL included), as a backup would make."""
    source, target = sqlite3.connect(db), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _report(funnel, db: Path, now: str, section: str | None, *extra: str) -> dict:
    args = ["report", *([section] if section else []), *extra, "--format", "json"]
    result = funnel(*args, env={"FUNNEL_DB": str(db), "FUNNEL_NOW": now})
    return json.loads(result.stdout)


def _without_point_in_time(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in POINT_IN_TIME}


@pytest.fixture
def history(funnel, db_path: Path, tmp_path: Path) -> dict[str, Path]:
    """The final database (db_path) and a copy per cut-off (the lead deleted later, deleted)."""
    csv = tmp_path / "crm.csv"
    csv.write_text(IMPORT, encoding="utf-8")
    copies: dict[str, Path] = {}
    pending = list(CUTOFFS)
    for now, command in HISTORY:
        while pending and pending[0] < now:
            cutoff = pending.pop(0)
            copies[cutoff] = tmp_path / f"copy-{len(copies)}.db"
            _copy(db_path, copies[cutoff])
        funnel(*(a.format(csv=csv) for a in command), env={"FUNNEL_NOW": now})
    for cutoff, copy in copies.items():
        if rows(copy, "SELECT id FROM leads WHERE id = ?", (DELETED,)):
            funnel("delete", DELETED, "--yes", env={"FUNNEL_DB": str(copy), "FUNNEL_NOW": cutoff})
    return copies


@pytest.mark.slow  # 4 cut-offs × every section; the fast loop keeps the demo's equality test
def test_report_as_of_equals_the_report_of_the_database_then(funnel, db_path, history):
    for cutoff, copy in history.items():
        for section in SECTIONS:
            then = _report(funnel, copy, cutoff, section)
            assert then["point_in_time"] is False
            as_of = _report(funnel, db_path, FINAL, section, "--as-of", cutoff)
            assert as_of["point_in_time"] is True
            assert as_of["as_of"] == then["as_of"]
            assert _without_point_in_time(as_of) == _without_point_in_time(then), (cutoff, section)
            # a FUNNEL_NOW before the latest data means the same
            past_now = _report(funnel, db_path, cutoff, section)
            assert past_now == as_of


def test_an_import_row_closed_later_tells_its_amount_from_its_close_date(funnel, db_path, tmp_path):
    """As of 2025-12-10 (before the import of 2026-01-02, which recorded nothing earlier):
    the three imported leads existed (created 10-01, 11-15, 12-01) and were open (their stage
    history: qualified at creation); the won one (closed 12-20) and the lost one (12-28) were
    closed by the import, so their amounts are unknown before those dates; the open one's
    2,500.00 is known since its creation. All three show values older than their history."""
    csv = tmp_path / "crm.csv"
    csv.write_text(IMPORT, encoding="utf-8")
    funnel("import", csv, env={"FUNNEL_NOW": "2026-01-02T09:00:00"})
    kpis = _report(funnel, db_path, FINAL, "kpis", "--as-of", "2025-12-10")
    assert kpis["as_of"] == "2025-12-11T04:59:59Z"  # the end of that day in Montréal
    assert (kpis["point_in_time"], kpis["values_older_than_history"]) == (True, 3)
    assert kpis["leads_created"] == 3
    assert kpis["win_rate"] is None  # nothing closed then: no rate (null as a whole)
    opportunities = kpis["open_opportunities"]["by_currency"]
    assert [(o["deals"], o["deals_with_amount"], o["total"]["cents"]) for o in opportunities] == [
        (3, 1, 250000)
    ]
    # a day after the win, its amount is known, and the win counts
    later = _report(funnel, db_path, FINAL, "kpis", "--as-of", "2025-12-21")
    assert [(s["deals"], s["total"]["cents"]) for s in later["won_deal_size"]] == [(1, 400000)]
    # once the import is recorded, its values are history, not older than it
    recorded = _report(funnel, db_path, FINAL, "kpis", "--as-of", "2026-01-02T09:00:00")
    assert recorded["values_older_than_history"] == 0


def test_no_leak_a_later_win_is_absent_from_every_figure(funnel, db_path):
    """Three qualified deals of 1,000.00: A won on 01-10, B lost on 01-11, C won on 02-01.
    As of 01-20 only A is won: win rate 1 of 2, one won deal of 1,000.00, and the history
    probability of 'qualified' is 1 won of 2 closed (2 of 3 today)."""
    for lead, name in enumerate(("A", "B", "C"), start=1):
        funnel("add", name, "--source", "web-form", "--amount", "1000",
               env={"FUNNEL_NOW": "2026-01-05T10:00:00"})  # fmt: skip
        funnel("advance", lead, "qualified", env={"FUNNEL_NOW": "2026-01-06T10:00:00"})
    funnel("win", "1", env={"FUNNEL_NOW": "2026-01-10T10:00:00"})
    funnel("lose", "2", env={"FUNNEL_NOW": "2026-01-11T10:00:00"})
    funnel("win", "3", env={"FUNNEL_NOW": "2026-02-01T10:00:00"})
    as_of = ("--as-of", "2026-01-20", "--method", "history")
    forecast = _report(funnel, db_path, FINAL, "forecast", *as_of)
    qualified = next(p for p in forecast["probabilities"] if p["stage"] == "qualified")
    assert (qualified["closed_deals"], qualified["won_deals"]) == (2, 1)
    assert [t["won"]["cents"] for t in forecast["totals"]] == [100000]
    assert forecast["left_out"]["deals"] == 1  # C, open then (no expected close)
    kpis = _report(funnel, db_path, FINAL, "kpis", *as_of)
    assert (kpis["win_rate"]["won"], kpis["win_rate"]["lost"]) == (1, 1)
    assert [(s["deals"], s["total"]["cents"]) for s in kpis["won_deal_size"]] == [(1, 100000)]
    assert kpis["open_opportunities"]["deals"] == 1
    funnel_json = _report(funnel, db_path, FINAL, "funnel", *as_of)
    reached = {s["stage"]: s["reached"] for s in funnel_json["stages"]}
    assert (reached["qualified"], reached["won"]) == (3, 1)
    today = _report(funnel, db_path, FINAL, "forecast", "--method", "history")
    qualified = next(p for p in today["probabilities"] if p["stage"] == "qualified")
    assert (qualified["closed_deals"], qualified["won_deals"]) == (3, 2)
    assert today["point_in_time"] is False


def _demo_then(demo: Path, copy: Path, at: str) -> None:
    """The demo as it was at ``at`` (a stored instant), written independently of funnel's code
    from the rules: rows by their own dates, each lead at its last stage by then (closed then
    if that stage is), summary columns recounted, no journal (the demo wrote its rows once, at
    its "now": its values are known since each lead's creation)."""
    _copy(demo, copy)
    conn = sqlite3.connect(copy)
    try:
        script = f"""
            DELETE FROM journal_changes; DELETE FROM journal_ranges; DELETE FROM journal;
            DELETE FROM leads WHERE created_at > '{at}';
            DELETE FROM stage_changes WHERE at > '{at}';
            DELETE FROM activities WHERE at > '{at}';
            DELETE FROM follow_ups WHERE created_at > '{at}';
            UPDATE follow_ups SET done_at = NULL, done_note = NULL WHERE done_at > '{at}';
        """
        conn.executescript(script)
        last: dict[int, tuple[str, int]] = {}
        for lead, when, stage in conn.execute(
            "SELECT lead_id, at, to_stage_id FROM stage_changes ORDER BY at, id"
        ):
            last[lead] = (when, stage)
        kinds = dict(conn.execute("SELECT id, kind FROM stages"))
        for lead, (when, stage) in last.items():
            closed = kinds[stage] != "open"
            conn.execute(
                "UPDATE leads SET stage_id = ?, reached = ?, "
                "closed_at = CASE WHEN ? THEN coalesce(closed_at, ?) END, "
                "lost_reason = CASE WHEN ? THEN lost_reason END WHERE id = ?",
                (stage, 0, closed, when, kinds[stage] == "lost", lead),
            )
            conn.execute(
                "UPDATE leads SET closed_at = ? WHERE id = ? AND closed_at > ?", (when, lead, at)
            )
        for lead, stage in conn.execute("SELECT DISTINCT lead_id, to_stage_id FROM stage_changes"):
            conn.execute("UPDATE leads SET reached = reached | ? WHERE id = ?", (1 << stage, lead))
        conn.execute(
            "UPDATE leads SET last_event_at = (SELECT max(at) FROM (SELECT at FROM stage_changes "
            "WHERE lead_id = leads.id UNION ALL SELECT at FROM activities WHERE lead_id = leads.id))"
        )
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("cutoff", ["2026-03-31T23:00:00", "2026-08-15T12:00:00"])
def test_demo_as_of_equals_the_demo_then(funnel, tmp_path, cutoff):
    demo = tmp_path / "demo.db"
    funnel("demo", "--db", demo, "--leads", "300")
    copy = tmp_path / "then.db"
    at = _report(funnel, demo, cutoff, "monthly")["as_of"]  # the instant, as stored
    _demo_then(demo, copy, at)
    for section in SECTIONS:
        then = _report(funnel, copy, cutoff, section)
        as_of = _report(funnel, demo, NOW, section, "--as-of", cutoff)
        assert then["point_in_time"] is False
        assert (as_of["point_in_time"], as_of["values_older_than_history"] > 0) == (True, True)
        assert _without_point_in_time(as_of) == _without_point_in_time(then), section


def test_a_database_older_than_the_journal_takes_its_values_as_known_since_creation(
    funnel, tmp_path
):
    """The schema-v7 fixture (no journal yet), upgraded on open. As of 2026-01-25: Marie
    (qualified on 01-10, 12,000.00 CAD at 40 %) is the one open opportunity, weighted
    4,800.00; Luc, won on 02-01, is still new; Zoé, lost on 01-20, never was an opportunity.
    Marie and Luc have values the journal never recorded (amounts, sources): 2 leads."""
    db = tmp_path / "v7.db"
    db.write_bytes((Path(__file__).parent / "fixtures" / "schema-v7.db").read_bytes())
    kpis = _report(funnel, db, "2026-03-01T09:00:00", "kpis", "--as-of", "2026-01-25")
    assert (kpis["point_in_time"], kpis["values_older_than_history"]) == (True, 2)
    assert kpis["win_rate"] is None  # nothing closed then: no rate (null as a whole)
    opportunities = kpis["open_opportunities"]["by_currency"]
    assert [(o["currency"], o["deals"], o["total"]["cents"], o["weighted"]["cents"])
            for o in opportunities] == [("CAD", 1, 1200000, 480000)]  # fmt: skip
    # the upgraded database keeps every row, untouched by the report
    assert rows(db, "SELECT id, stage_id, closed_at, amount_cents FROM leads ORDER BY id") == [
        {"id": 1, "stage_id": 3, "closed_at": None, "amount_cents": 1200000},
        {"id": 2, "stage_id": 6, "closed_at": "2026-02-01T15:00:00Z", "amount_cents": 500000},
        {"id": 3, "stage_id": 7, "closed_at": "2026-01-20T15:00:00Z", "amount_cents": None},
    ]
