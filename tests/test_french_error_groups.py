"""Every error a person reads is French under a French locale (issue 19, item 2): one
representative refusal per group of messages, with the same exit code in both languages, the
English line unchanged and the database untouched; and the built-in stages' names (English or
French) refused to a new or renamed stage."""

from __future__ import annotations

import pytest
from helpers import rows

FRENCH = {"LANG": "fr_CA.UTF-8"}

#: ``(arguments, exit code, English stderr, French stderr)``; ``{tmp}`` is the test's folder,
#: ``{db}`` its database. Lead 1 is open (source web), lead 2 won.
CASES = [
    (  # values typed for a lead
        ("qualify", "1", "--probability", "140"),
        2,
        "Error: invalid probability 140: expected 0 to 100 (percent)\n",
        "Erreur : probabilité invalide 140 : attendu de 0 à 100 (pour cent)\n",
    ),
    (
        ("edit", "1", "--email", "bad"),
        2,
        "Error: invalid email 'bad': expected an address like name@example.com\n",
        "Erreur : courriel invalide 'bad' : attendu une adresse comme nom@exemple.com\n",
    ),
    (  # periods: the list of forms keeps its words (they are typed), its "or" is French
        ("report", "--period", "xyz"),
        2,
        "Error: invalid period 'xyz': expected 2026-11, 2026-Q3, 2026, this-month, last-month, "
        "next-month, this-quarter, last-quarter, next-quarter, this-year, last-year, ytd or "
        "last-12-months\n",
        "Erreur : période invalide 'xyz' : attendu 2026-11, 2026-Q3, 2026, this-month, "
        "last-month, next-month, this-quarter, last-quarter, next-quarter, this-year, last-year, "
        "ytd ou last-12-months\n",
    ),
    (  # sources
        ("report", "kpis", "--source", "nowhere"),
        2,
        "Error: no lead has the source 'nowhere': expected one of web, (none)\n",
        "Erreur : aucune piste n'a la source 'nowhere' : attendu l'une de web, (none)\n",
    ),
    (  # stages: the built-in stage shown in French
        ("stages", "remove", "won"),
        2,
        "Error: stage 'won' is a closed stage: it cannot be removed\n",
        "Erreur : l'étape 'gagné' est une étape fermée : elle ne peut pas être supprimée\n",
    ),
    (  # moves
        ("advance", "2"),
        2,
        "Error: lead 2 is won: a closed lead does not advance\n"
        "Hint: to reopen it: funnel reopen 2\n",
        "Erreur : la piste 2 est gagnée : une piste fermée n'avance pas\n"
        "Conseil : pour la rouvrir : funnel reopen 2\n",
    ),
    (
        ("win", "2"),
        2,
        "Error: lead 2 is already won: it cannot be won\nHint: reopen it first: funnel reopen 2\n",
        "Erreur : la piste 2 est déjà gagnée : elle ne peut pas être gagnée\n"
        "Conseil : rouvrez-la d'abord : funnel reopen 2\n",
    ),
    (  # output files
        ("export", "leads", "-o", "{db}"),
        2,
        "Error: {db} is the live database itself: choose another file\n",
        "Erreur : {db} est la base active elle-même : choisissez un autre fichier\n",
    ),
    (
        ("export", "leads", "-o", "{tmp}/link.csv"),
        2,
        "Error: {tmp}/link.csv is a symbolic link to {tmp}/in.csv: it was left untouched\n"
        "Hint: add --force to write to {tmp}/in.csv (the link stays as it is)\n",
        "Erreur : {tmp}/link.csv est un lien symbolique vers {tmp}/in.csv : il a été laissé "
        "intact\nConseil : ajoutez --force pour écrire dans {tmp}/in.csv (le lien reste tel "
        "quel)\n",
    ),
    (  # read errors (errors.read_error)
        ("import", "{tmp}/nofile.csv"),
        66,
        "Error: cannot read {tmp}/nofile.csv: no such file\n",
        "Erreur : impossible de lire {tmp}/nofile.csv : fichier introuvable\n",
    ),
    (  # undo
        ("redo",),
        2,
        "Error: nothing to redo: no undo since the last command\n",
        "Erreur : rien à rétablir : aucune annulation depuis la dernière commande\n",
    ),
    (
        ("undo", "99"),
        2,
        "Error: no journal entry 99\nHint: list them with: funnel undo --list\n",
        "Erreur : aucune entrée de journal 99\nConseil : listez-les avec : funnel undo --list\n",
    ),
    (  # backup and restore
        ("restore", "{tmp}/nope.db"),
        66,
        "Error: the backup {tmp}/nope.db does not exist\n",
        "Erreur : la sauvegarde {tmp}/nope.db n'existe pas\n",
    ),
    (  # import options, --map and mapping files
        ("import", "{tmp}/in.csv", "--map", "bad"),
        2,
        "Error: invalid --map 'bad': expected COLUMN=FIELD like 'Nom=name'\n",
        "Erreur : --map 'bad' invalide : attendu COLONNE=CHAMP comme 'Nom=name'\n",
    ),
    (
        ("import", "{tmp}/in.csv", "--kind", "activities"),
        65,
        "Error: no column of {tmp}/in.csv holds the lead or the date (columns: Name)\n"
        "Hint: name the column with --map 'COLUMN=FIELD'\n",
        "Erreur : aucune colonne de {tmp}/in.csv ne contient la piste ou la date (colonnes : "
        "Name)\nConseil : nommez la colonne avec --map 'COLONNE=CHAMP'\n",
    ),
    (
        ("import", "{tmp}/in.csv", "--mapping", "{tmp}/bad.toml"),
        65,
        "Error: the mapping file {tmp}/bad.toml: kind must be a string\n",
        "Erreur : le fichier de correspondance {tmp}/bad.toml : kind doit être une chaîne\n",
    ),
    (  # the intake spool
        ("intake", "--flush", "--spool", "{tmp}/nowhere"),
        66,
        "Error: the spool folder {tmp}/nowhere does not exist (--spool)\n",
        "Erreur : le dossier d'attente {tmp}/nowhere n'existe pas (--spool)\n",
    ),
]


@pytest.mark.parametrize(
    ("args", "code", "english", "french"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_each_group_of_errors_in_french_and_english(
    funnel, db_path, tmp_path, args, code, english, french
):
    funnel("add", "Julie Roy", "--email", "julie@acme.ca", "--source", "web", "--amount", "100")
    funnel("add", "Luc Côté", "--amount", "50")
    funnel("win", "2")
    (tmp_path / "in.csv").write_text("Name\nA\n")
    (tmp_path / "bad.toml").write_text("kind = 3\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "in.csv")
    places = {"tmp": tmp_path, "db": db_path}
    args = [a.format(**places) for a in args]
    before = rows(db_path, "SELECT * FROM leads"), rows(db_path, "SELECT * FROM stages")
    assert funnel(*args, code=code).stderr == english.format(**places)
    result = funnel(*args, code=code, env=FRENCH)
    assert (result.stdout, result.stderr) == ("", french.format(**places))
    after = rows(db_path, "SELECT * FROM leads"), rows(db_path, "SELECT * FROM stages")
    assert after == before


BUILT_IN_NAMES = [
    # (the stage commands, English name of the built-in stage taken, its French name)
    (("stages", "add", "nouveau"), "nouveau", "new", "nouveau"),
    (("stages", "add", "GAGNE", "--probability", "50"), "GAGNE", "won", "gagné"),
    (("stages", "rename", "contacted", "Négociation"), "Négociation", "negotiation", "négociation"),
]


@pytest.mark.parametrize(("args", "typed", "english", "french"), BUILT_IN_NAMES)
def test_a_stage_cannot_take_a_built_in_stages_french_name(
    funnel, db_path, args, typed, english, french
):
    funnel("add", "Julie Roy")
    before = rows(db_path, "SELECT * FROM stages")
    assert funnel(*args, code=2).stderr == (
        f"Error: {typed!r} is the name of the built-in stage {english!r}: choose another name\n"
    )
    assert funnel(*args, code=2, env=FRENCH).stderr == (
        f"Erreur : {typed!r} est le nom de l'étape intégrée {french!r} : choisissez un autre nom\n"
    )
    assert rows(db_path, "SELECT * FROM stages") == before
    # "nouveau" stays the built-in stage: there is only one
    funnel("add", "Luc Côté", "--stage", "nouveau", env=FRENCH)
    assert rows(db_path, "SELECT s.name FROM leads JOIN stages s ON s.id = stage_id") == [
        {"name": "new"},
        {"name": "new"},
    ]


def test_the_english_name_is_taken_as_before_and_a_built_in_stage_keeps_its_own(funnel, db_path):
    funnel("add", "Julie Roy")
    assert funnel("stages", "add", "New", code=2).stderr == (
        "Error: a stage named 'new' already exists\n"
    )
    assert funnel("stages", "add", "New", code=2, env=FRENCH).stderr == (
        "Erreur : une étape nommée 'nouveau' existe déjà\n"
    )
    funnel("stages", "rename", "new", "Nouveau")  # the built-in stage itself: its name to give
    funnel("stages", "remove", "proposal")  # gone: its names are free again
    funnel("stages", "add", "Proposition", "--after", "qualified")
    names = [r["name"] for r in rows(db_path, "SELECT name FROM stages ORDER BY position")]
    assert names[:4] == ["Nouveau", "contacted", "qualified", "Proposition"]


def test_a_rejected_web_submission_is_told_in_french_and_kept_with_its_reason_in_english(
    funnel, db_path
):
    from funnelcli.spool import FOLDER, digest

    funnel("init")
    body = "message=bonjour&company=Acme"
    result = funnel("intake", input=body, code=65, env=FRENCH)
    name = f"20261129T140000000000Z-{digest(body.encode())}.sub"
    kept = db_path.parent / FOLDER / "rejected" / name
    assert result.stderr == (
        "Erreur : personne à joindre : l'envoi n'a ni courriel, ni téléphone, ni nom\n"
        f"Conseil : l'envoi est gardé dans {kept}\n"
    )
    assert kept.with_name(name + ".reason").read_text() == (
        "nothing to contact: the submission has neither email, phone nor name\n"
    )
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 0}]


@pytest.mark.slow  # a real process
def test_a_full_standard_output_says_in_french_what_was_saved(funnel, db_path):
    import os
    import subprocess
    import sys

    funnel("init")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "funnelcli", "stages", "add", "Démo"],
            stdout=full,
            stderr=subprocess.PIPE,
            env={**os.environ, **FRENCH},
            timeout=60,
            check=False,
        )
    assert result.returncode == 74  # as in English (test_hardening)
    assert result.stderr.decode() == (
        "Erreur : l'étape 'Démo' a été ajoutée; l'écriture de sa sortie a échoué : "
        "No space left on device\n"
    )
    assert rows(db_path, "SELECT name FROM stages WHERE name = 'Démo'") == [{"name": "Démo"}]


def test_the_stale_spool_warning_in_french(funnel, db_path):
    from datetime import timedelta

    from funnelcli import spool
    from funnelcli.dates import now

    funnel("init")
    folder = db_path.parent / spool.FOLDER
    spool.queue(folder, b"name=Bob&phone=1", received=now() - timedelta(hours=2), input=None)
    assert funnel("check", env=FRENCH).stderr.endswith(
        f"Attention : 1 envoi de formulaire web en attente dans {folder} depuis "
        "2026-11-29 07:00 : lancez `funnel intake --flush` (ou vérifiez sa ligne cron)\n"
    )
    assert funnel("check").stderr.endswith(
        f"Warning: 1 web submission waiting in {folder} since 2026-11-29 07:00: run "
        "`funnel intake --flush` (or check its cron line)\n"
    )


def test_a_queued_submission_rejected_at_flush_is_told_in_french(funnel, db_path, tmp_path):
    """Its reason stays English in the ``.reason`` file and the JSON, and is worded in the
    warning a person reads."""
    import json
    from datetime import UTC, datetime

    from funnelcli import spool

    funnel("init")
    folder = tmp_path / "web"
    folder.mkdir()
    received = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
    queued = spool.queue(folder, b"message=bonjour", received=received, input=None)
    french = funnel("intake", "--flush", "--spool", folder, env=FRENCH)
    assert french.stderr.endswith(
        "refusé : personne à joindre : l'envoi n'a ni courriel, ni téléphone, ni nom\n"
    )
    assert queued.digest[:12] in french.stderr
    assert rows(db_path, "SELECT count(*) AS n FROM leads") == [{"n": 0}]
    again = spool.queue(folder, b"message=hello", received=received, input=None)
    english = funnel("intake", "--flush", "--spool", folder, "-f", "json")
    [outcome] = json.loads(english.stdout)
    assert outcome["submission"] == again.digest
    assert outcome["reason"] == (
        "nothing to contact: the submission has neither email, phone nor name"
    )


def test_a_rejection_reason_with_values_is_told_in_french_too(funnel, tmp_path):
    from datetime import UTC, datetime

    from funnelcli import spool

    funnel("init")
    folder = tmp_path / "web"
    folder.mkdir()
    received = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
    spool.queue(folder, b"\xff\xfename=Al", received=received, input="form")
    french = funnel("intake", "--flush", "--spool", folder, env=FRENCH)
    assert "the submission" not in french.stderr
    assert french.stderr.rstrip().endswith("(octet 0)"), french.stderr
