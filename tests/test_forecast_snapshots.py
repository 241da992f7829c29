"""``funnel report forecast --record`` and ``funnel report accuracy`` (issue 16, item 4).

The history (local dates, America/Toronto), recorded at two "nows":

| id | lead | amount  | history                                                          |
| -- | ---- | ------- | ---------------------------------------------------------------- |
| 1  | Ada  | 1000 CAD| 09-02 proposal (50 %), expected close 10-15; won 10-18           |
| 2  | Bob  | 400 CAD | 09-03 negotiation (75 %), expected close 11-10; lost 11-12       |
| 3  | Ivy  | 100 CAD | won 09-15, billed monthly: 10-15, 11-15, …                       |
| 4  | Eve  | 200 EUR | 09-03 negotiation (75 %), expected close 10-25; lost 10-30       |
| 5  | Dee  | 500 USD | created 11-01, won 11-05 (never forecast)                        |

Snapshot 1 (2026-09-28), October and November:
  Oct CAD: (a) Ada 1000 × 50 % = 500 + (b) Ivy's 10-15 billing 100 = 600; Oct EUR: Eve 200 × 75 %
  = 150; Nov CAD: (a) Bob 400 × 75 % = 300 + (b) 100 = 400.
Snapshot 2 (2026-10-20): Oct CAD: (c) Ada 1000 + (b) 100 = 1100; Oct EUR 150 (Eve expected 10-25,
  still ahead); Nov CAD 400.
Actuals: Oct CAD 1000 + 100 = 1100, Oct EUR 0; Nov CAD 100 (the billing), Nov USD 500.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import rows

SEPT_28 = {"FUNNEL_NOW": "2026-09-28T09:00:00-04:00"}
OCT_20 = {"FUNNEL_NOW": "2026-10-20T09:00:00-04:00"}
DEC_02 = {"FUNNEL_NOW": "2026-12-02T09:00:00-05:00"}
FORECAST = ("report", "forecast", "--from", "2026-10-01", "--to", "2026-11-30")
COLUMNS = "recorded_on, bucket, currency, pipeline_cents, recurring_cents, won_cents, total_cents"


def history_until_september(funnel) -> None:
    def run(*args: str) -> None:
        funnel(*args, env=SEPT_28)

    run("add", "Ada", "--amount", "1000", "--at", "2026-09-01")
    run("advance", "1", "proposal", "--at", "2026-09-02")
    run("qualify", "1", "--expected-close", "2026-10-15")
    run("add", "Bob", "--amount", "400", "--at", "2026-09-01")
    run("advance", "2", "negotiation", "--at", "2026-09-03")
    run("qualify", "2", "--expected-close", "2026-11-10")
    run("add", "Ivy", "--amount", "100", "--at", "2026-09-01")
    run("qualify", "3", "--frequency", "monthly")
    run("win", "3", "--at", "2026-09-15")
    run("add", "Eve", "--amount", "200 EUR", "--at", "2026-09-01")
    run("advance", "4", "negotiation", "--at", "2026-09-03")
    run("qualify", "4", "--expected-close", "2026-10-25")


def two_snapshots_then_the_outcome(funnel) -> None:
    history_until_september(funnel)
    funnel(*FORECAST, "--record", env=SEPT_28)
    funnel("win", "1", "--at", "2026-10-18", env=OCT_20)
    funnel(*FORECAST, "--record", env=OCT_20)
    funnel("lose", "4", "--at", "2026-10-30")  # the suite's now: 2026-11-29
    funnel("lose", "2", "--at", "2026-11-12")
    funnel("add", "Dee", "--amount", "500 USD", "--at", "2026-11-01")
    funnel("win", "5", "--at", "2026-11-05")


def money(cents: int) -> dict:
    sign = "-" if cents < 0 else ""
    return {"cents": cents, "amount": f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"}


def test_record_stores_the_forecast_shown_once_a_day(funnel, tmp_path):
    db = tmp_path / "funnel.db"
    history_until_september(funnel)
    entries = rows(db, "SELECT count(*) AS n FROM journal")[0]["n"]
    shown = funnel(*FORECAST, "--record", "-f", "json", env=SEPT_28)
    assert shown.stderr == "Recorded the forecast: 3 lines\n"
    assert json.loads(shown.stdout)["section"] == "forecast"  # stdout stays the report
    first = [
        ("2026-09-28", "2026-10", "CAD", 50_000, 10_000, 0, 60_000),
        ("2026-09-28", "2026-10", "EUR", 15_000, 0, 0, 15_000),
        ("2026-09-28", "2026-11", "CAD", 30_000, 10_000, 0, 40_000),
    ]
    assert [tuple(r.values()) for r in rows(db, f"SELECT {COLUMNS} FROM forecast_snapshots")] == (
        first
    )
    meta = rows(db, "SELECT DISTINCT as_of, period_from, period_to, by, method, source "
                    "FROM forecast_snapshots")  # fmt: skip
    assert meta == [
        {
            "as_of": "2026-09-28T13:00:00Z",
            "period_from": "2026-10-01",
            "period_to": "2026-11-30",
            "by": "month",
            "method": "auto",
            "source": None,
        }
    ]
    # the same day again (a cron job run twice, the pipeline changed meanwhile): replaced
    funnel("qualify", "2", "--amount", "800", env=SEPT_28)
    again = funnel(*FORECAST, "--record", env={"FUNNEL_NOW": "2026-09-28T18:00:00-04:00"})
    assert again.stderr.endswith(
        "Recorded the forecast: 3 lines (replacing the one recorded earlier today)\n"
    )
    totals = rows(db, "SELECT recorded_on, as_of, bucket, currency, total_cents "
                      "FROM forecast_snapshots WHERE bucket = '2026-11'")  # fmt: skip
    # Bob 800 × 75 % + 100 = 700.00
    assert totals == [
        {
            "recorded_on": "2026-09-28",
            "as_of": "2026-09-28T22:00:00Z",
            "bucket": "2026-11",
            "currency": "CAD",
            "total_cents": 70_000,
        }
    ]
    # another method, or the next day: another snapshot
    funnel(*FORECAST, "--record", "--method", "stage", env=SEPT_28)
    funnel(*FORECAST, "--record", env={"FUNNEL_NOW": "2026-09-29T09:00:00-04:00"})
    found = rows(db, "SELECT recorded_on, method, count(*) AS n FROM forecast_snapshots "
                     "GROUP BY 1, 2 ORDER BY 1, 2")  # fmt: skip
    assert [tuple(r.values()) for r in found] == [
        ("2026-09-28", "auto", 3),
        ("2026-09-28", "stage", 3),
        ("2026-09-29", "auto", 3),
    ]
    # not journaled: no entry, and undo still undoes the user's last change (Bob's amount)
    assert rows(db, "SELECT count(*) AS n FROM journal")[0]["n"] == entries + 1
    funnel("undo", env=SEPT_28)
    assert rows(db, "SELECT amount_cents FROM leads WHERE id = 2")[0]["amount_cents"] == 40_000
    assert rows(db, "SELECT count(*) AS n FROM forecast_snapshots")[0]["n"] == 9


def test_record_is_for_the_forecast_only(funnel):
    funnel("init")
    failed = funnel("report", "kpis", "--record", code=2)
    assert failed.stderr == (
        "Error: --record stores a forecast: use it with funnel report forecast\n"
    )


def test_accuracy_compares_each_recorded_period_with_what_was_won(funnel):
    two_snapshots_then_the_outcome(funnel)
    data = json.loads(funnel("report", "accuracy", "-f", "json", env=DEC_02).stdout)
    assert (data["section"], data["snapshots"], data["pending"]) == ("accuracy", 2, 0)
    found = [
        (p["recorded_on"], p["label"], p["currency"], p["forecast"]["cents"],
         p["actual"]["cents"], p["error"]["cents"], p["percentage_error"])
        for p in data["periods"]
    ]  # fmt: skip
    assert found == [
        ("2026-09-28", "2026-10", "CAD", 60_000, 110_000, -50_000, -0.4545),  # -500/1100
        ("2026-09-28", "2026-10", "EUR", 15_000, 0, 15_000, None),  # actual 0: no percentage
        ("2026-09-28", "2026-11", "CAD", 40_000, 10_000, 30_000, 3.0),
        ("2026-09-28", "2026-11", "USD", 0, 50_000, -50_000, -1.0),  # not forecast at all
        ("2026-10-20", "2026-10", "CAD", 110_000, 110_000, 0, 0.0),
        ("2026-10-20", "2026-10", "EUR", 15_000, 0, 15_000, None),
        ("2026-10-20", "2026-11", "CAD", 40_000, 10_000, 30_000, 3.0),
        ("2026-10-20", "2026-11", "USD", 0, 50_000, -50_000, -1.0),
    ]
    first = data["periods"][0]
    assert (first["pipeline"], first["recurring"], first["won"]) == (
        money(50_000),
        money(10_000),
        money(0),
    )
    assert first["period"] == {
        "from": "2026-10-01",
        "to": "2026-11-30",
        "label": "2026-10-01 … 2026-11-30",
    }
    # CAD: |e| 500 + 300 + 0 + 300 = 1100 over 4 -> 275.00; Σ actual 2400 -> 0.4583;
    # bias (-500 + 300 + 0 + 300) / 4 = +25.00. EUR: Σ actual 0 -> no WAPE. USD: 1000/1000.
    assert data["overall"] == [
        {"currency": "CAD", "periods": 4, "mean_absolute_error": money(27_500),
         "weighted_absolute_percentage_error": 0.4583, "bias": money(2_500)},
        {"currency": "EUR", "periods": 2, "mean_absolute_error": money(15_000),
         "weighted_absolute_percentage_error": None, "bias": money(15_000)},
        {"currency": "USD", "periods": 2, "mean_absolute_error": money(50_000),
         "weighted_absolute_percentage_error": 1.0, "bias": money(-50_000)},
    ]  # fmt: skip
    table = funnel("report", "accuracy", env=DEC_02).stdout
    assert "2026-09-28  auto    2026-10  CAD     600.00  1,100.00  -500.00   -45.5%" in table
    assert "CAD         4           275.00                  45.8%   +25.00" in table
    lines = funnel("report", "accuracy", "-f", "csv", env=DEC_02).stdout.splitlines()
    assert lines[0] == (
        "recorded_on,as_of,method,by,period,from,to,currency,forecast,forecast_cents,"
        "actual,actual_cents,error,error_cents,percentage_error"
    )
    assert lines[3] == (
        "2026-09-28,2026-09-28T13:00:00Z,auto,month,2026-11,2026-11-01,2026-11-30,CAD,"
        "400.00,40000,100.00,10000,300.00,30000,3.0"
    )


def test_accuracy_leaves_out_periods_not_over_and_filters_the_recorded_days(funnel):
    two_snapshots_then_the_outcome(funnel)
    # now 2026-11-29: November is not over; its two recorded lines wait
    data = json.loads(funnel("report", "accuracy", "-f", "json").stdout)
    assert (data["snapshots"], data["pending"]) == (2, 2)
    assert {p["label"] for p in data["periods"]} == {"2026-10"}
    assert "2 lines left out: their period is not over yet." in funnel("report", "accuracy").stdout
    # --from/--to select the days the snapshots were recorded
    october = json.loads(
        funnel("report", "accuracy", "--period", "2026-10", "-f", "json", env=DEC_02).stdout
    )
    assert october["snapshots"] == 1
    assert {p["recorded_on"] for p in october["periods"]} == {"2026-10-20"}
    # a source's snapshots are compared with that source's wins only: none recorded
    funnel("edit", "1", "--source", "web", env=DEC_02)
    by_source = json.loads(
        funnel("report", "accuracy", "--source", "web", "-f", "json", env=DEC_02).stdout
    )
    assert (by_source["snapshots"], by_source["periods"], by_source["overall"]) == (0, [], [])
    assert (
        "No forecast recorded in this period"
        in funnel("report", "accuracy", "--source", "web", env=DEC_02).stdout
    )


def test_a_version_9_database_takes_snapshots_and_keeps_its_rows(funnel, tmp_path):
    db = tmp_path / "v9.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v9.db", db)
    before = {t: rows(db, f"SELECT * FROM {t} ORDER BY id") for t in ("leads", "stage_changes")}
    funnel("--db", db, "report", "forecast", "--period", "2026-02", "--record")
    for table, old in before.items():
        columns = ", ".join(old[0])
        assert rows(db, f"SELECT {columns} FROM {table} ORDER BY id") == old, table
    # Luc Roy won 5,000.00 USD on 2026-02-01: (c) of February, and its actual
    recorded = rows(db, f"SELECT {COLUMNS} FROM forecast_snapshots")
    assert [tuple(r.values()) for r in recorded] == [
        ("2026-11-29", "2026-02", "USD", 0, 0, 500_000, 500_000)
    ]
    data = json.loads(funnel("--db", db, "report", "accuracy", "-f", "json").stdout)
    assert [(p["actual"]["cents"], p["error"]["cents"]) for p in data["periods"]] == [(500_000, 0)]
