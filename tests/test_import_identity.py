"""Issue 14, item 1: which rows are one lead. The same email is one lead only with the same name
(accents and case ignored); the rows of a deal file without ids are never merged with each
other (each keeps a deal key for the next import); every merge is reported with both lines."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from helpers import rows

CRM = Path(__file__).parent / "fixtures" / "crm"
FIXTURES = Path(__file__).parent / "fixtures"
#: The French list's status words that funnel does not know yet (issue 14, item 6).
FRENCH_STAGES = (
    "--stage-map", "Nouveau=new", "--stage-map", "Contacté=contacted",
    "--stage-map", "Qualifié=qualified", "--stage-map", "Devis envoyé=proposal",
)  # fmt: skip


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def summary(result) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_businesses_sharing_a_placeholder_email_stay_apart_and_a_reimport_changes_nothing(
    funnel, db_path
):
    path = CRM / "french-prospects.csv"
    first = funnel("import", path, *FRENCH_STAGES)
    assert summary(first) == (
        "leads: 12 inserted, 0 updated, 0 unchanged, 0 rejected, 0 duplicates in file"
    )
    shared = rows(
        db_path,
        "SELECT company FROM leads WHERE email = 'customercare@annuaire-pro.example' ORDER BY id",
    )
    assert [r["company"] for r in shared] == [
        "Boulangerie Léa & Fils",
        "Garage du Pont-Neuf",
        "Hôtel Bellevue",
        "Cabinet Dentaire Sourire",
        "Traiteur Saveurs d'Antan",
        "Auto-école Première",
        "Cave à Vins Œnophile",
    ]
    before = dump(db_path)
    again = funnel("import", path, *FRENCH_STAGES)
    assert summary(again) == (
        "leads: 0 inserted, 0 updated, 12 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert dump(db_path) == before


def test_a_contact_list_shares_an_email_only_with_the_same_name(funnel, db_path, tmp_path):
    # No stage, status or close column: the same email and name (accents, case) is one lead.
    path = write(
        tmp_path,
        "Name,Company,Email\n"
        "Léa Martin,Boulangerie,customercare@pro.example\n"
        "Hervé Lefèvre,Garage,customercare@pro.example\n"
        "LEA MARTIN,Boulangerie Léa,CustomerCare@pro.example\n",
    )
    result = funnel("import", path)
    assert summary(result) == (
        "leads: 2 inserted, 0 updated, 0 unchanged, 0 rejected, 1 duplicates in file"
    )
    assert result.stderr.endswith(
        "1 duplicate row(s) in the file, merged into the lead of an earlier row (the first "
        "row of each lead was used):\n"
        "  line 4 merged into line 2 (same email and name)\n"
    )
    assert rows(db_path, "SELECT name, company FROM leads ORDER BY id") == [
        {"name": "Léa Martin", "company": "Boulangerie"},
        {"name": "Hervé Lefèvre", "company": "Garage"},
    ]
    # Against the database, the same rule: an email with another name is another lead.
    funnel("add", "Zoé Côté", "--email", "zoe@x.ca")
    other = write(tmp_path, "Name,Email\nZoe Cote,ZOE@x.ca\nZoé Roy,zoe@x.ca\n", "b.csv")
    assert summary(funnel("import", other)) == (
        "leads: 1 inserted, 1 updated, 0 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert rows(db_path, "SELECT name FROM leads WHERE email = 'zoe@x.ca' ORDER BY id") == [
        {"name": "Zoe Cote"},  # the file's spelling: a value that differs is updated
        {"name": "Zoé Roy"},
    ]


DEALS = (
    "Deal Name,Company,Email,Stage,Amount,Created\n"
    "Generator,Acme,bo@acme.example,qualified,1000,2026-01-05\n"
    "Generator,Acme,bo@acme.example,qualified,2500,2026-02-10\n"
    "Maintenance,Acme,bo@acme.example,won,300,2026-01-05\n"
    "Generator,Acme,bo@acme.example,lost,1000,2026-01-05\n"
    "Generator,Acme,bo@acme.example,qualified,1000,2026-01-05\n"
)


def test_deals_without_ids_sharing_a_contact_are_never_merged(funnel, db_path, tmp_path):
    path = write(tmp_path, DEALS)
    first = funnel("import", path, "--format", "json")
    data = json.loads(first.stdout)
    # Line 6 is line 2 again, cell for cell: the same deal, reported with both lines.
    assert (data["inserted"], data["duplicates"]) == (4, 1)
    assert data["merges"] == [
        {
            "line": 6,
            "into_line": 2,
            "lead_id": None,
            "reason": "same deal: same name, company, email, stage, amount and dates",
        }
    ]
    assert "  line 6 merged into line 2 (same deal: same name" in first.stderr
    leads = rows(db_path, "SELECT name, stage_id, amount_cents, import_key FROM leads ORDER BY id")
    assert [(r["name"], r["stage_id"], r["amount_cents"]) for r in leads] == [
        ("Generator", 3, 100000),
        ("Generator", 3, 250000),
        ("Maintenance", 6, 30000),
        ("Generator", 7, 100000),
    ]
    assert len({r["import_key"] for r in leads}) == 4
    before = dump(db_path)
    again = funnel("import", path)
    assert summary(again) == (
        "leads: 0 inserted, 0 updated, 4 unchanged, 0 rejected, 1 duplicates in file"
    )
    assert "  line 6 merged into line 2 (same deal: same name" in again.stderr
    assert dump(db_path) == before


def test_a_deal_row_takes_a_lead_made_by_hand_then_keeps_it(funnel, db_path, tmp_path):
    funnel("add", "Generator", "--email", "bo@acme.example")
    path = write(tmp_path, DEALS)
    result = funnel("import", path)
    # Line 2 takes lead 1 (the same email and name); lines 3 and 5 are other deals.
    assert summary(result) == (
        "leads: 3 inserted, 1 updated, 0 unchanged, 0 rejected, 1 duplicates in file"
    )
    assert rows(db_path, "SELECT id, amount_cents FROM leads WHERE id = 1") == [
        {"id": 1, "amount_cents": 100000}
    ]
    before = dump(db_path)
    again = funnel("import", path)
    assert "0 inserted, 0 updated, 4 unchanged" in summary(again)
    assert dump(db_path) == before


def test_a_deal_that_moved_on_updates_its_lead(funnel, db_path, tmp_path):
    header = "Deal Name,Email,Stage,Created\n"
    funnel("import", write(tmp_path, header + "Generator,bo@x.ca,contacted,2026-01-05\n"))
    moved = write(tmp_path, header + "Generator,bo@x.ca,proposal,2026-01-05\n", "b.csv")
    assert "0 inserted, 1 updated" in summary(funnel("import", moved))
    assert rows(db_path, "SELECT stage_id FROM leads") == [{"stage_id": 4}]
    assert "0 inserted, 0 updated, 1 unchanged" in summary(funnel("import", moved))


def test_a_merge_into_a_lead_that_an_earlier_batch_matched_names_the_lead(funnel, tmp_path):
    many = "".join(f"P{i},p{i}@x.ca\n" for i in range(2100))  # two batches of rows
    path = write(tmp_path, "Name,Email\n" + many + "P1,P1@x.ca\n")
    first = funnel("import", path)
    assert "  line 2102 merged into line 3 (same email and name)\n" in first.stderr
    again = funnel("import", path)
    assert "  line 2102 merged into lead 2 (same email and name)\n" in again.stderr
    assert "0 inserted, 0 updated, 2100 unchanged" in summary(again)


def test_merges_go_to_the_rejects_file_and_show_in_a_dry_run(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Email\nAl,al@x.ca\nBo,bo@\nAL,al@x.ca\n")
    rejects = tmp_path / "rejects.csv"
    funnel("init")
    dry = funnel("import", path, "--rejects", rejects, "--dry-run")
    assert "  line 4 merged into line 2 (same email and name)\n" in dry.stderr
    assert not rejects.exists()
    result = funnel("import", path, "--rejects", rejects)
    assert summary(result) == (
        "leads: 1 inserted, 0 updated, 0 unchanged, 1 rejected, 1 duplicates in file"
    )
    assert rejects.read_text().splitlines() == [
        "Name,Email,line,reason",
        "Bo,bo@,3,Email: invalid email: expected an address like name@example.com",
        "AL,al@x.ca,4,merged into line 2 (same email and name)",
    ]
    assert (
        f"the 1 merged row(s) are in {rejects} too, with the line they were merged into"
        in result.stderr
    )


def test_a_database_of_schema_5_gains_the_deal_key(funnel, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v5.db", db)
    path = write(tmp_path, DEALS)
    funnel("--db", db, "import", path)
    keys = rows(db, "SELECT id, import_key IS NOT NULL AS keyed FROM leads ORDER BY id")
    assert keys == [
        {"id": 1, "keyed": 0},  # the leads of the old version have none
        {"id": 2, "keyed": 0},
        {"id": 3, "keyed": 0},
        {"id": 4, "keyed": 1},
        {"id": 5, "keyed": 1},
        {"id": 6, "keyed": 1},
        {"id": 7, "keyed": 1},
    ]
    assert "0 inserted, 0 updated, 4 unchanged" in summary(funnel("--db", db, "import", path))
