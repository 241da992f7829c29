"""``funnel check`` and the import's lines in French (issue 19, item 2): the findings' titles and
hints, the summary line and its notes; the JSON (the scripts' contract) and the exit codes the
same in both languages."""

from __future__ import annotations

import json

FRENCH = {"LANG": "fr_CA.UTF-8"}
ROWS = "Name,Email,Source,Stage\nAnne Roy,a@x.ca,web,won\nAnne Roy,a@x.ca,web,won\n,,,\n"
BAD_ROW = "Bob,bad,web,new\n"


def _setup(funnel):
    funnel("add", "Julie Roy", "--amount", "1000", "--stage", "proposal", "--source", "web")
    funnel("add", "Marc Roy")


def test_check_in_french(funnel):
    _setup(funnel)
    french = funnel("check", env=FRENCH).stdout.splitlines()
    assert french[0].split() == ["Problème", "Pistes", "Numéros", "des", "pistes", "Correction"]
    assert french[1].split("  ")[0] == "Occasions ouvertes sans date de conclusion prévue"
    assert french[1].endswith("funnel qualify LEAD --expected-close DATE")
    no_action = "Pistes ouvertes sans suivi ouvert (aucune prochaine action)"
    (line,) = [line for line in french if line.startswith(no_action)]
    assert line.endswith("funnel follow-up add LEAD 'ce que vous ferez' --due QUAND")
    assert any(line.startswith("Pistes sans source") for line in french)
    english = funnel("check").stdout.splitlines()
    assert len(french) == len(english)
    assert english[1].startswith("Open opportunities without an expected close date")


def test_check_with_a_number_in_its_title_in_french(funnel):
    funnel("add", "Julie Roy", "--source", "web")
    later = {**FRENCH, "FUNNEL_NOW": "2027-01-15T09:00"}
    french = funnel("check", "--stale-days", "10", env=later).stdout
    assert "Dormantes : aucune activité ni changement d'étape depuis 10 jours" in french
    assert "Jamais contactées 2 jours après leur création" in french
    assert "Stale" not in french and "Never" not in french


def test_check_json_is_the_same_in_both_languages(funnel):
    _setup(funnel)
    english = funnel("check", "--format", "json").stdout
    assert funnel("check", "--format", "json", env=FRENCH).stdout == english
    rules = {r["rule"]: r for r in json.loads(english)}
    assert rules["stale"]["title"] == "Stale: no activity or stage change for 30 days"
    assert rules["no_source"]["hint"] == "funnel edit LEAD --source SOURCE"
    csv = funnel("check", "--format", "csv").stdout
    assert funnel("check", "--format", "csv", env=FRENCH).stdout == csv


def test_no_problem_in_french(funnel):
    funnel("init")
    assert funnel("check", env=FRENCH).stdout == "Aucun problème trouvé.\n"


def test_the_import_summary_and_notes_in_french(funnel, tmp_path):
    funnel("init")
    path = tmp_path / "in.csv"
    path.write_text(ROWS + BAD_ROW, encoding="utf-8")
    rejects = tmp_path / "rejets.csv"
    result = funnel("import", path, "--rejects", rejects, env=FRENCH)
    assert result.stdout == (
        "pistes : 1 ajout, 0 mise à jour, 0 sans changement, 1 refus, 1 doublon dans le fichier\n"
    )
    err = result.stderr.splitlines()
    assert err[0] == (
        f"Lecture de {path} : encodage UTF-8, séparateur ',' (virgule, détecté), 4 colonnes"
    )
    assert err[1] == "Colonnes : Name→name, Email→email, Source→source, Stage→stage"
    assert "Écriture en une seule transaction : toutes les lignes ou aucune…" in err
    assert "1 ligne vide sautée" in err
    assert f"1 ligne invalide mise de côté dans {rejects}" in err


def test_the_import_json_and_exit_codes_are_the_same_in_both_languages(funnel, tmp_path):
    funnel("init")
    path = tmp_path / "in.csv"
    path.write_text(ROWS + BAD_ROW, encoding="utf-8")
    english = funnel("import", path, "--dry-run", "--format", "json", code=65)
    french = funnel("import", path, "--dry-run", "--format", "json", code=65, env=FRENCH)
    assert french.stdout == english.stdout
    assert french.stderr.startswith("Lecture de ")
    path.write_text(ROWS, encoding="utf-8")
    dry_en = funnel("import", path, "--dry-run", "--format", "json").stdout
    dry_fr = funnel("import", path, "--dry-run", "--format", "json", env=FRENCH).stdout
    assert dry_fr == dry_en and json.loads(dry_en)["inserted"] == 1
    line = funnel("import", path, "--dry-run", env=FRENCH).stdout
    assert line == (
        "essai, rien d'écrit : pistes : 1 ajout, 0 mise à jour, 0 sans changement, 0 refus,"
        " 1 doublon dans le fichier\n"
    )
    assert funnel("import", path, "--dry-run").stdout == (
        "dry run, nothing written: leads: 1 inserted, 0 updated, 0 unchanged, 0 rejected,"
        " 1 duplicates in file\n"
    )
