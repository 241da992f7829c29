"""The lines the writing commands print after the fact, in French (issue 19, item 2): undo and
the journal (its stored English summaries worded again), delete, merge, history --drop, the
stage commands, export, backup; English keeps its words, JSON its values."""

from __future__ import annotations

import json

from helpers import rows

FRENCH = {"LANG": "fr_CA.UTF-8"}


def test_undo_and_the_journal_in_french(funnel, db_path):
    funnel("add", "Sophie Gagnon")
    funnel("advance", "1", "qualified")
    said = funnel("undo", env=FRENCH).stdout
    assert said == (
        "Entrée 2 annulée : funnel advance 1 qualified (ajout de 1 changement d'étape ; "
        "modification de 1 piste) ; enregistré comme entrée 3\n"
    )
    listed = funnel("undo", "--list", env=FRENCH).stdout.splitlines()
    assert (
        listed[1]
        .rstrip()
        .endswith(
            "annulation de l'entrée 2 : modification de 1 piste ; suppression de 1 changement d'étape"
        )
    )
    assert (
        listed[2]
        .rstrip()
        .endswith(
            "ajout de 1 changement d'étape ; modification de 1 piste                                   annulée par 3"
        )
    )
    # the database keeps the English summary; JSON shows it as stored, in both languages
    stored = rows(db_path, "SELECT summary FROM journal WHERE id = 3")
    assert stored == [{"summary": "undo of entry 2: changed 1 lead; deleted 1 stage change"}]
    english = funnel("undo", "--list", "-f", "json").stdout
    assert funnel("undo", "--list", "-f", "json", env=FRENCH).stdout == english
    assert (
        funnel("undo", "--list")
        .stdout.splitlines()[1]
        .rstrip()
        .endswith("undo of entry 2: changed 1 lead; deleted 1 stage change")
    )


def test_delete_merge_and_drop_in_french(funnel):
    funnel("add", "Sophie Gagnon", "--email", "s@acme.ca")
    funnel("advance", "1", "qualified")
    assert funnel("history", "1", "--drop", "2", env=FRENCH).stdout == (
        "Changement 2 (nouveau → qualifié) de la piste 1 Sophie Gagnon retiré : "
        "maintenant à l'étape nouveau\n"
    )
    funnel("add", "sophie gagnon", "--phone", "514-555-0101", "--stage", "proposal")
    merged = funnel("merge", "1", "2", env=FRENCH)
    assert merged.stdout == (
        "Piste 2 sophie gagnon fusionnée dans la piste 1 Sophie Gagnon : 0 suivi, 0 activité ; "
        "son historique d'étapes (proposition) ; rempli : téléphone\n"
        "La piste 1 Sophie Gagnon est à l'étape proposition\n"
    )
    assert merged.stderr == "Annuler avec : funnel undo\n"
    deleted = funnel("delete", "1", "--yes", env=FRENCH)
    assert deleted.stdout == (
        "Supprimé : piste 1 Sophie Gagnon (proposition ; 0 suivi, 0 activité, "
        "1 changement d'étape)\n"
    )
    assert deleted.stderr == "Annuler avec : funnel undo\n"
    english = funnel("undo").stdout
    assert english == (
        "Undid entry 6: funnel delete 1 --yes (deleted 1 lead, 1 stage change); "
        "recorded as entry 7\n"
    )


def test_stages_export_and_log_types_in_french(funnel, tmp_path):
    funnel("add", "Luc Roy")
    assert funnel("stages", "add", "essai", "--after", "new", env=FRENCH).stdout == (
        "Étape 'essai' ajoutée en position 2 (7 %)\n"
    )
    table = funnel("stages", env=FRENCH).stdout.splitlines()
    assert table[0].split() == ["#", "Étape", "%", "de", "gain", "Nature", "Pistes", "actuelles"]
    assert table[3].split()[1:5] == ["contacté", "10", "%", "ouverte"]
    assert table[4].split()[1:6] == ["qualifié", "25", "%", "ouverte", "·"]
    assert funnel("stages", "remove", "essai", env=FRENCH).stdout == "Étape 'essai' retirée\n"
    out = tmp_path / "pistes.csv"
    exported = funnel("export", "leads", "-o", out, env=FRENCH)
    assert exported.stderr == f"Exporté : 1 piste dans {out}\n"
    assert funnel("export", "leads", "-o", out, "--force").stderr == (
        f"Exported 1 leads to {out}\n"
    )
    types = funnel("log", "--types", env=FRENCH).stdout.splitlines()
    assert types[0].split()[:2] == ["Type", "Connu"] and types[1].split()[:2] == ["call", "oui"]
    assert json.loads(funnel("log", "--types", "-f", "json", env=FRENCH).stdout)[0]["known"]


def test_check_details_in_french(funnel, db_path):
    import sqlite3

    funnel("add", "Luc Roy", "--source", "web")
    funnel("promise", "1", "rappeler", "--due", "2026-12-01")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE follow_ups SET snooze_count = 3")
    french = funnel("check", env=FRENCH).stdout.splitlines()
    assert "  snoozed_often: suivi F1 (piste 1)" in french
    english = funnel("check").stdout.splitlines()
    assert "  snoozed_often: follow-up F1 (lead 1)" in english
    found = json.loads(funnel("check", "-f", "json", env=FRENCH).stdout)
    (snoozed,) = [f for f in found if f["rule"] == "snoozed_often"]
    assert snoozed["details"] == ["follow-up F1 (lead 1)"]


def test_the_tours_refusals_in_french(funnel):
    funnel("add", "Sophie Gagnon", "--email", "s@acme.ca")
    refused = funnel(
        "add", "Sophie", "--email", "s@acme.ca", "--if-exists", "error", code=2, env=FRENCH
    )
    assert refused.stderr == (
        "Erreur : la piste 1 Sophie Gagnon a déjà le courriel s@acme.ca\n"
        "Conseil : --if-exists show donne son numéro, --if-exists update remplit ses champs "
        "vides\n"
    )
    assert funnel("log", "1", "cal", code=2, env=FRENCH).stderr == (
        "Erreur : type d'activité inconnu 'cal' : vouliez-vous dire call?\n"
        "Conseil : --new-type enregistre 'cal' comme nouveau type ; funnel log --types liste "
        "les types\n"
    )
    assert funnel("reopen", "1", code=2, env=FRENCH).stderr == (
        "Erreur : la piste 1 est ouverte (à l'étape 'nouveau') : seule une piste gagnée ou "
        "perdue peut être rouverte\n"
        "Conseil : pour la ramener : funnel advance 1 ÉTAPE\n"
    )
    funnel("promise", "1", "rappeler", "--due", "2026-12-01")
    assert funnel("snooze", "1", "2026-11-01", code=2, env=FRENCH).stderr == (
        "Erreur : impossible de reporter le suivi F1 au 2026-11-01 : c'est dans le passé "
        "(il est 2026-11-29 09:00)\n"
    )
    funnel("done", "1")
    assert funnel("done", "1", code=2, env=FRENCH).stderr == (
        "Erreur : le suivi F1 est déjà fait (2026-11-29 09:00) : rien à faire\n"
        "Conseil : pour le rouvrir : funnel follow-up reopen F1\n"
    )
    assert funnel("done", "1", code=2).stderr == (
        "Error: follow-up F1 is already done (2026-11-29 09:00): nothing to do\n"
        "Hint: to open it again: funnel follow-up reopen F1\n"
    )
