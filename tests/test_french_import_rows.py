"""``funnel import``'s row problems, merges, notes and delimiter in French (issue 19, item 2);
its JSON and its ``--rejects`` file keep the English texts in every language."""

from __future__ import annotations

import json

from funnelcli.activity_types import EXPECTED
from funnelcli.i18n.import_words import TEMPLATES

FRENCH = {"LANG": "fr_CA.UTF-8"}
BAD = "Name,Email,Created,Amount\nAl,al@x.ca,2026-01-01,10\nBo,bo@,2026-01-02,12\nCy,cy@x.ca,,-5\n"


def _file(tmp_path, text: str, name: str = "bad.csv"):
    from typer.testing import CliRunner

    from funnelcli.cli import app

    CliRunner().invoke(app, ["init"])
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_rows_in_french(funnel, tmp_path):
    bad = _file(tmp_path, BAD)
    refused = funnel("import", bad, code=65, env=FRENCH)
    assert refused.stderr.splitlines()[0] == (
        f"Lecture de {bad} : encodage UTF-8, séparateur ',' (virgule, détecté), 4 colonnes"
    )
    assert refused.stderr.splitlines()[-4:-1] == [
        f"Erreur : 2 lignes invalides dans {bad}; rien n'a été importé :",
        "  ligne 3, colonne 'Email', valeur 'bo@' : courriel invalide : adresse attendue, comme "
        "nom@exemple.com",
        "  ligne 4, colonne 'Amount', valeur '-5' : un montant ne peut pas être négatif",
    ]
    english = funnel("import", bad, code=65).stderr.splitlines()
    assert english[-3:-1] == [
        "  line 3, column 'Email', value 'bo@': invalid email: expected an address like "
        "name@example.com",
        "  line 4, column 'Amount', value '-5': amounts cannot be negative",
    ]
    assert (
        english[0] == f"Reading {bad}: encoding UTF-8, delimiter ',' (comma, detected), 4 columns"
    )


def test_the_rejects_file_and_the_json_keep_english_reasons(funnel, tmp_path):
    bad = _file(tmp_path, BAD)
    rejects = tmp_path / "rejects.csv"
    args = ("import", bad, "--rejects", rejects, "--dry-run", "-f", "json")
    dry = [json.loads(funnel(*args, env=env).stdout) for env in (FRENCH, None)]
    assert dry[0] == dry[1]
    assert [p["reason"] for p in dry[0]["problems"]] == [
        "invalid email: expected an address like name@example.com",
        "amounts cannot be negative",
    ]
    result = funnel("import", bad, "--rejects", rejects, env=FRENCH)
    assert result.stderr.splitlines()[-3:] == [
        f"2 lignes invalides mises de côté dans {rejects}",
        "  ligne 3, colonne 'Email', valeur 'bo@' : courriel invalide : adresse attendue, comme "
        "nom@exemple.com",
        "  ligne 4, colonne 'Amount', valeur '-5' : un montant ne peut pas être négatif",
    ]
    assert rejects.read_text().splitlines() == [
        "Name,Email,Created,Amount,line,reason",
        "Bo,bo@,2026-01-02,12,3,Email: invalid email: expected an address like name@example.com",
        "Cy,cy@x.ca,,'-5,4,Amount: amounts cannot be negative",
    ]


def test_merges_notes_and_a_semicolon_file_in_french(funnel, tmp_path):
    rows = (
        "Nom;Courriel;Date;Montant\n"
        "Anne Roy;a@x.ca;15/03/2026;12 $\n"
        "Anne Roy;a@x.ca;16/03/2026;12 $\n"
        "Bob;b@x.ca;2030-01-01;3\n"
    )
    path = _file(tmp_path, rows, "pistes.csv")
    result = funnel("import", path, "--rejects", tmp_path / "r.csv", env=FRENCH)
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"Lecture de {path} : encodage UTF-8, séparateur ';' (point-virgule, détecté), 4 colonnes"
    )
    assert lines[4] == (
        f"{path} : les montants avec un « $ » seul dans la colonne 'Montant' (ligne 2 : '12 $') "
        "sont lus en CAD, la devise de la base ; une colonne de devise ou « USD 1,200 » dit le "
        "contraire"
    )
    assert "  ligne 3 fusionnée dans la ligne 2 (même courriel et même nom)" in lines
    assert (
        "  ligne 4, colonne 'Date', valeur '2030-01-01' : la date de création est dans le "
        "futur" in lines
    )


def test_every_template_has_its_parts_in_french_too():
    """The French of a template names the same parts (a missing one would fail when shown)."""
    from funnelcli.i18n.french import catalogue

    assert EXPECTED in TEMPLATES  # the activity types' words, as the import writes them
    for template in TEMPLATES:
        french = catalogue().gettext(template)
        assert sorted(_parts(french)) == sorted(_parts(template)), template


def _parts(text: str) -> list[str]:
    import re

    return re.findall(r"\{(\w+)", text)


SALESFORCE = (
    "Id,Name,StageName,CloseDate,CreatedDate,Amount,IsClosed,IsWon,ExpectedRevenue\n"
    "0061,Acme renewal,Closed Won,2026-01-10,2026-03-01,1000,true,true,1000\n"
    "0062,Beta deal,Prospecting,,2026-02-01,500,false,false,250\n"
)


def test_column_warnings_and_the_profile_in_french(funnel, tmp_path):
    """What an ignored column looks like, the rows closed before they were created (how many,
    which lines) and the recognised CRM's label: French; English as before."""
    path = _file(tmp_path, SALESFORCE, "Opportunity.csv")
    french = funnel("import", path, "--dry-run", env=FRENCH).stderr
    assert (
        "Attention : la colonne 'ExpectedRevenue' ressemble à un montant mais n'est pas importée"
        in french
    )
    assert "Reconnu : export des opportunités Salesforce\n" in french
    assert (
        "Attention : 1 ligne : conclusion avant la date de création (ligne 2) ; la date de "
        "conclusion de la colonne 'CloseDate' est gardée, la date de création en est estimée "
        "(marquée, exclue du cycle de vente)" in french
    )
    english = funnel("import", path, "--dry-run").stderr
    assert "Warning: column 'ExpectedRevenue' looks like an amount but is not imported" in english
    assert "Recognised: Salesforce opportunities export\n" in english
    assert (
        "Warning: 1 row closed before their created date (line 2): the close date in column "
        "'CloseDate' is kept" in english
    )
