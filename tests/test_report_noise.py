"""Reports for people say nothing about what is not there (issue 18, item 2): no empty months
before the first lead, no currency with nothing in it, no row of dashes for a past month."""

from __future__ import annotations

import json


def test_a_new_user_sees_no_empty_months(funnel):
    funnel("add", "Ann", "--at", "2026-10-14")
    funnel("add", "Bob")
    monthly = funnel("report", "monthly").stdout.splitlines()
    assert monthly[1].startswith("2026-10-01 to 2026-11-30 (since the first lead)")
    assert [line.split()[0] for line in monthly[5:]] == ["2026-10", "2026-11"]
    kpis = json.loads(funnel("report", "kpis", "-f", "json").stdout)
    assert kpis["period"] == {
        "from": "2026-10-01",
        "to": "2026-11-30",
        "label": "since the first lead",
    }
    assert [m["label"] for m in kpis["leads_per_month"]] == ["2026-10", "2026-11"]
    dashboard = funnel("report").stdout
    assert "2025-11" not in dashboard and "2026-10  " in dashboard
    # a period asked for is kept as asked
    asked = json.loads(funnel("report", "kpis", "--period", "last-12-months", "-f", "json").stdout)
    assert asked["period"]["from"] == "2025-11-01"


def test_a_first_lead_older_than_the_period_changes_nothing(funnel):
    funnel("add", "Old", "--at", "2024-03-01")
    data = json.loads(funnel("report", "-f", "json").stdout)
    assert data["period"]["from"] == "2025-11-01"
    assert data["period"]["label"] == "last 12 months and this month"


def test_kpis_says_kpis_once_and_hides_currencies_without_open_deals(funnel):
    funnel("add", "Ann", "--amount", "5000 CAD", "--stage", "qualified")
    funnel("add", "Bob", "--amount", "3000 EUR", "--stage", "qualified")
    funnel("win", "2")
    out = funnel("report", "kpis").stdout
    assert out.count("KPIs") == 1
    assert "Sales velocity CAD" in out
    assert "Sales velocity EUR" not in out  # EUR: won, but nothing open
    data = json.loads(funnel("report", "kpis", "-f", "json").stdout)
    assert [v["currency"] for v in data["sales_velocity"]] == ["CAD", "EUR"]  # JSON: unchanged


def test_lost_deals_without_amount_show_a_dash(funnel):
    funnel("add", "Ann", "--stage", "lost")
    lines = funnel("report", "lost").stdout.splitlines()
    assert lines[-1].split() == ["(none)", "1", "100.0%", "—", "1"]


def test_no_forecast_row_of_dashes_for_a_month_already_past(funnel):
    funnel("add", "Ann", "--amount", "2000")
    funnel("qualify", "1", "--expected-close", "2026-12-15")
    rows = [line.split()[0] for line in funnel("report", "forecast").stdout.splitlines()[5:11]]
    # 2026-10 is over and had nothing: not shown; this month and the months ahead are
    assert rows == ["2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "Total"]


def test_won_deals_show_100_and_lost_0_whatever_their_override(funnel):
    funnel("add", "Ann", "--stage", "qualified")
    funnel("qualify", "1", "--probability", "40")
    assert json.loads(funnel("show", "1", "-f", "json").stdout)["effective_probability"] == 40
    funnel("win", "1")
    card = json.loads(funnel("show", "1", "-f", "json").stdout)
    assert (card["probability"], card["effective_probability"]) == (40, 100)
    assert "  Win probability        100 % (won)\n" in funnel("show", "1").stdout
    funnel("add", "Bob", "--stage", "qualified")
    funnel("qualify", "2", "--probability", "60")
    funnel("lose", "2")
    assert json.loads(funnel("show", "2", "-f", "json").stdout)["effective_probability"] == 0


def test_a_lead_added_as_lost_is_in_the_funnels_first_stage(funnel):
    funnel("add", "Ann")
    funnel("add", "Bob", "--stage", "lost")
    steps = json.loads(funnel("report", "funnel", "-f", "json").stdout)["stages"]
    assert (steps[0]["stage"], steps[0]["reached"]) == ("new", 2)
    assert steps[0]["of_created"] == {"rate": 1.0, "numerator": 2, "denominator": 2}


def test_the_demo_summary_and_the_dashboard_agree_on_overdue(funnel, tmp_path):
    # 14:00: two promises of today, due 09:30 or 11:00, are overdue already (78, not 76)
    result = funnel(
        "demo",
        "--db",
        tmp_path / "demo.db",
        env={"FUNNEL_NOW": "2026-11-29T14:00"},
    )
    said = int(result.stderr.split(" overdue)")[0].rsplit("(", 1)[1])
    data = json.loads(
        funnel(
            "--db",
            tmp_path / "demo.db",
            "report",
            "-f",
            "json",
            env={"FUNNEL_NOW": "2026-11-29T14:00"},
        ).stdout
    )
    assert said == data["overdue_follow_ups"] == 78


def test_a_new_users_dashboard_says_nothing_to_forecast_in_one_line(funnel):
    funnel("add", "Marie")
    out = funnel("report").stdout
    assert "Funnel · 1 lead created" in out and "(0 of 1 lead)" in out
    assert "Forecast: nothing to forecast yet (no open deal with an amount" in out
    assert "Pipeline (a)" not in out and "No open deal is left out" not in out
    funnel("qualify", "1", "--amount", "1000", "--expected-close", "2026-12-15")
    out = funnel("report").stdout
    assert "Pipeline (a)" in out and "nothing to forecast" not in out
