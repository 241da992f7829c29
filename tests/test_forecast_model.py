"""``funnel report forecast --method model`` (issue 16, item 2): each part on hand-computed
histories, the rule for imported closed deals, and a past view learning only from its past.

The suite's now: 2026-11-29 09:00 (America/Toronto). ``--period next-month``: December 2026,
the window is days [2, 33) from today. The reference cut-offs are today − 33 days (10-27) and
every 7 days back over 6 months: 10-27, 10-20, …, 05-05, 04-28 (27 of them).

| id | lead | amount | history                                                         |
| -- | ---- | ------ | --------------------------------------------------------------- |
| 1  | Sam  | 5000   | new 01-05, proposal 01-10, open (stalled)                       |
| 2  | Ada  | 1000   | new 04-30, proposal 05-01, won 06-10                            |
| 3  | Dee  | 800    | new 09-30, proposal 10-01, expected close 2027-03-01           |
| 4  | Eve  | 500    | new 09-01, qualified 09-02, expected close 2027-02-01           |
| 5  | Cy   | 3000   | new 11-19, proposal 11-20, no expected close                    |

Open at proposal at the cut-offs: Sam at all 27 (aged 90+ days: band 2), Ada at 05-05, 05-12,
05-19, 05-26 (band 0) and 06-02, 06-09 (band 1), won 29, 22, 15, 8 days after the first four
and 1 day after 06-09 (before the window): 4 won; Dee at 10-06 … 10-27 (4, band 0). Proposal:
37 observed, 4 won in the window: 4/37; band 2: 27 observed, none won (0 %, learnt); bands 0
(8 observed, 3 won) and 1 (2, 1) are too small: shrunk toward the stage's rate as if 40 more
deals had been seen at it, (3 + 40 × 4/37) / 48 and (1 + 40 × 4/37) / 42. Qualified: Eve at 8
cut-offs, none won: its default shrunk, (0 + 40 × 25 %) / 48 = 5/24.

- (a): Sam (band 2) × 0; Cy (band 0, no date) 3000 × (3 + 40 × 4/37) / 48; Dee (band 1; her
  date after the window does not rule out a learnt rate) 800 × (1 + 40 × 4/37) / 42; Eve:
  qualified's shrunk default, her date after the window: 0.
- (n): created after a cut-off and before its window's end: Ada (04-28), Eve (08-04 … 08-25:
  4), Dee (09-01 … 09-29: 5), Cy (10-20, 10-27): 12 < 20, none won: new's default 5 % shrunk,
  (0 + 40 × 5 %) / 52 = 1/26. Leads created since 05-29: Dee, Eve, Cy: 3 in 184 days × 32.625
  days to the window's end (2027-01-01 00:00) × 1/26 × the mean won CAD deal of 12 months
  (Ada's 1000).
"""

from __future__ import annotations

import json
from fractions import Fraction

from funnelcli.kpis.model import Cohort, ModelStage, Window, cohorts, mean, reference_days
from funnelcli.kpis.rows import CutOffGroup
from funnelcli.models import Stage

NEXT_MONTH = ("report", "forecast", "--period", "next-month", "-f", "json")


def history(funnel) -> None:
    funnel("add", "Sam", "--amount", "5000", "--at", "2026-01-05")
    funnel("advance", "1", "proposal", "--at", "2026-01-10")
    funnel("add", "Ada", "--amount", "1000", "--at", "2026-04-30")
    funnel("advance", "2", "proposal", "--at", "2026-05-01")
    funnel("win", "2", "--at", "2026-06-10")
    funnel("add", "Dee", "--amount", "800", "--at", "2026-09-30")
    funnel("advance", "3", "proposal", "--at", "2026-10-01")
    funnel("qualify", "3", "--expected-close", "2027-03-01")
    funnel("add", "Eve", "--amount", "500", "--at", "2026-09-01")
    funnel("advance", "4", "qualified", "--at", "2026-09-02")
    funnel("qualify", "4", "--expected-close", "2027-02-01")
    funnel("add", "Cy", "--amount", "3000", "--at", "2026-11-19")
    funnel("advance", "5", "proposal", "--at", "2026-11-20")


def parts(line: dict) -> tuple[int, ...]:
    keys = ("pipeline", "pipeline_estimated", "new_business", "recurring", "won", "total")
    return tuple(line[k]["cents"] for k in keys)


def test_each_part_of_the_model_on_a_hand_computed_history(funnel):
    history(funnel)
    report = json.loads(funnel(*NEXT_MONTH, "--method", "model").stdout)
    assert report["method"] == "model"
    [line] = report["totals"]
    pipeline = (
        Fraction(300_000) * (3 + 40 * Fraction(4, 37)) / 48
        + Fraction(80_000) * (1 + 40 * Fraction(4, 37)) / 42
    )
    news = Fraction(3, 184) * Fraction(32_625, 1000) * Fraction(1, 26) * 100_000
    assert (round(pipeline), round(news)) == (55_919, 2_046)
    assert parts(line) == (55_919, 0, 2_046, 0, 0, round(pipeline + news))
    model = report["model"]
    assert model["window_days"] == {"from": 2, "to": 33}
    assert model["reference_cut_offs"] == 27
    stages = {s["stage"]: s for s in model["stages"]}
    proposal = stages["proposal"]
    assert (proposal["observed"], proposal["won_in_window"], proposal["used"]) == (37, 4, "history")
    assert [(b["observed"], b["won_in_window"]) for b in proposal["by_age"]] == [
        (8, 3), (2, 1), (27, 0),
    ]  # fmt: skip
    assert proposal["by_age"][1]["days_at_stage"] == {"from": 30, "to": 90}
    qualified = stages["qualified"]
    # 8 deals seen, none won: (0 + 40 × 25 %) / (8 + 40) = 5/24
    assert (qualified["observed"], qualified["used"], qualified["probability"]) == (
        8,
        "stage",
        20.83,
    )
    # 12 leads seen, none won: (0 + 40 × 5 %) / (12 + 40) = 1/26
    assert model["new_leads"] == {
        "observed": 12, "won_in_window": 0, "rate": 0.0, "probability": 3.85,
    }  # fmt: skip
    [new] = model["new_business"]
    assert (new["leads"], new["mean_amount"]["cents"], new["revenue"]["cents"]) == (
        3,
        100_000,
        2_046,
    )
    assert (model["recurring_capped"], model["months_billed"]) == (0, 12)
    # the other methods are unchanged: Eve and Dee are expected after December, Cy has no date
    stage = json.loads(funnel(*NEXT_MONTH, "--method", "stage").stdout)
    assert "model" not in stage and stage["totals"] == []


def test_a_stage_default_counts_a_deal_only_at_its_own_date_in_the_window(funnel):
    """Below the minimum the default (shrunk toward the few deals seen) works as the weighted
    pipeline's: Eve's date in December counts qualified's 5/24 there (8 seen, none won:
    (0 + 40 × 25 %) / (8 + 40)); with no date at all, that rate over the window."""
    history(funnel)
    funnel("qualify", "4", "--expected-close", "2026-12-20")
    report = json.loads(funnel(*NEXT_MONTH, "--method", "model").stdout)
    others = (
        Fraction(300_000) * (3 + 40 * Fraction(4, 37)) / 48
        + Fraction(80_000) * (1 + 40 * Fraction(4, 37)) / 42
    )  # Cy and Dee: the first test
    assert report["totals"][0]["pipeline"]["cents"] == round(others + 50_000 * Fraction(5, 24))


def test_the_model_in_text_and_csv(funnel):
    history(funnel)
    text = funnel("report", "forecast", "--period", "next-month", "--method", "model").stdout
    assert "Own amounts (a)" in text and "New business (n)" in text
    assert "deals open at the stage at 27 past cut-offs" in text
    rows = {line.split()[0]: line for line in text.splitlines() if line.endswith(")")}
    # a few deals seen: shrunk toward the default, (won + 40 × default) ÷ (observed + 40)
    assert rows["new"].endswith(" 1              0   0.0%  4.9% (history + default)")  # 2/41
    assert rows["qualified"].endswith("20.8% (history + default)")  # (0 + 10) / 48
    assert rows["contacted"].endswith("10.0% (stage default)")  # none seen
    assert rows["proposal"].endswith("10.8%  10.8% (history)")  # 37 seen
    csv = funnel("report", "forecast", "--period", "next-month", "--method", "model", "-f", "csv")
    header, first, total = csv.stdout.splitlines()
    assert header.endswith(
        ",pipeline_estimated,pipeline_estimated_cents,new_business,new_business_cents,"
        "estimated_deals"
    )
    assert total.startswith("total,2026-12-01,2026-12-31,CAD,559.19,55919,0.00,0,")
    assert total.endswith(",0.00,0,20.46,2046,0")


IMPORT_HEADER = "Email,Name,Status,Created,Closed,Amount\n"


def test_imported_closed_deals_do_not_inflate_early_stages(funnel, tmp_path):
    """16 imported won and 4 lost deals created 2026-06-01 at the opportunity stage (qualified),
    closed 06-20, were open at qualified at the cut-offs 06-02, 06-09, 06-16 (won 18, 11 and 4
    days after: in the window): qualified 60 observed, 48 won (80 %). 25 imported leads stalled
    at new from 06-01 were open at the 22 cut-offs 06-02 … 10-27: 550 observed, none won (0 %),
    though the stage method's empirical rate of new counts every won deal as having reached it.
    Kim's amount without a date is then weighted by qualified's 80 %; the won deals' mean amount
    (1000) estimates the 25 stalled leads' amounts at new's 0 %."""
    lines = [f"w{i}@x.ca,W{i},Won,2026-06-01,2026-06-20,1000\n" for i in range(16)]
    lines += [f"l{i}@x.ca,L{i},Lost,2026-06-01,2026-06-20,1000\n" for i in range(4)]
    lines += [f"n{i}@x.ca,N{i},New,2026-06-01,,\n" for i in range(25)]
    csv = tmp_path / "crm.csv"
    csv.write_text(IMPORT_HEADER + "".join(lines), encoding="utf-8")
    funnel("import", csv)
    funnel("add", "Kim", "--amount", "1000", "--stage", "qualified", "--at", "2026-11-01")
    report = json.loads(funnel(*NEXT_MONTH, "--method", "model").stdout)
    stages = {s["stage"]: s for s in report["model"]["stages"]}
    assert [(stages[n]["observed"], stages[n]["won_in_window"], stages[n]["used"]) for n in (
        "new", "qualified"
    )] == [(550, 0, "history"), (60, 48, "history")]  # fmt: skip
    assert (stages["new"]["probability"], stages["qualified"]["probability"]) == (0.0, 80.0)
    assert report["totals"][0]["pipeline"]["cents"] == 80_000
    assert report["totals"][0]["pipeline_estimated"]["cents"] == 0
    history_method = json.loads(funnel(*NEXT_MONTH, "--method", "history").stdout)
    new = next(p for p in history_method["probabilities"] if p["stage"] == "new")
    assert new["empirical"] == 80.0  # 16 won ÷ 20 closed: the inflation the model avoids


def test_the_model_as_of_a_past_day_learns_only_from_then(funnel):
    """As of 2026-06-05 (next month: July, days [26, 57)), the cut-offs run back from today − 57
    days (04-09) every 7 days: Sam was at proposal at 13 of them (01-15 … 04-09), Ada (entered
    proposal 05-01) at none, and she had not won yet: no won deal to take an amount from."""
    history(funnel)
    past = json.loads(funnel(*NEXT_MONTH, "--method", "model", "--as-of", "2026-06-05").stdout)
    assert past["point_in_time"] is True
    proposal = next(s for s in past["model"]["stages"] if s["stage"] == "proposal")
    assert (proposal["observed"], proposal["won_in_window"]) == (13, 0)
    assert past["model"]["new_business"][0]["mean_amount"] is None


def test_reference_days_cohorts_and_rates_on_plain_data():
    from datetime import date

    days = reference_days(date(2026, 11, 29), Window(2, 33))
    assert (days[0], days[1], days[-1], len(days)) == (
        date(2026, 10, 27), date(2026, 10, 20), date(2026, 4, 28), 27,
    )  # fmt: skip
    assert mean({}) is None and mean({100: 1, 400: 3}) == 325
    parts = [Window(2, 10), Window(10, 33)]
    groups = [
        CutOffGroup(3, 0, 5, 2),  # won 5 days after the cut-off: first part
        CutOffGroup(3, 1, 12, 1),  # second part
        CutOffGroup(3, 1, None, 3),  # not won within the window (stalled, open, lost)
        CutOffGroup(3, 0, 1, 1),  # won before the window: not in it
    ]
    found = cohorts(groups, parts)
    assert found[(3, None)] == Cohort(7, (2, 1))
    assert found[(3, 0)] == Cohort(3, (2, 0)) and found[(3, 1)] == Cohort(4, (0, 1))
    assert found[(3, None)].rates() == [Fraction(2, 7), Fraction(1, 7)]
    stage = Stage(3, "qualified", 3, 25, "open", True)
    small = ModelStage(stage, Fraction(1, 4), found[(3, None)], (found[(3, 0)],), "stage")
    assert not small.learnt(0)
    # 7 deals seen (2 and 1 won) shrunk toward 25 % spread by days (8/31, 23/31) as if 40 more
    # deals had been seen: (2 + 40 × 1/4 × 8/31) / 47 = (142/31) / 47, (1 + 230/31) / 47
    assert small.rates(0, parts) == [Fraction(142, 1457), Fraction(261, 1457)]
    assert small.value == Fraction(3 + 10, 47)  # the whole window: (3 + 40 × 1/4) / (7 + 40)
    # a stage learnt (40 seen, 8 and 4 won), one of its bands small (10 seen, 5 and 0 won):
    # the band's shrunk toward the stage's rates 8/40, 4/40: (5 + 8) / 50, (0 + 4) / 50
    known = ModelStage(stage, Fraction(1, 4), Cohort(40, (8, 4)), (Cohort(10, (5, 0)),), "model")
    assert known.rates(0, parts) == [Fraction(13, 50), Fraction(4, 50)]
    assert known.value == Fraction(12, 40)
    big = Cohort(20, (4, 6))
    learnt = ModelStage(stage, Fraction(1, 4), found[(3, None)], (big,), "stage")
    assert learnt.learnt(0) and learnt.rates(0, parts) == [Fraction(1, 5), Fraction(3, 10)]
    assert learnt.rates(1, parts) == small.rates(1, parts)  # band 1: the stage's (default)
