"""Follow-up promises through the CLI: add (and ``promise``), list, done, snooze, edit, delete.

"Now" is frozen at Sunday 2026-11-29 09:00 in Toronto (14:00 UTC).
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from helpers import rows

NOW_UTC = "2026-11-29T14:00:00Z"


@pytest.fixture
def leads(funnel):
    """Two leads created on 2026-11-01 (local midnight = 04:00 UTC)."""
    funnel(
        "add", "Marie Tremblay", "--company", "Acme inc.", "--email", "marie@acme.ca",
        "--phone", "514-555-0101", "--external-id", "CRM-7", "--at", "2026-11-01",
    )  # fmt: skip
    funnel("add", "Jean Roy", "--company", "Béton Roy", "--at", "2026-11-01")


def follow_ups(db_path):
    return rows(db_path, "SELECT * FROM follow_ups ORDER BY id")


def activities(db_path):
    return rows(db_path, "SELECT * FROM activities ORDER BY id")


def snapshot(db_path):
    """Everything a follow-up command could write."""
    return (
        follow_ups(db_path),
        activities(db_path),
        rows(db_path, "SELECT * FROM leads ORDER BY id"),
        rows(db_path, "SELECT * FROM stage_changes ORDER BY id"),
    )


def listed(funnel, *args):
    return json.loads(funnel("follow-up", "list", *args, "--format", "json").stdout)


# --------------------------------------------------------------------------- add


def test_add_stores_the_promise_and_prints_its_id(funnel, db_path, leads):
    result = funnel("follow-up", "add", "1", "Send the revised quote", "--due", "2026-12-01")
    assert result.stdout == "1\n"
    assert result.stderr == ""
    assert follow_ups(db_path) == [
        {
            "id": 1,
            "lead_id": 1,
            "text": "Send the revised quote",
            "due_date": "2026-12-01",
            "due_time": None,
            "created_at": NOW_UTC,
            "done_at": None,
            "done_note": None,
            "snooze_count": 0,
            "cancel_reason": None,
        }
    ]


def test_promise_is_an_alias_with_a_time_and_a_lead_named_by_email(funnel, db_path, leads):
    result = funnel("promise", "MARIE@acme.ca", "Call about the demo", "--due", "friday 14:30")
    assert result.stdout == "1\n"
    row = follow_ups(db_path)[0]
    assert (row["lead_id"], row["due_date"], row["due_time"]) == (1, "2026-12-04", "14:30")


@pytest.mark.parametrize(
    ("when", "due_date", "due_time"),
    [
        ("tomorrow", "2026-11-30", None),
        ("+3d", "2026-12-02", None),
        ("in 2 weeks", "2026-12-13", None),
        ("1 dec", "2026-12-01", None),
        ("15 nov", "2027-11-15", None),  # year-less dates roll forward: a due date is ahead
        ("next monday 9am", "2026-11-30", "09:00"),
        ("2026-12-01 14:30", "2026-12-01", "14:30"),
        ("2026-12-01T08:05", "2026-12-01", "08:05"),
    ],
)
def test_due_accepts_human_forms(funnel, db_path, leads, when, due_date, due_time):
    funnel("promise", "1", "x", "--due", when)
    row = follow_ups(db_path)[0]
    assert (row["due_date"], row["due_time"]) == (due_date, due_time)


def test_due_honours_dayfirst(funnel, db_path, leads):
    funnel("--dayfirst", "promise", "1", "x", "--due", "03/12/2026")
    funnel("--monthfirst", "promise", "1", "y", "--due", "03/12/2026")
    assert [r["due_date"] for r in follow_ups(db_path)] == ["2026-12-03", "2026-03-12"]


def test_add_by_external_id_with_json_output(funnel, db_path, leads):
    result = funnel("promise", "CRM-7", "  Send   the quote ", "--due", "tomorrow", "-f", "json")
    assert json.loads(result.stdout) == {
        "id": 1,
        "lead_id": 1,
        "text": "Send the quote",
        "due_date": "2026-11-30",
        "due_time": None,
        "status": "open",
        "created_at": NOW_UTC,
        "done_at": None,
        "done_note": None,
        "snooze_count": 0,
        "cancelled_at": None,
        "cancel_reason": None,
        "lead_name": "Marie Tremblay",
        "company": "Acme inc.",
        "email": "marie@acme.ca",
        "phone": "514-555-0101",
        "overdue": False,
        "days_late": -1,
    }


def test_add_on_a_terminal_says_what_was_recorded(funnel, leads):
    result = funnel("promise", "1", "Send the quote", "--due", "2026-12-01 14:00",
                    env={"TTY_COMPATIBLE": "1"})  # fmt: skip
    assert result.stdout == (
        "Follow-up F1 for Marie Tremblay (lead 1, Acme inc.): due 2026-12-01 14:00 · "
        "Send the quote\n"
    )


def test_add_warns_when_the_promise_is_already_overdue(funnel, db_path, leads):
    result = funnel("promise", "2", "Catch up", "--due", "2026-11-20")
    assert result.stdout == "1\n"
    assert result.stderr == "Warning: follow-up F1 is already overdue (due 2026-11-20)\n"
    assert follow_ups(db_path)[0]["due_date"] == "2026-11-20"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("promise", "99", "x", "--due", "tomorrow"),
            "Error: no lead '99': expected a lead id, external id or email\n"
            "Hint: find it with: funnel list --search '99'\n",
        ),
        (
            ("promise", "1", "x", "--due", "someday"),
            "Error: --due: invalid date 'someday': expected an ISO date (2026-12-01), a date and "
            "time (2026-12-01 14:30) or a form like today, tomorrow, +3d, in 2 weeks, "
            "next monday, 1 dec\n",
        ),
        (
            ("promise", "1", "x", "--due", "2026-02-30"),
            "Error: --due: invalid date '2026-02-30': day is out of range for month\n",
        ),
        (
            ("promise", "1", "   ", "--due", "tomorrow"),
            "Error: a follow-up needs a text: what was promised?\n",
        ),
        (
            ("follow-up", "list", "--lead", "nobody@example.com"),
            "Error: no lead 'nobody@example.com': expected a lead id, external id or email\n"
            "Hint: find it with: funnel list --search 'nobody@example.com'\n",
        ),
        (
            ("follow-up", "list", "--due-before", "soon"),
            "Error: --due-before: invalid date 'soon': expected an ISO date (2026-12-01), a date "
            "and time (2026-12-01 14:30) or a form like today, tomorrow, +3d, in 2 weeks, "
            "next monday, 1 dec\n",
        ),
        (
            ("follow-up", "done", "99"),
            "Error: no follow-up F99\nHint: see the ids with: funnel follow-up list --all\n",
        ),
        (
            ("follow-up", "done", "abc"),
            "Error: invalid follow-up id 'abc': expected F12 or 12\n"
            "Hint: see the ids with: funnel follow-up list --all\n",
        ),
        (
            ("follow-up", "done", "2"),
            "Error: follow-up F2 is already done (2026-11-28 10:00): nothing to do\n"
            "Hint: to open it again: funnel follow-up reopen F2\n",
        ),
        (
            ("follow-up", "done", "1", "--at", "2026-10-15"),
            "Error: --at 2026-10-15 is before lead 1 was created (2026-11-01 00:00)\n",
        ),
        (
            ("follow-up", "snooze", "1", "2026-11-20"),
            "Error: cannot snooze follow-up F1 to 2026-11-20: that is in the past "
            "(now 2026-11-29 09:00)\n",
        ),
        (
            ("follow-up", "snooze", "1", "today 8:59"),
            "Error: cannot snooze follow-up F1 to 2026-11-29 08:59: that is in the past "
            "(now 2026-11-29 09:00)\n",
        ),
        (
            ("follow-up", "snooze", "2", "friday"),
            "Error: follow-up F2 is already done (2026-11-28 10:00): nothing to snooze\n"
            "Hint: to open it again: funnel follow-up reopen F2\n",
        ),
        (
            ("follow-up", "snooze", "77", "friday"),
            "Error: no follow-up F77\nHint: see the ids with: funnel follow-up list --all\n",
        ),
        (
            ("follow-up", "snooze", "1", "never"),
            "Error: WHEN: invalid date 'never': expected an ISO date (2026-12-01), a date and "
            "time (2026-12-01 14:30) or a form like today, tomorrow, +3d, in 2 weeks, "
            "next monday, 1 dec\n",
        ),
        (
            ("follow-up", "edit", "1"),
            "Error: nothing to change: give --text and/or --due\n",
        ),
        (
            ("follow-up", "edit", "1", "--text", ""),
            "Error: a follow-up needs a text: what was promised?\n",
        ),
        (
            ("follow-up", "edit", "1", "--due", "32/13"),
            "Error: --due: invalid date '32/13': expected an ISO date (2026-12-01), a date and "
            "time (2026-12-01 14:30) or a form like today, tomorrow, +3d, in 2 weeks, "
            "next monday, 1 dec\n",
        ),
        (
            ("follow-up", "edit", "9", "--text", "y"),
            "Error: no follow-up F9\nHint: see the ids with: funnel follow-up list --all\n",
        ),
        (
            ("follow-up", "delete", "#9"),
            "Error: no follow-up F9\nHint: see the ids with: funnel follow-up list --all\n",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(funnel, db_path, leads, args, message):
    funnel("promise", "1", "Send the quote", "--due", "2026-12-01")
    funnel("promise", "2", "Call back", "--due", "2026-11-27")
    funnel("follow-up", "done", "2", "--at", "2026-11-28 10:00")
    before = snapshot(db_path)
    result = funnel(*args, code=2)
    assert result.stderr == message
    assert result.stdout == ""
    assert snapshot(db_path) == before


# --------------------------------------------------------------------------- list


@pytest.fixture
def agenda(funnel, leads):
    funnel("promise", "1", "Send the quote", "--due", "2026-12-01")  # 1
    funnel("promise", "2", "Call back", "--due", "2026-11-27")  # 2: overdue
    funnel("promise", "1", "Lunch", "--due", "2026-11-29 12:00")  # 3: due today 12:00
    funnel("promise", "2", "Brochure", "--due", "2026-11-29")  # 4: due today, no time
    funnel("promise", "1", "Old one", "--due", "2026-11-20")  # 5: done below
    funnel("follow-up", "done", "5", "--at", "2026-11-21")


def test_list_shows_open_follow_ups_by_due_date_and_time(funnel, agenda):
    found = listed(funnel)
    assert [(r["id"], r["due_date"], r["due_time"]) for r in found] == [
        (2, "2026-11-27", None),
        (4, "2026-11-29", None),
        (3, "2026-11-29", "12:00"),
        (1, "2026-12-01", None),
    ]
    assert [(r["overdue"], r["days_late"]) for r in found] == [
        (True, 2),
        (False, 0),
        (False, 0),
        (False, -2),
    ]
    assert {r["status"] for r in found} == {"open"}


def test_list_all_includes_done_ones(funnel, agenda):
    found = listed(funnel, "--all")
    assert [r["id"] for r in found] == [5, 2, 4, 3, 1]
    done = found[0]
    assert (done["status"], done["done_at"], done["overdue"]) == (
        "done",
        "2026-11-21T05:00:00Z",
        False,
    )


def test_list_filters_by_lead_and_due_before(funnel, agenda):
    assert [r["id"] for r in listed(funnel, "--lead", "1")] == [3, 1]
    assert [r["id"] for r in listed(funnel, "--lead", "CRM-7", "--all")] == [5, 3, 1]
    # before tomorrow: everything due today or earlier
    assert [r["id"] for r in listed(funnel, "--due-before", "tomorrow")] == [2, 4, 3]
    # before today 12:00: the untimed ones of today last all day, so they are not "before noon"
    assert [r["id"] for r in listed(funnel, "--due-before", "today 12:00")] == [2]
    assert [r["id"] for r in listed(funnel, "--due-before", "today 12:01")] == [2, 3]
    assert listed(funnel, "--lead", "2", "--due-before", "2026-11-27") == []


def test_list_plain_table_when_piped(funnel, agenda):
    result = funnel("follow-up", "list")
    assert result.stdout.splitlines() == [
        "ID  Due               Status     Lead  Name            Company    Promise         Snoozed",
        "F2  2026-11-27        overdue       2  Jean Roy        Béton Roy  Call back",
        "F4  2026-11-29        due today     2  Jean Roy        Béton Roy  Brochure",
        "F3  2026-11-29 12:00  due today     1  Marie Tremblay  Acme inc.  Lunch",
        "F1  2026-12-01        open          1  Marie Tremblay  Acme inc.  Send the quote",
    ]
    assert "\x1b[" not in result.stdout


def test_list_all_table_shows_done_date(funnel, agenda):
    lines = funnel("follow-up", "list", "--all").stdout.splitlines()
    assert lines[1].split() == ["F5", "2026-11-20", "done", "2026-11-21", "1", "Marie",
                                "Tremblay", "Acme", "inc.", "Old", "one"]  # fmt: skip


def test_list_csv_has_a_header_even_when_empty(funnel, leads):
    result = funnel("follow-up", "list", "--format", "csv")
    assert result.stdout == (
        "id,lead_id,text,due_date,due_time,status,created_at,done_at,done_note,snooze_count,"
        "cancelled_at,cancel_reason,lead_name,company,email,phone,overdue,days_late\n"
    )


def test_list_csv_neutralises_formulas(funnel, leads):
    funnel("promise", "1", "=HYPERLINK(1)", "--due", "tomorrow")
    lines = funnel("follow-up", "list", "-f", "csv").stdout.splitlines()
    assert lines[1].startswith("1,1,'=HYPERLINK(1),2026-11-30,,open,")
    assert lines[1].endswith(",false,-1")


def test_list_empty(funnel, leads):
    result = funnel("follow-up", "list")
    assert (result.stdout, result.stderr) == ("", "No open follow-ups.\n")
    assert funnel("follow-up", "list", "-f", "json").stdout == "[]\n"


# --------------------------------------------------------------------------- done


def test_done_marks_it_kept_and_logs_an_activity(funnel, db_path, leads):
    funnel("promise", "1", "Send the quote", "--due", "2026-11-27")
    result = funnel("follow-up", "done", "1", "--note", " sent v2, call back in May ")
    assert result.stdout == (
        "Follow-up F1 done: Send the quote · Marie Tremblay (lead 1, Acme inc.)\n"
    )
    row = follow_ups(db_path)[0]
    assert (row["done_at"], row["done_note"]) == (NOW_UTC, "sent v2, call back in May")
    assert activities(db_path) == [
        {
            "id": 1,
            "lead_id": 1,
            "type": "follow-up",
            "text": "Send the quote — sent v2, call back in May",
            "at": NOW_UTC,
            "follow_up_id": 1,
            "created_at": NOW_UTC,
        }
    ]
    assert listed(funnel) == []


def test_done_backdated_with_json(funnel, db_path, leads):
    funnel("promise", "2", "Call back", "--due", "2026-11-27")
    result = funnel("follow-up", "done", "#1", "--at", "last friday 16:15", "-f", "json")
    data = json.loads(result.stdout)
    assert data["status"] == "done"
    assert data["done_at"] == "2026-11-27T21:15:00Z"  # Friday 16:15 EST
    assert data["overdue"] is False
    assert data["activity"] == {
        "id": 1,
        "lead_id": 2,
        "type": "follow-up",
        "text": "Call back",
        "at": "2026-11-27T21:15:00Z",
        "follow_up_id": 1,
    }
    assert activities(db_path)[0]["created_at"] == NOW_UTC


def test_done_at_on_the_creation_day_is_the_creation_moment(funnel, db_path):
    funnel("add", "Late Lead", "--at", "2026-11-20 15:00")
    funnel("promise", "1", "x", "--due", "2026-11-21")
    # an explicit time before the lead existed is a mistake, not a rounding
    result = funnel("follow-up", "done", "1", "--at", "2026-11-20 09:00", code=2)
    assert result.stderr == (
        "Error: --at 2026-11-20 09:00 is before lead 1 was created (2026-11-20 15:00)\n"
    )
    assert follow_ups(db_path)[0]["done_at"] is None
    funnel("follow-up", "done", "1", "--at", "2026-11-20")  # "that day"
    assert follow_ups(db_path)[0]["done_at"] == "2026-11-20T20:00:00Z"


def test_done_is_one_transaction(funnel, db_path, leads, monkeypatch):
    """If logging the activity fails, the follow-up stays open."""
    from funnelcli.store import followups as fq

    funnel("promise", "1", "Send the quote", "--due", "2026-11-27")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(fq, "insert_activity", broken)
    result = funnel("follow-up", "done", "1", code=70)
    assert "internal error: RuntimeError: disk on fire" in result.stderr
    assert follow_ups(db_path)[0]["done_at"] is None
    assert activities(db_path) == []


# --------------------------------------------------------------------------- snooze


def test_snooze_moves_the_due_date_and_counts(funnel, db_path, leads):
    funnel("promise", "1", "Send the quote", "--due", "2026-11-27")
    result = funnel("follow-up", "snooze", "1", "+2d")
    assert result.stdout == (
        "Follow-up F1 snoozed to 2026-12-01 (was 2026-11-27; snoozed 1×): Send the quote\n"
    )
    funnel("follow-up", "snooze", "1", "friday 10:00")
    row = follow_ups(db_path)[0]
    assert (row["due_date"], row["due_time"], row["snooze_count"]) == ("2026-12-04", "10:00", 2)
    data = json.loads(funnel("follow-up", "snooze", "1", "monday", "-f", "json").stdout)
    assert (data["due_date"], data["due_time"], data["snooze_count"]) == ("2026-11-30", None, 3)
    assert data["previous_due"] == "2026-12-04 10:00"


def test_snooze_to_today_or_to_now_is_allowed(funnel, db_path, leads):
    funnel("promise", "1", "x", "--due", "2026-11-20")
    funnel("follow-up", "snooze", "1", "today")  # due today: not overdue until the day ends
    funnel("follow-up", "snooze", "1", "today 9:00")  # due now: not yet passed
    row = follow_ups(db_path)[0]
    assert (row["due_date"], row["due_time"], row["snooze_count"]) == ("2026-11-29", "09:00", 2)


def test_show_displays_the_snooze_count(funnel, leads):
    funnel("promise", "1", "Send the quote", "--due", "2026-11-27")
    funnel("follow-up", "snooze", "1", "tomorrow")
    funnel("follow-up", "snooze", "1", "tuesday 10:00")
    out = funnel("show", "1").stdout
    assert "  F1 due 2026-12-01 10:00  Send the quote (snoozed 2×)\n" in out


# --------------------------------------------------------------------------- edit / delete


def test_edit_corrects_without_counting_a_snooze(funnel, db_path, leads):
    funnel("promise", "1", "Send teh quote", "--due", "2026-12-01 14:00")
    result = funnel("follow-up", "edit", "1", "--text", "Send the quote", "--due", "2026-11-25")
    assert result.stdout == "Follow-up F1 updated: due 2026-11-25 · Send the quote\n"
    row = follow_ups(db_path)[0]
    assert (row["text"], row["due_date"], row["due_time"], row["snooze_count"]) == (
        "Send the quote",
        "2026-11-25",
        None,
        0,
    )
    funnel("follow-up", "edit", "1", "--text", "Send the final quote")
    assert follow_ups(db_path)[0]["due_date"] == "2026-11-25"


def test_delete_keeps_the_activity_log(funnel, db_path, leads):
    funnel("promise", "1", "Send the quote", "--due", "2026-11-27")
    funnel("promise", "1", "Call", "--due", "2026-12-02")
    funnel("follow-up", "done", "1")
    result = funnel("follow-up", "delete", "1")
    assert result.stdout == (
        "Deleted follow-up F1: Send the quote · Marie Tremblay (lead 1, Acme inc.)\n"
    )
    assert [r["id"] for r in follow_ups(db_path)] == [2]
    assert [(a["type"], a["follow_up_id"]) for a in activities(db_path)] == [("follow-up", None)]


# --------------------------------------------------------------------------- show


def test_show_interleaves_stages_activities_and_promises_by_date(funnel, db_path, leads):
    funnel("advance", "1", "--at", "2026-11-05 10:00")
    funnel("log", "1", "call", "First call", "--at", "2026-11-03 11:00")
    funnel("promise", "1", "Send the quote", "--due", "2026-12-01",
           env={"FUNNEL_NOW": "2026-11-04T08:00:00"})  # fmt: skip
    funnel("follow-up", "done", "1", "--note", "sent", env={"FUNNEL_NOW": "2026-11-06T17:30:00"})
    funnel("promise", "1", "Call back", "--due", "2026-12-03 15:00")
    funnel("log", "1", "Meeting", "--at", "2026-11-10 13:00")
    out = funnel("show", "1").stdout
    assert out.split("Open follow-ups\n")[1].split("\n\n")[0] == (
        "  F2 due 2026-12-03 15:00  Call back"
    )
    timeline = out.split("Timeline\n")[1].splitlines()
    assert timeline == [
        "  2026-11-01 00:00  stage      created at new",
        "  2026-11-03 11:00  call       log 1: First call",
        "  2026-11-04 08:00  promise    F1 Send the quote (due 2026-12-01)",
        "  2026-11-05 10:00  stage      new → contacted",
        "  2026-11-06 17:30  follow-up  log 2: Send the quote — sent",
        "  2026-11-10 13:00  meeting    log 3",
        "  2026-11-29 09:00  promise    F2 Call back (due 2026-12-03 15:00)",
    ]
    data = json.loads(funnel("show", "1", "-f", "json").stdout)
    assert [f["id"] for f in data["follow_ups"]] == [2, 1]
    assert [(a["id"], a["type"]) for a in data["activities"]] == [
        (1, "call"),
        (2, "follow-up"),
        (3, "meeting"),
    ]


# --------------------------------------------------------------------------- for other commands


def test_overdue_count_for_the_dashboard(funnel, db_path, leads):
    from funnelcli.services.followups import overdue_count
    from funnelcli.store import open_db

    funnel("promise", "1", "a", "--due", "2026-11-27")  # overdue
    funnel("promise", "1", "b", "--due", "2026-11-29 08:00")  # overdue at 09:00
    funnel("promise", "1", "c", "--due", "2026-11-29")  # due today: not overdue
    funnel("promise", "2", "d", "--due", "2026-11-20")  # done: not counted
    funnel("follow-up", "done", "4")
    store = open_db(db_path)
    try:
        with store.read() as conn:
            now = datetime.fromisoformat("2026-11-29T09:00:00").astimezone()
            assert overdue_count(conn, now) == 2
            assert overdue_count(conn, now.replace(hour=7)) == 1
            assert overdue_count(conn, datetime.fromisoformat("2026-11-30T00:00-05:00")) == 3
            assert overdue_count(conn, datetime.fromisoformat("2026-11-26T12:00-05:00")) == 0
    finally:
        store.close()


def test_help_texts(funnel):
    for args in (
        ("follow-up",),
        ("follow-up", "add"),
        ("follow-up", "list"),
        ("follow-up", "done"),
        ("follow-up", "snooze"),
        ("follow-up", "edit"),
        ("follow-up", "delete"),
        ("promise",),
        ("log",),
        ("overdue",),
    ):
        out = funnel(*args, "--help").stdout
        assert out.startswith("Usage: funnel ")
        assert len(out.splitlines()) > 4
