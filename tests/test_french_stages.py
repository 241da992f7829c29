"""The built-in stages in French (issue 19, item 2): the database keeps their codes (the English
names), people read them in French unless renamed, and the French names are accepted as input."""

from __future__ import annotations

import json

from helpers import rows

FRENCH = {"LANG": "fr_CA.UTF-8"}
FRENCH_NAMES = ["nouveau", "contacté", "qualifié", "proposition", "négociation", "gagné", "perdu"]


def test_french_stage_names_are_accepted_and_the_codes_are_stored(funnel, db_path):
    funnel("add", "Julie Roy", "--stage", "proposition", env=FRENCH)
    funnel("add", "Luc Côté", "--stage", "Négociation")  # in English too, like date words
    funnel("advance", "1", "gagné", env=FRENCH)
    funnel("advance", "2", "perdu")
    assert rows(db_path, "SELECT l.id, s.name FROM leads l JOIN stages s ON s.id = l.stage_id") == [
        {"id": 1, "name": "won"},
        {"id": 2, "name": "lost"},
    ]


def test_people_read_the_built_in_stages_in_french(funnel):
    funnel("add", "Julie Roy", "--stage", "proposal")
    result = funnel("advance", "1", env=FRENCH)
    assert result.stdout == "Piste 1 Julie Roy : proposition → négociation (2026-11-29 09:00)\n"
    listed = funnel("list", env=FRENCH).stdout.splitlines()
    assert listed[0].split() == [
        "N°",
        "Nom",
        "Entreprise",
        "Étape",
        "Montant",
        "Source",
        "Créée",
        "Suivi",
    ]
    assert listed[1].split() == ["1", "Julie", "Roy", "négociation", "2026-11-29"]
    stages = funnel("stages", env=FRENCH).stdout.splitlines()
    assert [line.split()[1] for line in stages[1:]] == FRENCH_NAMES
    english = funnel("stages").stdout.splitlines()
    assert [line.split()[1] for line in english[1:]] == [
        "new",
        "contacted",
        "qualified",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    card = funnel("show", "1", env=FRENCH).stdout
    assert "négociation" in card and "proposition → négociation" in card
    assert "créée à l'étape proposition" in card


def test_a_renamed_stage_keeps_the_users_name_in_french(funnel, db_path):
    funnel("stages", "rename", "proposal", "devis")
    funnel("add", "Julie Roy", "--stage", "devis")
    stages = funnel("stages", env=FRENCH).stdout.splitlines()
    assert [line.split()[1] for line in stages[1:]][3] == "devis"
    assert funnel("list", env=FRENCH).stdout.splitlines()[1].split()[3] == "devis"
    # "proposition" named the built-in stage, which is now called devis: unknown
    result = funnel("add", "Luc", "--stage", "proposition", code=2, env=FRENCH)
    assert result.stderr.splitlines()[0] == (
        "Erreur : étape inconnue 'proposition' : attendu l'une de nouveau, contacté, "
        "qualifié, devis, négociation, gagné, perdu"
    )
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["Julie Roy"]


def test_an_unknown_stage_lists_the_names_people_read(funnel):
    funnel("add", "Julie Roy")
    english = funnel("advance", "1", "nowhere", code=2)
    french = funnel("advance", "1", "nowhere", code=2, env=FRENCH)
    assert english.stderr == (
        "Error: unknown stage 'nowhere': expected one of new, contacted, qualified, proposal, "
        "negotiation, won, lost\nHint: see the pipeline with: funnel stages list\n"
    )
    assert french.stderr == (
        "Erreur : étape inconnue 'nowhere' : attendu l'une de nouveau, contacté, qualifié, "
        "proposition, négociation, gagné, perdu\nConseil : voyez l'entonnoir avec : funnel "
        "stages list\n"
    )


def test_json_and_csv_keep_the_stored_names(funnel):
    funnel("add", "Julie Roy", "--stage", "proposition", "--amount", "1000")
    funnel("advance", "1", "gagné")
    for args in (
        ("list", "--status", "all", "--format", "json"),
        ("list", "--status", "all", "--format", "csv"),
        ("show", "1", "--format", "json"),
        ("stages", "--format", "json"),
        ("report", "funnel", "--format", "json"),
    ):
        assert funnel(*args, env=FRENCH).stdout == funnel(*args).stdout, args
    shown = json.loads(funnel("show", "1", "--format", "json", env=FRENCH).stdout)
    assert [(h["from_stage"], h["to_stage"]) for h in shown["history"]] == [
        (None, "proposal"),
        ("proposal", "won"),
    ]


def test_the_funnel_report_names_the_stages_in_french(funnel):
    funnel("add", "Julie Roy", "--stage", "proposal")
    report = funnel("report", "funnel", env=FRENCH).stdout
    english = funnel("report", "funnel").stdout
    for code, french in zip(
        ("new", "proposal", "won"), ("nouveau", "proposition", "gagné"), strict=True
    ):
        assert any(line.strip().startswith(code) for line in english.splitlines())
        assert any(line.strip().startswith(french) for line in report.splitlines())
