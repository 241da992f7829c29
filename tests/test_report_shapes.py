"""Report JSON shapes that issue 16 (item 5) made consistent: a rate or an amount without a
value is ``null`` as a whole; no velocity beside open deals without amounts; ``paths`` names its
rate apart from the KPIs' win rate; probabilities are percents in every JSON output.

"Now" is the suite's 2026-11-29 09:00 in America/Toronto.
"""

from __future__ import annotations

import json
from typing import Any

SECTIONS = (None, "kpis", "funnel", "sources", "monthly", "forecast", "cycle", "paths", "lost")


def report(funnel, section: str | None = None, *args: str) -> Any:
    words = ["report", *([section] if section else []), *args, "--format", "json"]
    return json.loads(funnel(*words).stdout)


def empty_values(value: Any, where: str = "$") -> list[str]:
    """The places of ``value`` holding a rate of nothing or an amount of nothing as an object."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("denominator") == 0 or ("cents" in value and value["cents"] is None):
            found.append(where)
        for key, member in value.items():
            found += empty_values(member, f"{where}.{key}")
    elif isinstance(value, list):
        for i, member in enumerate(value):
            found += empty_values(member, f"{where}[{i}]")
    return found


def velocity_scenario(funnel) -> None:
    # Won: created 10-01, qualified 10-02, won 10-11 for 1,000.00 CAD: cycle 10 days, win rate 1/1
    funnel("add", "Won", "--amount", "1000", "--source", "web", "--at", "2026-10-01")
    funnel("advance", "1", "qualified", "--at", "2026-10-02")
    funnel("win", "1", "--at", "2026-10-11")
    # Open: an opportunity without an amount (as in most CRM exports)
    funnel("add", "Open", "--source", "web", "--at", "2026-11-01")
    funnel("advance", "2", "qualified", "--at", "2026-11-02")
    # Cold: lost before it was an opportunity (in paths' closed deals, not in the win rate)
    funnel("add", "Cold", "--at", "2026-11-03")
    funnel("lose", "3", "--at", "2026-11-04")


def test_no_velocity_beside_open_deals_without_amounts(funnel):
    velocity_scenario(funnel)
    data = report(funnel, "kpis")
    assert data["open_opportunities"]["by_currency"][0]["total"] == {"cents": 0, "amount": "0.00"}
    # until now: 1 open × 1.0 × 1,000.00 ÷ 10 days = 100.00 per day, beside an open total of 0
    (cad,) = data["sales_velocity"]
    assert (cad["open_opportunities"], cad["average_cycle_days"], cad["per_day"]) == (1, 10.0, None)
    assert "  Sales velocity CAD    —" in funnel("report", "kpis").stdout
    rows = funnel("report", "kpis", "--format", "csv").stdout.splitlines()
    assert "sales_velocity_per_day,,,CAD,,,," in rows
    # with an amount on the open deal: 1 × 1.0 × 1,000.00 ÷ 10 = 100.00 per day
    funnel("qualify", "2", "--amount", "50")
    (cad,) = report(funnel, "kpis")["sales_velocity"]
    assert cad["per_day"] == {"cents": 10_000, "amount": "100.00"}
    assert "  Sales velocity CAD    100.00 CAD per day" in funnel("report", "kpis").stdout


def test_rates_and_amounts_without_values_are_null_in_every_report(funnel):
    funnel("init")
    for section in SECTIONS:
        assert empty_values(report(funnel, section)) == [], section
    empty = report(funnel)
    assert empty["kpis"]["lead_to_opportunity"] is None
    assert empty["kpis"]["win_rate"] is None
    velocity_scenario(funnel)
    funnel("add", "New", "--source", "web", "--at", "2026-11-05")  # no amount ever
    for section in SECTIONS:
        assert empty_values(report(funnel, section)) == [], section
    # sources: "(none)" has a created lead but no closed opportunity: no win rate
    sources = {s["source"]: s for s in report(funnel, "sources")["sources"]}
    assert sources[None]["win_rate"] is None
    assert sources[None]["lead_to_opportunity"] == {"rate": 0.0, "numerator": 0, "denominator": 1}
    assert sources["web"]["win_rate"] == {"rate": 1.0, "numerator": 1, "denominator": 1}


def test_paths_names_its_rate_apart_from_the_win_rate(funnel):
    velocity_scenario(funnel)
    # KPIs: won ÷ (won + lost opportunities) = 1/1 (Cold was never an opportunity)
    kpis = report(funnel, "kpis")
    assert kpis["win_rate"] == {"rate": 1.0, "numerator": 1, "denominator": 1, "won": 1, "lost": 0}
    # paths: won ÷ every closed deal = 1/2
    paths = report(funnel, "paths")
    assert "win_rate" not in paths
    assert paths["won_of_closed"] == {
        "rate": 0.5,
        "numerator": 1,
        "denominator": 2,
        "small_sample": True,
    }
    assert "Won of closed" in funnel("report", "paths").stdout
    header = funnel("report", "paths", "--format", "csv").stdout.splitlines()[0]
    assert "won_of_closed_with,won_of_closed_without" in header


def test_probabilities_are_percents_in_every_json_output(funnel):
    velocity_scenario(funnel)
    funnel("qualify", "2", "--probability", "30")
    stages = {
        s["name"]: s["probability"] for s in json.loads(funnel("stages", "-f", "json").stdout)
    }
    forecast = {p["stage"]: p for p in report(funnel, "forecast")["probabilities"]}
    dashboard = {p["stage"]: p for p in report(funnel)["forecast"]["probabilities"]}
    assert (stages["new"], stages["qualified"]) == (5, 25)
    # qualified: 1 closed deal reached it, won: empirical 100 %; fewer than 20: the default used
    assert forecast["qualified"] == {
        "stage": "qualified",
        "default": 25.0,
        "closed_deals": 1,
        "won_deals": 1,
        "empirical": 100.0,
        "used": "stage",
        "probability": 25.0,
    }
    assert dashboard["new"]["default"] == stages["new"] == 5
    # new: 2 closed deals reached it (Won, Cold), 1 won: 50 %
    assert dashboard["new"]["empirical"] == 50.0
    lead = json.loads(funnel("show", "2", "-f", "json").stdout)
    assert (lead["probability"], lead["effective_probability"]) == (30, 30)
