"""Undoing an import removes exactly the rows it inserted and restores the fields it updated."""

from __future__ import annotations

from pathlib import Path

from helpers import rows
from journal_helpers import snapshot

STAGES = ("New", "Qualified", "Proposal", "Won", "Lost")


def lead_file(path: Path, count: int, *, company: str = "Company") -> Path:
    lines = ["Name,Email,Company,Stage,Amount,Created,Closed"]
    for i in range(count):
        stage = STAGES[i % 5]
        closed = "2026-06-01" if stage in ("Won", "Lost") else ""
        lines.append(
            f"Person {i},person{i}@example.com,{company} {i % 7},{stage},{1000 + i},"
            f"2026-0{1 + i % 5}-1{i % 10},{closed}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_undo_of_a_1000_row_import_leaves_every_table_as_before(funnel, db_path, tmp_path):
    funnel("add", "Person 3", "--email", "person3@example.com")
    funnel("log", "1", "call")
    funnel("add", "Sophie Gagnon")
    before = snapshot(db_path)
    funnel("import", lead_file(tmp_path / "leads.csv", 1000))
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 1001}]
    assert rows(db_path, "SELECT count(*) AS n FROM journal_changes")[0]["n"] < 10
    funnel("undo")
    assert snapshot(db_path) == before


def test_undo_of_a_reimport_restores_the_fields_it_updated(funnel, db_path, tmp_path):
    funnel("import", lead_file(tmp_path / "leads.csv", 50))
    before = snapshot(db_path)
    funnel("import", lead_file(tmp_path / "again.csv", 60, company="Renamed"))
    assert rows(db_path, "SELECT company FROM leads WHERE id = 1") == [{"company": "Renamed 0"}]
    funnel("undo")
    assert snapshot(db_path) == before
    funnel("redo")
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 60}]
