"""Issue 14, item 2: a column close to a known field is used (Salesforce's API names, CRM
prefixes, CamelCase), and one still ignored that looks like data is named in a warning that the
summary repeats (text and JSON)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import rows

from funnelcli.importers.nearby import near_field

CRM = Path(__file__).parent / "fixtures" / "crm"

#: Salesforce's open stages and the stages funnel's vocabulary maps them to (issue 14, item 6).
SALESFORCE_OPEN_STAGES = {
    "Prospecting": "new",
    "Qualification": "contacted",
    "Needs Analysis": "qualified",
    "Value Proposition": "qualified",
    "Id. Decision Makers": "qualified",
    "Perception Analysis": "qualified",
    "Proposal/Price Quote": "proposal",
    "Negotiation/Review": "negotiation",
}


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("StageName", "stage"),
        ("STAGENAME", "stage"),
        ("CloseDate", "closed"),
        ("CreatedDate", "created"),
        ("LeadSource", "source"),
        ("Id", "external_id"),
        ("ID", "external_id"),
        ("CurrencyIsoCode", "currency"),
        ("Opportunity Name", "name"),
        ("Deal - Value", "amount"),
        ("Deal - Stage", "stage"),
        ("Deal - Deal created", "created"),
        ("Deal - Expected close date", "expected_close"),
        ("Person - Email", "email"),
        ("Opportunity_Est. revenue", None),
        ("AccountId", None),
        ("ForecastCategoryName", None),
    ],
)
def test_headers_close_to_a_field(header, field):
    from funnelcli.importers.synonyms import field_of

    assert (field_of("leads", header) or near_field("leads", header)) == field


def test_a_salesforce_opportunity_export_imports_its_stages_amounts_and_ids(funnel, db_path):
    expected = json.loads((CRM / "salesforce-opportunities.expected.json").read_text())
    stage_map = [f"--stage-map={word}={stage}" for word, stage in SALESFORCE_OPEN_STAGES.items()]
    # without its profile (which reads IsWon/IsClosed): the generic synonyms and the warnings
    result = funnel(
        "import",
        CRM / "salesforce-opportunities.csv",
        "--profile",
        "none",
        *stage_map,
        "-f",
        "json",
    )
    assert (
        "Columns: Name→name, LeadSource→source, Id→external_id, StageName→stage, "
        "CreatedDate→created, CloseDate→closed, Amount→amount, CurrencyIsoCode→currency, "
        "Probability→probability\n"
        "Ignored columns: AccountId, IsClosed, IsWon, ForecastCategoryName\n"
    ) in result.stderr
    warnings = [
        "column 'AccountId' looks like an id but is not imported (--map 'AccountId=FIELD' "
        "imports it, --map 'AccountId=ignore' silences this)",
        "column 'IsClosed' looks like a stage or a won/lost status but is not imported "
        "(--map 'IsClosed=FIELD' imports it, --map 'IsClosed=ignore' silences this)",
        "column 'IsWon' looks like a stage or a won/lost status but is not imported (--map "
        "'IsWon=FIELD' imports it, --map 'IsWon=ignore' silences this)",
    ]
    summary = json.loads(result.stdout)
    assert summary["warnings"] == warnings
    # said once when the columns are read, and named again in one line with the summary
    assert all(result.stderr.count(f"Warning: {w}\n") == 1 for w in warnings)
    assert (
        "Warning: not imported, though they look like data (see the warnings above): "
        "'AccountId', 'IsClosed', 'IsWon'\n"
    ) in result.stderr.split("Committing…")[1]
    assert summary["inserted"] == expected["distinct_records"]

    leads = rows(
        db_path,
        "SELECT l.external_id, s.kind, l.amount_cents, l.currency FROM leads l "
        "JOIN stages s ON s.id = l.stage_id ORDER BY l.id",
    )
    want = [
        {
            "external_id": r["key"],
            "kind": r["status"],
            "amount_cents": None if r["amount"] is None else int(Decimal(r["amount"]) * 100),
            "currency": r["currency"],
        }
        for r in expected["rows"]
    ]
    assert leads == want

    kpis = json.loads(
        funnel("report", "kpis", "--from", "2021-01-01", "--to", "2021-12-31", "-f", "json").stdout
    )
    assert kpis["leads_created"] == expected["distinct_records"]
    assert (kpis["win_rate"]["won"], kpis["win_rate"]["lost"]) == (
        expected["won"],
        expected["lost"],
    )
    won = {d["currency"]: d["total"]["amount"] for d in kpis["won_deal_size"]}
    assert won == expected["won_amount_by_currency"]


def test_without_options_the_salesforce_stages_are_known(funnel, db_path):
    # Item 6: Salesforce's default stages are in the vocabulary (they stopped the import).
    funnel("import", CRM / "salesforce-opportunities.csv")
    found = rows(
        db_path,
        "SELECT l.external_id, s.name FROM leads l JOIN stages s ON s.id = l.stage_id "
        "WHERE s.kind = 'open'",
    )
    with open(CRM / "salesforce-opportunities.csv", newline="") as f:
        file = {
            r["Id"]: SALESFORCE_OPEN_STAGES[r["StageName"]]
            for r in csv.DictReader(f)
            if not r["StageName"].startswith("Closed")
        }
    assert {row["external_id"]: row["name"] for row in found} == file


def test_funnels_own_id_beside_an_external_id_column_is_named(funnel, tmp_path):
    # A bare Id is the external id, unless a column is named so: then it is named, not used.
    path = write(tmp_path, "Id,External ID,Name\n7,A-1,Al\n")
    result = funnel("import", path, "-f", "json")
    assert "Columns: Name→name, External ID→external_id\n" in result.stderr
    assert json.loads(result.stdout)["warnings"] == [
        "column 'Id' looks like external_id, which column 'External ID' gives: not imported "
        "(--map 'Id=FIELD' imports it, --map 'Id=ignore' silences this)"
    ]


def test_ignored_columns_whose_values_look_like_data_are_named(funnel, tmp_path):
    path = write(
        tmp_path,
        "Name,Foo,Bar,Baz,Qux\n"
        'Al,2021-04-15,"$1,200.00",al@x.ca,blue\n'
        'Bo,2021-04-16 10:03,"$900.50",bo@x.ca,green\n'
        "Cy,,,,red\n",
    )
    result = funnel("import", path, "-f", "json")
    assert json.loads(result.stdout)["warnings"] == [
        f"column {name!r} holds {what} but is not imported (--map '{name}=FIELD' imports it, "
        f"--map '{name}=ignore' silences this)"
        for name, what in (("Foo", "dates"), ("Bar", "amounts"), ("Baz", "emails"))
    ]
    assert "Warning: column 'Foo' holds dates but is not imported" in result.stderr
    silenced = funnel(
        "import", path, "--map", "Foo=ignore", "--map", "Bar=ignore", "--map", "Baz=ignore"
    )
    assert "Warning" not in silenced.stderr


def test_a_funnel_export_imports_back_without_warnings(funnel, tmp_path):
    funnel("add", "Al", "--email", "al@x.ca", "--amount", "100")
    exported = tmp_path / "leads.csv"
    funnel("export", "leads", "--output", exported)
    result = funnel("--db", tmp_path / "copy.db", "import", exported, "-f", "json")
    assert json.loads(result.stdout)["warnings"] == []
    assert "Warning" not in result.stderr
