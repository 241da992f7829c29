"""Issue 18, typing it: global options anywhere, one way to say no, shorter commands, follow-up
ids that cannot be taken for lead ids, the dates people type, and where the database is."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from helpers import rows

from funnelcli import dates
from funnelcli.cli.argv import normalize
from funnelcli.store.migrations import SCHEMA_VERSION

# ------------------------------------------------------------------ global options anywhere


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        (["list", "--db", "x.db"], ["--db", "x.db", "list"]),
        (["list", "--db=x.db", "-f", "json"], ["--db=x.db", "list", "-f", "json"]),
        (
            ["promise", "1", "t", "--due", "03/04/2027", "--dayfirst"],
            ["--dayfirst", "promise", "1", "t", "--due", "03/04/2027"],
        ),
        (["--monthfirst", "list", "--db", "y"], ["--monthfirst", "--db", "y", "list"]),
        (["demo", "--db", "d.db"], ["demo", "--db", "d.db"]),  # the demo's own --db
        (["init", "--db", "d.db", "--dayfirst"], ["--dayfirst", "init", "--db", "d.db"]),
        (["log", "1", "note", "--", "--db"], ["log", "1", "note", "--", "--db"]),
        (["export", "follow-up"], ["export", "follow-ups"]),
        (["import", "f.csv", "--kind", "activity"], ["import", "f.csv", "--kind", "activities"]),
        (["import", "f.csv", "--kind=follow-up"], ["import", "f.csv", "--kind=follow-ups"]),
        (["qualify", "1", "--not-price-only"], ["qualify", "1", "--no-price-only"]),
        (["--db", "x", "--version"], ["--db", "x", "--version"]),
    ],
)
def test_the_command_line_is_normalized(typed, parsed):
    assert normalize(typed) == parsed


def test_db_after_the_command_is_the_database_used(funnel, tmp_path, db_path):
    other = tmp_path / "other.db"
    funnel("add", "Marie", "--db", other)
    funnel("add", "Luc", f"--db={other}")
    assert [r["name"] for r in rows(other, "SELECT name FROM leads ORDER BY id")] == [
        "Marie",
        "Luc",
    ]
    assert not db_path.exists()
    listed = json.loads(funnel("list", "-f", "json", "--db", other).stdout)
    assert {lead["name"] for lead in listed} == {"Marie", "Luc"}


def test_dayfirst_after_the_command_reads_the_date(funnel, db_path):
    funnel("add", "Marie")
    error = funnel("promise", "1", "call", "--due", "03/04/2027", code=2).stderr
    assert "pass --dayfirst or --monthfirst" in error
    funnel("promise", "1", "call", "--due", "03/04/2027", "--dayfirst")
    funnel("promise", "1", "call", "--due", "03/04/2027", "--monthfirst")
    assert [
        r["due_date"] for r in rows(db_path, "SELECT due_date FROM follow_ups ORDER BY id")
    ] == [
        "2027-04-03",
        "2027-03-04",
    ]


def test_demo_keeps_its_own_db(funnel, tmp_path, db_path):
    target = tmp_path / "demo.db"
    funnel("demo", "--db", target, "--leads", "30", "--months", "2")
    assert target.exists() and not db_path.exists()


# ------------------------------------------------------------------ one way to say no


@pytest.mark.parametrize(
    "flags",
    [
        ["--no-price-only", "--no-contact-decides", "--no-approval"],
        ["--not-price-only", "--contact-does-not-decide", "--no-needs-approval"],
    ],
)
def test_negative_flags_new_and_old_spellings(funnel, db_path, flags):
    funnel("add", "Marie")
    funnel("qualify", "1", "--price-only", "--contact-decides", "--needs-approval")
    funnel("qualify", "1", *flags)
    lead = rows(db_path, "SELECT price_only, contact_decides, needs_approval FROM leads")[0]
    assert lead == {"price_only": 0, "contact_decides": 0, "needs_approval": 0}


def test_old_spellings_are_not_in_the_help(funnel):
    shown = funnel("qualify", "--help").stdout
    assert "--no-price-only" in shown and "--no-contact-decides" in shown
    assert "--not-price-only" not in shown and "--contact-does-not-decide" not in shown


def test_unset_takes_both_spellings(funnel, db_path):
    for name in ("Marie", "Luc"):
        funnel("add", name)
    for lead, spelling in (("1", "expected-close"), ("2", "expected_close")):
        funnel("qualify", lead, "--expected-close", "2027-01-15")
        funnel("qualify", lead, "--unset", spelling)
    assert rows(db_path, "SELECT expected_close FROM leads") == [
        {"expected_close": None},
        {"expected_close": None},
    ]


def test_follow_ups_singular_or_plural(funnel):
    funnel("add", "Marie")
    funnel("promise", "1", "call", "--due", "tomorrow")
    plural = funnel("follow-ups", "list").stdout
    assert "call" in plural and plural == funnel("follow-up", "list").stdout
    one = funnel("export", "follow-up", "-f", "json").stdout
    assert [f["text"] for f in json.loads(one)] == ["call"]


# ------------------------------------------------------------------ fewer keystrokes


def test_done_and_snooze_at_the_top(funnel, db_path):
    funnel("add", "Marie")
    funnel("promise", "1", "send the quote", "--due", "2026-11-30")
    funnel("promise", "1", "call back", "--due", "2026-11-30")
    assert "snoozed to 2026-12-04" in funnel("snooze", "F1", "friday").stdout
    assert "done" in funnel("done", "2", "--note", "left a message").stdout
    assert rows(db_path, "SELECT id, due_date, done_at IS NOT NULL AS done FROM follow_ups") == [
        {"id": 1, "due_date": "2026-12-04", "done": 0},
        {"id": 2, "due_date": "2026-11-30", "done": 1},
    ]


def test_follow_up_alone_lists_the_open_ones(funnel):
    funnel("add", "Marie")
    funnel("promise", "1", "send the quote", "--due", "tomorrow")
    funnel("promise", "1", "old promise", "--due", "tomorrow")
    funnel("done", "2")
    alone = funnel("follow-up").stdout
    assert "send the quote" in alone and "old promise" not in alone
    assert alone == funnel("follow-up", "list").stdout


@pytest.mark.parametrize(("typo", "meant"), [("lisst", "list"), ("snoze", "snooze")])
def test_an_unknown_command_suggests_the_closest(funnel, typo, meant):
    error = funnel(typo, code=2).stderr
    assert f"No such command '{typo}'. Did you mean '{meant}'" in error


# ------------------------------------------------------------------ ids that cannot be confused


def test_follow_up_ids_take_the_f_prefix(funnel, db_path):
    funnel("add", "Marie")
    funnel("promise", "1", "call", "--due", "2026-11-30")
    funnel("follow-up", "done", "f1")
    assert rows(db_path, "SELECT done_at IS NOT NULL AS done FROM follow_ups") == [{"done": 1}]
    error = funnel("follow-up", "done", "G1", code=2).stderr
    assert "invalid follow-up id 'G1': expected F12 or 12" in error


def test_a_lead_command_given_a_follow_up_id_says_so(funnel, db_path):
    funnel("add", "Marie")
    funnel("promise", "1", "call", "--due", "tomorrow")
    error = funnel("show", "F1", code=2).stderr
    assert "'F1' is a follow-up id, not a lead" in error
    error = funnel("advance", "F1", code=2).stderr
    assert "is a follow-up id" in error
    assert rows(db_path, "SELECT count(*) AS n FROM stage_changes")[0]["n"] == 1  # created only


# ------------------------------------------------------------------ dates people type

WEDNESDAY = datetime(2026, 12, 2, 10, 0).astimezone()
SATURDAY = datetime(2026, 12, 5, 10, 0).astimezone()


@pytest.mark.parametrize(
    ("ref", "text", "day", "at"),
    [
        (WEDNESDAY, "next friday", date(2026, 12, 11), None),  # next week's, not the coming one
        (WEDNESDAY, "friday", date(2026, 12, 4), None),
        (WEDNESDAY, "next monday", date(2026, 12, 7), None),
        (SATURDAY, "next friday", date(2026, 12, 11), None),  # weeks start on Monday
        (WEDNESDAY, "next week", date(2026, 12, 7), None),
        (SATURDAY, "next week", date(2026, 12, 7), None),
        (WEDNESDAY, "eow", date(2026, 12, 4), None),
        (WEDNESDAY, "end of week", date(2026, 12, 4), None),
        (SATURDAY, "eow", date(2026, 12, 11), None),
        (WEDNESDAY, "eom", date(2026, 12, 31), None),
        (datetime(2027, 2, 10, 9).astimezone(), "end of month", date(2027, 2, 28), None),
        (WEDNESDAY, "noon", date(2026, 12, 2), "12:00"),
        (WEDNESDAY, "tomorrow noon", date(2026, 12, 3), "12:00"),
        (WEDNESDAY, "friday at noon", date(2026, 12, 4), "12:00"),
    ],
)
def test_dates_people_type(ref, text, day, at):
    when = dates.parse_when(text, ref=ref, prefer="future")
    assert when.date == day
    assert (when.time.strftime("%H:%M") if when.time else None) == at


def test_a_past_expected_close_is_kept_with_a_warning(funnel, db_path):
    funnel("add", "Marie")
    result = funnel("qualify", "1", "--expected-close", "yesterday")
    assert "Warning: --expected-close 'yesterday' is in the past (2026-11-28)" in result.stderr
    assert rows(db_path, "SELECT expected_close FROM leads")[0]["expected_close"] == "2026-11-28"
    assert "Warning" not in funnel("qualify", "1", "--expected-close", "eom").stderr


# ------------------------------------------------------------------ where am I


def test_config_shows_the_database_in_use(funnel, db_path):
    funnel("add", "Marie")
    funnel("add", "Luc")
    shown = funnel("config").stdout.splitlines()
    assert shown[0] == f"database = {db_path}"
    assert shown[1].startswith("size = ") and shown[1].endswith("KiB")
    assert shown[2:] == [f"schema = {SCHEMA_VERSION}", "leads = 2", "currency = CAD"]


def test_config_of_a_missing_database_creates_nothing(funnel, db_path):
    shown = funnel("config").stdout
    assert f"database = {db_path} (not created yet" in shown
    assert "currency = CAD" in shown
    assert not db_path.exists()


def test_version_shows_the_database_too(funnel, db_path, tmp_path):
    funnel("add", "Marie")
    shown = funnel("--version").stdout.splitlines()
    assert shown[0].startswith("funnel ")
    assert shown[1:] == [
        f"database = {db_path}",
        shown[2],
        f"schema = {SCHEMA_VERSION}",
        "leads = 1",
    ]
    other = tmp_path / "none.db"
    assert f"database = {other} (not created yet" in funnel("--db", other, "--version").stdout
    assert not other.exists()


def test_an_unknown_source_is_the_same_error_for_list_and_report(funnel):
    funnel("add", "Marie", "--source", "referral")
    listed = funnel("list", "--source", "nope", code=2).stderr
    reported = funnel("report", "--source", "nope", code=2).stderr
    assert listed == reported
    assert "no lead has the source 'nope': expected one of referral, (none)" in listed
    assert "Marie" in funnel("list", "--source", "Referral").stdout


def test_follow_up_ids_are_drawn_f12_and_stay_integers_for_scripts(funnel):
    funnel("add", "Marie")
    funnel("promise", "1", "call", "--due", "2026-11-28")
    assert funnel("follow-up", "list").stdout.splitlines()[1].startswith("F1  2026-11-28")
    overdue = funnel("overdue").stdout.splitlines()
    assert overdue[2].split()[2] == "ID" and overdue[3].split()[4] == "F1"  # 1 day late
    assert "  F1 due 2026-11-28  call" in funnel("show", "1").stdout
    assert "Follow-up F1 done: call" in funnel("done", "F1", env={"TTY_COMPATIBLE": "1"}).stdout
    [item] = json.loads(funnel("follow-up", "list", "--all", "-f", "json").stdout)
    assert item["id"] == 1  # JSON and CSV keep the integer
    assert funnel("follow-up", "list", "--all", "-f", "csv").stdout.splitlines()[1].startswith("1,")
    assert funnel("promise", "1", "again", "--due", "tomorrow").stdout == "2\n"  # piped: the id
