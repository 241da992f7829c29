"""``funnel log edit ID`` / ``funnel log delete ID``: correcting the log of actions (issue 15,
item 5), and ``log`` still recording with its old syntax."""

from __future__ import annotations

import json

from helpers import rows
from journal_helpers import snapshot


def actions(db):
    return rows(db, "SELECT id, lead_id, type, text, at FROM activities ORDER BY id")


def test_log_keeps_its_syntax_options_first_or_last(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    assert funnel("log", "1", "call", "talked").stdout == "1\n"
    assert funnel("log", "--at", "2026-11-20", "1", "email").stdout == "2\n"
    assert funnel("log", "add", "1", "demo", "-f", "json").stdout.startswith("{")
    assert [a["type"] for a in actions(db_path)] == ["call", "email", "demo"]
    assert funnel("log", code=2).stderr == (
        "Error: give LEAD and TYPE: funnel log LEAD TYPE [TEXT] (or funnel log --types)\n"
    )


def test_edit_changes_type_text_and_date(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("log", "1", "email", "left a message")
    result = funnel("log", "edit", "1", "--type", "Call", "--text", "talked", "--at", "2026-11-20")
    assert result.stdout == "Updated action 1 of lead 1 Marie: call (2026-11-20 00:00) · talked\n"
    assert actions(db_path) == [
        {"id": 1, "lead_id": 1, "type": "call", "text": "talked", "at": "2026-11-20T05:00:00Z"}
    ]
    funnel("log", "edit", "1", "--text", "")
    assert actions(db_path)[0]["text"] is None
    # the summary of the lead follows its history (last event)
    assert rows(db_path, "SELECT last_event_at FROM leads")[0]["last_event_at"] >= (
        "2026-11-20T05:00:00Z"
    )
    data = json.loads(funnel("log", "edit", "1", "--type", "demo", "-f", "json").stdout)
    assert (data["id"], data["type"], data["lead_name"]) == (1, "demo", "Marie")


def test_edit_and_delete_refusals(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("log", "1", "call")
    before = snapshot(db_path)
    assert funnel("log", "edit", "1", code=2).stderr == (
        "Error: nothing to change: give --type, --text and/or --at\n"
    )
    assert funnel("log", "edit", "7", "--text", "x", code=2).stderr == (
        "Error: no logged action 7\nHint: see the ids with: funnel show LEAD\n"
    )
    assert funnel("log", "delete", "7", code=2).stderr == (
        "Error: no logged action 7\nHint: see the ids with: funnel show LEAD\n"
    )
    assert funnel("log", "edit", "1", "--at", "2026-10-01", code=2).stderr == (
        "Error: --at 2026-10-01 is before lead 1 was created (2026-11-01 00:00)\n"
    )
    assert funnel("log", "edit", "1", "--type", "cal", code=2).stderr == (
        "Error: unknown activity type 'cal': did you mean call?\n"
        "Hint: --new-type records 'cal' as a new type; funnel log --types lists the types\n"
    )
    assert snapshot(db_path) == before


def test_delete_removes_it_from_show_and_undo_brings_it_back(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("log", "1", "call", "talked", "--at", "2026-11-05")
    funnel("log", "1", "email")
    assert "log 1: talked" in funnel("show", "1").stdout
    before = snapshot(db_path)
    result = funnel("log", "delete", "1")
    assert result.stdout == "Deleted action 1 of lead 1 Marie: call (2026-11-05 00:00) · talked\n"
    card = json.loads(funnel("show", "1", "-f", "json").stdout)
    assert [a["id"] for a in card["activities"]] == [2]
    funnel("undo")
    assert snapshot(db_path) == before
    funnel("log", "edit", "2", "--text", "sent")
    funnel("undo")
    assert snapshot(db_path) == before
