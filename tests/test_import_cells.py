"""Cells real exports write for "no value": placeholder text, zero amounts on open deals, zero
probabilities, currency names, a bare ``$``."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import rows


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def leads(db: Path, columns: str) -> list[dict]:
    return rows(db, f"SELECT {columns} FROM leads ORDER BY id")


# --------------------------------------------------------------------------- placeholders


@pytest.mark.parametrize("placeholder", ["null", "NULL", "None", "N/A", "n/a", "-", "#N/A"])
def test_placeholder_text_in_any_cell_is_empty(funnel, db_path, tmp_path, placeholder):
    p = placeholder
    path = write(
        tmp_path,
        "Name,Company,Email,Phone,Amount,Created,Stage,Probability\n"
        f"Al,{p},{p},{p},{p},{p},{p},{p}\n"
        f"{p},Acme,bo@x.ca,{p},1200,2026-01-05,qualified,{p}\n",
    )
    result = funnel("import", path)
    assert "2 inserted" in result.stdout
    assert leads(db_path, "name, company, email, phone, amount_cents, probability") == [
        {
            "name": "Al",
            "company": None,
            "email": None,
            "phone": None,
            "amount_cents": None,
            "probability": None,
        },
        {
            "name": "Acme",  # no name: the company names the lead
            "company": "Acme",
            "email": "bo@x.ca",
            "phone": None,
            "amount_cents": 120000,
            "probability": None,
        },
    ]


def test_a_row_of_placeholders_is_an_empty_row_and_never_erases(funnel, db_path, tmp_path):
    funnel("import", write(tmp_path, "Name,Email,Phone\nAl,al@x.ca,555-0101\n", "a.csv"))
    result = funnel(
        "import", write(tmp_path, "Name,Email,Phone\nAl,al@x.ca,NULL\nnull,N/A,-\n", "b.csv")
    )
    assert result.stdout.strip() == (
        "leads: 0 inserted, 0 updated, 1 unchanged, 0 rejected, 0 duplicates in file"
    )
    assert "1 empty row(s) skipped" in result.stderr
    assert leads(db_path, "phone") == [{"phone": "555-0101"}]


def test_a_placeholder_neutralised_by_an_export_is_text(funnel, db_path, tmp_path):
    funnel("import", write(tmp_path, "Name,Company\nAl,'-\n"))
    assert leads(db_path, "company") == [{"company": "-"}]


# --------------------------------------------------------------------------- zero amounts


def test_zero_amount_on_an_open_deal_is_no_amount_and_erases_nothing(funnel, db_path, tmp_path):
    """Odoo exports 0.0 for every revenue nobody estimated; a closed deal's 0 is a value."""
    header = "id,name,expected_revenue,stage\n"
    funnel(
        "import",
        write(tmp_path, header + "L1,Hana,4800.0,new\nL2,Luis,0.0,new\nL3,Mia,0,lost\n", "a.csv"),
        "--id-column",
        "id",
        "--map",
        "expected_revenue=amount",
    )
    assert leads(db_path, "name, amount_cents") == [
        {"name": "Hana", "amount_cents": 480000},
        {"name": "Luis", "amount_cents": None},
        {"name": "Mia", "amount_cents": 0},
    ]
    again = funnel(
        "import",
        write(tmp_path, header + "L1,Hana,0.0,new\n", "b.csv"),
        "--id-column",
        "id",
        "--map",
        "expected_revenue=amount",
    )
    assert "1 unchanged" in again.stdout
    assert leads(db_path, "amount_cents")[0] == {"amount_cents": 480000}


def test_funnels_own_export_keeps_its_zeros(funnel, db_path, tmp_path):
    funnel("add", "Al", "--amount", "0")
    funnel("qualify", "1", "--probability", "0")
    exported = tmp_path / "leads.csv"
    funnel("export", "leads", "--output", exported)
    other = tmp_path / "other.db"
    funnel("--db", other, "import", exported)
    assert rows(other, "SELECT amount_cents, probability FROM leads") == [
        {"amount_cents": 0, "probability": 0}
    ]


# --------------------------------------------------------------------------- probabilities


def test_zero_probabilities_are_no_override_in_a_column_without_real_ones(
    funnel, db_path, tmp_path
):
    funnel("import", write(tmp_path, "Name,Probability\nAl,0.0\nBo,0\n"))
    assert leads(db_path, "probability") == [{"probability": None}, {"probability": None}]


def test_zero_probabilities_are_values_when_the_column_has_real_ones(funnel, db_path, tmp_path):
    """The zero comes first: a first pass over the column finds the 40 further down."""
    body = "".join(f"P{i},0\n" for i in range(3000))
    funnel("import", write(tmp_path, "Name,Probability\n" + body + "Bo,40\n"))
    found = rows(db_path, "SELECT probability, count(*) AS n FROM leads GROUP BY 1 ORDER BY 1")
    assert found == [{"probability": 0, "n": 3000}, {"probability": 40, "n": 1}]


def test_a_zero_after_a_real_probability_is_a_value(funnel, db_path, tmp_path):
    funnel("import", write(tmp_path, "Name,Probability\nAl,25\nBo,0.0\n"))
    assert leads(db_path, "probability") == [{"probability": 25}, {"probability": 0}]


# --------------------------------------------------------------------------- currencies


def test_currency_names_map_to_iso_codes(funnel, db_path, tmp_path):
    path = write(
        tmp_path,
        "Topic,Currency,Est. revenue\n"
        'A,US Dollar,"$25,000.00"\n'
        "B,Euro,9750\n"
        "C,Dollar canadien,100\n"
        "D,Canadian Dollar,100\n"
        "E,Livre sterling,100\n"
        "F,Pound Sterling,100\n"
        "G,dólar estadounidense,100\n",
    )
    result = funnel("import", path, "--map", "Topic=name", "--map", "Est. revenue=amount")
    assert "bare '$'" not in result.stderr  # the currency column names it
    assert [r["currency"] for r in leads(db_path, "currency")] == [
        "USD", "EUR", "CAD", "CAD", "GBP", "GBP", "USD"
    ]  # fmt: skip
    assert leads(db_path, "amount_cents")[0] == {"amount_cents": 2500000}


def test_an_unknown_currency_name_is_an_invalid_row(funnel, tmp_path):
    result = funnel("import", write(tmp_path, "Name,Currency\nAl,Zorkmid\n"), code=65)
    assert (
        "  line 2, column 'Currency', value 'Zorkmid': expected an ISO 4217 code like CAD, USD "
        "or EUR, or a name like US Dollar"
    ) in result.stderr.splitlines()


def test_a_bare_dollar_takes_the_database_currency_and_says_so_once(funnel, db_path, tmp_path):
    funnel("config", "currency", "USD")
    path = write(tmp_path, 'Name,Amount\nAl,"$1,200"\nBo,$300\nCy,500\nDi,€40\n')
    result = funnel("import", path)
    notes = [line for line in result.stderr.splitlines() if "bare '$'" in line]
    assert notes == [
        f"{path}: amounts with a bare '$' in column 'Amount' (line 2: '$1,200') are read as USD, "
        "the database's currency; a currency column or 'USD 1,200' says otherwise"
    ]
    assert leads(db_path, "amount_cents, currency") == [
        {"amount_cents": 120000, "currency": "USD"},
        {"amount_cents": 30000, "currency": "USD"},
        {"amount_cents": 50000, "currency": "USD"},
        {"amount_cents": 4000, "currency": "EUR"},
    ]
    assert "bare '$'" not in funnel("import", write(tmp_path, "Name,Amount\nAl,3\n")).stderr
