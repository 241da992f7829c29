"""``funnel report forecast --method model`` (issue 16, item 2): each part on hand-computed
histories, the rule for imported closed deals, and a past view learning only from its past.

The history (local dates, America/Toronto; the suite's now 2026-11-29 09:00), all in CAD:

| id | lead | source   | amount | history                                                   |
| -- | ---- | -------- | ------ | --------------------------------------------------------- |
| 1  | Ada  | referral | 1000   | new 01-05, proposal 01-10, won 02-09 (30 days at proposal)|
| 2  | Bob  | referral | 3000   | new 03-25, proposal 04-01, won 04-21 (20 days)            |
| 3  | Cy   | referral | —      | new 10-01, proposal 10-02, open, no expected close        |
| 4  | Dee  | web      | 800    | new 09-01, negotiation 09-02, expected close 12-10         |
| 5  | Eve  | web      | 500    | new 09-01, qualified, expected close 2027-02-01            |
| 6  | Ivy  | web      | 100    | new 06-01, won 06-15, monthly                             |
| 7  | Jo   | web      | 50     | new 2025-11-15, won 2025-12-01, monthly                    |

``--period next-month``: December 2026, the window is days [2, 33) from today.

- (a) own amounts: Dee 800 × 75 % (negotiation's default: fewer than 20 deals entered it) = 600.
- (a') estimated: Cy has no amount: the median won deal of referral/CAD over the last 12 months
  (Ada 1000, Bob 3000) = 2000; no expected close: today + proposal's median time to win
  (30 and 20 days: 25) = 12-24, in December; × proposal's default 50 % = 1000.
- Eve's expected close is after the window: not counted.
- (n) new business: 4 leads created since 2026-05-29 (Ivy, Dee, Eve, Cy) over those 184 days ×
  31 days of window × 5 % (new's default: the created leads are fewer than 20) × the median
  won CAD deal (100, 1000 → 550 … of 50, 100, 1000, 3000) = 4 / 184 × 31 × 0.05 × 55,000
  cents = 1,853.26 cents.
- (b) recurring: Ivy's 12-15 billing 100; Jo's 12-01 billing is its 13th month: not counted
  (the stage method counts it: 150).
- total = 60,000 + 100,000 + 1,853.26 + 10,000 = 171,853.26 cents.
"""

from __future__ import annotations

import json
from fractions import Fraction

from funnelcli.kpis.model import Window, cohorts, median
from funnelcli.kpis.rows import DelayGroup

NEXT_MONTH = ("report", "forecast", "--period", "next-month", "-f", "json")


def history(funnel) -> None:
    funnel("add", "Ada", "--source", "referral", "--amount", "1000", "--at", "2026-01-05")
    funnel("advance", "1", "proposal", "--at", "2026-01-10")
    funnel("win", "1", "--at", "2026-02-09")
    funnel("add", "Bob", "--source", "referral", "--amount", "3000", "--at", "2026-03-25")
    funnel("advance", "2", "proposal", "--at", "2026-04-01")
    funnel("win", "2", "--at", "2026-04-21")
    funnel("add", "Cy", "--source", "referral", "--at", "2026-10-01")
    funnel("advance", "3", "proposal", "--at", "2026-10-02")
    funnel("add", "Dee", "--source", "web", "--amount", "800", "--at", "2026-09-01")
    funnel("advance", "4", "negotiation", "--at", "2026-09-02")
    funnel("qualify", "4", "--expected-close", "2026-12-10")
    funnel("add", "Eve", "--source", "web", "--amount", "500", "--at", "2026-09-01")
    funnel("advance", "5", "qualified", "--at", "2026-09-02")
    funnel("qualify", "5", "--expected-close", "2027-02-01")
    funnel("add", "Ivy", "--source", "web", "--amount", "100", "--at", "2026-06-01")
    funnel("qualify", "6", "--frequency", "monthly")
    funnel("win", "6", "--at", "2026-06-15")
    funnel("add", "Jo", "--source", "web", "--amount", "50", "--at", "2025-11-15")
    funnel("qualify", "7", "--frequency", "monthly")
    funnel("win", "7", "--at", "2025-12-01")


def parts(line: dict) -> tuple[int, ...]:
    keys = ("pipeline", "pipeline_estimated", "new_business", "recurring", "won", "total")
    return tuple(line[k]["cents"] for k in keys)


def test_each_part_of_the_model_on_a_hand_computed_history(funnel):
    history(funnel)
    report = json.loads(funnel(*NEXT_MONTH, "--method", "model").stdout)
    assert report["method"] == "model"
    [line] = report["totals"]
    new_business = round(Fraction(4 * 31 * 5 * 55_000, 184 * 100))
    assert new_business == 1853
    assert parts(line) == (60_000, 100_000, new_business, 10_000, 0, 171_853)
    assert (line["pipeline_deals"], line["estimated_deals"], line["billings"]) == (1, 1, 1)
    model = report["model"]
    assert model["window_days"] == {"from": 2, "to": 33}
    proposal = next(s for s in model["stages"] if s["stage"] == "proposal")
    assert proposal["median_days_to_win"] == 25.0
    assert (proposal["used"], proposal["probability"]) == ("stage", 50.0)
    [news] = model["new_business"]
    assert (news["leads"], news["median_amount"]["cents"], news["revenue"]["cents"]) == (
        4,
        55_000,
        new_business,
    )
    assert (model["recurring_capped"], model["unplaced"], model["months_billed"]) == (1, 0, 12)
    # the other methods cap (b) the same way (Jo's 13th billing is not counted either), and
    # estimate nothing
    stage = json.loads(funnel(*NEXT_MONTH, "--method", "stage").stdout)
    assert "model" not in stage and "new_business" not in stage["totals"][0]
    assert stage["totals"][0]["recurring"]["cents"] == 10_000
    assert (stage["recurring_capped"], stage["months_billed"]) == (1, 12)
    assert stage["totals"][0]["pipeline"]["cents"] == 60_000


def test_the_model_in_text_and_csv(funnel):
    history(funnel)
    text = funnel("report", "forecast", "--period", "next-month", "--method", "model").stdout
    assert "Own amounts (a)" in text and "New business (n)" in text
    assert "CAD: 1 deal with an estimated amount, 58.2% of the total." in text  # 1000/1718.53
    assert "(b) counts 12 months of billings of 1 deal that would bill longer" in text
    csv = funnel("report", "forecast", "--period", "next-month", "--method", "model", "-f", "csv")
    header, first, total = csv.stdout.splitlines()
    assert header.endswith(
        ",pipeline_estimated,pipeline_estimated_cents,new_business,new_business_cents,"
        "estimated_deals"
    )
    assert total.startswith("total,2026-12-01,2026-12-31,CAD,600.00,60000,100.00,10000,")
    assert total.endswith(",1000.00,100000,18.53,1853,1")


IMPORT_HEADER = "Email,Name,Status,Created,Closed,Amount\n"


def test_imported_closed_deals_do_not_inflate_early_stages(funnel, tmp_path):
    """20 imported closed deals (16 won 10 days after creation, 4 lost) were created at the
    opportunity stage (qualified): they entered qualified, never new. 25 imported open leads
    stalled at new. So new: 25 entered, 0 won (0 %, history used); qualified: 20 entered, 16
    won within [2, 33) days (80 %). The created leads: 45 observed, 16 won (35.56 %).
    The stage method's empirical rate of new counts every won deal as having reached it."""
    lines = [f"w{i}@x.ca,W{i},Won,2025-03-01,2025-03-11,1000\n" for i in range(16)]
    lines += [f"l{i}@x.ca,L{i},Lost,2025-03-01,2025-03-11,1000\n" for i in range(4)]
    lines += [f"n{i}@x.ca,N{i},New,2025-03-01,,\n" for i in range(25)]
    csv = tmp_path / "crm.csv"
    csv.write_text(IMPORT_HEADER + "".join(lines), encoding="utf-8")
    funnel("import", csv)
    funnel("add", "Kim", "--amount", "1000", "--stage", "qualified", "--at", "2026-11-01")
    funnel("qualify", "46", "--expected-close", "2026-12-15")
    report = json.loads(funnel(*NEXT_MONTH, "--method", "model").stdout)
    stages = {s["stage"]: s for s in report["model"]["stages"]}
    assert [(stages[n]["entered"], stages[n]["won_in_window"], stages[n]["used"]) for n in (
        "new", "qualified"
    )] == [(25, 0, "history"), (20, 16, "history")]  # fmt: skip
    assert (stages["new"]["probability"], stages["qualified"]["probability"]) == (0.0, 80.0)
    assert report["model"]["new_leads"] == {
        "entered": 45, "won_in_window": 16, "rate": 35.56, "probability": 35.56,
    }  # fmt: skip
    # Kim: 1000 × 80 %; the stalled leads have no amount to estimate (no win in 12 months)
    assert report["totals"][0]["pipeline"]["cents"] == 80_000
    assert report["model"]["unplaced"] == 25
    history_method = json.loads(funnel(*NEXT_MONTH, "--method", "history").stdout)
    new = next(p for p in history_method["probabilities"] if p["stage"] == "new")
    assert new["empirical"] == 80.0  # 16 won ÷ 20 closed: the inflation the model avoids


def test_the_model_as_of_a_past_day_learns_only_from_then(funnel):
    """As of 2026-03-01 (next month: April, days [31, 61)), Bob was not even created: proposal's
    median time to win is Ada's 30 days (she entered it 50 days before: not a full window
    observed), and the median won CAD deal of the 12 months before is of Jo's 50 and Ada's
    1000: 525; Jo's April billing is his 5th month: not capped."""
    history(funnel)
    past = json.loads(funnel(*NEXT_MONTH, "--method", "model", "--as-of", "2026-03-01").stdout)
    assert past["point_in_time"] is True
    proposal = next(s for s in past["model"]["stages"] if s["stage"] == "proposal")
    assert (proposal["entered"], proposal["median_days_to_win"]) == (0, 30.0)
    [news] = past["model"]["new_business"]
    assert news["median_amount"]["cents"] == 52_500
    assert past["model"]["recurring_capped"] == 0


def test_median_and_cohorts_on_plain_data():
    assert median({}) is None
    assert median({5: 1}) == 5
    assert median({1: 1, 3: 1}) == 2
    assert median({1: 2, 10: 1}) == 1
    groups = [
        DelayGroup(3, 5, True, 2),  # won 5 days after entering: in [2, 33)
        DelayGroup(3, 40, True, 1),  # won too late for the window
        DelayGroup(3, None, True, 3),  # never won (stalled, still open, or lost)
        DelayGroup(3, 1, False, 1),  # entered lately: not observed, but its delay counts
    ]
    found = cohorts(groups, Window(2, 33))[3]
    assert (found.observed, found.won, found.rate) == (6, 2, Fraction(1, 3))
    assert found.median_days == 5  # of 1, 5, 5, 40
