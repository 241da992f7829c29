"""``funnel check``: one database per rule, where only that rule fires.

Now is 2026-11-29 09:00 Toronto (14:00 UTC). A "healthy" lead has a source, was contacted, has an
open follow-up and recent activity; each test breaks exactly one of those properties.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

RULES = [
    "opportunity_without_amount",
    "opportunity_without_close_date",
    "close_date_passed",
    "no_next_action",
    "stale",
    "duplicate_email",
    "no_source",
    "won_without_amount",
    "never_contacted",
    "snoozed_often",
    "dates_estimated",
    "open_follow_ups_on_closed_leads",
]


def sql(db_path, statement, params=()):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def promise(db_path, lead_id, snoozes=0):
    sql(
        db_path,
        "INSERT INTO follow_ups (lead_id, text, due_date, created_at, snooze_count) "
        "VALUES (?, 'call back', '2026-12-03', '2026-11-28T14:00:00Z', ?)",
        (lead_id, snoozes),
    )


def healthy(funnel, db_path, name="Healthy", email=None, stage="contacted"):
    args = ["add", name, "--source", "referral", "--at", "2026-11-20"]
    if email:
        args += ["--email", email]
    lead_id = int(funnel(*args).stdout)
    funnel("advance", lead_id, stage, "--at", "2026-11-25")
    if stage in ("qualified", "proposal", "negotiation"):
        funnel("qualify", lead_id, "--amount", "1000", "--expected-close", "2026-12-20")
    promise(db_path, lead_id)
    return lead_id


def findings(funnel, *args):
    return {
        r["rule"]: r["lead_ids"] for r in json.loads(funnel("check", "-f", "json", *args).stdout)
    }


def only(rule, ids):
    return {r: (ids if r == rule else []) for r in RULES}


def test_a_healthy_database_has_no_problems(funnel, db_path):
    healthy(funnel, db_path)
    healthy(funnel, db_path, "Opportunity", stage="proposal")
    assert findings(funnel) == only(None, [])
    result = funnel("check", "--exit-code")
    assert result.stdout == "No problems found.\n"


def test_opportunity_without_amount(funnel, db_path):
    lead = healthy(funnel, db_path, stage="proposal")
    funnel("qualify", lead, "--unset", "amount")
    assert findings(funnel) == only("opportunity_without_amount", [lead])


def test_opportunity_without_close_date(funnel, db_path):
    lead = healthy(funnel, db_path, stage="negotiation")
    funnel("qualify", lead, "--unset", "expected_close")
    assert findings(funnel) == only("opportunity_without_close_date", [lead])


def test_expected_close_already_past(funnel, db_path):
    lead = healthy(funnel, db_path)
    sql(db_path, "UPDATE leads SET expected_close = '2026-11-28' WHERE id = ?", (lead,))
    assert findings(funnel) == only("close_date_passed", [lead])


def test_no_next_action(funnel, db_path):
    lead = healthy(funnel, db_path)
    sql(
        db_path, "UPDATE follow_ups SET done_at = '2026-11-28T15:00:00Z' WHERE lead_id = ?", (lead,)
    )
    assert findings(funnel) == only("no_next_action", [lead])


def test_stale_leads_and_the_stale_days_option(funnel, db_path):
    lead = healthy(funnel, db_path)
    sql(db_path, "UPDATE stage_changes SET at = '2026-10-01T14:00:00Z' WHERE lead_id = ?", (lead,))
    sql(db_path, "UPDATE leads SET created_at = '2026-10-01T14:00:00Z' WHERE id = ?", (lead,))
    assert findings(funnel) == only("stale", [lead])
    assert findings(funnel, "--stale-days", "90") == only(None, [])
    # a recent action makes it fresh again
    sql(db_path, "INSERT INTO activities (lead_id, type, at, created_at) VALUES (?, 'call', "
        "'2026-11-28T14:00:00Z', '2026-11-28T14:00:00Z')", (lead,))  # fmt: skip
    assert findings(funnel) == only(None, [])


def test_duplicate_emails(funnel, db_path):
    first = healthy(funnel, db_path, "A", email="same@acme.ca")
    second = healthy(funnel, db_path, "B", email="SAME@acme.ca")
    data = json.loads(funnel("check", "-f", "json").stdout)
    duplicate = next(r for r in data if r["rule"] == "duplicate_email")
    assert duplicate["lead_ids"] == [first, second]
    assert duplicate["details"] == [f"same@acme.ca: {first}, {second}"]
    assert duplicate["hint"] == (
        "different names: funnel edit LEAD --email … where they are different people, "
        "or funnel merge KEEP OTHER if one person"
    )
    assert findings(funnel) == only("duplicate_email", [first, second])


def test_duplicates_that_share_a_name_are_told_the_merge_to_run(funnel, db_path):
    """The import's identity rule: the same email and the same name (accents and case
    ignored) is the same person; another name at that email may be a colleague."""
    first = healthy(funnel, db_path, "Sophie Gagnon", email="sophie@acme.ca")
    colleague = healthy(funnel, db_path, "Luc Roy", email="sophie@acme.ca")
    again = healthy(funnel, db_path, "SOPHIE GAGNÓN", email="sophie@acme.ca")
    other = healthy(funnel, db_path, "Ana Lee", email="ana@lee.ca")
    twice = healthy(funnel, db_path, "ana lee", email="ana@lee.ca")
    data = json.loads(funnel("check", "-f", "json").stdout)
    duplicate = next(r for r in data if r["rule"] == "duplicate_email")
    assert duplicate["details"] == [
        f"ana@lee.ca: {other}, {twice} → funnel merge {other} {twice}",
        f"sophie@acme.ca: {first}, {colleague}, {again} → funnel merge {first} {again}",
    ]
    assert duplicate["hint"] == (
        f"the same person: funnel merge {other} {twice} (one per email: see the details); "
        "funnel edit LEAD --email … where they are different people"
    )
    funnel("merge", other, twice)
    funnel("merge", first, again)
    assert findings(funnel)["duplicate_email"] == [first, colleague]


def test_every_hint_names_the_command_that_fixes_it(funnel):
    funnel("add", "Ana")
    for finding in json.loads(funnel("check", "-f", "json").stdout):
        assert "funnel " in finding["hint"], finding["rule"]


def test_a_duplicate_closed_as_lost_or_a_returning_customer_is_not_flagged(funnel, db_path):
    first = healthy(funnel, db_path, "A", email="same@acme.ca")
    second = healthy(funnel, db_path, "B", email="same@acme.ca")
    funnel("lose", second, "--reason", "duplicate")
    assert findings(funnel)["duplicate_email"] == []
    funnel("win", first, "--amount", "100")
    third = healthy(funnel, db_path, "A again", email="same@acme.ca")  # repeat business
    assert findings(funnel)["duplicate_email"] == []
    assert third


def test_a_lead_added_at_a_later_stage_was_contacted(funnel, db_path):
    lead = int(funnel("add", "Met at the expo", "--source", "event", "--stage", "qualified",
                      "--amount", "10", "--at", "2026-11-20").stdout)  # fmt: skip
    funnel("qualify", lead, "--expected-close", "2026-12-20")
    promise(db_path, lead)
    assert findings(funnel)["never_contacted"] == []


def test_leads_without_source(funnel, db_path):
    lead = healthy(funnel, db_path)
    funnel("edit", lead, "--unset", "source")
    assert findings(funnel) == only("no_source", [lead])


def test_won_without_amount(funnel, db_path):
    healthy(funnel, db_path)
    won = int(funnel("add", "Won", "--source", "event", "--at", "2026-11-01").stdout)
    funnel("win", won, "--at", "2026-11-10")
    assert findings(funnel) == only("won_without_amount", [won])


def test_never_contacted_after_two_days(funnel, db_path):
    fresh = int(funnel("add", "Fresh", "--source", "web").stdout)  # today: not yet a problem
    promise(db_path, fresh)
    old = int(funnel("add", "Old", "--source", "web", "--at", "2026-11-26").stdout)
    promise(db_path, old)
    assert findings(funnel) == only("never_contacted", [old])


def test_follow_ups_pushed_back_three_times(funnel, db_path):
    lead = healthy(funnel, db_path)
    sql(db_path, "UPDATE follow_ups SET snooze_count = 3 WHERE lead_id = ?", (lead,))
    assert findings(funnel) == only("snoozed_often", [lead])


def test_table_output_and_exit_code(funnel, db_path):
    lead = healthy(funnel, db_path)
    funnel("edit", lead, "--unset", "source")
    result = funnel("check", "--exit-code", code=1)
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["Problem", "Leads", "Lead"]
    assert lines[1].startswith("Leads without a source")
    assert "funnel edit LEAD --source SOURCE" in lines[1]
    assert funnel("check").stdout == result.stdout  # without --exit-code: 0


def test_csv_output(funnel, db_path):
    lead = healthy(funnel, db_path)
    funnel("edit", lead, "--unset", "source")
    lines = funnel("check", "-f", "csv").stdout.splitlines()
    assert lines[0] == "rule,title,count,lead_ids,hint,details"
    assert f"no_source,Leads without a source,1,{lead}," in "\n".join(lines)
    assert len(lines) == 1 + len(RULES)


@pytest.mark.parametrize("days", ["0", "-3", "1000000"])
def test_bad_stale_days(funnel, days):
    funnel("init")
    result = funnel("check", "--stale-days", days, code=2)
    assert result.stderr == (
        f"Error: invalid --stale-days {days}: expected a number of days from 1 to 36500\n"
    )


def test_dates_estimated_by_an_import(funnel, db_path, tmp_path):
    """Issue 14 item 4: the leads whose dates an import estimated, each date named; a file
    with the dates clears them; the dashboard counts them with the other problems."""
    lead = healthy(funnel, db_path)
    path = tmp_path / "deals.csv"
    path.write_text(
        "Id,Name,Stage,Source,Closed\n"
        "X1,Won,won,web,2026-11-02\n"  # created on its close date
        "X2,Open,new,web,\n",  # created now
        encoding="utf-8",
    )
    funnel("import", path)
    records = json.loads(funnel("check", "-f", "json").stdout)
    found = next(r for r in records if r["rule"] == "dates_estimated")
    assert (found["count"], found["lead_ids"]) == (2, [lead + 1, lead + 2])
    assert found["details"] == [f"created: {lead + 1}, {lead + 2}"]
    assert found["hint"] == (
        "funnel import FILE with the dates (--map 'COLUMN=created', 'COLUMN=closed'): "
        "its real dates replace the estimates"
    )
    dashboard = json.loads(funnel("report", "-f", "json").stdout)
    counted = sum(r["count"] for r in records)
    assert dashboard["data_quality_problems"] == counted
    path.write_text(
        "Id,Name,Stage,Source,Created,Closed\n"
        "X1,Won,won,web,2026-10-01,2026-11-02\nX2,Open,new,web,2026-11-01,\n",
        encoding="utf-8",
    )
    funnel("import", path)
    assert findings(funnel)["dates_estimated"] == []
