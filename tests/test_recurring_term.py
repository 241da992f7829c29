"""The term of a recurring deal (issue 16, item 2's last point): ``qualify --term N`` and
``--until DATE`` end its billings in the forecast; without either, at most 12 months of them.

Today is 2026-11-29 (conftest). Hand-computed billings, the first payment being the win (c):

- monthly since 2026-01-31, no term: 02-28 … 12-31 is 11 billings (the 12 months end on
  2027-01-30), so 2027-01-31 is not counted;
- monthly since 2026-01-31, term 12: payments 2 to 12 are the same 11 billings;
- monthly since 2026-06-15, term 6: payments 2 to 6 fall on 07-15 … 11-15: none after today;
- monthly since 2026-06-15, until 2027-01-20: 12-15 and 2027-01-15 in December–January.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from helpers import rows

from funnelcli.kpis.forecast import Span, forecast, last_billing_day
from funnelcli.kpis.rows import RecurringGroup

FIXTURES = Path(__file__).parent / "fixtures"
DEC_TO_MAR = [
    Span("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    Span("2027-01", date(2027, 1, 1), date(2027, 1, 31)),
    Span("2027-02", date(2027, 2, 1), date(2027, 2, 28)),
    Span("2027-03", date(2027, 3, 1), date(2027, 3, 31)),
]


def _recurring(by_bucket) -> list[int]:
    return [b.lines["CAD"].recurring if "CAD" in b.lines else 0 for b in by_bucket]


def test_the_last_billing_day_of_a_term_a_date_or_the_cap():
    won = date(2026, 1, 31)
    # 12 monthly payments: the 13th would fall on 2027-01-31
    assert last_billing_day(RecurringGroup(won, "monthly", "CAD", 1, 100, term=12)) == date(
        2027, 1, 30
    )
    # 2 quarterly payments: the 3rd would fall on 2026-07-31
    assert last_billing_day(RecurringGroup(won, "quarterly", "CAD", 1, 100, term=2)) == date(
        2026, 7, 30
    )
    # a term and a date: the earlier end
    until = date(2026, 5, 1)
    assert last_billing_day(RecurringGroup(won, "monthly", "CAD", 1, 100, 12, until)) == until
    # neither: 12 months, or no end at all for an actual (months_billed None)
    assert last_billing_day(RecurringGroup(won, "yearly", "CAD", 1, 100)) == date(2027, 1, 30)
    assert last_billing_day(RecurringGroup(won, "yearly", "CAD", 1, 100), None) is None


def test_the_forecast_counts_billings_up_to_the_term():
    groups = [
        RecurringGroup(date(2026, 1, 31), "monthly", "CAD", 1, 10_000),  # cut at 12 months
        RecurringGroup(date(2026, 6, 15), "monthly", "CAD", 2, 1_000, term=6),  # over
        RecurringGroup(date(2026, 6, 15), "monthly", "CAD", 1, 100, until=date(2027, 1, 20)),
        RecurringGroup(date(2026, 9, 30), "quarterly", "CAD", 1, 7, term=3),  # 12-30, 03-30
    ]
    result = forecast(DEC_TO_MAR, date(2026, 11, 29), [], [], groups, [])
    assert _recurring(result.buckets) == [10_000 + 100 + 7, 100, 0, 7]
    assert result.capped == 1  # the first deal would bill on 2027-01-31, 02-28, 03-31
    # an actual counts what happened: no 12-month cut, the terms still apply
    actual = forecast(DEC_TO_MAR, date(2027, 4, 1), [], [], groups, [], None)
    assert _recurring(actual.buckets) == [10_000 + 100 + 7, 10_000 + 100, 10_000, 10_000 + 7]
    assert actual.capped == 0


def _won_monthly(funnel, lead: int, name: str, won_at: str, *qualify: str) -> None:
    funnel("add", name, "--amount", "100", "--at", "2025-12-01")
    funnel("qualify", lead, "--frequency", "monthly", *qualify)
    funnel("win", lead, "--at", won_at)


def test_qualify_records_the_term_and_the_forecast_uses_it(funnel, db_path):
    _won_monthly(funnel, 1, "Ada", "2026-01-31")  # no term: cut after 2026-12-31
    _won_monthly(funnel, 2, "Bob", "2026-01-31", "--term", "24")  # bills through 2027
    _won_monthly(funnel, 3, "Cy", "2026-01-31", "--until", "2027-02-15")  # up to 2027-01-31
    assert rows(db_path, "SELECT name, term, billed_until FROM leads ORDER BY id") == [
        {"name": "Ada", "term": None, "billed_until": None},
        {"name": "Bob", "term": 24, "billed_until": None},
        {"name": "Cy", "term": None, "billed_until": "2027-02-15"},
    ]
    shown = json.loads(funnel("show", "2", "-f", "json").stdout)
    assert (shown["term"], shown["billed_until"]) == (24, None)
    assert "Billing term           24 payments" in funnel("show", "2").stdout

    args = ("report", "forecast", "--from", "2026-12-01", "--to", "2027-02-28")
    data = json.loads(funnel(*args, "-f", "json").stdout)
    by_label = {p["label"]: p["by_currency"] for p in data["periods"]}
    # December: all three; January: Bob, Cy (01-31 <= 02-15); February: Bob
    assert [by_label[m][0]["recurring"]["cents"] for m in ("2026-12", "2027-01", "2027-02")] == [
        30_000,
        20_000,
        10_000,
    ]
    assert (data["recurring_capped"], data["months_billed"]) == (1, 12)
    table = funnel(*args).stdout
    assert (
        "(b) counts 12 months of billings of 1 deal that would bill longer: no term recorded "
        "(funnel qualify ID --term N or --until DATE)."
    ) in " ".join(table.split())

    funnel("qualify", "2", "--unset", "term")
    funnel("qualify", "3", "--unset", "until")
    assert rows(db_path, "SELECT term, billed_until FROM leads WHERE id > 1") == [
        {"term": None, "billed_until": None},
        {"term": None, "billed_until": None},
    ]


def test_a_term_is_a_number_of_payments(funnel, db_path):
    funnel("add", "Ada")
    result = funnel("qualify", "1", "--term", "0", code=2)
    assert result.stderr == "Error: invalid term 0: expected a number of payments, 1 or more\n"
    assert rows(db_path, "SELECT term FROM leads") == [{"term": None}]


def test_a_report_as_of_a_past_date_sees_the_term_then(funnel):
    env = {"FUNNEL_NOW": "2026-03-01T09:00:00"}
    funnel("add", "Ada", "--amount", "100", "--at", "2026-01-05", env=env)
    funnel("qualify", "1", "--frequency", "monthly", "--term", "2", env=env)
    funnel("win", "1", "--at", "2026-01-31", env=env)
    funnel("qualify", "1", "--term", "24")  # on 2026-11-29
    args = ("report", "forecast", "--from", "2026-02-01", "--to", "2026-04-30", "-f", "json")
    then = json.loads(funnel(*args, "--as-of", "2026-03-01").stdout)
    now = json.loads(funnel(*args).stdout)
    # term 2 then: only the 2nd payment (02-28); term 24 now: 02-28, 03-31, 04-30
    assert then["totals"][0]["recurring"]["cents"] == 10_000
    assert now["totals"][0]["recurring"]["cents"] == 30_000


def test_a_v11_database_upgrades_with_its_leads_and_no_term(funnel, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v11.db", db)
    before = rows(db, "SELECT * FROM leads ORDER BY id")
    funnel("--db", db, "list")
    after = rows(db, "SELECT * FROM leads ORDER BY id")
    assert [{k: r[k] for k in before[0]} for r in after] == before
    assert {(r["term"], r["billed_until"]) for r in after} == {(None, None)}
    # the new columns are journaled: undo restores them
    funnel("--db", db, "qualify", "1", "--term", "6", "--until", "2027-06-30")
    assert rows(db, "SELECT term, billed_until FROM leads WHERE id = 1") == [
        {"term": 6, "billed_until": "2027-06-30"}
    ]
    funnel("--db", db, "undo")
    assert rows(db, "SELECT term, billed_until FROM leads WHERE id = 1") == [
        {"term": None, "billed_until": None}
    ]
