"""Re-imports keep history (issue 15, item 7): the first-touch source is kept (a later one is
recorded as a ``source`` action), notes are appended with their date, other fields are
overwritten only where ``--update-fields`` allows, and ``undo`` gives everything back."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import rows
from journal_helpers import snapshot

HEADER = "Name,Email,Phone,Company,Source,Message,Submitted At\n"
FIRST = "Léa Martin,lea@acme.ca,514-555-0101,,referral,Need a quote for 20 seats,2026-11-01\n"
SECOND = "Léa Martin,lea@acme.ca,514-555-0199,Acme,web-form,Call me in March,2026-11-20\n"


def write(tmp_path: Path, body: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def lead(db_path: Path) -> dict:
    return rows(db_path, "SELECT name, phone, company, source, notes FROM leads")[0]


def actions(db_path: Path) -> list[dict]:
    return rows(db_path, "SELECT lead_id, type, text, at FROM activities ORDER BY id")


def summary(result) -> str:
    return result.stdout.splitlines()[-1]


def test_a_later_row_keeps_the_source_and_appends_its_notes(funnel, db_path, tmp_path):
    funnel("import", write(tmp_path, FIRST, "first.csv"))
    later = write(tmp_path, SECOND, "second.csv")
    result = funnel("import", later)
    assert summary(result) == (
        "leads: 0 inserted, 1 updated, 0 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert lead(db_path) == {
        "name": "Léa Martin",
        "phone": "514-555-0199",  # other fields are updated where the file differs
        "company": "Acme",
        "source": "referral",  # the first touch
        "notes": "Need a quote for 20 seats\n2026-11-20: Call me in March",
    }
    assert actions(db_path) == [
        {"lead_id": 1, "type": "source", "text": "source: web-form", "at": "2026-11-20T05:00:00Z"}
    ]
    assert (
        "1 lead(s) kept their first-touch source; the file's later source was recorded as a "
        "'source' action (funnel show LEAD lists it)\n"
        "1 lead(s) got the file's notes appended to theirs, dated (notes are never replaced)\n"
    ) in result.stderr
    timeline = funnel("show", "1").stdout.split("Timeline\n")[1].splitlines()
    assert "  2026-11-20 00:00  source     log 1: source: web-form" in timeline
    # idempotent: the same file again appends and records nothing
    before = snapshot(db_path)
    again = funnel("import", later)
    assert summary(again) == (
        "leads: 0 inserted, 0 updated, 1 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert snapshot(db_path) == before
    # and so does the first file again: its note is there, its source is the lead's
    funnel("import", write(tmp_path, FIRST, "first.csv"))
    assert lead(db_path)["notes"] == "Need a quote for 20 seats\n2026-11-20: Call me in March"
    assert lead(db_path)["phone"] == "514-555-0101"  # the older file's phone: as the SPEC says


def test_undo_of_a_reimport_gives_back_source_notes_and_overwritten_fields(
    funnel, db_path, tmp_path
):
    funnel("import", write(tmp_path, FIRST, "first.csv"))
    before = snapshot(db_path)
    funnel("import", write(tmp_path, SECOND, "second.csv"))
    assert lead(db_path)["phone"] == "514-555-0199"
    funnel("undo")
    assert snapshot(db_path) == before
    assert lead(db_path)["phone"] == "514-555-0101"


def test_a_lead_without_source_or_notes_takes_the_rows(funnel, db_path, tmp_path):
    funnel("add", "Léa Martin", "--email", "lea@acme.ca")
    funnel("import", write(tmp_path, SECOND, "second.csv"))
    assert lead(db_path)["source"] == "web-form"
    assert lead(db_path)["notes"] == "Call me in March"
    assert actions(db_path) == []


def test_a_source_action_is_not_an_action_for_paths_nor_contact(funnel, db_path, tmp_path):
    funnel("import", write(tmp_path, FIRST, "first.csv"))
    funnel("import", write(tmp_path, SECOND, "second.csv"))
    check = json.loads(funnel("check", "--format", "json").stdout)
    flagged = {f["rule"]: f["lead_ids"] for f in check}
    assert flagged["never_contacted"] == [1]
    funnel("win", "1", "--amount", "1000")
    paths = json.loads(funnel("report", "paths", "--format", "json").stdout)
    assert (paths["won"], paths["types"], paths["actions_before_win"]) == (1, [], 0.0)


# --------------------------------------------------------------------------- --update-fields

ID_HEADER = "Id,Name,Email,Phone,Company,Stage\n"


def id_file(tmp_path: Path, body: str, name: str = "crm.csv") -> Path:
    path = tmp_path / name
    path.write_text(ID_HEADER + body, encoding="utf-8")
    return path


def test_update_fields_restricts_what_a_reimport_overwrites(funnel, db_path, tmp_path):
    funnel("import", id_file(tmp_path, "c1,Al Roy,al@roy.ca,111,,New\n"))
    changed = id_file(tmp_path, "c1,Albert Roy,al@roy.ca,222,Roy inc.,Qualified\n", "c2.csv")
    result = funnel("import", changed, "--update-fields", "phone")
    assert "1 updated" in summary(result)
    assert rows(db_path, "SELECT name, phone, company, stage_id FROM leads") == [
        # phone overwritten; company filled (it was empty); name and stage kept
        {"name": "Al Roy", "phone": "222", "company": "Roy inc.", "stage_id": 1}
    ]
    funnel("import", changed, "--update-fields", "name, stage")
    assert rows(db_path, "SELECT name, phone, company, stage_id FROM leads") == [
        {"name": "Albert Roy", "phone": "222", "company": "Roy inc.", "stage_id": 3}
    ]


def test_update_fields_empty_only_fills(funnel, db_path, tmp_path):
    funnel("import", id_file(tmp_path, "c1,Al Roy,al@roy.ca,111,,New\n"))
    changed = id_file(tmp_path, "c1,Albert Roy,al@roy.ca,222,Roy inc.,Qualified\n", "c2.csv")
    funnel("import", changed, "--update-fields", "")
    assert rows(db_path, "SELECT name, phone, company, stage_id FROM leads") == [
        {"name": "Al Roy", "phone": "111", "company": "Roy inc.", "stage_id": 1}
    ]


def test_unknown_update_fields_exit_2_listing_the_fields(funnel, db_path, tmp_path):
    path = id_file(tmp_path, "c1,Al Roy,al@roy.ca,111,,New\n")
    result = funnel("import", path, "--update-fields", "phone,fone,source", code=2)
    assert result.stderr.endswith(
        "Invalid value for --update-fields: unknown field 'fone', 'source': expected some of "
        "name, company, email, phone, external_id, amount, frequency, price_only, "
        "decision_maker, contact_decides, needs_approval, prerequisites, probability, "
        "expected_close, stage\n"
    )
    assert not db_path.exists()
    result = funnel("import", path, "--kind", "activities", "--update-fields", "phone", code=2)
    assert result.stderr.endswith("Error: --update-fields is for imports of leads\n")


def test_update_fields_in_a_mapping_file(funnel, db_path, tmp_path):
    funnel("import", id_file(tmp_path, "c1,Al Roy,al@roy.ca,111,,New\n"))
    changed = id_file(tmp_path, "c1,Albert Roy,al@roy.ca,222,Roy inc.,Qualified\n", "c2.csv")
    mapping = tmp_path / "m.toml"
    mapping.write_text('update-fields = ["phone"]\n', encoding="utf-8")
    funnel("import", changed, "--mapping", mapping)
    assert rows(db_path, "SELECT name, phone, stage_id FROM leads") == [
        {"name": "Al Roy", "phone": "222", "stage_id": 1}
    ]
    # the command line wins over the file
    funnel("import", changed, "--mapping", mapping, "--update-fields", "name")
    assert rows(db_path, "SELECT name FROM leads") == [{"name": "Albert Roy"}]
    mapping.write_text('update-fields = ["phone", "nom"]\n', encoding="utf-8")
    result = funnel("import", changed, "--mapping", mapping, code=65)
    assert result.stderr == (
        f"Error: the mapping file {mapping}: unknown field 'nom' in update-fields: expected "
        "some of name, company, email, phone, external_id, amount, frequency, price_only, "
        "decision_maker, contact_decides, needs_approval, prerequisites, probability, "
        "expected_close, stage\n"
    )


def test_a_version_8_database_keeps_its_leads_source_and_notes_on_reimport(
    funnel, db_path, tmp_path
):
    """No schema change: a database of the previous version takes the new rules as it is."""
    import shutil

    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v8.db", db_path)
    before = rows(db_path, "SELECT id, name, source, notes FROM leads ORDER BY id")
    later = tmp_path / "later.csv"
    later.write_text(
        "Name,Email,Source,Notes,Created\nMarie Tremblay,marie@acme.ca,event,booth,2026-11-20\n",
        encoding="utf-8",
    )
    funnel("import", later)
    after = rows(db_path, "SELECT id, name, source, notes FROM leads ORDER BY id")
    assert after[0] == {**before[0], "notes": "expo\n2026-11-20: booth"}
    assert after[1:] == before[1:]
    assert rows(db_path, "SELECT type, text FROM activities WHERE type = 'source'") == [
        {"type": "source", "text": "source: event"}
    ]
    listed = json.loads(funnel("log", "--types", "--format", "json").stdout)
    assert {t["type"]: t["actions"] for t in listed}["call"] == 1
