"""Errors and hints in French (issue 19): the same exit codes, the same lines, the same
database afterwards; only the words change."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import rows

FRENCH = {"LANG": "fr_CA.UTF-8"}

#: ``(arguments, exit code, English stderr, French stderr)`` after the setup below.
CASES = [
    (
        ("show", "99"),
        2,
        "Error: no lead '99': expected a lead id, external id or email\n"
        "Hint: find it with: funnel list --search '99'\n",
        "Erreur : aucune piste '99' : attendu un numéro de piste, un identifiant externe ou un "
        "courriel\nConseil : cherchez-la avec : funnel list --search '99'\n",
    ),
    (
        ("show", "F1"),
        2,
        "Error: 'F1' is a follow-up id, not a lead\n"
        "Hint: see it with: funnel follow-up list --all (its lead is in the Lead column)\n",
        "Erreur : 'F1' est un numéro de suivi, pas une piste\n"
        "Conseil : voyez-le avec : funnel follow-up list --all (sa piste est dans la colonne "
        "Piste)\n",
    ),
    (
        ("follow-up", "done", "F9"),
        2,
        "Error: no follow-up F9\nHint: see the ids with: funnel follow-up list --all\n",
        "Erreur : aucun suivi F9\nConseil : voyez les numéros avec : funnel follow-up list --all\n",
    ),
    (
        ("follow-up", "done", "Fx"),
        2,
        "Error: invalid follow-up id 'Fx': expected F12 or 12\n"
        "Hint: see the ids with: funnel follow-up list --all\n",
        "Erreur : numéro de suivi invalide 'Fx' : attendu F12 ou 12\n"
        "Conseil : voyez les numéros avec : funnel follow-up list --all\n",
    ),
    (
        ("follow-up", "add", "1", "rappeler", "--due", "bientôt"),
        2,
        "Error: --due: invalid date 'bientôt': expected an ISO date (2026-12-01), a date and time "
        "(2026-12-01 14:30) or a form like today, tomorrow, +3d, in 2 weeks, next monday, "
        "1 dec\n",
        "Erreur : --due: date invalide 'bientôt' : attendu : une date ISO (2026-12-01), une date et une "
        "heure (2026-12-01 14:30) ou une forme comme aujourd'hui, demain, +3j, dans 2 semaines, "
        "lundi prochain, 1 déc\n",
    ),
    (
        ("edit", "1", "--amount", "-5"),
        2,
        "Error: --amount: invalid amount '-5': amounts cannot be negative\n",
        "Erreur : --amount: montant invalide '-5' : un montant ne peut pas être négatif\n",
    ),
    (
        ("edit", "1", "--amount", "1.005"),
        2,
        "Error: --amount: ambiguous amount '1.005': '.' before three digits could group thousands or be "
        "the decimal point\nHint: write 1005 or 1,005 for 1005, or at most two decimals\n",
        "Erreur : --amount: montant ambigu '1.005' : un « . » devant trois chiffres peut séparer les "
        "milliers ou être la marque décimale\nConseil : écrivez 1005 ou 1,005 pour 1005, ou au "
        "plus deux décimales\n",
    ),
    (
        ("advance", "1", "nowhere"),
        2,
        "Error: unknown stage 'nowhere': expected one of new, contacted, qualified, proposal, "
        "negotiation, won, lost\nHint: see the pipeline with: funnel stages list\n",
        "Erreur : étape inconnue 'nowhere' : attendu l'une de nouveau, contacté, qualifié, "
        "proposition, négociation, gagné, perdu\nConseil : voyez l'entonnoir avec : funnel "
        "stages list\n",
    ),
]


@pytest.mark.parametrize(
    ("args", "code", "english", "french"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_errors_are_french_with_the_same_exit_codes(funnel, db_path, args, code, english, french):
    funnel("add", "Julie Roy", "--amount", "100")
    funnel("follow-up", "add", "1", "rappeler", "--due", "2026-12-01")
    before = rows(db_path, "SELECT * FROM leads")
    assert funnel(*args, code=code).stderr == english
    result = funnel(*args, code=code, env=FRENCH)
    assert result.stdout == ""
    assert result.stderr == french
    assert len(result.stderr.splitlines()) == len(english.splitlines())
    assert rows(db_path, "SELECT * FROM leads") == before


def test_a_missing_database_in_french(funnel, tmp_path):
    mistyped = tmp_path / "funel.db"
    result = funnel("--db", mistyped, "list", code=66, env=FRENCH)
    assert result.stderr == (
        f"Erreur : la base {mistyped} n'existe pas\n"
        "Conseil : créez-la avec `funnel init` (ou `funnel add`), ou vérifiez --db et FUNNEL_DB\n"
    )
    assert not mistyped.exists()


def test_a_locked_database_in_french_exits_75(funnel, db_path):
    funnel("add", "A")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = funnel("add", "B", code=75, env={**FRENCH, "FUNNEL_BUSY_TIMEOUT": "0.2"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.stderr == (
        f"Erreur : la base {db_path} est verrouillée par une autre commande funnel (attente de "
        "0.2 s) : réessayez\n"
        "Conseil : allongez l'attente avec FUNNEL_BUSY_TIMEOUT=<secondes>\n"
    )
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["A"]


def test_a_text_file_is_not_a_database_in_french(funnel, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("name\nMarie\n")
    result = funnel("--db", path, "add", "B", code=78, env=FRENCH)
    assert result.stderr.splitlines()[0] == (
        f"Erreur : {path} n'est pas une base funnel (pas un fichier SQLite); il n'a pas été touché"
    )
    assert path.read_text() == "name\nMarie\n"


def test_an_import_refused_in_french_exits_65_and_writes_nothing(funnel, db_path, tmp_path):
    funnel("add", "Existing")
    path = tmp_path / "in.csv"
    path.write_text("Name,Email\nAl,al@x.ca\nBo,bo@\nCy,cy@\n")
    english = funnel("import", path, code=65).stderr.splitlines()
    french = funnel("import", path, code=65, env=FRENCH).stderr.splitlines()
    assert f"Erreur : 2 lignes invalides dans {path}; rien n'a été importé :" in french
    assert (
        "Conseil : corrigez-les et importez de nouveau, ou passez --rejects FICHIER pour importer "
        "les lignes valides et mettre les autres de côté dans FICHIER"
    ) in french
    assert len(french) == len(english)
    path.write_text("Name,Email\nBo,bo@\n")
    one = funnel("import", path, "--dry-run", code=65, env=FRENCH).stderr
    assert f"Erreur : 1 ligne invalide dans {path}; rien ne serait importé :\n" in one
    assert [r["name"] for r in rows(db_path, "SELECT name FROM leads")] == ["Existing"]
