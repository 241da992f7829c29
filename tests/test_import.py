"""``funnel import`` end to end: examples, idempotence, history, rejects, dry run, atomicity."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import rows

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def write(tmp_path: Path, text: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def dump(db: Path) -> list[str]:
    """Every row of every table: to compare a database before and after."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def history(db: Path, lead_id: int) -> list[tuple]:
    return [
        (r["from_stage"], r["to_stage"], r["at"])
        for r in rows(
            db,
            "SELECT f.name AS from_stage, t.name AS to_stage, c.at FROM stage_changes c "
            "JOIN stages t ON t.id = c.to_stage_id LEFT JOIN stages f ON f.id = c.from_stage_id "
            "WHERE c.lead_id = ? ORDER BY c.at, c.id",
            (lead_id,),
        )
    ]


def summary(result) -> str:
    return result.stdout.strip().splitlines()[-1]


# --------------------------------------------------------------------------- examples


def test_web_form_example(funnel, db_path):
    result = funnel("import", EXAMPLES / "web-form.csv")
    assert summary(result) == (
        "leads: 11 inserted, 0 updated, 0 unchanged, 0 rejected, 1 duplicates in file"
    )
    assert "delimiter ',' (comma, detected)" in result.stderr
    assert "Ignored columns: utm_campaign" in result.stderr
    # the same email and name (the email in another case): Marie sent the form twice
    assert "  line 9 merged into line 2 (same email and name)\n" in result.stderr
    marie = rows(db_path, "SELECT * FROM leads WHERE email = 'marie.tremblay@acme.ca'")
    assert len(marie) == 1
    assert marie[0]["name"] == "Marie Tremblay"
    assert marie[0]["amount_cents"] == 1_200_000
    assert marie[0]["currency"] == "CAD"
    assert marie[0]["source"] == "web-form"
    assert marie[0]["created_at"] == "2026-11-02T14:14:00Z"  # 09:14 in Montréal
    assert marie[0]["notes"] == "Need a quote for 40 seats"
    assert history(db_path, marie[0]["id"]) == [(None, "new", "2026-11-02T14:14:00Z")]
    assert rows(db_path, "SELECT count(*) AS n FROM stage_changes") == [{"n": 11}]


def test_french_excel_example_end_to_end(funnel, db_path):
    raw = (EXAMPLES / "excel-fr.csv").read_bytes()
    assert "Téléphone".encode("cp1252") in raw and b"\r\n" in raw  # really an Excel file
    result = funnel("import", EXAMPLES / "excel-fr.csv")
    assert summary(result) == (
        "leads: 12 inserted, 0 updated, 0 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert "encoding cp1252 (Windows/Excel; not UTF-8)" in result.stderr
    assert "delimiter ';' (semicolon, detected)" in result.stderr
    assert "Téléphone→phone" in result.stderr
    found = {
        r["name"]: r
        for r in rows(
            db_path, "SELECT name, email, phone, source, amount_cents, created_at FROM leads"
        )
    }
    assert found["Isabelle Côté"] == {
        "name": "Isabelle Côté",
        "email": "isabelle@quincaillerie-cote.ca",
        "phone": "418 555-0131",
        "source": "salon",
        "amount_cents": 123456,
        "created_at": "2026-03-15T04:00:00Z",
    }
    assert found["François Pelletier"]["created_at"] == "2026-04-03T04:00:00Z"  # 03/04: 3 April
    assert found["Geneviève Lavoie"]["email"] == "genevieve@lavoiefils.ca"
    assert found["Geneviève Lavoie"]["amount_cents"] == 890000  # "8 900 $", non-breaking space
    assert found["Stéphane Bergeron"]["amount_cents"] is None  # empty cell: no value
    assert found["Stéphane Bergeron"]["phone"] is None


def test_crm_example_with_mapping_file_records_history(funnel, db_path):
    result = funnel(
        "import",
        EXAMPLES / "crm-opportunities.csv",
        "--mapping",
        EXAMPLES / "crm-mapping.toml",
    )
    assert summary(result) == (
        "leads: 12 inserted, 0 updated, 0 unchanged, 0 rejected, 0 duplicates in file"
    )
    won = rows(db_path, "SELECT * FROM leads WHERE external_id = '006A000001'")[0]
    assert (won["name"], won["company"], won["notes"]) == (
        "Marie Tremblay",
        "Acme Ltée",
        "Acme - 40 seats",
    )
    assert won["closed_at"] == "2026-03-20T04:00:00Z"
    # A won deal was worked as an opportunity: created -> qualified -> won.
    assert history(db_path, won["id"]) == [
        (None, "qualified", "2026-01-12T05:00:00Z"),
        ("qualified", "won", "2026-03-20T04:00:00Z"),
    ]
    lost = rows(db_path, "SELECT * FROM leads WHERE external_id = '006A000003'")[0]
    assert (lost["lost_reason"], lost["currency"], lost["amount_cents"]) == ("Price", "USD", 750000)
    open_deal = rows(db_path, "SELECT * FROM leads WHERE external_id = '006A000002'")[0]
    assert open_deal["closed_at"] is None
    assert open_deal["expected_close"] == "2026-12-15"  # an open deal's Close Date
    assert history(db_path, open_deal["id"]) == [(None, "negotiation", "2026-02-03T05:00:00Z")]
    again = funnel(
        "import", EXAMPLES / "crm-opportunities.csv", "--mapping", EXAMPLES / "crm-mapping.toml"
    )
    assert summary(again) == (
        "leads: 0 inserted, 0 updated, 12 unchanged, 0 rejected, 0 duplicates in file"
    )


def test_closed_without_opportunity(funnel, db_path, tmp_path):
    path = write(
        tmp_path, "name,email,status,created,closed\nAl,a@x.ca,lost,2026-01-05,2026-01-09\n"
    )
    funnel("import", path, "--closed-without-opportunity")
    assert history(db_path, 1) == [
        (None, "new", "2026-01-05T05:00:00Z"),
        ("new", "lost", "2026-01-09T05:00:00Z"),
    ]


# --------------------------------------------------------------------------- identity


WEB = "Name,Email,Phone,Created\n{rows}"


def web_file(tmp_path: Path, *lines: str) -> Path:
    return write(tmp_path, WEB.format(rows="".join(line + "\n" for line in lines)))


def test_importing_the_same_file_twice_changes_nothing(funnel, db_path, tmp_path):
    path = web_file(tmp_path, "Al,al@x.ca,111,2026-01-01", "Bo,bo@x.ca,,2026-01-02")
    funnel("import", path)
    before = dump(db_path)
    result = funnel("import", path)
    assert summary(result) == (
        "leads: 0 inserted, 0 updated, 2 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert dump(db_path) == before


def test_a_grown_file_adds_only_its_new_rows_and_updates_what_differs(funnel, db_path, tmp_path):
    funnel("import", web_file(tmp_path, "Al,al@x.ca,111,2026-01-01", "Bo,bo@x.ca,,2026-01-02"))
    grown = web_file(
        tmp_path,
        "Al,AL@X.CA,111,2026-01-01",  # same lead (email case-insensitively), nothing differs
        "Bo,bo@x.ca,222,2026-01-02",  # a phone was added
        "Cy,cy@x.ca,,2026-01-03",
    )
    result = funnel("import", grown, env={"FUNNEL_NOW": "2026-11-30T09:00:00"})
    assert summary(result) == (
        "leads: 1 inserted, 1 updated, 1 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert rows(db_path, "SELECT name, phone, updated_at FROM leads ORDER BY id") == [
        {"name": "Al", "phone": "111", "updated_at": "2026-11-29T14:00:00Z"},
        {"name": "Bo", "phone": "222", "updated_at": "2026-11-30T14:00:00Z"},
        {"name": "Cy", "phone": None, "updated_at": "2026-11-30T14:00:00Z"},
    ]


def test_empty_cells_never_erase_values(funnel, db_path, tmp_path):
    funnel("import", web_file(tmp_path, "Al,al@x.ca,111,2026-01-01"))
    result = funnel("import", web_file(tmp_path, "Al,al@x.ca,,"))
    assert "0 updated, 1 unchanged" in summary(result)
    assert rows(db_path, "SELECT phone FROM leads") == [{"phone": "111"}]


def test_external_id_matches_first_and_links_an_emailed_lead(funnel, db_path, tmp_path):
    funnel("add", "Al", "--email", "al@x.ca")
    path = write(tmp_path, "CRM ID,Name,Email\nA-1,Al,al@x.ca\nA-2,Al (2nd deal),al@x.ca\n")
    result = funnel("import", path, "--id-column", "CRM ID")
    assert summary(result) == (
        "leads: 1 inserted, 1 updated, 0 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert rows(db_path, "SELECT id, name, external_id FROM leads ORDER BY id") == [
        {"id": 1, "name": "Al", "external_id": "A-1"},
        {"id": 2, "name": "Al (2nd deal)", "external_id": "A-2"},
    ]
    again = funnel("import", path, "--id-column", "CRM ID")
    assert "0 inserted, 0 updated, 2 unchanged" in summary(again)


def test_duplicates_inside_one_file_are_reported(funnel, db_path, tmp_path):
    # Issue 14 changed the rule: the same email is one lead only with the same name (line 4 was
    # a duplicate of line 2 before; now it is another lead).
    path = web_file(
        tmp_path,
        "Al,al@x.ca,1,2026-01-01",
        "Bo,bo@x.ca,,2026-01-02",
        "Al again,AL@x.ca,2,",
        "ÀL,AL@x.ca,3,",
    )
    result = funnel("import", path)
    assert summary(result) == (
        "leads: 3 inserted, 0 updated, 0 unchanged, 0 rejected, 1 duplicates in file"
    )
    assert "  line 5 merged into line 2 (same email and name)\n" in result.stderr
    assert rows(db_path, "SELECT name, phone FROM leads WHERE email = 'al@x.ca'") == [
        {"name": "Al", "phone": "1"},
        {"name": "Al again", "phone": "2"},
    ]


def test_rows_without_email_match_by_name_company_and_phone(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Company,Phone\nAl,Acme,111\nAl,Other,111\n")
    funnel("import", path)
    result = funnel("import", path)
    assert "0 inserted, 0 updated, 2 unchanged" in summary(result)


# --------------------------------------------------------------------------- stages


def test_stage_map_and_forward_moves_only(funnel, db_path, tmp_path):
    first = write(tmp_path, "Email,Name,Status,Date\na@x.ca,Al,Engaging,2026-01-10\n", "a.csv")
    funnel("import", first, "--stage-map", "Engaging=qualified")
    assert rows(db_path, "SELECT stage_id FROM leads") == [{"stage_id": 3}]
    back = write(tmp_path, "Email,Name,Status\na@x.ca,Al,New\n", "b.csv")
    assert "0 updated, 1 unchanged" in summary(funnel("import", back))
    won = write(tmp_path, "Email,Name,Status,Closed\na@x.ca,Al,Won,2026-06-01\n", "c.csv")
    result = funnel("import", won, env={"FUNNEL_NOW": "2026-11-30T09:00:00"})
    assert "1 updated" in summary(result)
    assert history(db_path, 1)[-1] == ("qualified", "won", "2026-06-01T04:00:00Z")
    lead = rows(db_path, "SELECT stage_id, closed_at FROM leads")[0]
    assert lead == {"stage_id": 6, "closed_at": "2026-06-01T04:00:00Z"}


def test_unknown_stage_word_is_an_invalid_row(funnel, db_path, tmp_path):
    path = write(tmp_path, "Email,Name,Stage\na@x.ca,Al,Rappel\n")
    result = funnel("import", path, code=65)
    assert (
        "unknown stage values in column 'Stage': 'Rappel' (1 row): map them with "
        "--stage-map 'VALUE=STAGE'"
    ) in result.stderr


def test_stage_map_naming_an_unknown_stage_exits_2(funnel, tmp_path):
    path = write(tmp_path, "Email,Name,Stage\na@x.ca,Al,Engaging\n")
    result = funnel("import", path, "--stage-map", "Engaging=nowhere", code=2)
    assert "unknown stage 'nowhere'" in result.stderr


def test_rows_without_created_date_take_now_and_say_so(funnel, db_path, tmp_path):
    result = funnel("import", write(tmp_path, "Name\nAl\n"))
    assert "1 row(s) had no created date: they were created at the import's time" in (result.stderr)
    assert rows(db_path, "SELECT created_at FROM leads") == [{"created_at": "2026-11-29T14:00:00Z"}]


# --------------------------------------------------------------------------- invalid rows


BAD = "Name,Email,Amount,Created\nAl,al@x.ca,100,2026-01-01\nBo,bo@,12,2026-01-02\nCy,cy@x.ca,-5,\n"


def test_invalid_rows_exit_65_listing_them_and_nothing_is_written(funnel, db_path, tmp_path):
    funnel("add", "Existing")
    before = dump(db_path)
    result = funnel("import", write(tmp_path, BAD), code=65)
    errors = result.stderr.splitlines()
    start = next(i for i, line in enumerate(errors) if line.startswith("Error:"))
    assert errors[start : start + 3] == [
        f"Error: 2 invalid rows in {tmp_path / 'in.csv'}; nothing was imported:",
        "  line 3, column 'Email', value 'bo@': invalid email: expected an address like "
        "name@example.com",
        "  line 4, column 'Amount', value '-5': amounts cannot be negative",
    ]
    assert "--rejects FILE" in result.stderr
    assert dump(db_path) == before


def test_stderr_says_when_the_transaction_starts_and_commits(funnel, tmp_path):
    """Two plain lines on stderr (a terminal or not): a long import shows where it is, and the
    kill tests wait for them."""
    good = write(tmp_path, "Name,Email\nAl,al@x.ca\n", "good.csv")
    funnel("init")
    lines = funnel("import", good).stderr.splitlines()
    assert lines[2:4] == ["Writing in one transaction: all rows or none…", "Committing…"]
    again = funnel("import", good, "--dry-run").stderr.splitlines()
    assert "Dry run: reading every row in one transaction, rolled back at the end…" in again
    assert "Committing…" not in again
    failed = funnel("import", write(tmp_path, BAD), code=65).stderr.splitlines()
    assert "Writing in one transaction: all rows or none…" in failed
    assert "Committing…" not in failed
    piped = funnel("import", good, "--format", "json").stdout
    assert json.loads(piped)["unchanged"] == 1  # stdout stays the summary alone


def test_rejects_file_gets_the_invalid_rows_with_a_reason(funnel, db_path, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = funnel("import", write(tmp_path, BAD), "--rejects", rejects)
    assert summary(result) == (
        "leads: 1 inserted, 0 updated, 0 unchanged, 2 rejected, 0 duplicates in file"
    )
    assert rejects.read_text().splitlines() == [
        "Name,Email,Amount,Created,line,reason",
        "Bo,bo@,12,2026-01-02,3,Email: invalid email: expected an address like name@example.com",
        "Cy,cy@x.ca,'-5,,4,Amount: amounts cannot be negative",  # as export neutralises it
    ]
    assert rejects.stat().st_mode & 0o777 == 0o600
    assert rows(db_path, "SELECT name FROM leads") == [{"name": "Al"}]


def test_dry_run_reports_and_writes_nothing(funnel, db_path, tmp_path):
    funnel("add", "Al", "--email", "al@x.ca")  # the same email and name: one lead
    before = dump(db_path)
    rejects = tmp_path / "rejects.csv"
    result = funnel("import", write(tmp_path, BAD), "--dry-run", "--rejects", rejects)
    assert summary(result) == (
        "dry run, nothing written: leads: 0 inserted, 1 updated, 0 unchanged, 2 rejected, "
        "0 duplicates in file"
    )
    assert dump(db_path) == before
    assert not rejects.exists()


def test_an_invalid_last_row_leaves_the_database_unchanged(funnel, db_path, tmp_path):
    good = "".join(f"P{i},p{i}@x.ca,{i},2026-01-01\n" for i in range(3000))
    funnel("import", write(tmp_path, "Name,Email,Amount,Created\n" + good, "a.csv"))
    before = dump(db_path)
    more = "".join(f"Q{i},q{i}@x.ca,{i},2026-02-01\n" for i in range(3000))
    path = write(tmp_path, "Name,Email,Amount,Created\n" + more + "Z,z@x.ca,oops,\n", "b.csv")
    result = funnel("import", path, code=65)
    assert "line 3002, column 'Amount', value 'oops'" in result.stderr
    assert dump(db_path) == before


def test_json_summary(funnel, tmp_path):
    result = funnel("import", web_file(tmp_path, "Al,al@x.ca,,"), "--format", "json")
    data = json.loads(result.stdout)
    assert (data["inserted"], data["created_now"], data["dry_run"]) == (1, 1, False)


# --------------------------------------------------------------------------- files and flags


def test_missing_file_exits_66(funnel, tmp_path):
    funnel("init")
    result = funnel("import", tmp_path / "nope.csv", code=66)
    assert result.stderr.startswith(f"Error: cannot read {tmp_path / 'nope.csv'}: no such file")


def test_missing_mapping_file_exits_66(funnel, tmp_path):
    result = funnel(
        "import", web_file(tmp_path, "Al,,,"), "--mapping", tmp_path / "m.toml", code=66
    )
    assert "cannot read the mapping file" in result.stderr


def test_bad_flags_exit_2(funnel, tmp_path):
    path = web_file(tmp_path, "Al,,,")
    assert "invalid --delimiter" in funnel("import", path, "--delimiter", "x", code=2).stderr
    assert "unknown encoding" in funnel("import", path, "--encoding", "nope", code=2).stderr
    assert "unknown field" in funnel("import", path, "--map", "Name=colour", code=2).stderr


def test_broken_file_exits_65(funnel, db_path, tmp_path):
    path = write(tmp_path, 'Name,Email\nAl,"al@x.ca\n')
    result = funnel("import", path, code=65)
    assert "line 2: unterminated quote" in result.stderr
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 0}]


def test_stdin(funnel, db_path):
    result = funnel("import", "-", input="Nom;Courriel\nZoé;zoe@x.ca\n")
    assert "Reading stdin" in result.stderr
    assert "1 inserted" in summary(result)
    assert rows(db_path, "SELECT name, email FROM leads") == [{"name": "Zoé", "email": "zoe@x.ca"}]


def test_ambiguous_dates_ask_for_the_flag(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Date\nAl,03/04/2026\nBo,05/06/2026\n")
    result = funnel("import", path, code=65)
    assert "ambiguous dates in column 'Date' (line 2: '03/04/2026')" in result.stderr
    assert "--dayfirst or --monthfirst" in result.stderr
    funnel("import", path, "--monthfirst")
    assert rows(db_path, "SELECT created_at FROM leads ORDER BY id") == [
        {"created_at": "2026-03-04T05:00:00Z"},
        {"created_at": "2026-05-06T04:00:00Z"},
    ]


def test_a_month_first_column_is_inferred_even_after_ambiguous_rows(funnel, db_path, tmp_path):
    path = write(tmp_path, "Name,Date\nAl,03/04/2026\nBo,12/31/2025\n")
    result = funnel("import", path)
    assert (
        f"{path}: dates in column 'Date' read month first (line 3: '12/31/2025' cannot be day "
        "first); --dayfirst to override"
    ) in result.stderr.splitlines()
    assert rows(db_path, "SELECT created_at FROM leads ORDER BY id") == [
        {"created_at": "2026-03-04T05:00:00Z"},
        {"created_at": "2025-12-31T05:00:00Z"},
    ]


def test_a_cp1252_byte_after_an_ascii_start_is_read_again_as_cp1252(funnel, db_path, tmp_path):
    head = "Name,Email\n" + "".join(f"P{i},p{i}@x.ca\n" for i in range(7000))
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode() + "Zoé,zoe@x.ca\n".encode("cp1252"))
    result = funnel("import", path)
    assert "line 7002 is not UTF-8 (byte 0xe9): read as cp1252" in result.stderr
    assert rows(db_path, "SELECT name FROM leads WHERE email = 'zoe@x.ca'") == [{"name": "Zoé"}]


def test_map_overrides_synonyms(funnel, db_path, tmp_path):
    path = write(tmp_path, "Contact,Client,Courriel\nAl,Acme,a@x.ca\n")
    funnel("import", path, "--map", "Client=company")
    assert rows(db_path, "SELECT name, company FROM leads") == [{"name": "Al", "company": "Acme"}]


def test_qualification_fields(funnel, db_path, tmp_path):
    path = write(
        tmp_path,
        "Nom;Montant;Devise;Fréquence;Prix seulement;Décideur;Le contact décide;"
        "Approbation requise;Prérequis;Date de clôture prévue;Probabilité\n"
        "Al;9 500 €;EUR;mensuel;non;La DG;oui;inconnu;Budget 2027;2027-02-15;40 %\n",
    )
    funnel("import", path)
    lead = rows(db_path, "SELECT * FROM leads")[0]
    assert {k: lead[k] for k in (
        "amount_cents", "currency", "frequency", "price_only", "decision_maker",
        "contact_decides", "needs_approval", "prerequisites", "expected_close", "probability",
    )} == {
        "amount_cents": 950000, "currency": "EUR", "frequency": "monthly", "price_only": 0,
        "decision_maker": "La DG", "contact_decides": 1, "needs_approval": None,
        "prerequisites": "Budget 2027", "expected_close": "2027-02-15", "probability": 40,
    }  # fmt: skip


def test_text_is_cleaned_as_every_command_cleans_it(funnel, db_path, tmp_path):
    """Control characters (an escape sequence that would colour a terminal) never get stored,
    line breaks stay in notes, and a name (even one made from the company) is one line."""
    path = write(
        tmp_path,
        'Name,Company,Email,Notes\n"\x1b[31mAl\x07","Acme\x00x",al@x.ca,"first\r\nsecond\x1b[0m"\n'
        ',"Beta\nInc",,\n'
        '"\x1b\x1b",,,\n',
    )
    result = funnel("import", "--encoding", "utf-8", path, code=65)
    assert "line 2: NUL byte" in result.stderr  # a NUL is never data: the file is refused
    path = write(tmp_path, path.read_text().replace("\x00", ""))
    result = funnel("import", path, "--rejects", tmp_path / "rejects.csv")
    assert rows(db_path, "SELECT name, company, notes FROM leads ORDER BY id") == [
        {"name": "[31mAl", "company": "Acmex", "notes": "first\nsecond[0m"},
        {"name": "Beta Inc", "company": "Beta\nInc", "notes": None},
    ]
    assert "1 rejected" in summary(result)  # the row with nothing left is no lead
    # The same as `funnel add` stores (text.clean()):
    other = tmp_path / "other.db"
    funnel("--db", other, "add", "\x1b[31mAl\x07", "--note", "first\r\nsecond\x1b[0m")
    assert rows(other, "SELECT name, notes FROM leads") == [
        {"name": "[31mAl", "notes": "first\nsecond[0m"}
    ]


def test_no_usable_column_exits_65(funnel, tmp_path):
    result = funnel("import", write(tmp_path, "Foo,Bar\n1,2\n"), code=65)
    assert "no column of" in result.stderr and "holds a lead's name" in result.stderr


# --------------------------------------------------------------------------- follow-ups, activities


def test_follow_ups_and_activities_import_idempotently(funnel, db_path, tmp_path):
    funnel("add", "Al", "--email", "al@x.ca")
    follow_ups = write(
        tmp_path,
        "Courriel,Promesse,Échéance\nal@x.ca,Send the quote,2026-12-01 14:30\n"
        "al@x.ca,Call back,2026-12-03\nnobody@x.ca,Ghost,2026-12-04\n",
        "fu.csv",
    )
    rejects = tmp_path / "fu-rejects.csv"
    result = funnel("import", follow_ups, "--kind", "follow-ups", "--rejects", rejects)
    assert summary(result) == (
        "follow-ups: 2 inserted, 0 updated, 0 unchanged, 1 rejected, 0 duplicates in file"
    )
    assert "no such lead in the database" in rejects.read_text()
    assert rows(db_path, "SELECT text, due_date, due_time FROM follow_ups ORDER BY id") == [
        {"text": "Send the quote", "due_date": "2026-12-01", "due_time": "14:30"},
        {"text": "Call back", "due_date": "2026-12-03", "due_time": None},
    ]
    again = funnel("import", follow_ups, "--kind", "follow-ups", "--rejects", rejects)
    assert "0 inserted, 0 updated, 2 unchanged, 1 rejected" in summary(again)
    activities = write(
        tmp_path, "email,type,text,date\nal@x.ca,call,Left a message,2026-11-20 10:00\n", "a.csv"
    )
    funnel("import", activities, "--kind", "activities")
    result = funnel("import", activities, "--kind", "activities")
    assert "0 inserted, 0 updated, 1 unchanged" in summary(result)
    assert rows(db_path, "SELECT lead_id, type, text, at FROM activities") == [
        {"lead_id": 1, "type": "call", "text": "Left a message", "at": "2026-11-20T15:00:00Z"}
    ]


# --------------------------------------------------------------------------- progress


@pytest.mark.parametrize(("forced", "shown"), [("1", True), ("0", False)])
def test_progress_bar_only_on_a_terminal(funnel, tmp_path, forced, shown):
    body = "".join(f"P{i},p{i}@x.ca\n" for i in range(6000))
    path = write(tmp_path, "Name,Email\n" + body)
    result = funnel("import", path, env={"TTY_COMPATIBLE": forced})
    assert ("Importing" in result.stderr) is shown
    assert "6000 inserted" in summary(result)


def test_funnels_own_export_keeps_names_that_look_like_placeholders(funnel, tmp_path):
    # Found by the round-trip property test: a lead named "NONE" came back named by its email
    # (or was refused): funnel's own export writes nothing for an empty value, so there a cell
    # "N/A" or "none" is a value. A foreign file's "N/A" is still an empty cell.
    for i, name in enumerate(("NONE", "N/A", "null", "n.a.")):
        funnel("add", name, "--email", f"lead{i}@example.com")
    exported = tmp_path / "leads.csv"
    funnel("export", "-o", exported)
    other = tmp_path / "other.db"
    funnel("--db", other, "import", exported)
    assert [r["name"] for r in rows(other, "SELECT name FROM leads ORDER BY id")] == [
        "NONE",
        "N/A",
        "null",
        "n.a.",
    ]
    foreign = tmp_path / "crm.csv"
    foreign.write_text("Name,Email,Company\nN/A,ann@example.com,N/A\n")
    funnel("--db", tmp_path / "third.db", "import", foreign)
    assert rows(tmp_path / "third.db", "SELECT name, company FROM leads") == [
        {"name": "ann@example.com", "company": None}
    ]
