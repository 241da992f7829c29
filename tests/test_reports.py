"""``funnel report``: every section in JSON and CSV with its figures, filters, periods, the
dashboard on a 100-column terminal, ``--save``, errors, and lazy imports.

The scenario is built through the CLI (``--at`` backdates the history); "now" is the suite's
2026-11-29 09:00 in America/Toronto. The default period is 2025-11-01 to 2026-11-30.

| id | lead | source    | history (local dates)                                        | amount   |
| -- | ---- | --------- | ------------------------------------------------------------ | -------- |
| 1  | Ada  | web-form  | 09-10 new, 09-12 contacted, 09-20 qualified, 10-01 proposal, | 1000 CAD |
|    |      |           | won 10-15 (cycle 35 days)                                    |          |
| 2  | Bob  | referral  | 10-05 new, 10-06 qualified (skips contacted), lost 10-20     | 2000 CAD |
|    |      |           | "Price"                                                      |          |
| 3  | Cy   | web-form  | 10-10 new, lost 10-11 "price" (never an opportunity)         | —        |
| 4  | Dee  | event     | 2025-06-01 new (before the period), 06-10 proposal,          | 500 USD  |
|    |      |           | won 2026-10-20 (cycle 506 days)                              |          |
| 5  | Eve  | web-form  | 11-01 new, 11-02 contacted, 11-05 proposal, 11-10 back to    | —        |
|    |      |           | contacted (open, not an opportunity now)                     |          |
| 6  | Fay  | (none)    | 08-01 new, 08-05 qualified, lost 08-20, reopened 09-01 at    | 10000 CAD|
|    |      |           | negotiation; expected close 12-15, probability override 40 % |          |
| 7  | Gus  | referral  | 11-20 new, 11-21 proposal; expected close 11-30              | 3000 CAD |
| 8  | Hal  | web-form  | 10-01 new, 10-02 qualified; no amount, no expected close     | —        |
| 9  | Ivy  | referral  | 01-05 new, won 01-31 (cycle 26 days); billed monthly         | 100 CAD  |
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import rows
from hypothesis import given
from hypothesis import strategies as st

_TEMPLATE: dict[str, Path] = {}


def _build(funnel, db: Path) -> None:
    env = {"FUNNEL_DB": str(db)}

    def run(*args):
        return funnel(*args, env=env)

    run("add", "Ada", "--source", "web-form", "--amount", "1000", "--at", "2026-09-10")
    run("advance", "1", "--at", "2026-09-12")
    run("advance", "1", "--at", "2026-09-20")
    run("advance", "1", "--at", "2026-10-01")
    run("win", "1", "--at", "2026-10-15")
    run("add", "Bob", "--source", "Referral", "--amount", "2000", "--at", "2026-10-05")
    run("advance", "2", "qualified", "--at", "2026-10-06")
    run("lose", "2", "--reason", "Price", "--at", "2026-10-20")
    run("add", "Cy", "--source", "web-form", "--at", "2026-10-10")
    run("lose", "3", "--reason", " price ", "--at", "2026-10-11")
    run("add", "Dee", "--source", "event", "--amount", "500 USD", "--at", "2025-06-01")
    run("advance", "4", "proposal", "--at", "2025-06-10")
    run("win", "4", "--at", "2026-10-20")
    run("add", "Eve", "--source", "web-form", "--at", "2026-11-01")
    run("advance", "5", "--at", "2026-11-02")
    run("advance", "5", "proposal", "--at", "2026-11-05")
    run("advance", "5", "contacted", "--at", "2026-11-10")
    run("add", "Fay", "--at", "2026-08-01")
    run("advance", "6", "qualified", "--at", "2026-08-05")
    run("lose", "6", "--at", "2026-08-20")
    run("advance", "6", "negotiation", "--at", "2026-09-01")
    run(
        "qualify", "6", "--amount", "10000", "--expected-close", "2026-12-15", "--probability", "40"
    )
    run("add", "Gus", "--source", "referral", "--at", "2026-11-20")
    run("advance", "7", "proposal", "--at", "2026-11-21")
    run("qualify", "7", "--amount", "3000", "--expected-close", "2026-11-30")
    run("add", "Hal", "--source", "web-form", "--at", "2026-10-01")
    run("advance", "8", "qualified", "--at", "2026-10-02")
    run("add", "Ivy", "--source", "referral", "--at", "2026-01-05")
    run("qualify", "9", "--amount", "100", "--frequency", "monthly")
    run("win", "9", "--at", "2026-01-31")
    # Actions (UTC instants, all at noon local time or so); the call on Ada after her win
    # (2026-10-20) does not count towards her path.
    acts = [
        (1, "call", "2026-09-11T16:00:00Z"),
        (1, "email", "2026-09-15T16:00:00Z"),
        (1, "demo", "2026-09-25T16:00:00Z"),
        (1, "proposal", "2026-10-05T16:00:00Z"),
        (1, "call", "2026-10-20T16:00:00Z"),
        (2, "call", "2026-10-05T16:00:00Z"),
        (2, "email", "2026-10-07T16:00:00Z"),
        (3, "email", "2026-10-10T16:00:00Z"),
        (4, "call", "2025-06-02T16:00:00Z"),
        (4, "demo", "2025-06-05T16:00:00Z"),
        (9, "Email", "2026-01-06T17:00:00Z"),
        (9, "demo", "2026-01-10T17:00:00Z"),
        (9, "call", "2026-01-20T17:00:00Z"),
    ]
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(
            "INSERT INTO activities (lead_id, type, text, at, created_at) VALUES (?, ?, NULL, ?, ?)",
            [(lead, kind, at, at) for lead, kind, at in acts],
        )
        # two overdue follow-ups and one due later
        conn.executemany(
            "INSERT INTO follow_ups (lead_id, text, due_date, created_at) VALUES (?, ?, ?, ?)",
            [
                (5, "call back", "2026-11-20", "2026-11-10T15:00:00Z"),
                (7, "send quote", "2026-11-25", "2026-11-21T15:00:00Z"),
                (8, "check in", "2026-12-10", "2026-11-21T15:00:00Z"),
            ],
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.fixture
def scenario(funnel, db_path, tmp_path_factory):
    """The database of the table above (built once, copied for each test)."""
    if "db" not in _TEMPLATE:
        template = tmp_path_factory.mktemp("reports") / "template.db"
        _build(funnel, template)
        _TEMPLATE["db"] = template
    shutil.copyfile(_TEMPLATE["db"], db_path)
    return db_path


def report(funnel, *args, fmt="json"):
    result = funnel("report", *args, "--format", fmt)
    if fmt == "json":
        return json.loads(result.stdout)
    return list(csv.DictReader(io.StringIO(result.stdout)))


def money(cents):
    return {"cents": cents, "amount": f"{cents // 100}.{cents % 100:02d}"}


# --------------------------------------------------------------------------- kpis


def test_kpis_json(funnel, scenario):
    data = report(funnel, "kpis")
    assert data["section"] == "kpis"
    assert data["period"] == {
        "from": "2025-11-01",
        "to": "2026-11-30",
        "label": "last 12 months and this month",
    }
    assert data["source"] is None
    assert data["as_of"] == "2026-11-29T14:00:00Z"
    # created in the period: all but Dee (2025-06-01)
    assert data["leads_created"] == 8
    months = {m["label"]: m for m in data["leads_per_month"]}
    assert len(months) == 13
    assert months["2026-10"]["leads"] == 3  # Bob, Cy, Hal
    assert {s["source"]: s["leads"] for s in months["2026-10"]["by_source"]} == {
        "web-form": 2,
        "referral": 1,
        None: 0,
    }
    assert months["2025-12"]["leads"] == 0
    # reached qualified: everyone created in the period but Cy (Bob skipped contacted; Eve
    # moved back to contacted but had reached proposal; Fay was lost then reopened)
    assert data["lead_to_opportunity"] == {"rate": 0.875, "numerator": 7, "denominator": 8}
    # won in the period: Ada, Dee (created before it), Ivy; lost opportunities: Bob only
    # (Cy never was one; Fay was lost but is open again)
    assert data["win_rate"] == {
        "rate": 0.75,
        "numerator": 3,
        "denominator": 4,
        "won": 3,
        "lost": 1,
    }
    # CAD: Ada 1000 and Ivy 100 -> mean = median = 550.00; USD: Dee 500.00 alone
    assert data["won_deal_size"] == [
        {
            "currency": "CAD",
            "deals": 2,
            "deals_with_amount": 2,
            "total": money(110_000),
            "average": money(55_000),
            "median": money(55_000),
        },
        {
            "currency": "USD",
            "deals": 1,
            "deals_with_amount": 1,
            "total": money(50_000),
            "average": money(50_000),
            "median": money(50_000),
        },
    ]
    # cycles 35, 506 and 26 days: mean 189, median 35
    assert data["sales_cycle"] == {
        "deals": 3,
        "average_days": 189.0,
        "median_days": 35.0,
        "left_out_estimated": 0,
    }
    # open now at qualified or later: Fay (10000 × 40 %), Gus (3000 × 50 %), Hal (no amount)
    assert data["open_opportunities"] == {
        "deals": 3,
        "by_currency": [
            {
                "currency": "CAD",
                "deals": 3,
                "deals_with_amount": 2,
                "total": money(1_300_000),
                "weighted": money(550_000),
            }
        ],
    }
    # CAD: 3 × 0.75 × 550.00 ÷ 189 days = 6.5476… -> 6.55 a day; USD: no open deal -> 0
    velocity = {v["currency"]: v for v in data["sales_velocity"]}
    assert velocity["CAD"]["per_day"] == money(655)
    assert velocity["CAD"]["open_opportunities"] == 3
    assert velocity["CAD"]["average_won_deal"] == money(55_000)
    assert velocity["USD"]["per_day"] == money(0)
    # the period's forecast: Gus 1500 (due 11-30), Ivy billed monthly 10 times (02-28 … 11-30)
    # = 1000, won 1100 CAD; Fay (12-15) is after the period
    (cad, usd) = data["forecast"]["by_currency"]
    assert (cad["pipeline"], cad["recurring"], cad["won"], cad["total"]) == (
        money(150_000),
        money(100_000),
        money(110_000),
        money(360_000),
    )
    assert usd["won"] == money(50_000) and usd["total"] == money(50_000)
    assert data["forecast"]["left_out"] == {
        "deals": 1,
        "no_amount": 1,
        "no_expected_close": 1,
        "expected_close_past": 0,
    }


def test_kpis_csv(funnel, scenario):
    found = report(funnel, "kpis", fmt="csv")
    assert list(found[0]) == [
        "kpi",
        "period",
        "source",
        "currency",
        "value",
        "cents",
        "numerator",
        "denominator",
    ]
    by_key = {(r["kpi"], r["currency"], r["period"], r["source"]): r for r in found}
    assert by_key["leads_created", "", "", ""]["value"] == "8"
    assert by_key["leads_per_month", "", "2026-10", "web-form"]["value"] == "2"
    assert by_key["leads_per_month", "", "2026-08", "(none)"]["value"] == "1"
    win = by_key["win_rate", "", "", ""]
    assert (win["value"], win["numerator"], win["denominator"]) == ("0.75", "3", "4")
    avg = by_key["won_deal_average", "CAD", "", ""]
    assert (avg["value"], avg["cents"], avg["denominator"]) == ("550.00", "55000", "2")
    assert by_key["open_weighted", "CAD", "", ""]["cents"] == "550000"
    assert by_key["sales_velocity_per_day", "CAD", "", ""]["value"] == "6.55"
    assert by_key["sales_cycle_median_days", "", "", ""]["value"] == "35.0"


def test_source_filter_applies_to_every_figure(funnel, scenario):
    data = report(funnel, "kpis", "--source", "Referral")
    assert data["source"] == "referral"
    # Bob, Gus, Ivy: all reached qualified; Ivy won, Bob lost
    assert data["leads_created"] == 3
    assert data["lead_to_opportunity"]["rate"] == 1.0
    assert (data["win_rate"]["won"], data["win_rate"]["lost"]) == (1, 1)
    assert data["open_opportunities"]["deals"] == 1  # Gus
    none = report(funnel, "kpis", "--source", "(none)")
    assert none["leads_created"] == 1 and none["open_opportunities"]["deals"] == 1  # Fay


def test_unknown_source_is_an_error(funnel, scenario):
    result = funnel("report", "--source", "radio", code=2)
    assert result.stderr.startswith(
        "Error: no lead has the source 'radio': expected one of event, referral, web-form, (none)"
    )
    assert result.stdout == ""


# --------------------------------------------------------------------------- funnel


def test_funnel_json_counts_skips_backward_moves_and_reopened_leads(funnel, scenario):
    data = report(funnel, "funnel")
    steps = {s["stage"]: s for s in data["stages"]}
    assert data["leads_created"] == 8
    # new 8; contacted 7 (all but Cy); qualified 7; proposal 5 (Ada, Eve, Fay, Gus, Ivy);
    # negotiation 3 (Fay, and the won Ada and Ivy); won 2 (Ada, Ivy)
    assert [(s["stage"], s["reached"]) for s in data["stages"]] == [
        ("new", 8),
        ("contacted", 7),
        ("qualified", 7),
        ("proposal", 5),
        ("negotiation", 3),
        ("won", 2),
    ]
    assert steps["new"]["conversion"] is None
    assert steps["proposal"]["conversion"] == {"rate": 0.7143, "numerator": 5, "denominator": 7}
    assert steps["won"]["of_created"] == {"rate": 0.25, "numerator": 2, "denominator": 8}
    assert steps["qualified"]["opportunity"] is True
    assert steps["won"]["kind"] == "won"


def test_funnel_csv_and_a_month_period(funnel, scenario):
    found = report(funnel, "funnel", "--period", "2026-10", fmt="csv")
    # created in October: Bob (qualified, lost), Cy (lost at new), Hal (qualified)
    assert [(r["stage"], r["reached"], r["conversion"]) for r in found] == [
        ("new", "3", ""),
        ("contacted", "2", "0.6667"),
        ("qualified", "2", "1.0"),
        ("proposal", "0", "0.0"),
        ("negotiation", "0", ""),
        ("won", "0", ""),
    ]


def test_periods_from_to(funnel, scenario):
    data = report(funnel, "funnel", "--from", "2026-11-01", "--to", "2026-11-30")
    assert data["period"]["from"] == "2026-11-01"
    assert data["leads_created"] == 2  # Eve, Gus
    data = report(funnel, "kpis", "--period", "2026-Q1")
    assert data["leads_created"] == 1  # Ivy
    assert data["win_rate"]["won"] == 1
    assert [m["label"] for m in data["leads_per_month"]] == ["2026-01", "2026-02", "2026-03"]


def test_bad_period_exits_2_and_prints_nothing(funnel, scenario):
    result = funnel("report", "--period", "soon", code=2)
    assert result.stderr.startswith("Error: invalid period 'soon': expected 2026-11, 2026-Q3")
    assert result.stdout == ""
    result = funnel("report", "kpis", "--from", "2026-05-01", "--to", "2026-04-01", code=2)
    assert "Error: --from 2026-05-01 is after --to 2026-04-01" in result.stderr
    result = funnel("report", "--period", "2026", "--from", "2026-01-01", code=2)
    assert "Error: give --period or --from/--to, not both" in result.stderr


# --------------------------------------------------------------------------- sources, monthly


def test_sources_json_and_csv(funnel, scenario):
    data = report(funnel, "sources")
    found = {s["source"]: s for s in data["sources"]}
    web = found["web-form"]
    # web-form: Ada, Cy, Eve, Hal created; 3 reached qualified; Ada won, Cy lost before
    # being an opportunity
    assert (web["leads"], web["opportunities"], web["won"], web["lost"]) == (4, 3, 1, 0)
    assert web["win_rate"]["rate"] == 1.0
    assert web["won_deal_size"][0]["total"] == money(100_000)
    ref = found["referral"]
    assert (ref["leads"], ref["won"], ref["lost"], ref["win_rate"]["rate"]) == (3, 1, 1, 0.5)
    assert ref["sales_cycle"]["average_days"] == 26.0
    # event: no lead created in the period, but Dee won in it (created before)
    event = found["event"]
    # no lead created: the rate is null as a whole (not {"rate": null, "denominator": 0})
    assert (event["leads"], event["won"], event["lead_to_opportunity"]) == (0, 1, None)
    assert event["won_deal_size"][0]["currency"] == "USD"
    assert found[None]["leads"] == 1
    rows_ = report(funnel, "sources", fmt="csv")
    event_row = next(r for r in rows_ if r["source"] == "event")
    assert (event_row["currency"], event_row["won_revenue"], event_row["won_revenue_cents"]) == (
        "USD",
        "500.00",
        "50000",
    )
    assert event_row["lead_to_opportunity"] == ""  # undefined: empty in CSV


def test_monthly_json_csv_and_by_quarter(funnel, scenario):
    data = report(funnel, "monthly")
    assert data["by"] == "month" and data["leads_created"] == 8
    assert (
        data["sources"] == ["web-form", "referral", "event", None]
        or data["sources"][0] == "web-form"
    )
    sept = next(p for p in data["periods"] if p["label"] == "2026-09")
    assert sept["leads"] == 1 and sept["from"] == "2026-09-01" and sept["to"] == "2026-09-30"
    found = report(funnel, "monthly", fmt="csv")
    assert list(found[0]) == ["period", "from", "to", "source", "leads"]
    nov = {r["source"]: r["leads"] for r in found if r["period"] == "2026-11"}
    assert nov["web-form"] == "1" and nov["referral"] == "1" and nov["(none)"] == "0"
    quarters = report(funnel, "monthly", "--by", "quarter", "--period", "2026")
    assert [(p["label"], p["leads"]) for p in quarters["periods"]] == [
        ("2026-Q1", 1),
        ("2026-Q2", 0),
        ("2026-Q3", 2),  # Ada, Fay
        ("2026-Q4", 5),  # Bob, Cy, Eve, Gus, Hal
    ]


# --------------------------------------------------------------------------- forecast


def test_forecast_json(funnel, scenario):
    # the default method is the backtest's choice (tests/test_forecast_default.py): on this
    # short history, the model (its few deals seen shrunk toward the stages' defaults) forecasts
    # a little where stage forecasts 0: its error is lower
    chosen = report(funnel, "forecast")
    assert chosen["method"] == chosen["auto"]["chosen"] == "model"
    data = report(funnel, "forecast", "--method", "stage")
    # default: this quarter and the next
    assert data["period"]["from"] == "2026-10-01" and data["period"]["to"] == "2027-03-31"
    assert data["method"] == "stage" and data["by"] == "month"
    periods = {p["label"]: {c["currency"]: c for c in p["by_currency"]} for p in data["periods"]}
    assert list(periods) == ["2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]
    # October: Ada won 1000 CAD, Ivy billed 100 (10-31), Dee won 500 USD
    oct_cad = periods["2026-10"]["CAD"]
    assert (oct_cad["won"], oct_cad["recurring"], oct_cad["pipeline"]) == (
        money(100_000),
        money(10_000),
        money(0),
    )
    assert periods["2026-10"]["USD"]["won"] == money(50_000)
    # November: Gus 3000 × 50 % (proposal's default: fewer than 20 closed deals) + 100
    nov = periods["2026-11"]["CAD"]
    assert (nov["pipeline"], nov["recurring"], nov["total"]) == (
        money(150_000),
        money(10_000),
        money(160_000),
    )
    assert nov["pipeline_deals"] == 1 and nov["billings"] == 1
    # December: Fay 10000 × her override 40 % + 100
    assert periods["2026-12"]["CAD"]["total"] == money(410_000)
    # Ivy (no term) bills 12 months at most: 02-28 to 12-31, not on 2027-01-31 nor later
    assert periods["2027-01"] == periods["2027-02"] == periods["2027-03"] == {}
    totals = {t["currency"]: t for t in data["totals"]}
    assert totals["CAD"]["total"] == money(100_000 + 10_000 * 3 + 150_000 + 400_000)
    assert data["overrides"] == 1
    assert (data["recurring_capped"], data["months_billed"]) == (1, 12)
    probabilities = {p["stage"]: p for p in data["probabilities"]}
    # closed deals: 3 won (reached everything); lost: Bob (qualified) and Cy (new)
    assert probabilities["new"] == {
        "stage": "new",
        "default": 5.0,
        "closed_deals": 5,
        "won_deals": 3,
        "empirical": 60.0,
        "used": "stage",
        "probability": 5.0,
    }
    assert probabilities["proposal"]["closed_deals"] == 3
    assert probabilities["proposal"]["empirical"] == 100.0
    assert data["left_out"] == {
        "deals": 1,
        "no_amount": 1,
        "no_expected_close": 1,
        "expected_close_past": 0,
        "list": [
            {
                "id": 8,
                "name": "Hal",
                "stage": "qualified",
                "currency": "CAD",
                "amount": None,
                "expected_close": None,
                "reasons": ["no_amount", "no_expected_close"],
            }
        ],
    }


def test_forecast_history_method_and_quarters(funnel, scenario):
    data = report(funnel, "forecast", "--method", "history", "--by", "quarter")
    assert [p["label"] for p in data["periods"]] == ["2026-Q4", "2027-Q1"]
    probabilities = {p["stage"]: p for p in data["probabilities"]}
    assert probabilities["proposal"]["used"] == "history"
    # Gus at proposal now weighs 3000 × 100 % (3 won of 3 closed deals that reached it)
    q4 = data["periods"][0]["by_currency"][0]
    assert q4["pipeline"] == money(300_000 + 400_000)
    stage = report(funnel, "forecast", "--method", "stage", "--period", "2026-11")
    assert stage["periods"][0]["by_currency"][0]["pipeline"] == money(150_000)


def test_forecast_lists_past_expected_close(funnel, scenario):
    funnel("qualify", "7", "--expected-close", "2026-11-28")  # yesterday: already past
    data = report(funnel, "forecast")
    listed = {d["id"]: d["reasons"] for d in data["left_out"]["list"]}
    assert listed == {7: ["expected_close_past"], 8: ["no_amount", "no_expected_close"]}
    nov = next(p for p in data["periods"] if p["label"] == "2026-11")
    assert nov["by_currency"][0]["pipeline"] == money(0)


def test_forecast_csv(funnel, scenario):
    found = report(funnel, "forecast", "--period", "2026-11", "--method", "stage", fmt="csv")
    assert [(r["period"], r["currency"], r["total"], r["total_cents"]) for r in found] == [
        ("2026-11", "CAD", "1600.00", "160000"),
        ("total", "CAD", "1600.00", "160000"),
    ]


def test_forecast_table_lists_left_out_deals(funnel, scenario):
    result = funnel("report", "forecast", "--method", "stage")
    assert "Left out of the forecast: 1 open deal\n" in result.stdout
    assert "no amount, no expected close date" in result.stdout
    assert "\x1b[" not in result.stdout and "─" not in result.stdout  # plain text when piped


# --------------------------------------------------------------------------- cycle, lost, paths


def test_cycle_json_and_csv(funnel, scenario):
    data = report(funnel, "cycle")
    assert (data["deals"], data["average_days"], data["median_days"]) == (3, 189.0, 35.0)
    stages = {s["stage"]: s for s in data["stages"]}
    # new: Ada 2 d, Ivy 26 d, Dee 9 d -> 12.33; proposal: Ada 14 d, Dee 497 d -> 255.5
    assert stages["new"] == {"stage": "new", "deals": 3, "average_days": 12.33}
    assert stages["contacted"]["average_days"] == 8.0
    assert stages["proposal"] == {"stage": "proposal", "deals": 2, "average_days": 255.5}
    assert stages["negotiation"] == {"stage": "negotiation", "deals": 0, "average_days": None}
    found = report(funnel, "cycle", fmt="csv")
    assert found[0] == {
        "stage": "(created to won)",
        "deals": "3",
        "average_days": "189.0",
        "median_days": "35.0",
    }


def test_lost_json_and_csv(funnel, scenario):
    data = report(funnel, "lost")
    # Bob "Price" and Cy " price " are one reason; Fay's loss was undone by reopening her
    assert data["lost_deals"] == 2
    assert data["reasons"] == [
        {
            "reason": "price",
            "deals": 2,
            "share": {"rate": 1.0, "numerator": 2, "denominator": 2},
            "by_currency": [
                {"currency": "CAD", "deals": 2, "deals_with_amount": 1, "value": money(200_000)}
            ],
        }
    ]
    found = report(funnel, "lost", fmt="csv")
    assert found == [
        {
            "reason": "price",
            "deals": "2",
            "share": "1.0",
            "currency": "CAD",
            "currency_deals": "2",
            "deals_with_amount": "1",
            "value": "2000.00",
            "value_cents": "200000",
        }
    ]


def test_paths_json(funnel, scenario):
    data = report(funnel, "paths")
    assert (data["won"], data["lost"], data["small_sample"]) == (3, 2, True)
    # before a win: Ada 4 (her call after the win is left out), Dee 2, Ivy 3 -> 3.0;
    # before a loss: Bob 2, Cy 1 -> 1.5
    assert (data["actions_before_win"], data["actions_before_loss"]) == (3.0, 1.5)
    types = {t["type"]: t for t in data["types"]}
    assert set(types) == {"call", "email", "demo", "proposal"}
    # demo: all 3 won deals, no lost one -> with 3/3, without 0/2
    assert "win_rate" not in data  # the KPIs' win rate is another definition
    assert data["won_of_closed"] == {
        "rate": 0.6,
        "numerator": 3,
        "denominator": 5,
        "small_sample": True,
    }
    assert types["demo"]["won_of_closed_with"] == {
        "rate": 1.0,
        "numerator": 3,
        "denominator": 3,
        "small_sample": True,
    }
    assert types["demo"]["won_of_closed_without"]["rate"] == 0.0
    # email ("Email" counts too): Ada, Ivy won; Bob, Cy lost -> with 2/4; without 1/1
    assert types["email"]["won_with"]["numerator"] == 2
    assert types["email"]["lost_with"]["rate"] == 1.0
    assert types["email"]["won_of_closed_with"]["rate"] == 0.5
    assert types["email"]["won_of_closed_without"]["rate"] == 1.0
    assert [s["sequence"] for s in data["won_sequences"]] == [
        ["call", "demo"],
        ["call", "email", "demo"],
        ["email", "demo", "call"],
    ]
    assert [s["sequence"] for s in data["lost_sequences"]] == [["call", "email"], ["email"]]
    by_source = {s["source"]: s for s in data["by_source"]}
    assert (by_source["referral"]["won"], by_source["referral"]["lost"]) == (1, 1)
    assert by_source["event"]["actions_before_win"] == 2.0


def test_paths_csv_and_table_say_when_samples_are_small(funnel, scenario):
    found = report(funnel, "paths", fmt="csv")
    demo = next(r for r in found if r["source"] == "(all)" and r["type"] == "demo")
    with_demo = demo["won_of_closed_with"]
    assert (demo["won_with"], demo["won_deals"], with_demo, demo["small_sample"]) == (
        "3",
        "3",
        "1.0",
        "true",
    )
    table = funnel("report", "paths").stdout
    assert "fewer than 10 deals behind the rate: too few to mean much" in table
    assert "  Won of closed          60.0%*" in table and "Win rate" not in table
    assert "call → email → demo" in table


# --------------------------------------------------------------------------- dashboard


def test_dashboard_json(funnel, scenario):
    data = report(funnel, "--method", "stage")  # the default's choice: test_forecast_json
    assert data["section"] == "dashboard"
    assert data["kpis"]["leads_created"] == 8
    assert data["funnel"]["stages"][0]["reached"] == 8
    assert data["overdue_follow_ups"] == 2
    periods = {p["name"]: p for p in data["forecast"]["periods"]}
    assert [p["label"] for p in data["forecast"]["periods"]] == [
        "2026-11",
        "2026-12",
        "2026-Q4",
        "2027-Q1",
    ]
    assert periods["this_month"]["by_currency"][0]["total"] == money(160_000)
    # this quarter: October (1100 CAD) + November (1600) + December (4100) = 6800 CAD
    q4 = {c["currency"]: c for c in periods["this_quarter"]["by_currency"]}
    assert q4["CAD"]["total"] == money(680_000)
    assert q4["USD"]["total"] == money(50_000)
    # Ivy's billings stop after 12 months (2026-12-31): nothing next quarter
    assert periods["next_quarter"]["by_currency"] == []


def test_dashboard_plain_text(funnel, scenario):
    out = funnel("report").stdout
    assert out.startswith("Sales dashboard\n2025-11-01 to 2026-11-30")
    assert "  Win rate              75.0%  (3 won, 1 lost opportunities)" in out
    assert "  Overdue follow-ups    2" in out
    assert "This quarter 2026-Q4" in out
    assert "\x1b[" not in out and "│" not in out and "█" not in out


def test_dashboard_fits_100_columns_on_a_terminal(funnel, scenario):
    result = funnel("report", env={"TTY_COMPATIBLE": "1", "COLUMNS": "100", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    text = result.stdout
    assert "╭─ KPIs" in text  # drawn by Rich
    assert "█" in text  # bars
    for expected in ("Funnel · 8 leads created", "Leads created per month", "Forecast"):
        assert expected in text
    assert "Overdue follow-ups    2" in text


def test_save_svg_and_html(funnel, scenario, tmp_path):
    svg = tmp_path / "dashboard.svg"
    result = funnel("report", "--save", svg)
    assert "Sales dashboard" in result.stdout
    assert f"Saved {svg}" in result.stderr
    content = svg.read_text(encoding="utf-8")
    assert content.startswith("<svg") and "Sales" in content and "dashboard" in content
    page = tmp_path / "lost.html"
    funnel("report", "lost", "--save", page)
    html = page.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "price" in html


def test_save_errors(funnel, scenario, tmp_path):
    result = funnel("report", "--save", tmp_path / "x.png", code=2)
    assert (
        "Error: cannot save to" in result.stderr and "expected a file name ending" in result.stderr
    )
    result = funnel("report", "--format", "json", "--save", tmp_path / "x.svg", code=2)
    assert "--save draws the table format" in result.stderr
    assert result.stdout == ""
    result = funnel("report", "--save", tmp_path / "missing" / "x.svg", code=2)
    assert "does not exist" in result.stderr
    assert not (tmp_path / "x.svg").exists()


def test_empty_database_reports_undefined_rates(funnel):
    funnel("init")
    data = report(funnel, "kpis")
    assert data["leads_created"] == 0
    # a rate of nothing is null as a whole (it was {"rate": null, "denominator": 0})
    assert (data["lead_to_opportunity"], data["win_rate"]) == (None, None)
    assert data["sales_cycle"] == {
        "deals": 0,
        "average_days": None,
        "median_days": None,
        "left_out_estimated": 0,
    }
    assert data["won_deal_size"] == [] and data["sales_velocity"] == []
    table = funnel("report").stdout
    assert "  Lead → opportunity  —  (0 of 0 leads)" in table
    assert "  Average won deal    —  (no deal won)" in table
    for section in ("funnel", "sources", "monthly", "forecast", "cycle", "paths", "lost"):
        funnel("report", section)
        funnel("report", section, "--format", "csv")


def test_report_is_read_only(funnel, scenario):
    # PRAGMA data_version changes on this connection whenever another one commits
    watcher = sqlite3.connect(scenario)
    try:
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        funnel("report")
        funnel("report", "forecast", "--format", "json")
        assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
    finally:
        watcher.close()


def test_json_report_does_not_import_rich(scenario):
    code = (
        "import sys\n"
        "from funnelcli.cli import main\n"
        "sys.argv = ['funnel', 'report', '--format', 'json']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print('RICH' if any(m.startswith('rich') for m in sys.modules) else 'NO-RICH')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("NO-RICH")
    assert json.loads(result.stdout.rsplit("\n", 2)[0])["section"] == "dashboard"


def test_unknown_section_and_choices_exit_2(funnel, scenario):
    result = funnel("report", "bogus", code=2)
    assert "'bogus' is not one of 'kpis', 'funnel', 'sources'" in result.stderr
    assert "is not one of 'month', 'quarter'" in funnel("report", "--by", "week", code=2).stderr
    assert result.stdout == ""


# --------------------------------------------------------------------------- the fast paths
#
# The SQL of the reports is written for speed at a million leads (one pass over the leads for
# every peak, index seeks instead of window functions, a table scan instead of an index when a
# range holds many leads). These tests hold it to the plain definitions, computed here in
# Python from the raw rows, on a demo database salted with the awkward cases: leads without
# history, changes at the same instant, a current stage that its history never shows, deals
# won then lost, back-dated changes, leads only ever lost, actions inserted out of time order,
# and a pipeline whose order is not the order of its stage ids.

_TRICKY: dict[str, Path] = {}


def _salt(db: Path) -> None:
    conn = sqlite3.connect(db)
    ids = dict(conn.execute("SELECT name, id FROM stages"))
    leads = [r[0] for r in conn.execute("SELECT id FROM leads ORDER BY id")]
    with conn:
        for i, lead in enumerate(leads[::7]):
            last = conn.execute(
                "SELECT max(at) FROM stage_changes WHERE lead_id = ?", (lead,)
            ).fetchone()[0]
            kind = i % 6
            if kind == 0:  # no history at all
                conn.execute("DELETE FROM stage_changes WHERE lead_id = ?", (lead,))
            elif kind == 1:  # two more changes at the instant of the last one
                for stage in ("proposal", "contacted"):
                    conn.execute(
                        "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (?, ?, ?)",
                        (lead, ids[stage], last),
                    )
            elif kind == 2:  # a current stage its history never shows
                conn.execute(
                    "UPDATE leads SET stage_id = ?, closed_at = NULL WHERE id = ?",
                    (ids["negotiation"], lead),
                )
            elif kind == 3:  # won, reopened, lost
                conn.execute(
                    "INSERT INTO stage_changes (lead_id, to_stage_id, at) VALUES (?, ?, ?)",
                    (lead, ids["won"], last),
                )
                conn.execute(
                    "UPDATE leads SET stage_id = ?, closed_at = ? WHERE id = ?",
                    (ids["lost"], last, lead),
                )
            elif kind == 4:  # a change back-dated to the lead's creation
                conn.execute(
                    "INSERT INTO stage_changes (lead_id, to_stage_id, at) "
                    "SELECT id, ?, created_at FROM leads WHERE id = ?",
                    (ids["negotiation"], lead),
                )
            else:  # only ever lost
                conn.execute("DELETE FROM stage_changes WHERE lead_id = ?", (lead,))
                conn.execute(
                    "INSERT INTO stage_changes (lead_id, to_stage_id, at) "
                    "SELECT id, ?, created_at FROM leads WHERE id = ?",
                    (ids["lost"], lead),
                )
                conn.execute(
                    "UPDATE leads SET stage_id = ?, closed_at = created_at WHERE id = ?",
                    (ids["lost"], lead),
                )
        # actions of closed deals inserted newest first, some at the same instant
        closed = conn.execute(
            "SELECT id, created_at, closed_at FROM leads WHERE closed_at IS NOT NULL "
            "ORDER BY id LIMIT 120"
        ).fetchall()
        kinds = ("Call", "email", "DEMO", "meeting", "call")
        acts = [
            (lead, kinds[(lead + k) % len(kinds)], (created, closed_at)[k % 2])
            for lead, created, closed_at in closed
            for k in range(lead % 4 + 1)
        ]
        conn.executemany(
            "INSERT INTO activities (lead_id, type, at, created_at) VALUES (?, ?, ?, ?)",
            [(lead, kind, at, at) for lead, kind, at in reversed(acts)],
        )
        # proposal after negotiation: ranks no longer follow the stage ids
        conn.execute("UPDATE stages SET position = 40 WHERE name = 'proposal'")
        conn.execute("UPDATE stages SET position = 4 WHERE name = 'negotiation'")
        conn.execute("UPDATE stages SET position = 5 WHERE name = 'proposal'")
    conn.close()


@pytest.fixture
def tricky(funnel, tmp_path_factory):
    """A 600-lead demo database salted with awkward histories (built once, read only)."""
    if "db" not in _TRICKY:
        db = tmp_path_factory.mktemp("tricky") / "tricky.db"
        funnel("demo", "--db", db, "--leads", "600", "--seed", "11")
        _salt(db)
        _TRICKY["db"] = db
    return _TRICKY["db"]


def _gather(store, section=None, **choices):
    from funnelcli.services import reports
    from funnelcli.services.reports.gather import Gather
    from funnelcli.services.stages import load

    opts = reports.options(section, **choices)
    return Gather(store.conn, opts, load(store.conn))


def _peaks(conn, pipeline) -> dict[int, int | None]:
    """Every lead's peak, by the definition (``peak_rank``) on its raw history."""
    from kpi_definitions import peak_rank

    visited: dict[int, list[int]] = {}
    for lead, stage in conn.execute("SELECT id, stage_id FROM leads"):
        visited[lead] = [stage]
    for lead, stage in conn.execute("SELECT lead_id, to_stage_id FROM stage_changes"):
        visited[lead].append(stage)
    return {lead: peak_rank(pipeline, stages) for lead, stages in visited.items()}


def _expected_tally(conn, gather, wanted):
    import bisect
    from collections import Counter

    starts = _starts(gather)
    start, end = gather.bounds
    peaks = _peaks(conn, gather.pipeline)
    cohort, lost_in, lost = Counter(), Counter(), Counter()
    where, params = gather.scope.clause()
    for lead, created, closed, stage, source in conn.execute(
        f"SELECT l.id, l.created_at, l.closed_at, l.stage_id, l.source FROM leads l WHERE 1{where}",
        params,
    ):
        peak = peaks[lead]
        if wanted.cohort and start <= created < end:
            label = gather.buckets[bisect.bisect_right(starts, created) - 1].label
            cohort[
                (
                    label if wanted.buckets else "",
                    source if wanted.sources else None,
                    peak if wanted.peaks else None,
                )
            ] += 1
        if stage == gather.lost_id:
            if wanted.lost:
                lost[peak] += 1
            if wanted.lost_in_period and start <= closed < end:
                lost_in[(source if wanted.sources else None, peak)] += 1
    return cohort, lost_in, lost


def _starts(gather):
    from funnelcli import periods

    return [periods.utc_bound(b.start) for b in gather.buckets]


@pytest.mark.parametrize(
    "choices",
    [
        {},
        {"period": "2026-10"},
        {"period": "2026-Q3", "by": "quarter"},
        {"source": "referral"},
        {"source": "(none)"},
        {"start": "2020-01-01", "end": "2027-12-31"},
    ],
)
def test_the_lead_pass_counts_what_the_definitions_say(tricky, choices):
    from collections import Counter

    from funnelcli.services.reports.gather import WANTED
    from funnelcli.store import open_db
    from funnelcli.store.reports import lead_pass as sql

    store = open_db(tricky)
    try:
        with store.read() as conn:
            gather = _gather(store, **choices)
            wanted_sets = [*WANTED.values(), sql.Wanted(cohort=True, lost_in_period=True)]
            for wanted in wanted_sets:
                expected = _expected_tally(conn, gather, wanted)
                # through the indexes (a huge table) and by a scan (a tiny one): same counts
                for leads in (10**9, 0):
                    tally = sql.lead_pass(
                        conn,
                        gather.ranks,
                        (gather.won_id, gather.lost_id),
                        _edges_of(gather),
                        gather.scope,
                        wanted,
                        leads,
                    )
                    found = (
                        Counter({(g.bucket, g.source, g.peak): g.leads for g in tally.cohort}),
                        Counter({(s, p): n for s, p, n in tally.lost_in_period}),
                        Counter(tally.lost),
                    )
                    assert found == expected, (wanted, leads)
    finally:
        store.close()


def _edges_of(gather):
    from funnelcli.services.reports.gather import edges

    return edges(gather.buckets)


def test_the_lead_pass_is_not_empty_on_the_tricky_database(tricky):
    """The cases the comparison above relies on are really there."""
    found = rows(
        tricky,
        "SELECT (SELECT count(*) FROM leads l WHERE NOT EXISTS "
        "(SELECT 1 FROM stage_changes c WHERE c.lead_id = l.id)) AS no_history, "
        "(SELECT count(*) FROM (SELECT 1 FROM stage_changes GROUP BY lead_id, at "
        "HAVING count(*) > 1)) AS ties, "
        "(SELECT count(*) FROM leads WHERE stage_id = 7) AS lost",
    )[0]
    assert found["no_history"] >= 10 and found["ties"] >= 10 and found["lost"] >= 50


def test_time_in_stages_follows_each_history_in_order(tricky):
    """``stage_times`` (index seeks) against ``stage_stays`` on each won deal's history."""
    from collections import defaultdict

    from kpi_definitions import stage_stays

    from funnelcli import dates
    from funnelcli.store import open_db
    from funnelcli.store.reports import deals as sql

    store = open_db(tricky)
    try:
        with store.read() as conn:
            gather = _gather(store, start="2020-01-01", end="2027-12-31")
            start, end = gather.bounds
            histories: dict[int, list] = defaultdict(list)
            for lead, at, stage in conn.execute(
                "SELECT c.lead_id, c.at, c.to_stage_id FROM stage_changes c "
                "JOIN leads l ON l.id = c.lead_id WHERE l.stage_id = ? "
                "AND l.closed_at >= ? AND l.closed_at < ? ORDER BY c.lead_id, c.at, c.id",
                (gather.won_id, start, end),
            ):
                histories[lead].append((dates.from_storage(at), stage))
            expected: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for history in histories.values():
                for stage, seconds in stage_stays(history).items():
                    expected[stage][0] += 1
                    expected[stage][1] += seconds
            assert len(histories) >= 30
            for leads in (10**9, 0):
                found = sql.stage_times(conn, gather.won_id, (start, end), gather.scope, leads)
                assert {g.stage_id: [g.deals, g.seconds] for g in found} == dict(expected)
    finally:
        store.close()


def test_paths_read_each_deals_actions_in_time_order(tricky):
    """``paths`` (one JSON list per deal) against the actions read and ordered here."""
    from collections import Counter, defaultdict

    from funnelcli.store import open_db
    from funnelcli.store.reports import paths as sql

    store = open_db(tricky)
    try:
        with store.read() as conn:
            gather = _gather(store, start="2020-01-01", end="2027-12-31")
            start, end = gather.bounds
            deals = conn.execute(
                "SELECT id, source, stage_id = ? FROM leads WHERE closed_at >= ? "
                "AND closed_at < ? AND stage_id IN (?, ?)",
                (gather.won_id, start, end, gather.won_id, gather.lost_id),
            ).fetchall()
            actions: dict[int, list[str]] = defaultdict(list)
            for lead, kind in conn.execute(
                "SELECT a.lead_id, lower(a.type) FROM activities a JOIN leads l "
                "ON l.id = a.lead_id WHERE a.at <= l.closed_at ORDER BY a.lead_id, a.at, a.id"
            ):
                actions[lead].append(kind)
            totals, types, sequences = Counter(), Counter(), Counter()
            for lead, source, won in deals:
                done = actions.get(lead, [])
                totals[(source, bool(won), "deals")] += 1
                totals[(source, bool(won), "actions")] += len(done)
                for kind in set(done):
                    types[(source, bool(won), kind)] += 1
                if done:
                    sequences[(source, bool(won), tuple(done[:3]))] += 1
            assert sum(len(a) > 1 for a in actions.values()) >= 20
            for leads in (10**9, 0):
                found = sql.paths(
                    conn, (gather.won_id, gather.lost_id), (start, end), gather.scope, leads
                )
                found_totals = Counter()
                for t in found[0]:
                    found_totals[(t.source, t.won, "deals")] += t.deals
                    found_totals[(t.source, t.won, "actions")] += t.actions
                assert found_totals == totals
                assert Counter({(g.source, g.won, g.type): g.deals for g in found[1]}) == types
                assert (
                    Counter({(g.source, g.won, g.sequence): g.deals for g in found[2]}) == sequences
                )
    finally:
        store.close()


def test_deals_read_by_scan_or_by_index_are_the_same(tricky):
    from funnelcli.kpis.forecast import left_out, left_out_counts
    from funnelcli.store import open_db
    from funnelcli.store.reports import deals as sql

    store = open_db(tricky)
    try:
        with store.read() as conn:
            gather = _gather(store)
            opportunity = gather.pipeline.opportunity_ids()
            # won deals and recurring revenue come from covering indexes: as a table scan says
            by_index = sql.won_deals(conn, gather.won_id, gather.bounds, gather.scope, 10**9)
            by_scan = conn.execute(
                "SELECT source, currency, amount_cents, unixepoch(closed_at) - "
                "unixepoch(created_at), closed_at, (dates_estimated & 2) <> 0 FROM leads NOT INDEXED "
                "WHERE stage_id = ? AND closed_at >= ? AND closed_at < ?",
                (gather.won_id, *gather.bounds),
            ).fetchall()
            assert by_index and sorted(map(tuple, by_index), key=repr) == sorted(by_scan, key=repr)
            recurring = conn.execute(
                "SELECT date(closed_at, 'localtime'), frequency, currency, count(*), "
                "sum(amount_cents), term, billed_until FROM leads NOT INDEXED WHERE stage_id = ? "
                "AND frequency IN ('monthly', 'quarterly', 'yearly') AND amount_cents IS NOT NULL "
                "GROUP BY 1, 2, 3, 6, 7",
                (gather.won_id,),
            ).fetchall()
            assert recurring and sorted(
                (g.won_on.isoformat(), *g[1:])
                for g in sql.recurring(conn, gather.won_id, gather.scope)
            ) == sorted(recurring)
            listed = [
                sql.left_out(conn, gather.open_ids, opportunity, gather.today, gather.scope, n)
                for n in (10**9, 0)
            ]
            assert listed[0] and listed[0] == listed[1]  # both in id order
            lost_by_index, lost_by_scan = (
                sql.lost(conn, gather.lost_id, gather.bounds, gather.scope, leads)
                for leads in (10**9, 0)
            )
            assert lost_by_index and sorted(lost_by_index, key=repr) == sorted(
                lost_by_scan, key=repr
            )
            counts = left_out_counts(left_out(listed[0], gather.today))
            for leads in (10**9, 0):
                assert counts == sql.left_out_counts(
                    conn, gather.open_ids, opportunity, gather.today, gather.scope, leads
                )
    finally:
        store.close()


def test_bucket_of_an_instant_by_binary_search(tricky):
    """``Edges.index_case`` (nested CASE) puts every lead in the month ``bisect`` finds."""
    import bisect

    from funnelcli.store import open_db

    store = open_db(tricky)
    try:
        with store.read() as conn:
            for choices in (
                {},
                {"start": "2020-01-01", "end": "2027-12-31"},
                {"period": "2026-10"},
            ):
                gather = _gather(store, **choices)
                edges = _edges_of(gather)
                starts = list(edges.starts)
                sql_text = (
                    f"SELECT l.created_at, {edges.index_case('l.created_at')} FROM leads l "
                    "WHERE l.created_at >= ? AND l.created_at < ?"
                )
                found = conn.execute(sql_text, (starts[0], edges.end)).fetchall()
                assert found
                for created, index in found:
                    assert index == bisect.bisect_right(starts, created) - 1
    finally:
        store.close()


def test_report_json_text_is_the_standard_librarys(funnel, tricky):
    """Reports write JSON with the standard library: byte for byte ``json.dumps``, except
    the forecast's list of left-out deals, written one deal per line."""
    from funnelcli.render.reports.as_json import to_json
    from funnelcli.render.reports.json_text import json_text
    from funnelcli.services import reports
    from funnelcli.store import open_db

    store = open_db(tricky)
    try:
        for section in (None, *reports.SECTIONS):
            data = to_json(reports.build(store, reports.options(section)))
            text = json_text(data)
            assert json.loads(text) == json.loads(json.dumps(data))
            if section != "forecast":
                assert text == json.dumps(data, ensure_ascii=False, indent=2)
                continue
            deals = data["left_out"]["list"]
            assert deals, "the scenario must leave deals out of the forecast"
            lines = text.splitlines()
            for deal in deals:
                line = json.dumps(deal, ensure_ascii=False)
                assert f"      {line}," in lines or f"      {line}" in lines
    finally:
        store.close()


def test_one_per_line_arrays_hold_any_json_value():
    from funnelcli.render.reports.json_text import OnePerLine, json_text

    items = [{"name": 'Zoé "Z"', "n": 1.5, "none": None, "nested": [1, {"a": True}]}, 7, "x"]
    text = json_text({"list": OnePerLine(items), "empty": OnePerLine()})
    assert json.loads(text) == {"list": items, "empty": []}
    assert (
        text.splitlines()[2]
        == '    {"name": "Zoé \\"Z\\"", "n": 1.5, "none": null, "nested": [1, {"a": true}]},'
    )
    assert len(text.splitlines()) == 8


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.integers() | st.none(), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON)
def test_json_text_matches_json_dumps_on_any_value(value):
    from funnelcli.render.reports.json_text import json_text

    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- the helper
# The dashboard runs the data-quality audit on a second, read-only connection in a worker
# thread; it must read the very snapshot of the report's connection, or not be used.


def test_the_helper_pairs_only_when_it_reads_the_reports_snapshot(scenario):
    from funnelcli.store import open_db
    from funnelcli.store.reports import helper as sql

    store = open_db(scenario)
    writer = sqlite3.connect(scenario, isolation_level=None)
    try:
        helper = sql.Helper.open(scenario, 1.0)
        assert helper is not None
        with store.read() as conn:
            count = conn.execute("SELECT count(*) FROM leads").fetchone()[0]
            assert helper.pair()
            assert helper.conn.execute("SELECT count(*) FROM leads").fetchone()[0] == count
            # a commit now is seen by neither
            writer.execute("DELETE FROM leads WHERE id = 9")
            assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] == count
            assert helper.conn.execute("SELECT count(*) FROM leads").fetchone()[0] == count
        helper.close()
        # a commit after the helper opened, before it joins: the snapshots may differ -> no
        helper = sql.Helper.open(scenario, 1.0)
        assert helper is not None
        with store.read() as conn:
            conn.execute("SELECT count(*) FROM leads").fetchone()
            writer.execute("DELETE FROM leads WHERE id = 8")
            assert not helper.pair()
        helper.close()
    finally:
        writer.close()
        store.close()


def test_the_helper_cannot_write(scenario):
    from funnelcli.store.reports import helper as sql

    helper = sql.Helper.open(scenario, 1.0)
    assert helper is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        helper.conn.execute("DELETE FROM leads")
    helper.close()
    assert rows(scenario, "SELECT count(*) AS n FROM leads") == [{"n": 9}]


def _check_total(funnel) -> int:
    return sum(len(r["lead_ids"]) for r in json.loads(funnel("check", "-f", "json").stdout))


def test_the_dashboard_audits_on_the_helper_thread(funnel, scenario, monkeypatch):
    import threading

    from funnelcli.services.reports import gather as reports

    seen = []
    real = reports.problem_count

    def spy(conn, pipeline, now):
        seen.append(threading.current_thread().name)
        return real(conn, pipeline, now)

    monkeypatch.setattr(reports, "problem_count", spy)
    data = report(funnel)
    assert seen == ["funnel-report"]
    assert data["data_quality_problems"] == _check_total(funnel) > 0
    assert data["overdue_follow_ups"] == 2


def test_the_dashboard_audits_on_its_own_connection_when_the_helper_fails(
    funnel, scenario, monkeypatch
):
    import threading

    from funnelcli.services.reports import gather as reports
    from funnelcli.store.reports import helper as sql

    seen = []
    real = reports.problem_count

    def spy(conn, pipeline, now):
        seen.append(threading.current_thread().name)
        return real(conn, pipeline, now)

    def broken_pair(self):  # pairs, then loses its connection: the worker's work fails
        self.conn.close()
        return True

    monkeypatch.setattr(reports, "problem_count", spy)
    monkeypatch.setattr(sql.Helper, "pair", broken_pair)
    data = report(funnel)
    assert data["data_quality_problems"] == _check_total(funnel)
    assert data["overdue_follow_ups"] == 2
    assert seen == ["MainThread"]  # the worker failed before the audit; redone here

    # no helper at all (it cannot be opened): the same figures
    monkeypatch.setattr(sql.Helper, "open", classmethod(lambda cls, path, timeout: None))
    assert report(funnel) == data


@pytest.mark.parametrize("section", ["kpis", "sources", "forecast", "cycle"])
def test_sections_give_the_same_figures_with_and_without_the_helper(
    funnel, tricky, monkeypatch, section
):
    import threading

    from funnelcli.store.reports import deals as sql
    from funnelcli.store.reports.helper import Helper

    threads = []
    real = sql.won_deals if section != "forecast" else sql.left_out

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(sql, real.__name__, spy)
    args = ("--db", tricky, "report", section, "--format", "json")
    paired = funnel(*args).stdout
    assert threads[:1] == ["funnel-report"]  # prefetched on the helper's thread
    monkeypatch.setattr(Helper, "open", classmethod(lambda cls, path, timeout: None))
    threads.clear()
    assert funnel(*args).stdout == paired
    assert threads[:1] == ["MainThread"]


def test_the_audit_runs_while_the_kpis_are_computed(funnel, scenario, monkeypatch):
    """The dashboard waits for the audit last: the two overlap (else the helper is useless)."""
    import threading

    from funnelcli.services.reports import gather as reports

    kpis_started = threading.Event()
    overlapped = []
    real_pass, real_count = reports.lead_pass, reports.problem_count

    def pass_spy(*args, **kwargs):
        kpis_started.set()
        return real_pass(*args, **kwargs)

    def count_spy(conn, pipeline, now):
        overlapped.append(kpis_started.wait(timeout=5))
        return real_count(conn, pipeline, now)

    monkeypatch.setattr(reports, "lead_pass", pass_spy)
    monkeypatch.setattr(reports, "problem_count", count_spy)
    assert report(funnel)["overdue_follow_ups"] == 2
    assert overlapped == [True]


def test_a_failed_report_starts_no_more_work_on_the_helper(scenario, monkeypatch):
    """The dashboard queues the audit, then the open deals, on the helper; when the
    report fails meanwhile, the queued job never starts and no worker outlives the report."""
    import threading

    from funnelcli.services import reports
    from funnelcli.services.reports import gather
    from funnelcli.store import open_db
    from funnelcli.store.reports import deals as deal_sql
    from funnelcli.store.reports.helper import Helper

    helpers: list[Helper] = []
    jobs: list[object] = []
    started: list[str] = []
    real_submit = Helper.submit
    real_count = gather.problem_count

    def submit(helper, work):
        helpers.append(helper)
        jobs.append(real_submit(helper, work))
        return jobs[-1]

    def held_count(conn, pipeline, now):
        # the audit still runs when the report fails: it ends once the report closes the helper
        assert helpers[0].closing.wait(timeout=5)
        return real_count(conn, pipeline, now)

    def open_spy(*args, **kwargs):
        started.append("open deals")
        raise AssertionError("a job queued after the failure ran")

    def failing_pass(*args, **kwargs):
        raise RuntimeError("the lead pass failed")

    monkeypatch.setattr(Helper, "submit", submit)
    monkeypatch.setattr(gather, "problem_count", held_count)
    monkeypatch.setattr(deal_sql, "open_groups", open_spy)
    monkeypatch.setattr(gather, "lead_pass", failing_pass)
    store = open_db(scenario)
    try:
        with pytest.raises(RuntimeError, match="the lead pass failed"):
            reports.build(store, reports.options(None))
    finally:
        store.close()
    assert len(jobs) == 2  # the audit, then the open deals
    assert started == []
    assert not [t for t in threading.enumerate() if t.name == "funnel-report"]


def test_after_the_helper_loses_its_snapshot_its_queued_jobs_run_here(
    funnel, scenario, monkeypatch
):
    """A helper job whose error ends the helper's read transaction is done again on the
    report's connection, and so is every job queued behind it: none reads a newer snapshot."""
    import threading

    from funnelcli.services.reports import gather as reports
    from funnelcli.store.reports import deals as sql

    expected = report(funnel)
    real_count, real_open = reports.problem_count, sql.open_groups
    threads: list[str] = []

    def failing_count(conn, pipeline, now):
        if threading.current_thread().name == "funnel-report":
            conn.execute("ROLLBACK")  # as SQLite does on some I/O errors
            raise sqlite3.OperationalError("disk I/O error")
        return real_count(conn, pipeline, now)

    def open_spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(reports, "problem_count", failing_count)
    monkeypatch.setattr(sql, "open_groups", open_spy)
    assert report(funnel) == expected
    assert threads == ["MainThread"]


def test_deals_won_and_recurring_revenue_are_read_from_covering_indexes(tricky):
    """Their queries read an index alone, never a table row (the speed of kpis at 1M leads)."""
    from funnelcli.store import open_db
    from funnelcli.store.reports import deals as sql

    store = open_db(tricky)
    try:
        with store.read() as conn:
            gather = _gather(store)
            for read, index in (
                (
                    lambda: sql.won_deals(conn, gather.won_id, gather.bounds, gather.scope, 1),
                    "leads_closed_deals",
                ),
                (lambda: sql.recurring(conn, gather.won_id, gather.scope), "leads_recurring"),
            ):
                statements: list[str] = []
                conn.set_trace_callback(statements.append)
                assert read()
                conn.set_trace_callback(None)
                plans = [
                    detail
                    for statement in statements
                    if statement.startswith("SELECT")
                    for *_, detail in conn.execute(f"EXPLAIN QUERY PLAN {statement}")
                ]
                assert any(f"USING COVERING INDEX {index}" in p for p in plans), plans
                assert not any(p.startswith("SCAN l") for p in plans), plans
    finally:
        store.close()


def test_a_dashboard_for_one_source_leaves_the_helper_to_the_audit(funnel, tricky, monkeypatch):
    """For one source the audit (of every lead) is the longer side: the helper does only it,
    and the figures are those computed without any helper."""
    import threading

    from funnelcli.store.reports import deals as sql
    from funnelcli.store.reports.helper import Helper

    real_open = sql.open_groups
    threads: list[str] = []

    def open_spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(sql, "open_groups", open_spy)
    args = ("--db", tricky, "report", "--source", "web-form", "--format", "json")
    paired = json.loads(funnel(*args).stdout)
    assert threads == ["MainThread"]
    assert paired["kpis"]["leads_created"] > 0
    monkeypatch.setattr(Helper, "open", classmethod(lambda cls, path, timeout: None))
    assert json.loads(funnel(*args).stdout) == paired
    threads.clear()
    funnel("--db", tricky, "report", "--format", "json")
    assert threads == ["MainThread"]  # no helper at all now: everything here
