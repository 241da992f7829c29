"""``funnel export``: formats, formula neutralisation, atomic owner-only files, round trips."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from helpers import rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: Lead columns that describe a lead (not when or where it was stored).
SAME = (
    "name", "company", "email", "phone", "source", "notes", "external_id", "created_at",
    "stage_id", "closed_at", "lost_reason", "amount_cents", "currency", "frequency",
    "price_only", "decision_maker", "contact_decides", "needs_approval", "prerequisites",
    "expected_close", "probability",
)  # fmt: skip


def leads(db: Path) -> list[dict]:
    return rows(db, f"SELECT {', '.join(SAME)} FROM leads ORDER BY id")


@pytest.fixture
def filled(funnel, db_path):
    """A database with varied leads: imported history, a closed deal, odd text."""
    funnel("import", EXAMPLES / "crm-opportunities.csv", "--mapping", EXAMPLES / "crm-mapping.toml")
    funnel("add", '=HYPERLINK("http://evil")', "--company", "+33 Corp", "--note", "@risk")
    funnel("qualify", "13", "--frequency", "monthly", "--price-only", "--probability", "30")
    funnel("follow-up", "add", "13", "Call back", "--due", "2026-12-02")
    funnel("log", "13", "call", "--", "-first call")
    return db_path


def test_csv_export_shape(funnel, filled):
    result = funnel("export", "leads")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(table) == 13
    won = next(r for r in table if r["external_id"] == "006A000001")
    assert (won["amount"], won["currency"], won["status"], won["stage"]) == (
        "12000.00",
        "CAD",
        "won",
        "won",
    )
    assert won["created_at"] == "2026-01-12T05:00:00Z"
    assert won["closed_at"] == "2026-03-20T04:00:00Z"
    assert list(table[0])[:3] == ["id", "name", "company"]


def test_formula_injection_is_neutralised_in_csv_not_json(funnel, filled, tmp_path):
    path = tmp_path / "out.csv"
    funnel("export", "--output", path)
    on_stdout = funnel("export").stdout
    assert path.read_text() == on_stdout  # a file export is the same as the piped one
    table = list(csv.DictReader(io.StringIO(on_stdout)))
    odd = table[-1]
    assert odd["name"] == '\'=HYPERLINK("http://evil")'
    assert odd["company"] == "'+33 Corp"
    assert odd["notes"] == "'@risk"
    assert odd["price_only"] == "true"
    data = json.loads(funnel("export", "--format", "json").stdout)
    assert data[-1]["name"] == '=HYPERLINK("http://evil")'


def test_text_starting_with_apostrophes_then_a_formula_character_round_trips(
    funnel, db_path, tmp_path
):
    names = ["'=not a formula", "''-5", "'plain", "l'=x", "'7'"]
    for name in names:
        funnel("add", "--", name)
    path = tmp_path / "out.csv"
    funnel("export", "--output", path)
    written = [r["name"] for r in csv.DictReader(path.open(newline=""))]
    assert written == ["''=not a formula", "'''-5", "'plain", "l'=x", "'7'"]
    other = tmp_path / "other.db"
    funnel("--db", other, "import", path)
    assert [r["name"] for r in rows(other, "SELECT name FROM leads ORDER BY id")] == names


def test_export_then_import_reproduces_the_same_leads(funnel, filled, tmp_path):
    path = tmp_path / "leads.csv"
    funnel("export", "leads", "--output", path)
    original = leads(filled)
    other = tmp_path / "other.db"
    result = funnel("--db", other, "import", path)
    assert "13 inserted, 0 updated, 0 unchanged, 0 rejected" in result.stdout
    assert leads(other) == original
    again = funnel("--db", other, "import", path)
    assert "0 inserted, 0 updated, 13 unchanged" in again.stdout


def test_excel_export_opens_in_french_excel_and_imports_back(funnel, filled, tmp_path):
    path = tmp_path / "leads-excel.csv"
    funnel("export", "--excel", "--output", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.splitlines()[0].decode("utf-8-sig").startswith("id;name;company;")
    assert b";12000,00;" in raw
    assert b"\r\n" in raw
    other = tmp_path / "other.db"
    funnel("--db", other, "import", path)
    assert leads(other) == leads(filled)


@pytest.fixture
def umask_022():
    """The usual umask, under which a plain open() makes files readable by everyone."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_output_files_are_owner_only_and_never_overwritten_without_force(
    funnel, filled, tmp_path, umask_022
):
    path = tmp_path / "out.csv"
    funnel("export", "--output", path)
    assert path.stat().st_mode & 0o777 == 0o600
    funnel("export", "--excel", "--output", tmp_path / "excel.csv")
    assert (tmp_path / "excel.csv").stat().st_mode & 0o777 == 0o600
    path.write_text("keep me")
    result = funnel("export", "--output", path, code=2)
    assert f"{path} already exists: it was left untouched" in result.stderr
    assert "--force" in result.stderr
    assert path.read_text() == "keep me"
    funnel("export", "--output", path, "--force")
    assert path.read_text().startswith("id,name,")
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")] == []


def test_missing_output_folder_exits_2(funnel, filled, tmp_path):
    result = funnel("export", "--output", tmp_path / "no" / "out.csv", code=2)
    assert "does not exist" in result.stderr


def test_json_and_jsonl(funnel, filled, tmp_path):
    data = json.loads(funnel("export", "stage-changes", "--format", "json").stdout)
    assert data[0] == {
        "id": 1,
        "lead_id": 1,
        "from_stage": None,
        "to_stage": "qualified",
        "at": "2026-01-12T05:00:00Z",
        "note": None,
        "lead_name": "Marie Tremblay",
        "lead_email": "marie.tremblay@acme.ca",
        "lead_external_id": "006A000001",
    }
    path = tmp_path / "leads.jsonl"
    funnel("export", "--output", path)  # the format follows the extension
    lines = path.read_text().splitlines()
    assert len(lines) == 13
    assert json.loads(lines[0])["amount_cents"] == 1200000
    assert json.loads(funnel("export", "activities", "-f", "json").stdout)[0]["type"] == "call"
    funnel("--db", tmp_path / "empty.db", "init")
    assert funnel("--db", tmp_path / "empty.db", "export", "-f", "json").stdout == "[]\n"


def test_empty_csv_export_still_has_its_header(funnel, tmp_path):
    funnel("--db", tmp_path / "empty.db", "init")
    result = funnel("--db", tmp_path / "empty.db", "export", "follow-ups")
    assert result.stdout.splitlines() == [
        "id,lead_id,text,due_date,due_time,status,created_at,done_at,done_note,snooze_count,"
        "cancelled_at,cancel_reason,lead_name,lead_email,lead_external_id"
    ]


def test_follow_ups_round_trip_through_csv(funnel, filled, tmp_path):
    path = tmp_path / "fu.csv"
    funnel("export", "follow-ups", "--output", path)
    result = funnel("import", path, "--kind", "follow-ups")
    assert "0 inserted, 0 updated, 1 unchanged" in result.stdout


def test_follow_ups_as_a_calendar(funnel, filled, tmp_path):
    path = tmp_path / "promises.ics"
    funnel("export", "follow-ups", "--output", path)
    text = path.read_text()
    assert text.startswith("BEGIN:VCALENDAR")
    assert "Call back" in text
    assert path.stat().st_mode & 0o777 == 0o600
    result = funnel("export", "leads", "--format", "ics", code=2)
    assert "--format ics is for follow-ups" in result.stderr


def test_excel_is_only_for_csv(funnel, tmp_path):
    result = funnel("export", "--excel", "--format", "json", code=2)
    assert "--excel is for CSV exports" in result.stderr


def test_a_failed_export_leaves_no_temporary_file(funnel, tmp_path, monkeypatch):
    from funnelcli.services import exports

    def boom(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(exports, "_write_csv", boom)
    funnel("init")
    funnel("export", "--output", tmp_path / "x.csv", code=70)
    assert os.listdir(tmp_path) == ["funnel.db"] or all(
        not name.endswith(".tmp") for name in os.listdir(tmp_path)
    )
    assert not (tmp_path / "x.csv").exists()


def test_the_export_neutralises_exactly_what_the_import_undoes():
    from funnelcli.text import spreadsheet_cell, unneutralize

    for text in (
        "=SUM(A1)",
        "+1 514",
        "-",
        "@x",
        "\tx",
        "'=x",
        "''+y",
        "l'entreprise",
        "'",
        "plain",
    ):
        assert unneutralize(spreadsheet_cell(text)) == text.strip() or text.startswith("\t")
