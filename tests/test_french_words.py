"""The last French words (issue 19): counts agree with their number (``1 ligne vide sautée``,
``2 lignes vides sautées``) while English keeps its text byte for byte."""

from __future__ import annotations

FRENCH = {"LANG": "fr_CA.UTF-8"}
HEAD = "Name,Email,Source,Stage\n"


def test_import_counts_agree_with_their_number(funnel, tmp_path):
    funnel("init")
    path = tmp_path / "in.csv"
    path.write_text(HEAD + "Anne Roy,a@x.ca,web,won\n,,,\n,,,\nBob,bad,web,new\nEve,bad,web,new\n")
    rejects = tmp_path / "rejets.csv"
    french = funnel("import", path, "--dry-run", "--rejects", rejects, env=FRENCH)
    assert french.stdout == (
        "essai, rien d'écrit : pistes : 1 ajout, 0 mise à jour, 0 sans changement, 2 refus,"
        " 0 doublon dans le fichier\n"
    )
    assert "2 lignes vides sautées" in french.stderr.splitlines()
    assert "2 lignes invalides seraient mises de côté" in french.stderr.splitlines()
    english = funnel("import", path, "--dry-run", "--rejects", rejects)
    assert english.stdout == (
        "dry run, nothing written: leads: 1 inserted, 0 updated, 0 unchanged, 2 rejected,"
        " 0 duplicates in file\n"
    )
    assert "2 empty row(s) skipped" in english.stderr.splitlines()
    assert "2 invalid row(s) would be set aside" in english.stderr.splitlines()
    assert funnel("list", "--format", "json").stdout.strip() == "[]"  # a dry run writes nothing
