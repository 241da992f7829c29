"""Issue 14, item 6: the default stages and statuses of the big CRMs, and French and Spanish
words, map to funnel's stages with no --stage-map; unknown words are listed all at once."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest
from helpers import rows

from funnelcli.importers import stages
from funnelcli.models import Stage, StageKind
from funnelcli.pipeline import Pipeline
from funnelcli.services.imports.vocabulary import stage_words

CRM = Path(__file__).parent / "fixtures" / "crm"
DEFAULT = ("new", "contacted", "qualified", "proposal", "negotiation")

#: (family, word as a CRM writes it, funnel stage or None for "open, no stage given").
FAMILIES = [
    ("salesforce opportunity", "Prospecting", "new"),
    ("salesforce opportunity", "Qualification", "contacted"),
    ("salesforce opportunity", "Needs Analysis", "qualified"),
    ("salesforce opportunity", "Value Proposition", "qualified"),
    ("salesforce opportunity", "Id. Decision Makers", "qualified"),
    ("salesforce opportunity", "Perception Analysis", "qualified"),
    ("salesforce opportunity", "Proposal/Price Quote", "proposal"),
    ("salesforce opportunity", "Negotiation/Review", "negotiation"),
    ("salesforce opportunity", "Closed Won", "won"),
    ("salesforce opportunity", "Closed Lost", "lost"),
    ("salesforce lead", "Open - Not Contacted", "new"),
    ("salesforce lead", "Working - Contacted", "contacted"),
    # issue 14: a converted lead became an opportunity, not a sale (open, qualified)
    ("salesforce lead", "Closed - Converted", "qualified"),
    ("salesforce lead", "Closed - Not Converted", "lost"),
    ("hubspot deal", "Appointment Scheduled", "contacted"),
    ("hubspot deal", "Qualified To Buy", "qualified"),
    ("hubspot deal", "Presentation Scheduled", "proposal"),
    ("hubspot deal", "Decision Maker Bought-In", "negotiation"),
    ("hubspot deal", "Contract Sent", "negotiation"),
    ("hubspot deal", "closedwon", "won"),
    ("hubspot deal", "CLOSED LOST", "lost"),
    ("hubspot lead status", "New", "new"),
    ("hubspot lead status", "Open", None),
    ("hubspot lead status", "In Progress", "contacted"),
    ("hubspot lead status", "Attempted to Contact", "contacted"),
    ("hubspot lead status", "Connected", "contacted"),
    ("hubspot lead status", "Open Deal", "qualified"),
    ("hubspot lead status", "Unqualified", "lost"),
    ("hubspot lead status", "Bad Timing", "contacted"),
    ("hubspot lifecycle stage", "Subscriber", "new"),
    ("hubspot lifecycle stage", "Lead", "new"),
    ("hubspot lifecycle stage", "Marketing Qualified Lead", "contacted"),
    ("hubspot lifecycle stage", "salesqualifiedlead", "qualified"),
    ("hubspot lifecycle stage", "Opportunity", "qualified"),
    ("hubspot lifecycle stage", "Customer", "won"),
    ("hubspot lifecycle stage", "Evangelist", "won"),
    ("hubspot lifecycle stage", "Other", None),
    ("pipedrive stage", "Lead In", "new"),
    ("pipedrive stage", "Contact Made", "contacted"),
    ("pipedrive stage", "Demo Scheduled", "qualified"),
    ("pipedrive stage", "Proposal Made", "proposal"),
    ("pipedrive stage", "Negotiations Started", "negotiation"),
    ("pipedrive status", "open", None),
    ("pipedrive status", "won", "won"),
    ("pipedrive status", "lost", "lost"),
    ("zoho/dynamics", "Qualify", "qualified"),
    ("zoho/dynamics", "Develop", "qualified"),
    ("zoho/dynamics", "Propose", "proposal"),
    ("zoho/dynamics", "Close", "negotiation"),
    ("zoho/dynamics", "Won", "won"),
    ("zoho/dynamics", "Lost", "lost"),
    ("zoho/dynamics", "Closed Lost to Competition", "lost"),
    ("zoho/dynamics", "Junk Lead", "lost"),
    ("odoo", "New", "new"),
    ("odoo", "Qualified", "qualified"),
    ("odoo", "Proposition", "proposal"),
    ("odoo", "Won", "won"),
    ("kaggle", "Prospecting", "new"),
    ("kaggle", "Engaging", "contacted"),
    ("kaggle", "Won", "won"),
    ("kaggle", "Lost", "lost"),
    ("french", "NOUVEAU", "new"),
    ("french", "Contacté", "contacted"),
    ("french", "qualifiée", "qualified"),
    ("french", "Qualifie", "qualified"),
    ("french", "Proposition", "proposal"),
    ("french", "Devis envoyé", "proposal"),
    ("french", "negociation", "negotiation"),
    ("french", "Gagnée", "won"),
    ("french", "perdu", "lost"),
    ("spanish", "Nuevo", "new"),
    ("spanish", "contactado", "contacted"),
    ("spanish", "Calificado", "qualified"),
    ("spanish", "propuesta", "proposal"),
    ("spanish", "Negociación", "negotiation"),
    ("spanish", "GANADO", "won"),
    ("spanish", "perdido", "lost"),
]


def pipeline(open_names: tuple[str, ...] = DEFAULT, won: str = "won", lost: str = "lost"):
    names = [*open_names, won, lost]
    kinds = [StageKind.OPEN] * len(open_names) + [StageKind.WON, StageKind.LOST]
    return Pipeline(
        Stage(i, name, i, 0, kind, is_opportunity=i == 3)
        for i, (name, kind) in enumerate(zip(names, kinds, strict=True), start=1)
    )


def name_of(words: stages.StageWords, text: str) -> str | None:
    found = words(text)
    return None if found is None else found.name


@pytest.mark.parametrize(("family", "word", "expected"), FAMILIES)
def test_each_family_maps_to_the_default_stages(family, word, expected):
    words = stages.StageWords(pipeline(), {}, stage_words())
    assert name_of(words, word) == expected, family


def test_the_vocabulary_file_is_consistent():
    # Every word names a default stage, and a word in two families names the same one.
    text = (Path(stages.__file__).parent / "stage_words.toml").read_text("utf-8")
    table = tomllib.loads(text)
    assert stages.vocabulary(table) == stage_words()
    with pytest.raises(ValueError, match="unknown stage 'signed'"):
        stages.vocabulary({"x": {"Done": "signed"}})
    with pytest.raises(ValueError, match="'WON': lost, elsewhere won"):
        stages.vocabulary({"a": {"won": "won"}, "b": {"WON": "lost"}})


def test_a_renamed_stage_is_found_at_its_position():
    # The user renamed qualified -> "Discovery", and won/lost -> "Signé"/"Perdu d'avance".
    renamed = pipeline(
        ("new", "contacted", "Discovery", "proposal", "negotiation"), "Signé", "Nope"
    )
    words = stages.StageWords(renamed, {}, stage_words())
    assert name_of(words, "Needs Analysis") == "Discovery"
    assert name_of(words, "calificado") == "Discovery"
    assert name_of(words, "Closed Won") == "Signé"
    assert name_of(words, "perdido") == "Nope"
    assert name_of(words, "Prospecting") == "new"


def test_a_removed_stage_leaves_its_words_unknown():
    # "contacted" removed: position 2 is now "qualified", a default stage of its own name, so
    # Qualification (contacted) must not land on it; past the last open stage nothing fits.
    short = pipeline(("new", "qualified", "proposal"))
    words = stages.StageWords(short, {}, stage_words())
    assert name_of(words, "Needs Analysis") == "qualified"
    for word in ("Qualification", "Negotiation/Review"):
        with pytest.raises(stages.ValueProblem, match="unknown stage"):
            words(word)


def test_stage_map_and_stage_names_win_over_the_vocabulary():
    own = pipeline(("new", "Prospecting", "qualified", "proposal", "negotiation"))
    words = stages.StageWords(own, {"Closed Won": "lost"}, stage_words())
    assert name_of(words, "prospecting") == "Prospecting"  # the pipeline's own name
    assert name_of(words, "Closed Won") == "lost"  # --stage-map


def test_the_stage_map_wins_in_an_import(funnel, db_path, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Name,Stage\nAl,Qualification\n")
    funnel("import", path, "--stage-map", "Qualification=proposal")
    assert rows(db_path, "SELECT stage_id FROM leads") == [{"stage_id": 4}]


def test_unknown_stage_values_are_listed_once_with_their_counts(funnel, db_path, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "Nom,Statut,Courriel\nA,Devis signé,a@x.ca\nB,Rappel,b@x.ca\nC,Devis signé,c@x.ca\n"
        "D,Gagné,d@x.ca\nE,Rappel,nope\nF,Devis signé,f@x.ca\n"
    )
    result = funnel("import", path, code=65)
    lines = result.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Error:"))
    assert lines[start : start + 4] == [
        f"Error: 5 invalid rows in {path}; nothing was imported:",
        "  unknown stage values in column 'Statut': 'Devis signé' (3 rows), 'Rappel' (2 rows): "
        "map them with --stage-map 'VALUE=STAGE'",
        "  line 6, column 'Courriel', value 'nope': invalid email: expected an address like "
        "name@example.com",
        "Hint: fix them and import again, or pass --rejects FILE to import the valid rows and "
        "set the invalid ones aside in FILE",
    ]
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 0}]


def test_more_than_twenty_unknown_rows_are_all_counted(funnel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Name,Stage\n" + "".join(f"L{i},Rappel\n" for i in range(30)))
    result = funnel("import", path, code=65)
    assert "'Rappel' (30 rows)" in result.stderr
    assert "more invalid rows" not in result.stderr
    assert "line 2" not in result.stderr


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("french-prospects", ()),
        ("salesforce-opportunities", ()),
        # Its rows without an account have no name (another item of issue 14): the product is.
        ("kaggle-pipeline", ("--map", "product=name")),
    ],
)
def test_crm_fixtures_import_into_their_statuses(funnel, db_path, name, options):
    expected = json.loads((CRM / f"{name}.expected.json").read_text())
    funnel("import", CRM / f"{name}.csv", *options)
    counts = rows(
        db_path,
        "SELECT s.kind, count(*) AS n FROM leads l JOIN stages s ON s.id = l.stage_id "
        "GROUP BY s.kind",
    )
    found = {row["kind"]: row["n"] for row in counts}
    assert found == {k: expected[k] for k in ("won", "lost", "open") if expected[k]}


def test_rejects_notes_list_the_unknown_words_once(funnel, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Name,Stage\nAl,Rappel\nBo,Gagné\nCy,rappel\n")
    result = funnel("import", path, "--rejects", tmp_path / "rejects.csv")
    assert (
        "2 invalid row(s) were set aside to "
        f"{tmp_path / 'rejects.csv'}\n"
        "  unknown stage values in column 'Stage': 'Rappel' (1 row), 'rappel' (1 row): map them "
        "with --stage-map 'VALUE=STAGE'\n"
    ) in result.stderr
    with open(tmp_path / "rejects.csv", newline="") as f:
        reasons = [row["reason"][:21] for row in csv.DictReader(f)]
    assert reasons == ["Stage: unknown stage:"] * 2
