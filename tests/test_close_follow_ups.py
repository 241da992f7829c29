"""Closing a lead closes its promises (issue 15, item 6): ``win``/``lose`` cancel the open
follow-ups with a reason code, ``--keep-follow-ups`` keeps them, ``overdue`` never lists a
cancelled one, ``check`` flags open ones on closed leads; the new ``cancelled`` status in the
records; schema step ``m010_follow_up_cancelled``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import rows
from journal_helpers import snapshot

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def promised(funnel):
    """Lead 1 with two open promises (one overdue) and a kept one; lead 2 with one."""
    funnel("add", "Jean-Marc Côté", "--at", "2026-11-01")
    funnel("add", "Luc Roy")
    funnel("promise", "1", "call back", "--due", "2026-11-30")
    funnel("promise", "1", "send the quote", "--due", "2026-12-03")
    funnel("promise", "1", "first call", "--due", "2026-12-01")
    funnel("follow-up", "done", "3")
    funnel("promise", "2", "demo", "--due", "2026-12-02")
    funnel("follow-up", "edit", "1", "--due", "2026-11-20")
    return funnel


def statuses(db):
    return rows(db, "SELECT id, done_at, cancel_reason FROM follow_ups ORDER BY id")


def test_lose_cancels_the_open_follow_ups_and_says_how_many(promised, db_path):
    result = promised("lose", "1", "--reason", "price")
    assert result.stderr == (
        "Cancelled 2 follow-ups of lead 1 (the lead was lost); keep them with --keep-follow-ups\n"
    )
    assert statuses(db_path) == [
        {"id": 1, "done_at": "2026-11-29T14:00:00Z", "cancel_reason": "lead-lost"},
        {"id": 2, "done_at": "2026-11-29T14:00:00Z", "cancel_reason": "lead-lost"},
        {"id": 3, "done_at": "2026-11-29T14:00:00Z", "cancel_reason": None},  # kept stays kept
        {"id": 4, "done_at": None, "cancel_reason": None},  # another lead's
    ]
    assert promised("overdue").stdout == ""  # "1 day late … Jean-Marc Côté" no more
    assert [f["id"] for f in json.loads(promised("follow-up", "list", "-f", "json").stdout)] == [4]


def test_win_cancels_them_at_the_close_date_with_its_code(promised, db_path):
    result = promised("win", "1", "--amount", "1000", "--at", "2026-11-28")
    assert result.stderr == (
        "Cancelled 2 follow-ups of lead 1 (the lead was won); keep them with --keep-follow-ups\n"
    )
    assert [(r["done_at"], r["cancel_reason"]) for r in statuses(db_path)[:2]] == [
        ("2026-11-28T05:00:00Z", "lead-won"),
        ("2026-11-28T05:00:00Z", "lead-won"),
    ]


def test_advance_to_a_closed_stage_cancels_them_too(promised, db_path):
    promised("advance", "2", "lost")
    assert statuses(db_path)[3]["cancel_reason"] == "lead-lost"


@pytest.mark.parametrize("command", [("win", "1"), ("lose", "1"), ("advance", "1", "won")])
def test_keep_follow_ups_keeps_them_open_and_check_flags_them(promised, db_path, command):
    result = promised(*command, "--keep-follow-ups")
    assert "Cancelled" not in result.stderr
    assert [r["done_at"] for r in statuses(db_path)[:2]] == [None, None]
    found = {f["rule"]: f for f in json.loads(promised("check", "-f", "json").stdout)}
    rule = found["open_follow_ups_on_closed_leads"]
    assert (rule["title"], rule["lead_ids"], rule["details"]) == (
        "Open follow-ups on won or lost leads",
        [1],
        ["follow-up F1 (lead 1)", "follow-up F2 (lead 1)"],
    )
    assert rule["hint"] == (
        "keep the promise (funnel follow-up done ID), or drop it (funnel follow-up delete ID)"
    )
    promised("follow-up", "delete", "1")
    promised("follow-up", "done", "2")
    found = {f["rule"]: f for f in json.loads(promised("check", "-f", "json").stdout)}
    assert found["open_follow_ups_on_closed_leads"]["lead_ids"] == []


def test_a_lead_without_open_follow_ups_says_nothing(funnel):
    funnel("add", "Zoé")
    assert funnel("lose", "1").stderr == ""


def test_the_dashboard_counts_the_new_rule(promised):
    before = json.loads(promised("report", "-f", "json").stdout)
    promised("lose", "1", "--keep-follow-ups")
    after = json.loads(promised("report", "-f", "json").stdout)
    problems = [r["count"] for r in json.loads(promised("check", "-f", "json").stdout)]
    assert sum(problems) == after["data_quality_problems"] == before["data_quality_problems"] + 1


def test_cancelled_records_in_json_and_csv(promised):
    promised("lose", "1")
    listed = json.loads(promised("follow-up", "list", "--all", "-f", "json").stdout)
    first = next(f for f in listed if f["id"] == 1)
    assert {k: first[k] for k in ("status", "done_at", "cancelled_at", "cancel_reason")} == {
        "status": "cancelled",
        "done_at": None,
        "cancelled_at": "2026-11-29T14:00:00Z",
        "cancel_reason": "lead-lost",
    }
    kept = next(f for f in listed if f["id"] == 3)
    assert (kept["status"], kept["cancelled_at"], kept["cancel_reason"]) == ("done", None, None)
    exported = promised("export", "follow-ups").stdout.splitlines()
    assert exported[1].startswith(
        "1,1,call back,2026-11-20,,cancelled,2026-11-29T14:00:00Z,,,0,2026-11-29T14:00:00Z,"
        "lead-lost,"
    )
    shown = json.loads(promised("show", "1", "-f", "json").stdout)
    assert sorted((f["id"], f["status"]) for f in shown["follow_ups"]) == [
        (1, "cancelled"),
        (2, "cancelled"),
        (3, "done"),
    ]
    table = promised("follow-up", "list", "--all").stdout
    assert "cancelled 2026-11-29: the lead was lost" in table


def test_a_cancelled_follow_up_cannot_be_done_or_snoozed(promised):
    promised("lose", "1")
    result = promised("follow-up", "done", "1", code=2)
    assert result.stderr == (
        "Error: follow-up F1 is already cancelled (2026-11-29 09:00): nothing to do\n"
        "Hint: to open it again: funnel follow-up reopen F1\n"
    )


def test_the_calendar_leaves_cancelled_ones_out(promised, tmp_path):
    promised("lose", "1")
    calendar = promised("export", "follow-ups", "-o", tmp_path / "f.ics").stdout
    text = (tmp_path / "f.ics").read_text()
    assert "demo" in text and "call back" not in text, calendar


def test_undo_of_a_lose_gives_the_promises_back(promised, db_path):
    before = snapshot(db_path)
    promised("lose", "1")
    promised("undo")
    assert snapshot(db_path) == before


def test_upgrade_from_schema_8_keeps_follow_ups_open_or_done(funnel, tmp_path):
    db = tmp_path / "v8.db"
    shutil.copy(FIXTURES / "schema-v8.db", db)
    before = rows(db, "SELECT * FROM follow_ups ORDER BY id")
    listed = json.loads(funnel("--db", db, "follow-up", "list", "--all", "-f", "json").stdout)
    after = rows(db, "SELECT * FROM follow_ups ORDER BY id")
    assert after == [{**row, "cancel_reason": None} for row in before]
    assert [(f["text"], f["status"], f["cancel_reason"]) for f in listed] == [
        ("send the proposal", "open", None)
    ]
    funnel("--db", db, "lose", "1")  # and the new column is journaled: undo restores it
    assert rows(db, "SELECT cancel_reason FROM follow_ups") == [{"cancel_reason": "lead-lost"}]
    funnel("--db", db, "undo")
    assert rows(db, "SELECT * FROM follow_ups ORDER BY id") == after


def test_exported_cancelled_follow_ups_import_as_cancelled_and_a_reimport_changes_nothing(
    promised, funnel, tmp_path, db_path
):
    promised("lose", "1")
    path = tmp_path / "fu.csv"
    promised("export", "follow-ups", "--output", path)
    before = snapshot(db_path)
    again = promised("import", path, "--kind", "follow-ups")
    assert again.stdout.strip().endswith("0 inserted, 0 updated, 4 unchanged, 0 rejected, "
                                         "0 duplicates in file")  # fmt: skip
    assert snapshot(db_path) == before
    # into another database: cancelled, with the export's reason and moment
    other = tmp_path / "other.db"
    funnel("--db", other, "add", "Jean-Marc Côté", "--at", "2026-11-01")
    funnel("--db", other, "add", "Luc Roy")
    result = funnel("--db", other, "import", path, "--kind", "follow-ups")
    assert "Warning" not in result.stderr  # funnel's own export: its id columns are expected
    exported = [
        (r["text"], r["done_at"], r["cancel_reason"])
        for r in rows(db_path, "SELECT text, done_at, cancel_reason FROM follow_ups ORDER BY id")
    ]
    assert [
        (r["text"], r["done_at"], r["cancel_reason"])
        for r in rows(other, "SELECT text, done_at, cancel_reason FROM follow_ups ORDER BY id")
    ] == exported
    assert [reason for _, _, reason in exported] == ["lead-lost", "lead-lost", None, None]


def test_a_cancelled_row_without_reason_takes_its_leads_outcome_or_is_invalid(
    funnel, tmp_path, db_path
):
    funnel("add", "Open", "--email", "o@x.ca")
    funnel("add", "Won", "--email", "w@x.ca")
    funnel("win", "2")
    path = tmp_path / "fu.csv"
    path.write_text(
        "lead_email,text,due,status\nw@x.ca,onboarding,2026-12-01,annulé\n"
        "o@x.ca,call,2026-12-01,cancelled\n",
        encoding="utf-8",
    )
    before = snapshot(db_path)
    result = funnel("import", path, "--kind", "follow-ups", code=65)
    assert snapshot(db_path) == before  # all rows or none: the valid row is not written either
    assert (
        "  line 3, column 'status': a cancelled follow-up of an open lead: funnel cancels a "
        "promise when its lead is won or lost; import it as open or done"
    ) in result.stderr
    funnel("import", path, "--kind", "follow-ups", "--rejects", tmp_path / "r.csv")
    assert rows(
        db_path,
        "SELECT lead_id, text, cancel_reason, done_at IS NOT NULL AS closed FROM follow_ups",
    ) == [  # fmt: skip
        {"lead_id": 2, "text": "onboarding", "cancel_reason": "lead-won", "closed": 1}
    ]
