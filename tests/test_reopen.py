"""``funnel reopen LEAD`` and ``funnel follow-up reopen ID`` (issue 15, item 5)."""

from __future__ import annotations

import json

from helpers import rows
from journal_helpers import snapshot


def lead(funnel, ref="1"):
    return json.loads(funnel("show", ref, "-f", "json").stdout)


def test_reopen_a_lost_lead_puts_it_back_at_its_last_open_stage(funnel, db_path):
    funnel("add", "Jean-Marc Côté", "--at", "2026-11-01")
    funnel("advance", "1", "proposal", "--at", "2026-11-10")
    funnel("promise", "1", "call back", "--due", "2026-12-03")
    funnel("lose", "1", "--reason", "price", "--at", "2026-11-20")
    reached = rows(db_path, "SELECT reached FROM leads")[0]["reached"]
    result = funnel("reopen", "1")
    assert result.stdout == "Lead 1 Jean-Marc Côté: reopened: lost → proposal (2026-11-29 09:00)\n"
    assert result.stderr == "Reopened 1 follow-up that closing lead 1 had cancelled\n"
    card = lead(funnel)
    assert (card["stage"], card["status"], card["closed_at"], card["lost_reason"]) == (
        "proposal",
        "open",
        None,
        None,
    )
    assert [(h["from_stage"], h["to_stage"]) for h in card["history"]][-2:] == [
        ("proposal", "lost"),
        ("lost", "proposal"),
    ]
    assert [(f["status"], f["cancel_reason"]) for f in card["follow_ups"]] == [("open", None)]
    # reached: what the history says (the summary triggers keep it)
    assert rows(db_path, "SELECT reached FROM leads")[0]["reached"] == reached


def test_reopen_a_won_lead_with_at_and_note(funnel):
    funnel("add", "Luc Roy", "--at", "2026-11-01")
    funnel("advance", "1", "negotiation", "--at", "2026-11-05")
    funnel("advance", "1", "qualified", "--at", "2026-11-06")  # moved back before the win
    funnel("win", "1", "--amount", "500", "--at", "2026-11-20")
    funnel("reopen", "1", "--at", "2026-11-25", "--note", "the cheque bounced")
    card = lead(funnel)
    assert card["stage"] == "qualified" and card["amount_cents"] == 50000
    assert card["history"][-1] == {
        "id": 5,
        "lead_id": 1,
        "from_stage": "won",
        "to_stage": "qualified",
        "at": "2026-11-25T05:00:00Z",
        "note": "the cheque bounced",
    }


def test_a_lead_created_closed_reopens_at_the_first_stage(funnel):
    funnel("add", "Imported", "--stage", "won")
    funnel("reopen", "1")
    assert lead(funnel)["stage"] == "new"


def test_only_the_promises_a_close_cancelled_come_back(funnel, db_path):
    funnel("add", "Zoé", "--at", "2026-11-01")
    funnel("promise", "1", "kept", "--due", "2026-12-01")
    funnel("follow-up", "done", "1")
    funnel("lose", "1", "--keep-follow-ups")
    funnel("reopen", "1")
    funnel("promise", "1", "demo", "--due", "2026-12-02")
    funnel("lose", "1")
    assert (
        funnel("reopen", "1").stderr == "Reopened 1 follow-up that closing lead 1 had cancelled\n"
    )
    assert [r["done_at"] is None for r in rows(db_path, "SELECT done_at FROM follow_ups")] == [
        False,
        True,
    ]


def test_reopen_refuses_an_open_lead(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("advance", "1", "qualified")
    before = snapshot(db_path)
    result = funnel("reopen", "1", code=2)
    assert result.stderr == (
        "Error: lead 1 is open (at 'qualified'): only a won or lost lead can be reopened\n"
        "Hint: to move it back: funnel advance 1 STAGE\n"
    )
    assert snapshot(db_path) == before
    assert funnel("reopen", "9", code=2).stderr.startswith("Error: no lead '9'")


def test_reopen_then_undo_gives_back_the_database(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("promise", "1", "call", "--due", "2026-12-01")
    funnel("lose", "1")
    before = snapshot(db_path)
    funnel("reopen", "1")
    funnel("undo")
    assert snapshot(db_path) == before


def test_closed_leads_name_reopen_in_their_hints(funnel):
    funnel("add", "Marie")
    funnel("win", "1", "--amount", "10")
    assert funnel("lose", "1", code=2).stderr == (
        "Error: lead 1 is already won: it cannot be lost\nHint: reopen it first: funnel reopen 1\n"
    )


# --------------------------------------------------------------------------- follow-up reopen


def test_follow_up_reopen_a_done_one_deletes_its_activity(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("promise", "1", "send the quote", "--due", "2026-12-01")
    funnel("log", "1", "call", "unrelated")
    funnel("follow-up", "done", "1", "--note", "sent")
    assert len(rows(db_path, "SELECT id FROM activities")) == 2
    result = funnel("follow-up", "reopen", "1")
    assert result.stdout == (
        "Follow-up F1 reopened: due 2026-12-01 · send the quote · Marie (lead 1)\n"
    )
    assert result.stderr == ""
    assert rows(db_path, "SELECT done_at, done_note, cancel_reason FROM follow_ups") == [
        {"done_at": None, "done_note": None, "cancel_reason": None}
    ]
    assert rows(db_path, "SELECT type, text FROM activities") == [
        {"type": "call", "text": "unrelated"}
    ]


def test_follow_up_reopen_a_cancelled_one_warns_when_overdue(funnel, db_path):
    funnel("add", "Marie", "--at", "2026-11-01")
    funnel("promise", "1", "call back", "--due", "2026-12-01")
    funnel("follow-up", "edit", "1", "--due", "2026-11-20")
    funnel("lose", "1", "--keep-follow-ups")
    funnel("follow-up", "done", "1")
    funnel("follow-up", "reopen", "1")
    funnel("reopen", "1")
    funnel("lose", "1")
    result = funnel("follow-up", "reopen", "1", "-f", "json")
    assert json.loads(result.stdout)["status"] == "open"
    assert result.stderr == (
        "Warning: follow-up F1 is overdue (due 2026-11-20): snooze it with "
        "funnel follow-up snooze F1 WHEN\n"
    )


def test_follow_up_reopen_refuses_an_open_or_unknown_one(funnel):
    funnel("add", "Marie")
    funnel("promise", "1", "call back", "--due", "2026-12-01")
    assert funnel("follow-up", "reopen", "1", code=2).stderr == (
        "Error: follow-up F1 is open: only a done or cancelled follow-up can be reopened\n"
    )
    assert funnel("follow-up", "reopen", "7", code=2).stderr == (
        "Error: no follow-up F7\nHint: see the ids with: funnel follow-up list --all\n"
    )


def test_follow_up_reopen_then_undo(funnel, db_path):
    funnel("add", "Marie")
    funnel("promise", "1", "call back", "--due", "2026-12-01")
    funnel("follow-up", "done", "1")
    before = snapshot(db_path)
    funnel("follow-up", "reopen", "1")
    funnel("undo")
    assert snapshot(db_path) == before


# --------------------------------------------------------------------------- names


def test_names_of_only_punctuation_are_refused_by_add_and_edit(funnel, db_path):
    funnel("init")
    assert funnel("add", "-", code=2).stderr == (
        "Error: invalid lead name '-': expected a name with a letter or a digit\n"
    )
    assert funnel("add", " ... ", code=2).stderr == (
        "Error: invalid lead name '...': expected a name with a letter or a digit\n"
    )
    funnel("add", "Zoé")
    assert funnel("edit", "1", "--name", "?!", code=2).stderr == (
        "Error: invalid lead name '?!': expected a name with a letter or a digit\n"
    )
    assert funnel("edit", "1", "--name", " ", code=2).stderr == "Error: a lead needs a name\n"
    funnel("add", "3M")  # a digit is enough; accents and non-Latin letters are letters
    funnel("add", "李")
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["Zoé", "3M", "李"]
