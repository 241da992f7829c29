"""``funnel delete`` and ``funnel history --drop`` (issue 15, items 2 and 4), and --purge."""

from __future__ import annotations

import json

import pytest
from helpers import rows
from journal_helpers import snapshot

from funnelcli.cli import corrections


@pytest.fixture
def leads(funnel):
    """Lead 1 with a promise, an action and three moves; lead 2 alone."""
    funnel("add", "Sophie Gagnon", "--email", "sophie@acme.ca")
    funnel("promise", "1", "send the quote", "--due", "2026-12-03")
    funnel("log", "1", "call", "first call")
    funnel("advance", "1")
    funnel("advance", "1", "proposal")
    funnel("add", "Luc Roy")
    return funnel


def test_delete_without_a_terminal_needs_yes(leads, db_path):
    result = leads("delete", "1", code=2)
    assert result.stderr == (
        "Error: delete asks for a confirmation, and there is no terminal to ask\n"
        "Hint: add --yes to delete without asking\n"
    )
    assert len(rows(db_path, "SELECT id FROM leads")) == 2


def test_delete_then_undo_restores_the_lead_with_its_history_and_ids(leads, db_path):
    before = snapshot(db_path)
    report = leads("report", "--format", "json").stdout
    result = leads("delete", "1", "--yes")
    assert result.stdout == (
        "Deleted lead 1 Sophie Gagnon (proposal; 1 follow-up, 1 activity, 3 stage changes)\n"
    )
    assert result.stderr == "Undo with: funnel undo\n"
    for table in ("leads", "follow_ups", "activities", "stage_changes"):
        assert rows(
            db_path,
            f"SELECT count(*) AS n FROM {table} WHERE lead_id = 1"
            if table != "leads"
            else "SELECT count(*) AS n FROM leads WHERE id = 1",
        ) == [{"n": 0}]
    assert leads("report", "--format", "json").stdout != report
    leads("undo")
    assert snapshot(db_path) == before
    assert leads("report", "--format", "json").stdout == report
    deleted = snapshot(db_path)
    leads("redo")  # deletes it again: the undo recorded the rows it put back
    assert rows(db_path, "SELECT id FROM leads") == [{"id": 2}]
    leads("undo")
    assert snapshot(db_path) == deleted


def test_delete_several_leads_is_one_entry(leads, db_path):
    leads("delete", "1", "2", "--yes")
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 0}]
    leads("undo")
    assert rows(db_path, "SELECT id FROM leads ORDER BY id") == [{"id": 1}, {"id": 2}]


def test_delete_asks_on_a_terminal(leads, db_path, monkeypatch):
    monkeypatch.setattr(corrections, "interactive", lambda: True)
    result = leads("delete", "sophie@acme.ca", input="n\n", code=1)
    assert result.stderr == (
        "Delete lead 1 Sophie Gagnon (proposal; 1 follow-up, 1 activity, 3 stage changes)\n"
        "Delete? [y/N]:"
    )
    assert len(rows(db_path, "SELECT id FROM leads")) == 2
    leads("delete", "1", input="y\n")
    assert rows(db_path, "SELECT id FROM leads") == [{"id": 2}]


def test_purge_removes_the_lead_from_the_journal_and_cannot_be_undone(leads, db_path):
    leads("edit", "2", "--phone", "514-555-0102")
    result = leads("delete", "1", "--purge", "--yes")
    assert result.stderr == "Purged from the journal too: this cannot be undone.\n"
    text = json.dumps(rows(db_path, "SELECT * FROM journal")) + json.dumps(
        rows(db_path, "SELECT * FROM journal_changes")
    )
    assert "Sophie" not in text and "sophie@acme.ca" not in text and "first call" not in text
    assert rows(db_path, "SELECT count(*) AS n FROM journal WHERE purged = 0") == [{"n": 2}]
    leads("undo")  # the edit of lead 2 (entry 7) does not involve lead 1
    result = leads("undo", "5", code=2)
    assert result.stderr == (
        "Error: entry 5 cannot be undone: a lead it touched was deleted with --purge\n"
    )


def test_history_lists_the_moves_with_ids(leads):
    moves = json.loads(leads("history", "1", "--format", "json").stdout)
    assert [(m["id"], m["from_stage"], m["to_stage"]) for m in moves] == [
        (1, None, "new"),
        (2, "new", "contacted"),
        (3, "contacted", "proposal"),
    ]


def test_dropping_the_last_move_puts_the_lead_back(leads, db_path):
    before = snapshot(db_path)
    leads("lose", "1", "--reason", "price")
    leads("advance", "1", "qualified")  # reopened
    result = leads("history", "1", "--drop", "6")  # move 4 is lead 2's creation
    assert result.stdout == (
        "Dropped move 6 (lost → qualified) of lead 1 Sophie Gagnon: now at lost\n"
    )
    lead = rows(db_path, "SELECT stage_id, closed_at, lost_reason, reached FROM leads WHERE id=1")
    assert lead == [
        {
            "stage_id": 7,
            "closed_at": "2026-11-29T14:00:00Z",
            "lost_reason": "price",
            "reached": 2 | 4 | 16 | 128,
        }
    ]
    leads("history", "1", "--drop", "5")
    assert rows(db_path, "SELECT stage_id, closed_at, lost_reason, reached FROM leads")[0] == {
        "stage_id": 4,
        "closed_at": None,
        "lost_reason": None,
        "reached": 2 | 4 | 16,
    }
    for _ in range(4):
        leads("undo")
    assert snapshot(db_path) == before


def test_dropping_a_middle_move_relinks_the_next_one(leads, db_path):
    leads("history", "1", "--drop", "2")
    assert rows(
        db_path, "SELECT id, from_stage_id, to_stage_id FROM stage_changes WHERE lead_id = 1"
    ) == [
        {"id": 1, "from_stage_id": None, "to_stage_id": 1},
        {"id": 3, "from_stage_id": 1, "to_stage_id": 4},
    ]
    assert rows(db_path, "SELECT stage_id, reached FROM leads WHERE id = 1") == [
        {"stage_id": 4, "reached": 2 | 16}
    ]


def test_history_drop_errors(leads):
    assert leads("history", "1", "--drop", "1", code=2).stderr == (
        "Error: move 1 is the creation of lead 1: it cannot be dropped\n"
        "Hint: to remove the lead: funnel delete 1\n"
    )
    assert leads("history", "2", "--drop", "3", code=2).stderr == (
        "Error: lead 2 has no stage move 3\nHint: list its moves with: funnel history 2\n"
    )
