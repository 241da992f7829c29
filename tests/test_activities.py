"""``funnel log LEAD TYPE [TEXT] [--at]``: the record of every action taken on a lead.

"Now" is frozen at Sunday 2026-11-29 09:00 in Toronto (14:00 UTC).
"""

from __future__ import annotations

import json

import pytest
from helpers import rows

NOW_UTC = "2026-11-29T14:00:00Z"


@pytest.fixture
def lead(funnel):
    funnel("add", "Marie Tremblay", "--email", "marie@acme.ca", "--at", "2026-11-01 10:00")


def activities(db_path):
    return rows(db_path, "SELECT * FROM activities ORDER BY id")


def test_log_prints_the_id_and_stores_the_activity(funnel, db_path, lead):
    result = funnel("log", "1", "call", "Talked about pricing")
    assert result.stdout == "1\n"
    assert result.stderr == ""
    assert activities(db_path) == [
        {
            "id": 1,
            "lead_id": 1,
            "type": "call",
            "text": "Talked about pricing",
            "at": NOW_UTC,
            "follow_up_id": None,
            "created_at": NOW_UTC,
        }
    ]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("call", "call"),
        ("EMAIL", "email"),
        (" Meeting ", "meeting"),
        ("Demo", "demo"),
        ("proposal", "proposal"),
        ("note", "note"),
        ("Site-Visit", "site-visit"),
        ("LinkedIn", "linkedin"),
        ("Réunion", "meeting"),
        ("e-mail", "email"),
        ("Site visit", "site-visit"),
        ("site_tour2", "site_tour2"),
    ],
)
def test_types_are_normalised_to_lower_case(funnel, db_path, lead, typed, stored):
    funnel("log", "marie@acme.ca", typed)
    assert [(a["type"], a["text"]) for a in activities(db_path)] == [(stored, None)]


def test_backdated_with_at(funnel, db_path, lead):
    funnel("log", "1", "meeting", "Lunch at the office", "--at", "2026-11-20 12:30")
    funnel("log", "1", "email", "--at", "yesterday")
    assert [(a["type"], a["at"], a["created_at"]) for a in activities(db_path)] == [
        ("meeting", "2026-11-20T17:30:00Z", NOW_UTC),
        ("email", "2026-11-28T05:00:00Z", NOW_UTC),  # a past day without a time: its start
    ]


def test_at_earlier_on_the_creation_day_is_the_creation_moment(funnel, db_path, lead):
    funnel("log", "1", "call", "--at", "2026-11-01")
    assert activities(db_path)[0]["at"] == "2026-11-01T15:00:00Z"


def test_json_and_terminal_output(funnel, lead):
    data = json.loads(funnel("log", "1", "Demo", "Showed v2", "--format", "json").stdout)
    assert data == {
        "id": 1,
        "lead_id": 1,
        "type": "demo",
        "text": "Showed v2",
        "at": NOW_UTC,
        "follow_up_id": None,
        "lead_name": "Marie Tremblay",
    }
    result = funnel("log", "1", "call", env={"TTY_COMPATIBLE": "1"})
    assert result.stdout == "Logged call on lead 1 Marie Tremblay (2026-11-29 09:00)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("log", "1", "two words!"),
            "Error: invalid activity type 'two words!': expected call, email, meeting, demo, "
            "proposal, note or one custom word\n",
        ),
        (
            ("log", "1", ""),
            "Error: invalid activity type '': expected call, email, meeting, demo, "
            "proposal, note or one custom word\n",
        ),
        (
            ("log", "1", "42"),
            "Error: unknown activity type '42': a type starts with a letter\n"
            "Hint: --new-type records '42' as a new type; funnel log --types lists the types\n",
        ),
        (
            ("log", "1", "call!"),
            "Error: invalid activity type 'call!': expected call, email, meeting, demo, "
            "proposal, note or one custom word\n",
        ),
        (
            ("log", "7", "call"),
            "Error: no lead '7': expected a lead id, external id or email\n"
            "Hint: find it with: funnel list --search '7'\n",
        ),
        (
            ("log", "1", "call", "--at", "2026-10-31"),
            "Error: --at 2026-10-31 is before lead 1 was created (2026-11-01 10:00)\n",
        ),
        (
            ("log", "1", "call", "--at", "2026-12-25"),
            "Error: --at '2026-12-25' is in the future (2026-12-25 00:00); "
            "only past or present moments can be recorded\n",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(funnel, db_path, lead, args, message):
    funnel("log", "1", "note", "before")
    before = activities(db_path)
    result = funnel(*args, code=2)
    assert result.stderr == message
    assert result.stdout == ""
    assert activities(db_path) == before


def test_show_lists_the_activity_timeline(funnel, lead):
    funnel("log", "1", "call", "First call", "--at", "2026-11-02 09:15")
    funnel("advance", "1", "qualified", "--at", "2026-11-10 14:00", "--note", "budget ok")
    funnel("log", "1", "Demo", "Showed v2", "--at", "2026-11-12 10:00")
    funnel("log", "1", "proposal", "--at", "2026-11-05 16:00")
    timeline = funnel("show", "1").stdout.split("Timeline\n")[1].splitlines()
    assert timeline == [
        "  2026-11-01 10:00  stage      created at new",
        "  2026-11-02 09:15  call       log 1: First call",
        "  2026-11-05 16:00  proposal   log 3",
        "  2026-11-10 14:00  stage      new → qualified: budget ok",
        "  2026-11-12 10:00  demo       log 2: Showed v2",
    ]
