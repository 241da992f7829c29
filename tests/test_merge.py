"""``funnel merge KEEP OTHER…``: duplicates folded into one lead; undoable; imports find it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import rows
from journal_helpers import snapshot

FIXTURES = Path(__file__).parent / "fixtures"


def lead(db: Path, lead_id: int) -> dict:
    found = rows(db, "SELECT * FROM leads WHERE id = ?", (lead_id,))
    return found[0] if found else {}


def recomputed(db: Path, lead_id: int) -> tuple[int, str | None]:
    """``(reached, last_event_at)`` worked out here from the lead's raw history."""
    moves = rows(db, "SELECT to_stage_id, at FROM stage_changes WHERE lead_id = ?", (lead_id,))
    acts = rows(db, "SELECT at FROM activities WHERE lead_id = ?", (lead_id,))
    reached = 0
    for move in moves:
        reached |= 1 << move["to_stage_id"]
    return reached, max([m["at"] for m in moves] + [a["at"] for a in acts], default=None)


def two_sophies(funnel) -> None:
    """Lead 1 (created first, referral, new) and lead 2 (web form, further along, richer)."""
    funnel("add", "Sophie Gagnon", "--email", "sophie@acme.ca", "--source", "referral",
           "--external-id", "CRM-1", "--at", "2026-10-01")  # fmt: skip
    funnel("add", "sophie gagnon", "--email", "sophie@acme.ca", "--source", "web-form",
           "--external-id", "CRM-2", "--amount", "1200", "--phone", "514-555-0101",
           "--note", "Need 20 seats", "--at", "2026-11-02")  # fmt: skip
    funnel("advance", "2", "proposal", "--at", "2026-11-10")
    funnel("promise", "2", "send the quote", "--due", "2026-12-03")
    funnel("log", "2", "call", "talked prices", "--at", "2026-11-12")


def test_merge_moves_everything_onto_keep_and_reports_it(funnel, db_path):
    two_sophies(funnel)
    result = funnel("merge", "1", "2")
    assert result.stdout == (
        "Merged lead 2 sophie gagnon into lead 1 Sophie Gagnon: 1 follow-up, 1 activity, "
        "external id CRM-2, notes; its stage history (proposal); filled phone, amount\n"
        "Lead 1 Sophie Gagnon is at proposal\n"
    )
    assert "Undo with: funnel undo" in result.stderr
    assert rows(db_path, "SELECT id FROM leads") == [{"id": 1}]
    assert rows(db_path, "SELECT lead_id FROM follow_ups") == [{"lead_id": 1}]
    assert rows(db_path, "SELECT lead_id, type FROM activities") == [{"lead_id": 1, "type": "call"}]
    kept = lead(db_path, 1)
    # KEEP's name and id; the earliest created date and its first-touch source
    assert (kept["name"], kept["created_at"], kept["source"]) == (
        "Sophie Gagnon",
        "2026-10-01T04:00:00Z",
        "referral",
    )
    # OTHER was further along: its history, redated to start when the lead was first created
    history = rows(db_path, "SELECT from_stage_id, to_stage_id, at FROM stage_changes")
    assert history == [
        {"from_stage_id": None, "to_stage_id": 1, "at": "2026-10-01T04:00:00Z"},
        {"from_stage_id": 1, "to_stage_id": 4, "at": "2026-11-10T05:00:00Z"},
    ]
    assert (kept["reached"], kept["last_event_at"]) == recomputed(db_path, 1)
    # empty fields filled from OTHER; notes added; its external id held besides KEEP's own
    assert (kept["phone"], kept["amount_cents"], kept["notes"]) == (
        "514-555-0101",
        120000,
        "Need 20 seats",
    )
    assert kept["external_id"] == "CRM-1"
    assert rows(db_path, "SELECT lead_id, external_id FROM lead_external_ids") == [
        {"lead_id": 1, "external_id": "CRM-2"}
    ]
    shown = json.loads(funnel("show", "CRM-2", "--format", "json").stdout)
    assert (shown["id"], shown["external_id"], shown["other_external_ids"]) == (
        1,
        "CRM-1",
        ["CRM-2"],
    )
    card = funnel("show", "1").stdout
    assert "  External id  CRM-1\n  Other ids    CRM-2\n" in card


def test_undo_gives_both_leads_back_with_their_ids(funnel, db_path):
    two_sophies(funnel)
    before = snapshot(db_path)
    funnel("merge", "1", "2")
    undone = funnel("undo")
    assert undone.stdout.startswith("Undid entry 6: funnel merge 1 2 (")
    assert snapshot(db_path) == before
    funnel("redo")
    assert rows(db_path, "SELECT id FROM leads") == [{"id": 1}]


def test_json_names_what_each_lead_brought(funnel):
    two_sophies(funnel)
    data = json.loads(funnel("merge", "1", "2", "--format", "json").stdout)
    assert (data["id"], data["stage"], data["external_id"]) == (1, "proposal", "CRM-1")
    assert data["merged"] == [
        {
            "id": 2,
            "name": "sophie gagnon",
            "stage": "proposal",
            "follow_ups": 1,
            "activities": 1,
            "external_ids": ["CRM-2"],
            "notes": True,
            "filled": ["phone", "amount"],
            "kept_stage_history": True,
            "kept_created_date": False,
        }
    ]


def test_history_rule_won_then_open_stages_then_lost_then_keep(funnel, db_path):
    for name in ("Ana", "Ben", "Cleo"):
        funnel("add", name)
    funnel("add", "Dan", "--at", "2026-11-01")
    funnel("lose", "1", "--reason", "duplicate")
    funnel("advance", "2", "qualified")
    funnel("merge", "1", "2")  # open beats lost
    assert (lead(db_path, 1)["stage_id"], lead(db_path, 1)["lost_reason"]) == (3, None)
    funnel("win", "3")
    funnel("merge", "1", "3")  # won beats every open stage
    won = "2026-11-29T14:00:00Z"
    assert (lead(db_path, 1)["stage_id"], lead(db_path, 1)["closed_at"]) == (6, won)
    funnel("win", "4", "--at", "2026-11-20")
    funnel("merge", "1", "4")  # a tie: KEEP's
    kept = lead(db_path, 1)
    assert (kept["stage_id"], kept["closed_at"]) == (6, won)
    assert (kept["reached"], kept["last_event_at"]) == recomputed(db_path, 1)
    # lead 3's history: created, won
    assert rows(db_path, "SELECT count(*) AS n FROM stage_changes") == [{"n": 2}]


def test_several_others_at_once_and_keep_without_external_id(funnel, db_path):
    funnel("add", "Luc Roy")
    funnel("add", "Luc Roy", "--external-id", "X-1", "--company", "Roy inc.")
    funnel("add", "Luc Roy", "--external-id", "X-2", "--company", "Other")
    result = funnel("merge", "1", "2", "3", "2")
    assert result.stdout.splitlines()[:2] == [
        "Merged lead 2 Luc Roy into lead 1 Luc Roy: 0 follow-ups, 0 activities, external id "
        "X-1; filled company",
        "Merged lead 3 Luc Roy into lead 1 Luc Roy: 0 follow-ups, 0 activities, external id X-2",
    ]
    kept = lead(db_path, 1)
    assert (kept["external_id"], kept["company"]) == ("X-1", "Roy inc.")
    assert rows(db_path, "SELECT external_id FROM lead_external_ids") == [{"external_id": "X-2"}]
    # an id held that way is taken: add and edit refuse it
    refused = funnel("add", "Someone", "--external-id", "X-2", code=2)
    assert refused.stderr == "Error: external id 'X-2' already belongs to lead 1\n"


def test_refusals(funnel, db_path, tmp_path):
    missing = funnel("--db", tmp_path / "nope.db", "merge", "1", "2", code=66)
    assert missing.stderr.startswith("Error: ")
    funnel("add", "Ana")
    funnel("add", "Ben")
    itself = funnel("merge", "1", "2", "1", code=2)
    assert itself.stderr == (
        "Error: lead 1 cannot be merged into itself\n"
        "Hint: name the leads to merge into it after it: funnel merge 1 OTHER…\n"
    )
    unknown = funnel("merge", "1", "9", code=2)
    assert unknown.stderr.startswith("Error: no lead '9': expected a lead id")
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 2}]
    assert rows(db_path, "SELECT count(*) AS n FROM journal") == [{"n": 2}]


def test_a_reimport_of_either_crm_record_finds_keep(funnel, db_path, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "Id,Name,Email,Company\n"
        "A,Sophie Gagnon,sophie@acme.ca,Acme\n"
        "B,Sophie Gagnon,sophie@acme.ca,Acme\n",
        encoding="utf-8",
    )
    assert json.loads(funnel("import", path, "--format", "json").stdout)["inserted"] == 2
    funnel("merge", "1", "2")
    again = json.loads(funnel("import", path, "--format", "json").stdout)
    assert (again["inserted"], again["updated"]) == (0, 0)
    assert rows(db_path, "SELECT id, external_id FROM leads") == [{"id": 1, "external_id": "A"}]
    # a row of record B with a change updates KEEP, and leaves its own id alone
    path.write_text("Id,Name,Email,Company\nB,Sophie Gagnon,sophie@acme.ca,Acme Ltd\n")
    assert json.loads(funnel("import", path, "--format", "json").stdout)["updated"] == 1
    assert (lead(db_path, 1)["company"], lead(db_path, 1)["external_id"]) == ("Acme Ltd", "A")


def test_a_reimport_of_either_deal_row_without_ids_finds_keep(funnel, db_path, tmp_path):
    # a deal file without ids: each row keeps a deal key; a merge keeps the other's key too
    path = tmp_path / "deals.csv"
    path.write_text(
        "Name,Company,Stage,Amount\nDeal one,Acme,qualified,1000\nDeal two,Acme,proposal,1200\n",
        encoding="utf-8",
    )
    funnel("import", path)
    funnel("merge", "1", "2")
    before = snapshot(db_path)
    again = funnel("import", path)
    assert again.stdout.strip().endswith(
        "0 inserted, 0 updated, 1 unchanged, 0 rejected, 1 duplicates in file"
    )
    assert "line 3 merged into lead 1" in again.stderr
    assert snapshot(db_path) == before
    assert [r["id"] for r in rows(db_path, "SELECT id FROM leads")] == [1]
    funnel("undo")  # the merge, and with it the kept key
    assert rows(db_path, "SELECT count(*) AS n FROM lead_import_keys")[0]["n"] == 0
    assert len(rows(db_path, "SELECT id FROM leads")) == 2


def test_a_schema_8_database_gains_the_table_with_its_rows_intact(funnel, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v8.db", db)
    before = rows(db, "SELECT * FROM leads ORDER BY id")
    funnel("--db", db, "list")
    assert rows(db, "SELECT * FROM lead_external_ids") == []  # the others start empty
    assert [{k: r[k] for k in before[0]} for r in rows(db, "SELECT * FROM leads")] == before
    assert json.loads(funnel("--db", db, "show", "W-1", "-f", "json").stdout)["id"] == 1
    snap = snapshot(db)
    funnel("--db", db, "merge", "1", "3")
    assert rows(db, "SELECT lead_id, external_id FROM lead_external_ids") == []
    funnel("--db", db, "undo")
    assert snapshot(db) == snap
