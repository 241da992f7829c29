"""``funnel undo`` / ``redo``: every write is journaled and reverted exactly (issue 15, item 1)."""

from __future__ import annotations

import json

import pytest
from helpers import rows
from journal_helpers import snapshot


@pytest.fixture
def pipeline(funnel):
    """Three leads with promises, actions and moves: lead 2 is at 'proposal'."""
    funnel("add", "Sophie Gagnon", "--email", "sophie@acme.ca", "--amount", "12000")
    funnel("add", "Luc Roy", "--source", "referral")
    funnel("add", "Zoé Côté")
    funnel("promise", "1", "send the quote", "--due", "2026-12-03")
    funnel("log", "1", "call", "first call")
    funnel("advance", "2", "proposal")
    funnel("lose", "3", "--reason", "price")
    return funnel


def journal(db):
    return rows(db, "SELECT id, command, summary, kind, reverts, undone_by FROM journal")


def test_advance_won_then_undo_leaves_every_report_byte_for_byte(pipeline, db_path):
    report = pipeline("report", "--format", "json").stdout
    before = snapshot(db_path)
    pipeline("advance", "2", "won")
    assert pipeline("report", "--format", "json").stdout != report
    result = pipeline("undo")
    assert result.stdout == (
        "Undid entry 8: funnel advance 2 won (added 1 stage change; changed 1 lead); "
        "recorded as entry 9\n"
    )
    assert pipeline("report", "--format", "json").stdout == report
    assert snapshot(db_path) == before  # reached and last_event_at included


def test_each_write_is_one_entry_with_the_command_line_as_typed(pipeline, db_path):
    entries = journal(db_path)
    assert [e["command"] for e in entries] == [
        "funnel add 'Sophie Gagnon' --email sophie@acme.ca --amount 12000",
        "funnel add 'Luc Roy' --source referral",
        "funnel add 'Zoé Côté'",
        "funnel promise 1 'send the quote' --due 2026-12-03",
        "funnel log 1 call 'first call'",
        "funnel advance 2 proposal",
        "funnel lose 3 --reason price",
    ]
    assert entries[3]["summary"] == "added 1 follow-up"
    assert entries[6]["summary"] == "added 1 stage change; changed 1 lead"


def test_reads_and_failed_writes_leave_no_entry(pipeline, db_path):
    pipeline("list")
    pipeline("advance", "3", code=2)  # a lost lead does not advance
    assert len(journal(db_path)) == 7


def test_undo_walks_back_and_redo_walks_forward(pipeline, db_path):
    start = snapshot(db_path)
    pipeline("edit", "1", "--name", "Sophie G.")
    edited = snapshot(db_path)
    pipeline("advance", "1")
    pipeline("undo")
    pipeline("undo")
    assert snapshot(db_path) == start
    assert pipeline("redo").stdout == (
        "Redid entry 11: funnel undo (undo of entry 8: changed 1 lead); recorded as entry 12\n"
    )
    assert snapshot(db_path) == edited
    pipeline("undo")
    assert snapshot(db_path) == start


def test_redo_needs_an_undo_since_the_last_command(pipeline):
    result = pipeline("redo", code=2)
    assert result.stderr == "Error: nothing to redo: no undo since the last command\n"
    pipeline("undo")
    pipeline("edit", "1", "--phone", "514-555-0101")
    assert pipeline("redo", code=2).stderr.startswith("Error: nothing to redo")


def test_undo_of_an_entry_refused_while_a_later_one_touched_its_rows(pipeline, db_path):
    pipeline("edit", "2", "--company", "Roy inc.")  # entry 8
    pipeline("edit", "2", "--phone", "514-555-0102")  # entry 9 touches lead 2 too
    result = pipeline("undo", "8", code=2)
    assert result.stderr == (
        "Error: entry 8 cannot be undone: later entries changed the same rows: 9\n"
        "Hint: undo entry 9 first (see funnel undo --list)\n"
    )
    pipeline("undo", "9")
    pipeline("undo", "8")
    assert rows(db_path, "SELECT company, phone FROM leads WHERE id = 2") == [
        {"company": None, "phone": None}
    ]


def test_undo_of_an_independent_older_entry(pipeline, db_path):
    pipeline("add", "Marc Roy")  # entry 8: lead 4
    pipeline("undo", "4")  # the promise on lead 1; nothing later touched it
    assert rows(db_path, "SELECT count(*) AS n FROM follow_ups") == [{"n": 0}]
    assert rows(db_path, "SELECT name FROM leads WHERE id = 4") == [{"name": "Marc Roy"}]
    result = pipeline("undo", "4", code=2)
    assert result.stderr == "Error: entry 4 was already undone by entry 9\n"


def test_undo_errors(funnel):
    funnel("add", "Sophie Gagnon")
    funnel("undo")
    assert funnel("undo", code=2).stderr == (
        "Error: nothing to undo: the journal has no command left to revert\n"
    )
    assert funnel("undo", "99", code=2).stderr == (
        "Error: no journal entry 99\nHint: list them with: funnel undo --list\n"
    )


def test_undo_list_as_json(pipeline):
    pipeline("undo")
    listed = json.loads(pipeline("undo", "--list", "--limit", "2", "--format", "json").stdout)
    assert listed == [
        {
            "id": 8,
            "at": "2026-11-29T14:00:00Z",
            "command": "funnel undo",
            "summary": "undo of entry 7: changed 1 lead; deleted 1 stage change",
            "kind": "undo",
            "reverts": 7,
            "undone_by": None,
            "purged": False,
        },
        {
            "id": 7,
            "at": "2026-11-29T14:00:00Z",
            "command": "funnel lose 3 --reason price",
            "summary": "added 1 stage change; changed 1 lead",
            "kind": "command",
            "reverts": None,
            "undone_by": 8,
            "purged": False,
        },
    ]


def test_undo_of_stages_and_settings(pipeline, db_path):
    before = snapshot(db_path)
    pipeline("stages", "rename", "proposal", "quote")
    pipeline("config", "currency", "EUR")
    pipeline("config", "currency", "USD")
    for _ in range(3):
        pipeline("undo")
    assert snapshot(db_path) == before


def test_prune_forgets_old_entries_with_a_warning(pipeline, db_path):
    result = pipeline("undo", "--prune", "2026-11-30")
    assert result.stdout == "Pruned 7 journal entries before 2026-11-30\n"
    assert result.stderr == (
        "Warning: reports as of dates before 2026-11-30 lose the field history of the "
        "entries pruned\n"
    )
    assert journal(db_path) == []
    assert pipeline("undo", code=2).stderr.startswith("Error: nothing to undo")


def test_check_never_counts_journal_rows(pipeline, db_path):
    checked = pipeline("check", "--format", "json").stdout
    for _ in range(5):
        pipeline("edit", "1", "--phone", "514-555-0101")
        pipeline("undo")
    assert pipeline("check", "--format", "json").stdout == checked
