"""Issue 14, item 5: CRM profiles. A profile is a TOML file (shipped, or the user's own in the
app folder), chosen by the headers its export always has; it maps columns over the synonyms
(``--map`` over it), adds stage words, decides won/lost from flag columns, names rows that have
no name; ``--profile NAME|none`` (or ``profile =`` in a mapping file) overrides the choice."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from helpers import rows

from funnelcli.errors import DataError
from funnelcli.importers.profile import Outcome, Profile, choose, parse_profile
from funnelcli.services.imports.profiles import shipped

CRM = Path(__file__).parent / "fixtures" / "crm"
DOCS = Path(__file__).parent.parent / "docs"

#: The profile each fixture's headers choose (None: the generic synonyms).
RECOGNISED = {
    "dynamics-opportunities": "dynamics-opportunities",
    "french-prospects": None,
    "hubspot-contacts": "hubspot-contacts",
    "hubspot-deals": "hubspot-deals",
    "kaggle-pipeline": "kaggle-pipeline",
    "odoo-crm-lead": "odoo-crm-lead",
    "pipedrive-deals": "pipedrive-deals",
    "salesforce-leads": "salesforce-leads",
    "salesforce-opportunities": "salesforce-opportunities",
    "salesforce-report": "salesforce-report",
    "spanish-semicolon": None,
    "zoho-leads": "zoho-leads",
    "zoho-potentials": "zoho-deals",
}


def lead_rows(db_path: Path) -> list[dict]:
    return rows(
        db_path,
        "SELECT l.name, l.company, l.notes, l.external_id, l.closed_at, s.name AS stage "
        "FROM leads l JOIN stages s ON s.id = l.stage_id ORDER BY l.id",
    )


def last_line(result) -> str:
    """The error line (after the one-time ``created PATH`` note)."""
    lines = result.stderr.splitlines()
    assert len(lines) <= 2, result.stderr
    return lines[-1]


def user_profiles() -> Path:
    """The user's profile folder (the app folder of the test's XDG_CONFIG_HOME)."""
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "funnel" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("name", sorted(RECOGNISED))
def test_each_fixture_is_recognised_by_its_headers(name):
    expected = json.loads((CRM / f"{name}.expected.json").read_text(encoding="utf-8"))
    found = choose(shipped().values(), expected["header"])
    assert (found.name if found else None) == RECOGNISED[name]


def test_the_most_specific_profile_wins():
    small = Profile("a-small", "Small", ("Id", "Stage"))
    big = Profile("z-big", "Big", ("Id", "Stage", "IsWon"))
    assert choose([small, big], ["ID", "stage", "Is Won", "Name"]) is big
    assert choose([small, big], ["ID", "stage"]) is small
    assert choose([small, big], ["ID"]) is None


def test_the_summary_names_the_profile_in_text_and_json(funnel):
    result = funnel("import", CRM / "hubspot-deals.csv", "-f", "json")
    assert "Recognised: HubSpot deals export\n" in result.stderr
    assert result.stderr.count("Recognised:") == 1
    summary = json.loads(result.stdout)
    assert summary["profile"] == {"name": "hubspot-deals", "label": "HubSpot deals export"}


def test_profile_none_uses_the_synonyms_only(funnel):
    result = funnel("import", CRM / "hubspot-deals.csv", "--profile", "none", "-f", "json")
    assert "Recognised" not in result.stderr
    assert json.loads(result.stdout)["profile"] is None
    # the synonyms map Deal Name but not Associated Company (the profile's company column)
    assert "Ignored columns: Pipeline, Deal owner, Last Activity Date, Associated Company" in (
        result.stderr
    )


def test_an_unknown_profile_exits_2_listing_the_known_ones(funnel, db_path):
    result = funnel("import", CRM / "hubspot-deals.csv", "--profile", "hubspot", code=2)
    assert last_line(result) == (
        "Error: unknown profile 'hubspot': expected one of none, " + ", ".join(sorted(shipped()))
    )
    assert not db_path.exists() or not rows(db_path, "SELECT id FROM leads")


def test_a_named_profile_reads_a_file_it_would_not_recognise(funnel, tmp_path, db_path):
    # Pipedrive's columns without the status column: not recognised, but named
    source = tmp_path / "deals.csv"
    source.write_text(
        "Deal - ID,Deal - Title,Deal - Organization,Deal - Stage,Deal - Won time\n"
        "7,Kiosk deal,Alder Cafe,Proposal Made,\n",
        encoding="utf-8",
    )
    funnel("init")
    assert "Recognised" not in funnel("import", source, "--dry-run").stderr
    result = funnel("import", source, "--profile", "pipedrive-deals")
    assert "Recognised: Pipedrive deals export\n" in result.stderr
    assert [(r["name"], r["company"], r["stage"]) for r in lead_rows(db_path)] == [
        ("Kiosk deal", "Alder Cafe", "proposal")
    ]


def test_the_profile_wins_over_the_synonyms_and_map_over_the_profile(funnel, tmp_path, db_path):
    header = '"id","name","partner_name","contact_name","stage_id","probability","active"\n'
    row = '"odoo_1","Chairs","Brookfield","Hana Sato","New","10.0","True"\n'
    source = tmp_path / "odoo.csv"
    source.write_text(header + row, encoding="utf-8")
    funnel("import", source)  # the synonyms would take contact_name as a second name
    assert lead_rows(db_path)[0]["notes"] == "Hana Sato"
    funnel("import", source, "--map", "contact_name=name", "--map", "name=notes")
    lead = lead_rows(db_path)[0]
    # notes are appended, dated, never replaced (issue 15, item 7)
    assert (lead["name"], lead["notes"]) == ("Hana Sato", "Hana Sato\n2026-11-29: Chairs")


def test_a_mapping_file_may_name_the_profile(funnel, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('profile = "none"\n', encoding="utf-8")
    result = funnel("import", CRM / "hubspot-deals.csv", "--mapping", mapping, "-f", "json")
    assert json.loads(result.stdout)["profile"] is None
    mapping.write_text('profile = "kaggle-pipeline"\n', encoding="utf-8")
    result = funnel("import", CRM / "hubspot-deals.csv", "--mapping", mapping, "--dry-run")
    assert "Recognised: sales pipeline export" in result.stderr


def test_salesforce_flags_decide_won_and_lost_over_the_stage(funnel, tmp_path, db_path):
    source = tmp_path / "opps.csv"
    source.write_text(
        "Id,Name,StageName,CloseDate,IsClosed,IsWon\n"
        "006A,Lost early,Prospecting,2026-10-01,true,false\n"
        "006B,Won in review,Negotiation/Review,2026-10-02,true,true\n"
        "006C,Still open,Negotiation/Review,2026-12-02,false,false\n",
        encoding="utf-8",
    )
    result = funnel("import", source)
    assert "Read by the profile: IsClosed, IsWon\n" in result.stderr
    assert "IsWon" not in result.stderr.split("Read by the profile")[0]  # no warning about it
    assert [(r["external_id"], r["stage"]) for r in lead_rows(db_path)] == [
        ("006A", "lost"),
        ("006B", "won"),
        ("006C", "negotiation"),
    ]


def test_odoo_archived_with_no_chance_is_lost_and_100_percent_is_won(funnel, tmp_path, db_path):
    source = tmp_path / "odoo.csv"
    source.write_text(
        '"id","name","partner_name","stage_id","probability","active","date_closed"\n'
        '"o1","Archived","A","Qualified","0.0","False","2026-10-01 10:00:00"\n'
        '"o2","Active zero","B","Qualified","0.0","True",""\n'
        '"o3","Sure thing","C","Proposition","100.0","True","2026-10-03 10:00:00"\n'
        '"o4","Archived hopeful","D","Qualified","30.0","False",""\n',
        encoding="utf-8",
    )
    funnel("import", source)
    assert [(r["external_id"], r["stage"]) for r in lead_rows(db_path)] == [
        ("o1", "lost"),
        ("o2", "qualified"),
        ("o3", "won"),
        ("o4", "qualified"),
    ]


def test_a_converted_salesforce_lead_is_qualified_and_open(funnel, tmp_path, db_path):
    source = tmp_path / "leads.csv"
    source.write_text(
        "ID,FIRSTNAME,LASTNAME,COMPANY,STATUS,ISCONVERTED\n"
        "00Q1,Ada,Kimani,Ashcombe,Closed - Converted,true\n"
        "00Q2,Ben,Thorne,Birchgate,Working - Contacted,true\n"
        "00Q3,Cy,Ode,Corbel,Working - Contacted,false\n",
        encoding="utf-8",
    )
    funnel("import", source)
    assert [(r["external_id"], r["stage"]) for r in lead_rows(db_path)] == [
        ("00Q1", "qualified"),
        ("00Q2", "qualified"),
        ("00Q3", "contacted"),
    ]


def test_pipedrive_takes_the_lost_time_when_there_is_no_won_time(funnel, tmp_path, db_path):
    source = tmp_path / "pipedrive.csv"
    source.write_text(
        "Deal - ID,Deal - Title,Deal - Stage,Deal - Status,Deal - Deal created,"
        "Deal - Won time,Deal - Lost time\n"
        "1,Won deal,Proposal Made,won,2026-01-05 09:00:00,2026-02-01 10:00:00,\n"
        "2,Lost deal,Lead In,lost,2026-01-06 09:00:00,,2026-03-01 10:00:00\n",
        encoding="utf-8",
    )
    result = funnel("import", source)
    assert "Read by the profile: Deal - Lost time\n" in result.stderr
    leads = lead_rows(db_path)
    assert [(r["stage"], r["closed_at"][:10]) for r in leads] == [
        ("won", "2026-02-01"),
        ("lost", "2026-03-01"),
    ]


def test_a_pipeline_row_without_account_is_named_from_its_product_and_id(funnel, db_path):
    funnel("import", CRM / "kaggle-pipeline.csv")
    expected = json.loads((CRM / "kaggle-pipeline.expected.json").read_text(encoding="utf-8"))
    leads = lead_rows(db_path)
    unnamed = {lead["external_id"]: lead["name"] for lead in leads if not lead["company"]}
    assert unnamed == {
        "T1W6R3MD": "GTX Plus Basic T1W6R3MD",
        "X2A9V4RH": "GTX Basic X2A9V4RH",
        "B1E4Z9VM": "MG Advanced B1E4Z9VM",
    }
    assert len(lead_rows(db_path)) == expected["distinct_records"]


def test_spanish_headers_are_synonyms(funnel, tmp_path, db_path):
    source = tmp_path / "es.csv"
    source.write_text(
        "nombre;empresa;correo;teléfono;importe;etapa;fecha\n"
        "Lucía Romero;Talleres Brisa;lucia@brisa.example;+34 910 000 001;1.250,00;propuesta;"
        "2026-02-03\n",
        encoding="utf-8",
    )
    result = funnel("import", source)
    assert (
        "Columns: nombre→name, empresa→company, correo→email, teléfono→phone, etapa→stage, "
        "fecha→created, importe→amount\n"
    ) in result.stderr
    assert lead_rows(db_path)[0]["stage"] == "proposal"


MY_CRM = """
label = "My CRM export"
signature = ["Ref", "Phase"]

[columns]
"Ref" = "external_id"
"Client" = "company"
"Phase" = "stage"

[stages]
"Signé chez le client" = "won"
"Piste" = "new"
"""


def test_a_user_profile_is_recognised_with_its_stage_words(funnel, tmp_path, db_path):
    (user_profiles() / "my-crm.toml").write_text(MY_CRM, encoding="utf-8")
    source = tmp_path / "mine.csv"
    source.write_text(
        "Ref,Client,Phase\nR1,Alder,Piste\nR2,Birch,signe chez le client\n", encoding="utf-8"
    )
    result = funnel("import", source, "-f", "json")
    assert "Recognised: My CRM export\n" in result.stderr
    assert json.loads(result.stdout)["profile"] == {"name": "my-crm", "label": "My CRM export"}
    assert [(r["external_id"], r["company"], r["stage"]) for r in lead_rows(db_path)] == [
        ("R1", "Alder", "new"),
        ("R2", "Birch", "won"),
    ]


def test_a_user_profile_replaces_the_shipped_one_of_that_name(funnel):
    text = (CRM.parent.parent.parent / "funnelcli/importers/profiles/hubspot-deals.toml").read_text(
        encoding="utf-8"
    )
    (user_profiles() / "hubspot-deals.toml").write_text(
        text.replace('label = "HubSpot deals export"', 'label = "Our HubSpot"'), encoding="utf-8"
    )
    funnel("init")
    result = funnel("import", CRM / "hubspot-deals.csv", "--dry-run")
    assert "Recognised: Our HubSpot\n" in result.stderr


def test_a_malformed_user_profile_is_one_line_naming_the_file(funnel, db_path):
    path = user_profiles() / "broken.toml"
    path.write_text('label = "Broken"\nsignature = ["A"\n', encoding="utf-8")
    result = funnel("import", CRM / "hubspot-deals.csv", code=65)
    assert last_line(result) == (
        f"Error: the profile file {path}: not valid TOML: Unclosed array (at end of document)"
    )
    path.write_text('label = "Broken"\nsignature = ["A"]\n[columns]\n"A" = "colour"\n')
    result = funnel("import", CRM / "hubspot-deals.csv", code=65)
    assert last_line(result) == (
        f"Error: the profile file {path}: [columns] 'A' = 'colour': unknown field"
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('signature = ["A"]\n', 'no label (label = "Name of the export")'),
        (
            'label = "X"\nsignature = ["A"]\nfirst-of = ["A"]\n',
            "[first-of] must map fields to lists of columns",
        ),
        (
            'label = "X"\nsignature = ["A"]\n[stages]\n"Done" = "finished"\n',
            "[stages] 'Done' = 'finished': expected one of contacted, lost, negotiation, new, open, proposal, qualified, won",
        ),
        (
            'label = "X"\nsignature = ["A"]\n[[outcome]]\nstage = "won"\n',
            '[[outcome]] needs when = { COLUMN = "value", … }',
        ),
        (
            'label = "X"\nsignature = ["A"]\ncolour = 1\n',
            "unknown keys: colour; expected columns, first-of, label, outcome, signature, stages, unnamed",
        ),
    ],
)
def test_a_profile_file_is_checked_key_by_key(text, why):
    with pytest.raises(DataError) as caught:
        parse_profile(text, "x", "x.toml")
    assert str(caught.value) == f"the profile file x.toml: {why}"
    assert caught.value.exit_code == 65


def test_every_shipped_profile_parses_and_names_known_fields():
    profiles = shipped()
    assert len(profiles) == 11
    for profile in profiles.values():
        assert profile.signature and profile.label
        for rule in profile.outcomes:
            assert isinstance(rule, Outcome) and rule.when


def test_the_example_profile_of_the_docs_parses_and_works(funnel, tmp_path, db_path):
    page = (DOCS / "moving-from-another-crm.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", page, re.S)
    assert example is not None
    profile = parse_profile(example.group(1), "acme-crm", "the docs' example")
    assert profile.label == "Acme CRM deals export"
    (user_profiles() / "acme-crm.toml").write_text(example.group(1), encoding="utf-8")
    sample = re.search(r"```csv\n(.*?)```", page, re.S)
    assert sample is not None
    source = tmp_path / "acme.csv"
    source.write_text(sample.group(1), encoding="utf-8")
    result = funnel("import", source)
    assert "Recognised: Acme CRM deals export\n" in result.stderr
    assert [(r["name"], r["stage"]) for r in lead_rows(db_path)] == [
        ("Kiosks for Alder Cafe", "proposal"),
        ("Loyalty app", "won"),
        ("Old quote", "lost"),
    ]


def test_odoos_older_import_compatible_export_is_recognised(funnel, tmp_path, db_path):
    # the shape of a real Odoo 8 export: related records named by their external ids (FIELD/id)
    source = tmp_path / "crm.lead.csv"
    source.write_text(
        '"id","active","contact_name","company_id/id","country_id/id","create_uid/id",'
        '"partner_name","email_from","mobile","phone","probability","user_id/id","name",'
        '"source_id/id","date_deadline","planned_revenue","partner_id/id"\n'
        '"__export__.crm_lead_522","True","Gregorio","base.main_company","base.mx",'
        '"__export__.res_users_5","Villarreal Imports","gregorio@example.com","8110000000",'
        '"","10.0","__export__.res_users_5","Distribution deal","crm.source_web","2016-09-30",'
        '"0.0",""\n',
        encoding="utf-8",
    )
    result = funnel("import", source)
    assert "Recognised: Odoo CRM (crm.lead) export\n" in result.stderr
    assert "Warning" not in result.stderr  # the FIELD/id columns are known, not data left out
    [lead] = rows(db_path, "SELECT * FROM leads")
    assert (lead["name"], lead["company"], lead["email"], lead["external_id"]) == (
        "Distribution deal", "Villarreal Imports", "gregorio@example.com",
        "__export__.crm_lead_522",
    )  # fmt: skip
    assert lead["amount_cents"] is None  # Odoo's 0.0 on an open deal: no amount
