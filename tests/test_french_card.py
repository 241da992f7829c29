"""``funnel show`` and the lead commands' lines in French (issue 19, item 3): the same card,
line for line, in both languages; the JSON unchanged."""

from __future__ import annotations

from helpers import rows

FRENCH = {"LANG": "fr_CA.UTF-8"}


def _setup(funnel):
    funnel("add", "Julie Roy", "--company", "Acme", "--email", "j@acme.ca", "--stage", "proposal")
    funnel("follow-up", "add", "1", "rappeler", "--due", "2026-12-01")


def test_the_card_in_french(funnel):
    _setup(funnel)
    french = funnel("show", "1", env=FRENCH).stdout
    assert french == (
        "Piste 1 · Julie Roy\n"
        "  Étape       proposition\n"
        "  Entreprise  Acme\n"
        "  Courriel    j@acme.ca\n"
        "  Créée       2026-11-29 09:00\n"
        "\n"
        "Qualification\n"
        "  Montant                      inconnu\n"
        "  Fréquence d'achat            inconnu\n"
        "  Le prix seul compte          inconnu\n"
        "  Décideur                     inconnu\n"
        "  Le contact décide            inconnu\n"
        "  Approbation de la direction  inconnu\n"
        "  Préalables                   aucun noté\n"
        "  Conclusion prévue            inconnu\n"
        "  Probabilité de gain          50 % (défaut de l'étape)\n"
        "\n"
        "Suivis ouverts\n"
        "  F1 échéance 2026-12-01  rappeler\n"
        "\n"
        "Historique\n"
        "  2026-11-29 09:00  étape      créée à l'étape proposition\n"
        "  2026-11-29 09:00  promesse   F1 rappeler (échéance 2026-12-01)\n"
    )
    english = funnel("show", "1").stdout
    assert english.startswith("Lead 1 · Julie Roy\n  Stage    proposal\n")
    assert "  Win probability        50 % (stage default)\n" in english
    assert len(english.splitlines()) == len(french.splitlines())
    assert funnel("show", "1", "--format", "json", env=FRENCH).stdout == (
        funnel("show", "1", "--format", "json").stdout
    )


def test_winning_in_french_says_what_it_cancelled(funnel, db_path):
    _setup(funnel)
    result = funnel("win", "1", env=FRENCH)
    assert result.stdout == "Piste 1 Julie Roy : proposition → gagné (2026-11-29 09:00)\n"
    assert result.stderr == (
        "1 suivi de la piste 1 annulé (la piste a été gagnée); gardez-les avec --keep-follow-ups\n"
        "Attention : la piste 1 a été gagnée sans montant : ajoutez-le avec funnel edit 1 "
        "--amount MONTANT\n"
    )
    assert rows(db_path, "SELECT cancel_reason FROM follow_ups") == [{"cancel_reason": "lead-won"}]
    english = funnel("reopen", "1").stderr
    assert english == "Reopened 1 follow-up that closing lead 1 had cancelled\n"


def test_the_list_says_when_nothing_matches_in_french(funnel):
    _setup(funnel)
    assert funnel("list", "--search", "zzz", env=FRENCH).stderr == "Aucune piste ne correspond.\n"
    assert funnel("list", "--search", "zzz").stderr == "No leads match.\n"
    result = funnel("edit", "1", "--phone", "514-555-1234", env=FRENCH)
    assert result.stdout == "Piste 1 Julie Roy : mis à jour téléphone\n"
    assert funnel("edit", "1", "--phone", "514-555-1234", env=FRENCH).stdout == (
        "Piste 1 Julie Roy : rien n'a changé\n"
    )
