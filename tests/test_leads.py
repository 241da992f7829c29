"""The lead lifecycle through the CLI: add, list, show, edit, qualify, advance, win, lose.

"Now" is frozen at 2026-11-29 09:00 in Toronto (14:00 UTC).
"""

from __future__ import annotations

import json

import pytest
from helpers import rows

NOW_UTC = "2026-11-29T14:00:00Z"


def lead_row(db_path, lead_id=1):
    return rows(
        db_path,
        "SELECT leads.*, stages.name AS stage FROM leads JOIN stages ON stages.id = stage_id "
        "WHERE leads.id = ?",
        (lead_id,),
    )[0]


def history(db_path, lead_id=1):
    return [
        (r["from_stage"], r["to_stage"], r["at"], r["note"])
        for r in rows(
            db_path,
            "SELECT f.name AS from_stage, t.name AS to_stage, c.at, c.note FROM stage_changes c "
            "JOIN stages t ON t.id = c.to_stage_id LEFT JOIN stages f ON f.id = c.from_stage_id "
            "WHERE lead_id = ? ORDER BY c.at, c.id",
            (lead_id,),
        )
    ]


# --------------------------------------------------------------------------- add


def test_add_prints_the_id_and_stores_the_lead(funnel, db_path):
    result = funnel(
        "add", "Marie Tremblay", "--company", "Acme", "--email", " Marie@Acme.CA ",
        "--phone", "514-555-0101", "--source", "Web Form", "--note", "met at expo",
    )  # fmt: skip
    assert result.stdout == "1\n"
    row = lead_row(db_path)
    assert row["name"] == "Marie Tremblay"
    assert row["company"] == "Acme"
    assert row["email"] == "marie@acme.ca"
    assert row["source"] == "web-form"
    assert row["notes"] == "met at expo"
    assert row["stage"] == "new"
    assert row["currency"] == "CAD"
    assert row["created_at"] == NOW_UTC
    assert row["closed_at"] is None
    assert history(db_path) == [(None, "new", NOW_UTC, None)]


def test_add_parses_amounts_exactly_and_takes_the_named_currency(funnel, db_path):
    funnel("add", "A", "--amount", "12 000,00 $")
    funnel("add", "B", "--amount", "9 500,50 €")
    funnel("add", "C", "--amount", "1,234.56", "--currency", "usd")
    assert rows(db_path, "SELECT amount_cents, currency FROM leads ORDER BY id") == [
        {"amount_cents": 1200000, "currency": "CAD"},
        {"amount_cents": 950050, "currency": "EUR"},
        {"amount_cents": 123456, "currency": "USD"},
    ]


def test_add_at_a_stage_and_backdated(funnel, db_path):
    funnel("add", "Old lead", "--stage", "Qualified", "--at", "2026-11-20")
    row = lead_row(db_path)
    assert row["stage"] == "qualified"
    assert row["created_at"] == "2026-11-20T05:00:00Z"  # Toronto midnight
    assert history(db_path) == [(None, "qualified", "2026-11-20T05:00:00Z", None)]


def test_add_warns_on_a_likely_duplicate_but_adds(funnel, db_path):
    funnel("add", "Marie", "--email", "marie@acme.ca")
    result = funnel("add", "Marie T.", "--email", "MARIE@acme.ca")
    assert result.stdout == "2\n"
    assert (
        result.stderr
        == "Warning: lead 1 already has the email marie@acme.ca: is this a duplicate?\n"
    )
    assert len(rows(db_path, "SELECT id FROM leads")) == 2


def test_add_json_output(funnel):
    record = json.loads(funnel("add", "Marie", "--amount", "100", "-f", "json").stdout)
    assert record["id"] == 1
    assert record["amount"] == "100.00"
    assert record["amount_cents"] == 10000
    assert record["status"] == "open"
    assert record["created_at"] == NOW_UTC


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email"], "invalid email 'not-an-email': expected an address like name@example.com"),
        (["--stage", "limbo"], "unknown stage 'limbo': expected one of new, contacted, qualified, proposal, negotiation, won, lost"),
        (["--amount", "lots"], "--amount: invalid amount 'lots': expected a number like 1234.50, 1,234.50 or 1 234,50 $"),
        (["--at", "someday"], "--at: invalid date 'someday': expected an ISO date (2026-12-01), a date and time (2026-12-01 14:30) or a form like today, tomorrow, +3d, in 2 weeks, next monday, 1 dec"),
        (["--at", "tomorrow"], "--at 'tomorrow' is in the future (2026-11-30 00:00); only past or present moments can be recorded"),
        (["--currency", "dollars"], "--currency: invalid currency 'dollars': expected an ISO 4217 code like CAD, USD or EUR"),
        (["--currency", "TTC"], "--currency: invalid currency 'TTC': expected an ISO 4217 code like CAD, USD or EUR"),
        (["--amount", "12 000 €", "--currency", "CAD"], "--amount '12 000 €' is in EUR but --currency says CAD: give one currency"),
        (["--amount", "1200 TTC"], "--amount: invalid amount '1200 TTC': expected a number like 1234.50, 1,234.50 or 1 234,50 $"),
    ],
)  # fmt: skip
def test_add_refuses_bad_values_and_writes_nothing(funnel, db_path, args, message):
    funnel("init")  # the database exists
    result = funnel("add", "X", *args, code=2)
    assert result.stderr.splitlines()[0] == f"Error: {message}"
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 0}]


def test_add_refuses_an_empty_name(funnel):
    funnel("init")
    assert funnel("add", "  ", code=2).stderr == "Error: a lead needs a name\n"


def test_external_id_is_unique(funnel, db_path):
    funnel("add", "A", "--external-id", "CRM-1")
    result = funnel("add", "B", "--external-id", "CRM-1", code=2)
    assert result.stderr == "Error: external id 'CRM-1' already belongs to lead 1\n"
    assert len(rows(db_path, "SELECT id FROM leads")) == 1


# --------------------------------------------------------------------------- list


@pytest.fixture
def three_leads(funnel):
    funnel("add", "Alice", "--company", "Acme", "--source", "referral", "--at", "2026-11-01")
    funnel("add", "Bob", "--company", "Bolt", "--source", "web-form", "--at", "2026-11-10")
    funnel(
        "add", "Carol", "--email", "carol@cedar.io", "--source", "web-form", "--note", "big fish"
    )
    funnel("advance", "2", "qualified")
    funnel("lose", "1", "--reason", "price")


def names(result):
    return [r["name"] for r in json.loads(result.stdout)]


def test_list_newest_first_with_filters(funnel, three_leads):
    assert names(funnel("list", "-f", "json")) == ["Carol", "Bob"]  # the open ones (issue 18)
    assert names(funnel("list", "--status", "all", "-f", "json")) == ["Carol", "Bob", "Alice"]
    assert names(funnel("list", "--status", "open", "-f", "json")) == ["Carol", "Bob"]
    assert names(funnel("list", "--status", "lost", "-f", "json")) == ["Alice"]
    assert names(funnel("list", "--stage", "qualified", "-f", "json")) == ["Bob"]
    assert names(funnel("list", "--source", "Web Form", "-f", "json")) == ["Carol", "Bob"]
    assert names(funnel("list", "--search", "FISH", "-f", "json")) == ["Carol"]
    assert names(funnel("list", "--search", "cedar", "-f", "json")) == ["Carol"]
    assert names(funnel("list", "--search", "acme", "-f", "json")) == ["Alice"]
    assert names(funnel("list", "--limit", "1", "-f", "json")) == ["Carol"]


def test_list_search_ignores_case_and_accents(funnel):
    funnel("add", "Émile Côté", "--company", "Société Générale")
    funnel("add", "Other")
    for text in ("émile", "EMILE", "cote", "CÔTÉ", "societe", "SOCIÉTÉ générale"):
        assert names(funnel("list", "--search", text, "-f", "json")) == ["Émile Côté"], text


def test_list_search_treats_wildcards_literally(funnel, three_leads):
    assert json.loads(funnel("list", "--search", "%", "-f", "json").stdout) == []


def test_list_plain_table_when_piped(funnel, three_leads):
    lines = funnel("list").stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "Name",
        "Company",
        "Stage",
        "Amount",
        "Source",
        "Created",
        "Follow-up",
    ]
    assert lines[1].split() == ["3", "Carol", "new", "web-form", "2026-11-29"]
    assert "\x1b[" not in "".join(lines)


def test_list_csv_has_every_field(funnel, three_leads):
    from funnelcli.records import LEAD_KEYS

    record = json.loads(funnel("list", "-f", "json").stdout)[0]
    assert tuple(record) == (*LEAD_KEYS, "next_follow_up")
    lines = funnel("list", "-f", "csv").stdout.splitlines()
    assert lines[0] == ",".join((*LEAD_KEYS, "next_follow_up"))
    assert lines[0].startswith("id,name,company,email,phone,source,stage,status,created_at")
    assert lines[1].startswith("3,Carol,,carol@cedar.io,,web-form,new,open,2026-11-29T14:00:00Z")


def test_list_empty(funnel):
    funnel("init")
    assert funnel("list", "-f", "json").stdout == "[]\n"
    assert funnel("list", "-f", "csv").stdout.startswith("id,name,company,email,")
    result = funnel("list")
    assert result.stdout == ""
    assert result.stderr == "No leads match.\n"


@pytest.mark.parametrize("limit", ["-1", "99999999999999999999"])
def test_list_rejects_a_bad_limit(funnel, limit):
    funnel("init")
    assert funnel("list", "--limit", limit, code=2).stderr == (
        f"Error: invalid --limit {limit}: expected a number from 1 to 1,000,000,000, or 0 for all\n"
    )


# --------------------------------------------------------------------------- show


def test_show_card_and_json(funnel):
    funnel(
        "add",
        "Marie Tremblay",
        "--company",
        "Acme",
        "--email",
        "marie@acme.ca",
        "--external-id",
        "W-7",
    )
    funnel("advance", "1", "--note", "first call")
    out = funnel("show", "1").stdout
    assert out.splitlines()[0] == "Lead 1 · Marie Tremblay"
    assert "  Stage        contacted" in out
    assert "Qualification" in out and "Timeline" in out
    assert "new → contacted: first call" in out
    record = json.loads(funnel("show", "marie@acme.ca", "-f", "json").stdout)
    assert record["stage"] == "contacted"
    assert record["effective_probability"] == 10
    assert [(h["from_stage"], h["to_stage"], h["note"]) for h in record["history"]] == [
        (None, "new", None),
        ("new", "contacted", "first call"),
    ]
    assert record["follow_ups"] == [] and record["activities"] == []
    assert json.loads(funnel("show", "W-7", "-f", "json").stdout)["id"] == 1


def test_show_unknown_lead(funnel):
    funnel("init")
    result = funnel("show", "42", code=2)
    assert result.stderr == (
        "Error: no lead '42': expected a lead id, external id or email\n"
        "Hint: find it with: funnel list --search '42'\n"
    )


def test_a_number_that_is_an_id_and_an_external_id_is_ambiguous(funnel, db_path):
    funnel("add", "Imported", "--external-id", "2")
    funnel("add", "Second")
    result = funnel("edit", "2", "--notes", "x", code=2)
    assert result.stderr == (
        "Error: '2' is ambiguous: lead 2 has that id and lead 1 that external id\n"
        "Hint: write #2 for the lead id, or ext:2 for the external id\n"
    )
    funnel("edit", "#2", "--notes", "by id")
    funnel("edit", "ext:2", "--notes", "by external id")
    assert [r["notes"] for r in rows(db_path, "SELECT notes FROM leads ORDER BY id")] == [
        "by external id",
        "by id",
    ]
    # a number that is only an external id still finds its lead
    funnel("add", "Third", "--external-id", "777")
    assert json.loads(funnel("show", "777", "-f", "json").stdout)["name"] == "Third"


def test_non_ascii_digits_are_not_ids(funnel):
    funnel("add", "A")
    assert funnel("show", "²", code=2).stderr.startswith("Error: no lead '²'")
    assert funnel("show", "١", code=2).stderr.startswith("Error: no lead '١'")


def test_an_email_shared_by_two_leads_is_ambiguous(funnel):
    funnel("add", "A", "--email", "x@y.ca")
    funnel("add", "B", "--email", "x@y.ca")
    funnel("advance", "2")
    result = funnel("show", "x@y.ca", code=2)
    assert result.stdout == ""
    assert result.stderr == (
        "Error: 'x@y.ca' is the email of several leads: 1 A (new); 2 B (contacted)\n"
        "Hint: name one by its id, or merge them if they are one person: funnel merge 1 2\n"
    )


# --------------------------------------------------------------------------- edit / qualify


def test_edit_changes_only_what_differs(funnel, db_path):
    funnel("add", "Marie", "--phone", "1", "--company", "Acme")
    result = funnel(
        "edit", "1", "--name", "Marie Tremblay", "--company", "Acme", "--source", "Event"
    )
    assert result.stdout == "Lead 1 Marie Tremblay: updated name, source\n"
    row = lead_row(db_path)
    assert (row["name"], row["company"], row["source"]) == ("Marie Tremblay", "Acme", "event")
    assert (
        funnel("edit", "1", "--company", "Acme").stdout
        == "Lead 1 Marie Tremblay: nothing changed\n"
    )
    funnel("edit", "1", "--unset", "phone", "--unset", "company")
    row = lead_row(db_path)
    assert (row["phone"], row["company"]) == (None, None)


def test_edit_refuses_unknown_unset_fields(funnel, db_path):
    funnel("add", "Marie")
    result = funnel("edit", "1", "--unset", "name", code=2)
    assert result.stderr.startswith("Error: cannot unset 'name': expected one of company, email")
    assert lead_row(db_path)["name"] == "Marie"


def test_qualify_records_the_articles_questions(funnel, db_path):
    funnel(
        "add",
        "Marie Tremblay",
        "--company",
        "Acme",
        "--email",
        "marie@acme.ca",
        "--source",
        "web-form",
    )
    result = funnel(
        "qualify", "1", "--amount", "12 000,00 $", "--frequency", "monthly",
        "--decision-maker", "CFO", "--needs-approval", "--not-price-only",
        "--contact-does-not-decide", "--prerequisites", "security review",
        "--expected-close", "+30d", "--probability", "40",
    )  # fmt: skip
    assert result.stdout == (
        "Lead 1 Marie Tremblay: updated amount, contact decides, decision maker, expected close, "
        "frequency, needs approval, prerequisites, price only, probability\n"
    )
    row = lead_row(db_path)
    assert row["amount_cents"] == 1200000
    assert row["frequency"] == "monthly"
    assert row["decision_maker"] == "CFO"
    assert (row["needs_approval"], row["price_only"], row["contact_decides"]) == (1, 0, 0)
    assert row["prerequisites"] == "security review"
    assert row["expected_close"] == "2026-12-29"
    assert row["probability"] == 40
    card = funnel("show", "1").stdout
    assert "Executive approval     yes" in card
    assert "Win probability        40 % (override)" in card
    funnel("qualify", "1", "--unset", "probability", "--unset", "needs_approval")
    row = lead_row(db_path)
    assert (row["probability"], row["needs_approval"]) == (None, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--probability", "150"], "Error: invalid probability 150: expected 0 to 100 (percent)"),
        (["--expected-close", "soonish"], "Error: --expected-close: invalid date 'soonish'"),
    ],
)
def test_qualify_refuses_bad_values(funnel, db_path, args, message):
    funnel("add", "Marie")
    result = funnel("qualify", "1", *args, code=2)
    assert result.stderr.startswith(message)
    assert lead_row(db_path)["probability"] is None


def test_qualify_unknown_frequency_is_a_usage_error(funnel):
    funnel("add", "Marie")
    result = funnel("qualify", "1", "--frequency", "weekly", code=2)
    assert "'weekly' is not one of 'once', 'monthly', 'quarterly', 'yearly'" in result.stderr


# --------------------------------------------------------------------------- moves


def test_advance_walks_the_pipeline_and_records_each_move(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    assert funnel("advance", "1", "--at", "2026-11-02").stdout == (
        "Lead 1 Marie: new → contacted (2026-11-02 00:00)\n"
    )
    funnel("advance", "1", "proposal", "--at", "2026-11-10", "--note", "skipped qualification")
    funnel("advance", "1", "contacted", "--note", "went cold")  # backwards: allowed, recorded
    assert history(db_path) == [
        (None, "new", "2026-11-01T04:00:00Z", None),  # EDT until Nov 1, 02:00
        ("new", "contacted", "2026-11-02T05:00:00Z", None),
        ("contacted", "proposal", "2026-11-10T05:00:00Z", "skipped qualification"),
        ("proposal", "contacted", NOW_UTC, "went cold"),
    ]
    assert lead_row(db_path)["stage"] == "contacted"


def test_advance_stops_at_the_last_open_stage(funnel):
    funnel("add", "Marie", "--stage", "negotiation")
    result = funnel("advance", "1", code=2)
    assert result.stderr == (
        "Error: lead 1 is at the last open stage 'negotiation'\n"
        "Hint: close it with: funnel win 1  or  funnel lose 1\n"
    )


def test_advance_to_the_current_stage_is_refused(funnel):
    funnel("add", "Marie")
    assert (
        funnel("advance", "1", "new", code=2).stderr == "Error: lead 1 is already at stage 'new'\n"
    )


def test_at_before_creation_is_refused_same_day_is_clamped(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-20 15:00")
    result = funnel("advance", "1", "--at", "2026-11-19", code=2)
    assert (
        result.stderr == "Error: --at 2026-11-19 is before lead 1 was created (2026-11-20 15:00)\n"
    )
    funnel("advance", "1", "--at", "2026-11-20")  # that day: taken as the creation moment
    assert history(db_path)[-1][2] == "2026-11-20T20:00:00Z"


def test_at_before_the_last_move_is_refused(funnel):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("advance", "1", "--at", "2026-11-10")
    result = funnel("advance", "1", "--at", "2026-11-05", code=2)
    assert result.stderr == (
        "Error: --at 2026-11-05 is before lead 1 last changed stage (2026-11-10 00:00)\n"
    )


def test_win_and_lose(funnel, db_path):
    funnel("add", "A", "--at", "2026-11-01")
    funnel("add", "B")
    out = funnel("win", "1", "--amount", "5 000 $", "--at", "2026-11-20").stdout
    assert out == "Lead 1 A: new → won (2026-11-20 00:00)\n"
    row = lead_row(db_path, 1)
    assert (row["stage"], row["closed_at"], row["amount_cents"]) == (
        "won",
        "2026-11-20T05:00:00Z",
        500000,
    )
    funnel("lose", "2", "--reason", "went with a competitor")
    row = lead_row(db_path, 2)
    assert (row["stage"], row["closed_at"], row["lost_reason"]) == (
        "lost",
        NOW_UTC,
        "went with a competitor",
    )
    assert history(db_path, 2)[-1] == ("new", "lost", NOW_UTC, "went with a competitor")


def test_win_without_amount_warns(funnel):
    funnel("add", "A")
    result = funnel("win", "1")
    assert result.stderr == (
        "Warning: lead 1 was won without an amount: add it with funnel edit 1 --amount AMOUNT\n"
    )


def test_closed_leads_do_not_move_without_a_stage(funnel, db_path):
    funnel("add", "A")
    funnel("win", "1", "--amount", "10")
    assert funnel("win", "1", code=2).stderr.startswith(
        "Error: lead 1 is already won: it cannot be won"
    )
    assert funnel("lose", "1", code=2).stderr.startswith(
        "Error: lead 1 is already won: it cannot be lost"
    )
    result = funnel("advance", "1", code=2)
    assert result.stderr == (
        "Error: lead 1 is won: a closed lead does not advance\n"
        "Hint: to reopen it: funnel reopen 1\n"
    )
    assert len(history(db_path)) == 2


def test_reopening_a_lost_lead_is_an_explicit_recorded_advance(funnel, db_path):
    funnel("add", "A", "--at", "2026-11-01")
    funnel("lose", "1", "--reason", "timing", "--at", "2026-11-05")
    out = funnel("advance", "1", "contacted", "--note", "budget freed up").stdout
    assert out.startswith("Lead 1 A: reopened: lost → contacted")
    row = lead_row(db_path)
    assert (row["stage"], row["closed_at"], row["lost_reason"]) == ("contacted", None, None)
    assert history(db_path)[-2:] == [
        ("new", "lost", "2026-11-05T05:00:00Z", "timing"),
        ("lost", "contacted", NOW_UTC, "budget freed up"),
    ]


def test_advance_to_won_by_name_closes_the_lead(funnel, db_path):
    funnel("add", "A", "--amount", "10")
    funnel("advance", "1", "WON")
    assert lead_row(db_path)["closed_at"] == NOW_UTC


# --------------------------------------------------------------------------- currency setting


def test_default_currency_is_configurable(funnel, db_path):
    funnel("init")
    assert funnel("config", "currency").stdout == "currency = CAD\n"
    assert funnel("config", "currency", "eur").stdout == "currency = EUR\n"
    funnel("add", "A", "--amount", "10")
    funnel("add", "B", "--amount", "10", env={"FUNNEL_CURRENCY": "USD"})
    assert [r["currency"] for r in rows(db_path, "SELECT currency FROM leads ORDER BY id")] == [
        "EUR",
        "USD",
    ]
    assert (
        funnel("config", "colour", code=2).stderr
        == "Error: unknown setting 'colour': expected currency or language\n"
    )


def test_control_characters_never_reach_the_terminal(funnel, db_path):
    funnel("add", "Evil\x1b[31m Name", "--company", "Acme\x07", "--note", "line one\nline two")
    row = lead_row(db_path)
    assert (row["name"], row["company"], row["notes"]) == (
        "Evil[31m Name",
        "Acme",
        "line one\nline two",
    )
    for args in (["list"], ["show", "1"]):
        out = funnel(*args).stdout
        assert "\x1b" not in out and "\x07" not in out
    assert "line one line two" in funnel("show", "1").stdout


def test_an_explicit_time_before_creation_is_refused(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-20 15:00")
    result = funnel("advance", "1", "--at", "2026-11-20 10:00", code=2)
    assert (
        result.stderr
        == "Error: --at 2026-11-20 10:00 is before lead 1 was created (2026-11-20 15:00)\n"
    )
    assert len(history(db_path)) == 1


def test_edit_amount(funnel, db_path):
    funnel("add", "Marie")
    funnel("edit", "1", "--amount", "1 500 €")
    row = lead_row(db_path)
    assert (row["amount_cents"], row["currency"]) == (150000, "EUR")
