"""``funnel overdue``: the time-zone rules, the quiet-when-empty cron contract, the formats,
``--within``, ``--exit-code``, and the process-level promises (pipes, a writer holding the lock,
start-up imports).

"Now" is frozen at Sunday 2026-11-29 09:00 in Toronto (14:00 UTC) unless a test says otherwise.
"""

from __future__ import annotations

import json
import sqlite3
import sys

import pytest
from helpers import funnel_process, rows


@pytest.fixture
def leads(funnel):
    funnel(
        "add", "Marie Tremblay", "--company", "Acme inc.", "--email", "marie@acme.ca",
        "--phone", "514-555-0101", "--at", "2026-01-05",
    )  # fmt: skip
    funnel("add", "Jean Roy", "--company", "Béton Roy", "--at", "2026-01-05")


def overdue_ids(funnel, *args, now=None, tz=None):
    env = {k: v for k, v in (("FUNNEL_NOW", now), ("TZ", tz)) if v}
    result = funnel("overdue", "--format", "json", *args, env=env or None)
    return [(r["id"], r["days_late"]) for r in json.loads(result.stdout)]


# --------------------------------------------------------------------------- the rules


def test_due_today_without_a_time_is_not_overdue_until_the_day_ends(funnel, leads):
    funnel("promise", "1", "today's", "--due", "2026-11-29")
    assert overdue_ids(funnel, now="2026-11-29T00:00:00") == []
    assert overdue_ids(funnel, now="2026-11-29T23:59:59") == []
    assert overdue_ids(funnel, now="2026-11-30T00:00:00") == [(1, 1)]
    assert overdue_ids(funnel, now="2026-12-02T00:00:01") == [(1, 3)]


def test_a_time_that_has_passed_today_is_overdue(funnel, leads):
    funnel("promise", "1", "call at 8:30", "--due", "2026-11-29 08:30")
    funnel("promise", "1", "call at 9:00", "--due", "2026-11-29 09:00")
    funnel("promise", "1", "call at 23:59", "--due", "2026-11-29 23:59")
    assert overdue_ids(funnel, now="2026-11-29T08:30:00") == []
    assert overdue_ids(funnel, now="2026-11-29T08:31:00") == [(1, 0)]
    assert overdue_ids(funnel, now="2026-11-29T09:00:59") == [(1, 0)]  # due now: not passed
    assert overdue_ids(funnel, now="2026-11-29T09:01:00") == [(1, 0), (2, 0)]
    assert overdue_ids(funnel, now="2026-11-29T23:59:59") == [(1, 0), (2, 0)]
    assert overdue_ids(funnel, now="2026-11-30T00:00:00") == [(1, 1), (2, 1), (3, 1)]


def test_around_midnight_the_local_date_counts_not_the_utc_date(funnel, leads):
    # At 20:00 in Toronto it is already the 30th in UTC: a UTC comparison would call
    # the 29th's untimed promise overdue.
    funnel("promise", "1", "today's", "--due", "2026-11-29")
    assert overdue_ids(funnel, now="2026-11-29T20:00:00") == []
    assert overdue_ids(funnel, now="2026-11-30T01:00:00Z") == []  # 20:00 local
    assert overdue_ids(funnel, now="2026-11-30T05:00:00Z") == [(1, 1)]  # 00:00 local
    # Somewhere else, the same instant is already the next day.
    assert overdue_ids(funnel, now="2026-11-30T01:00:00Z", tz="Europe/Paris") == [(1, 1)]


def test_dst_spring_forward(funnel, leads):
    """Toronto, 2027-03-14: the clocks jump from 02:00 to 03:00 (EST -> EDT)."""
    funnel("promise", "1", "in the gap", "--due", "2027-03-14 02:30")  # a wall time that never is
    funnel("promise", "1", "the day before", "--due", "2027-03-13")
    funnel("promise", "2", "3:15", "--due", "2027-03-14 03:15")
    assert overdue_ids(funnel, now="2027-03-14T01:59:00") == [(2, 1)]
    assert overdue_ids(funnel, now="2027-03-14T06:59:00Z") == [(2, 1)]  # 01:59 EST
    assert overdue_ids(funnel, now="2027-03-14T07:01:00Z") == [(2, 1), (1, 0)]  # 03:01 EDT
    assert overdue_ids(funnel, now="2027-03-14T03:16:00") == [(2, 1), (1, 0), (3, 0)]
    # A 23-hour day still counts as one calendar day late.
    assert overdue_ids(funnel, now="2027-03-15T00:30:00") == [(2, 2), (1, 1), (3, 1)]


def test_dst_fall_back(funnel, leads):
    """Toronto, 2026-11-01: 02:00 EDT becomes 01:00 EST; the day lasts 25 hours."""
    funnel("promise", "1", "at 1:30", "--due", "2026-11-01 01:30")
    funnel("promise", "1", "late evening", "--due", "2026-11-01 23:00")
    funnel("promise", "2", "that day", "--due", "2026-11-01")
    assert overdue_ids(funnel, now="2026-11-01T01:45:00-04:00") == [(1, 0)]  # first 01:45
    assert overdue_ids(funnel, now="2026-11-01T02:00:00-05:00") == [(1, 0)]
    assert overdue_ids(funnel, now="2026-11-01T23:30:00") == [(1, 0), (2, 0)]
    # 23:30 EST on the 1st is 04:30 UTC on the 2nd: still the 1st in the diary.
    assert overdue_ids(funnel, now="2026-11-02T04:30:00Z") == [(1, 0), (2, 0)]
    assert overdue_ids(funnel, now="2026-11-02T00:00:00") == [(3, 1), (1, 1), (2, 1)]


def test_done_follow_ups_are_never_overdue(funnel, leads):
    funnel("promise", "1", "old", "--due", "2026-11-01")
    funnel("promise", "2", "older", "--due", "2026-10-01")
    funnel("follow-up", "done", "1")
    assert overdue_ids(funnel) == [(2, 59)]


# --------------------------------------------------------------------------- quiet contract


def test_nothing_overdue_prints_nothing_at_all(funnel, leads):
    funnel("promise", "1", "later", "--due", "2026-12-01")
    funnel("promise", "1", "today", "--due", "2026-11-29")
    for env in (None, {"TTY_COMPATIBLE": "1"}):
        result = funnel("overdue", env=env)
        assert (result.stdout, result.stderr) == ("", "")
        result = funnel("overdue", "--exit-code", env=env)
        assert (result.stdout, result.stderr) == ("", "")


def test_empty_machine_formats(funnel, leads):
    assert funnel("overdue", "--format", "json").stdout == "[]\n"
    assert funnel("overdue", "--format", "csv").stdout == (
        "id,lead_id,text,due_date,due_time,status,created_at,done_at,done_note,snooze_count,"
        "cancelled_at,cancel_reason,lead_name,company,email,phone,overdue,days_late\n"
    )


def test_empty_database_is_quiet_too(funnel, db_path):
    funnel("init")
    result = funnel("overdue", "--exit-code")
    assert (result.stdout, result.stderr) == ("", "")


# --------------------------------------------------------------------------- output


@pytest.fixture
def late(funnel, leads):
    funnel("promise", "1", "Send the revised quote", "--due", "2026-11-25")  # 1
    funnel("promise", "2", "Call back about the demo", "--due", "2026-11-29 08:30")  # 2
    funnel("promise", "2", "Email the brochure", "--due", "2026-11-29")  # 3: due today
    funnel("promise", "1", "Lunch", "--due", "2026-11-30 12:00")  # 4: tomorrow
    funnel("promise", "1", "Visit", "--due", "2026-12-01")  # 5: in 2 days
    funnel("promise", "2", "Old and done", "--due", "2026-11-01")  # 6: done
    funnel("follow-up", "done", "6")


def test_plain_lines_when_piped(funnel, late):
    result = funnel("overdue")
    assert result.stdout.splitlines() == [
        "2 overdue follow-ups (Sun 2026-11-29 09:00)",
        "",
        "When         Due               ID  Lead                         Contact"
        "                      Promise",
        "4 days late  2026-11-25        F1  1 Marie Tremblay, Acme inc.  514-555-0101, "
        "marie@acme.ca  Send the revised quote",
        "late today   2026-11-29 08:30  F2  2 Jean Roy, Béton Roy"
        "                                     Call back about the demo",
    ]
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout
    assert not set("─│┃━┏┌") & set(result.stdout)


def test_within_lists_what_falls_due_soon_clearly_marked(funnel, late):
    lines = funnel("overdue", "--within", "2d").stdout.splitlines()
    assert lines[0] == "2 overdue follow-ups, 3 due within 2d (Sun 2026-11-29 09:00)"
    assert [line.split("  ")[0] for line in lines[3:]] == [
        "4 days late",
        "late today",
        "due today",
        "due tomorrow",
        "due in 2 days",
    ]


def test_within_units(funnel, late):
    assert overdue_ids(funnel, "--within", "0d") == [(1, 4), (2, 0), (3, 0)]
    assert overdue_ids(funnel, "--within", "1d") == [(1, 4), (2, 0), (3, 0), (4, -1)]
    assert overdue_ids(funnel, "--within", "1w") == [(1, 4), (2, 0), (3, 0), (4, -1), (5, -2)]
    # 27 hours from Sunday 09:00 is Monday 12:00: lunch at 12:00 is included, Tuesday is not
    assert overdue_ids(funnel, "--within", "27h") == [(1, 4), (2, 0), (3, 0), (4, -1)]
    assert overdue_ids(funnel, "--within", "26h") == [(1, 4), (2, 0), (3, 0)]


def test_within_marks_soon_items_in_json(funnel, late):
    data = json.loads(funnel("overdue", "--within", "1d", "-f", "json").stdout)
    assert [(r["id"], r["overdue"]) for r in data] == [(1, True), (2, True), (3, False), (4, False)]


def test_only_overdue_soon_items_give_a_title_saying_so(funnel, leads):
    funnel("promise", "1", "Lunch", "--due", "2026-11-30 12:00")
    assert funnel("overdue").stdout == ""
    lines = funnel("overdue", "--within", "2d").stdout.splitlines()
    assert lines[0] == "Nothing overdue, 1 due within 2d (Sun 2026-11-29 09:00)"
    funnel("overdue", "--within", "2d", "--exit-code", code=1)


def test_json_record_shape(funnel, late):
    data = json.loads(funnel("overdue", "--format", "json").stdout)
    assert data[0] == {
        "id": 1,
        "lead_id": 1,
        "text": "Send the revised quote",
        "due_date": "2026-11-25",
        "due_time": None,
        "status": "open",
        "created_at": "2026-11-29T14:00:00Z",
        "done_at": None,
        "done_note": None,
        "snooze_count": 0,
        "cancelled_at": None,
        "cancel_reason": None,
        "lead_name": "Marie Tremblay",
        "company": "Acme inc.",
        "email": "marie@acme.ca",
        "phone": "514-555-0101",
        "overdue": True,
        "days_late": 4,
    }
    assert [(r["id"], r["due_time"], r["days_late"]) for r in data] == [
        (1, None, 4),
        (2, "08:30", 0),
    ]


def test_csv(funnel, late):
    lines = funnel("overdue", "--format", "csv").stdout.splitlines()
    assert len(lines) == 3
    assert lines[2] == (
        "2,2,Call back about the demo,2026-11-29,08:30,open,2026-11-29T14:00:00Z,,,0,,,"
        "Jean Roy,Béton Roy,,,true,0"
    )


def test_rich_table_on_a_terminal(funnel, late):
    result = funnel("overdue", "--within", "1d", env={"TTY_COMPATIBLE": "1", "COLUMNS": "160"})
    out = result.stdout
    assert "2 overdue follow-ups, 2 due within 1d" in out
    assert "─" in out  # Rich's table rule
    assert "\x1b[" in out  # colour on a terminal
    for text in ("4 days late", "late today", "due today", "due tomorrow", "Send the revised"):
        assert text in out
    plain = funnel("overdue", env={"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "160"})
    assert "\x1b[" not in plain.stdout
    assert "4 days late" in plain.stdout


def test_exit_code(funnel, late):
    result = funnel("overdue", "--exit-code", code=1)
    assert result.stdout.startswith("2 overdue follow-ups")
    funnel("overdue", "--exit-code", "--format", "json", code=1)
    funnel("overdue")  # without the flag: 0


def test_bad_within(funnel, leads):
    result = funnel("overdue", "--within", "soon", code=2)
    assert (
        result.stderr == "Error: --within: invalid duration 'soon': expected e.g. 2d, 1w or 12h\n"
    )
    assert result.stdout == ""


def test_overdue_does_not_write(funnel, db_path, late):
    before = rows(db_path, "SELECT * FROM follow_ups ORDER BY id")
    funnel("overdue", "--within", "1w")
    assert rows(db_path, "SELECT * FROM follow_ups ORDER BY id") == before


# --------------------------------------------------------------------------- processes


@pytest.mark.slow  # a real process
def test_process_piped_empty_is_silent(db_path, funnel, leads):
    result = funnel_process("overdue")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    result = funnel_process("overdue", "--exit-code")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.slow  # a real process
def test_process_piped_with_items_is_plain(db_path, funnel, late):
    result = funnel_process("overdue", env={"TERM": "xterm-256color"})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "2 overdue follow-ups (Sun 2026-11-29 09:00)"
    assert lines[3].startswith("4 days late  2026-11-25        F1  1 Marie Tremblay, Acme inc.")
    result = funnel_process("overdue", "--exit-code")
    assert result.returncode == 1
    assert result.stdout.splitlines() == lines


@pytest.mark.slow  # a real process
def test_process_answers_while_a_writer_holds_the_lock(db_path, funnel, late):
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO follow_ups (lead_id, text, due_date, created_at) "
            "VALUES (1, 'uncommitted', '2026-11-01', '2026-11-29T14:00:00Z')"
        )
        # Nobody can write now; a busy timeout of 0 proves the command never waits for the lock.
        result = funnel_process("overdue", "--format", "json", env={"FUNNEL_BUSY_TIMEOUT": "0"})
        assert result.returncode == 0, result.stderr
        assert [r["id"] for r in json.loads(result.stdout)] == [1, 2]
        assert "uncommitted" not in result.stdout
        # The writer was not disturbed: it still commits.
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert [r["text"] for r in rows(db_path, "SELECT text FROM follow_ups ORDER BY id")][-1] == (
        "uncommitted"
    )


@pytest.mark.slow  # a real process
def test_process_start_up_imports_stay_light(db_path, funnel, late):
    """No Rich when piped, no sqlite-utils, no dateutil parser, no icalendar."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "funnelcli", "overdue"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "funnelcli.services.followups" in modules
    heavy = {"rich", "sqlite_utils", "dateutil.parser", "icalendar", "pydantic"}
    assert not heavy & modules
