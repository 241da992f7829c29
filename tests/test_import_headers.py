"""Headers real CRM exports write: repeated names (HubSpot contacts repeat ``Company Name``) are
numbered, never a blocking error; several columns meaning one field resolve by the field's
synonym order, all reported in one warning."""

from __future__ import annotations

from pathlib import Path

from helpers import rows

from funnelcli.importers.columns import map_columns


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HUBSPOT_CONTACTS = (
    '"Record ID","First Name","Last Name","Email","Company Name",'
    '"Associated Company IDs (Primary)","Company Name","Email"\n'
    '"301","Aoife","Brennan","aoife@harbour.example","Harbour Lane Bakery",'
    '"9001001","Harbour Lane Bakery Ltd","aoife@other.example"\n'
    '"302","Dev","Malhotra","dev@quill.example","","9001002",'
    '"Quillfield Legal","dev@other.example"\n'
)


def test_repeated_column_names_are_numbered_and_the_first_is_used(funnel, db_path, tmp_path):
    path = write(tmp_path, HUBSPOT_CONTACTS)
    result = funnel("import", path)
    assert (
        "Warning: repeated column names: 'Company Name' again in column 7, read as "
        "'Company Name (2)'; 'Email' again in column 8, read as 'Email (2)'. The first of each "
        "is used; --map 'Company Name (2)=FIELD' uses another"
    ) in result.stderr.splitlines()
    assert "Company Name (2), Email (2)" in result.stderr  # ignored
    french = funnel("import", path, "--dry-run", env={"LANG": "fr_CA.UTF-8"}).stderr
    assert (
        "Attention : noms de colonnes répétés : 'Company Name' de nouveau en colonne 7, lue "
        "comme 'Company Name (2)' ; 'Email' de nouveau en colonne 8, lue comme 'Email (2)'. La "
        "première de chacune est utilisée ; --map 'Company Name (2)=CHAMP' en utilise une autre"
    ) in french.splitlines()
    assert rows(db_path, "SELECT name, company, email FROM leads ORDER BY id") == [
        {
            "name": "Aoife Brennan",
            "company": "Harbour Lane Bakery",
            "email": "aoife@harbour.example",
        },
        {"name": "Dev Malhotra", "company": None, "email": "dev@quill.example"},
    ]


def test_map_picks_a_numbered_column(funnel, db_path, tmp_path):
    path = write(tmp_path, HUBSPOT_CONTACTS)
    result = funnel(
        "import", path, "--map", "Company Name (2)=company", "--map", "Company Name=ignore"
    )
    assert "Company Name (2)→company" in result.stderr
    assert rows(db_path, "SELECT company FROM leads ORDER BY id") == [
        {"company": "Harbour Lane Bakery Ltd"},
        {"company": "Quillfield Legal"},
    ]


def test_a_numbered_name_never_takes_an_existing_one():
    from io import BytesIO

    from funnelcli.importers.csvfile import CsvFile

    source = CsvFile(BytesIO(b"Name,name (2),NAME\nA,B,C\n"), display="in.csv")
    assert source.header == ["Name", "name (2)", "NAME (3)"]
    assert source.renamed == [(3, "NAME", "NAME (3)")]


def test_column_collisions_resolve_by_synonym_order_all_reported_at_once(funnel, db_path, tmp_path):
    """phone and mobile, Amount and Expected Revenue, name and contact name: one run, one
    warning, the synonym listed first used (it used to stop the import on the first pair)."""
    path = write(
        tmp_path,
        "Contact Name,Mobile,Expected Revenue,Name,Phone,Amount\n"
        "Hana Sato,+1 555 0101,4800,Office chairs,+1 555 0199,5000\n",
    )
    funnel("init")
    result = funnel("import", path)
    assert result.stderr.splitlines()[1:4] == [
        "Columns: Name→name, Phone→phone, Amount→amount",
        "Ignored columns: Contact Name, Mobile, Expected Revenue",
        "Warning: several columns mean the same field (the first synonym wins): name: 'Name' "
        "used, 'Contact Name' ignored; phone: 'Phone' used, 'Mobile' ignored; amount: 'Amount' "
        "used, 'Expected Revenue' ignored. --map 'COLUMN=FIELD' chooses another",
    ]
    french = funnel("import", path, "--dry-run", env={"LANG": "fr_CA.UTF-8"}).stderr
    assert french.splitlines()[3] == (
        "Attention : plusieurs colonnes veulent dire le même champ (le premier synonyme "
        "l'emporte) : name : 'Name' utilisée, 'Contact Name' ignorée(s) ; phone : 'Phone' "
        "utilisée, 'Mobile' ignorée(s) ; amount : 'Amount' utilisée, 'Expected Revenue' "
        "ignorée(s). --map 'COLONNE=CHAMP' en choisit une autre"
    )
    assert rows(db_path, "SELECT name, phone, amount_cents FROM leads") == [
        {"name": "Office chairs", "phone": "+1 555 0199", "amount_cents": 500000}
    ]


def test_a_mapped_column_is_no_collision():
    columns = map_columns(["Phone", "Mobile"], "leads", {"Mobile": "phone"})
    assert columns.fields == {"phone": 1}
    assert (columns.ignored, columns.collisions) == (("Phone",), ())


def test_the_first_synonym_wins_wherever_it_stands():
    columns = map_columns(["Cell", "Mobile", "Telephone", "Phone"], "leads")
    assert columns.fields == {"phone": 3}
    assert columns.collisions == (("phone", "Phone", ("Cell", "Mobile", "Telephone")),)
