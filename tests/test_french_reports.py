"""The dashboard and the report sections in French (issue 19, item 2, reports): titles, the
heading's detail line, the KPI labels, the tables' titles, heads and notes; the same lines in
both languages, the JSON and CSV identical, the same exit codes."""

from __future__ import annotations

import re

import pytest

FRENCH = {"LANG": "fr_CA.UTF-8"}
NB = "\u00a0"  # Babel's space in French numbers (1 234,56 $, 26,8 %)
BAR = "#"
SECTIONS = [
    "kpis",
    "funnel",
    "sources",
    "monthly",
    "forecast",
    "cycle",
    "paths",
    "lost",
    "accuracy",
    "backtest",
]


def _setup(funnel):
    funnel("add", "Julie Roy", "--amount", "1000", "--stage", "proposal", "--source", "web")
    funnel("add", "Luc Côté", "--amount", "2000", "--source", "salon")
    funnel("add", "Marc Roy")
    funnel("win", "2")
    funnel("lose", "3", "--reason", "prix")


def test_the_dashboard_in_french(funnel):
    _setup(funnel)
    french = funnel("report", env=FRENCH).stdout
    assert french == (
        "Tableau de bord des ventes\n"
        "du 2026-11-01 au 2026-11-30 (depuis la première piste) · toutes les sources"
        " · au 2026-11-29 09:00\n"
        "\n"
        "Indicateurs\n"
        "  Pistes créées               3\n"
        f"  Piste → occasion            66,7{NB}%  (2 sur 3 pistes)\n"
        f"  Taux de gain                100,0{NB}%  (occasions gagnées : 1, perdues : 0)\n"
        f"  Affaire gagnée moyenne CAD  2{NB}000,00{NB}$  médiane 2{NB}000,00 · 1 affaire\n"
        "  Cycle de vente              0,0 j  médiane 0,0 j · 1 affaire\n"
        "  Occasions ouvertes          1\n"
        f"    CAD                       1{NB}000,00{NB}$ · pondéré 500,00 · 1 affaire\n"
        "  Vélocité des ventes CAD     —\n"
        "  Suivis en retard            0\n"
        "  Problèmes de données        3  (voir : funnel check)\n"
        "\n"
        "Entonnoir · 3 pistes créées\n"
        "Étape        Atteinte  De la précédente  Des créées\n"
        f"nouveau             3                       100,0{NB}%  {BAR * 30}\n"
        f"contacté            2            66,7{NB}%      66,7{NB}%  {BAR * 20}\n"
        f"qualifié            2           100,0{NB}%      66,7{NB}%  {BAR * 20}\n"
        f"proposition         2           100,0{NB}%      66,7{NB}%  {BAR * 20}\n"
        f"négociation         1            50,0{NB}%      33,3{NB}%  {BAR * 10}\n"
        f"gagné               1           100,0{NB}%      33,3{NB}%  {BAR * 10}\n"
        "\n"
        "Pistes créées par mois et par source\n"
        "Période  salon  web  (aucun)  Total\n"
        f"2026-11      1    1        1      3  {BAR * 30}\n"
        "\n"
        "Prévision\n"
        "Période                     Dev.  Entonnoir (a)  Récurrent (b)  Gagné (c)     Total\n"
        f"Ce mois-ci 2026-11          CAD            0,00           0,00   2{NB}000,00  2{NB}000,00\n"
        "Mois prochain 2026-12       —                 —              —          —         —\n"
        f"Ce trimestre 2026-T4        CAD            0,00           0,00   2{NB}000,00  2{NB}000,00\n"
        "Trimestre prochain 2027-T1  —                 —              —          —         —\n"
        "Exclues de la prévision : 1 affaire ouverte (1 aucune date de conclusion prévue) ;"
        " voir : funnel report forecast\n"
    )


def test_amounts_and_percentages_follow_the_french_region(funnel):
    _setup(funnel)
    france = {"LANG": "fr_FR.UTF-8"}
    funnel("add", "Anne Roy", "--amount", "1234.56 EUR", "--stage", "won")
    kpis = funnel("report", "kpis", env=france).stdout
    narrow = "\u202f"  # fr_FR groups with a narrow no-break space; CAD is "$CA" there
    assert f"  Affaire gagnée moyenne EUR  1{narrow}234,56{NB}€  médiane 1{narrow}234,56" in kpis
    assert f"  Affaire gagnée moyenne CAD  2{narrow}000,00{NB}$CA" in kpis
    quebec = funnel("report", "kpis", env=FRENCH).stdout
    assert f"1{NB}234,56{NB}€" in quebec and f"2{NB}000,00{NB}$" in quebec
    assert "2,000.00 CAD" in funnel("report", "kpis").stdout
    assert f"Piste → occasion            75,0{NB}%  (3 sur 4 pistes)" in quebec


def _shape(text: str) -> list[list[str]]:
    """Each line's figures (numbers, dates, amounts, bars): what must not change with the
    language."""
    return [
        [_english(figure) for figure in re.findall(r"\d(?:[\d,.:\u00a0-]*\d)?|#+|—", line)]
        for line in text.splitlines()
    ]


def _english(figure: str) -> str:
    """``2 000,00`` and ``2,000.00`` both as ``2000.00``."""
    if NB in figure or re.fullmatch(r"\d+,\d+", figure):
        return figure.replace(NB, "").replace(",", ".")
    return figure.replace(",", "")


@pytest.mark.parametrize("section", ["", *SECTIONS])
def test_every_section_has_the_same_lines_and_figures_in_both_languages(funnel, section):
    _setup(funnel)
    args = ["report", *([section] if section else [])]
    english = funnel(*args).stdout
    french = funnel(*args, env=FRENCH).stdout
    assert _shape(french) == _shape(english)
    assert french != english


@pytest.mark.parametrize("section", SECTIONS)
def test_json_and_csv_are_the_same_in_both_languages(funnel, section):
    _setup(funnel)
    for fmt in ("json", "csv"):
        english = funnel("report", section, "--format", fmt).stdout
        assert funnel("report", section, "--format", fmt, env=FRENCH).stdout == english


def test_the_forecast_and_its_notes_in_french(funnel):
    _setup(funnel)
    earlier = {"FUNNEL_NOW": "2026-10-01T09:00"}
    funnel("qualify", "1", "--expected-close", "2026-10-15", env=earlier)  # past now: left out
    french = funnel("report", "forecast", "--method", "stage", env=FRENCH).stdout
    assert "Prévision des revenus\n" in french
    assert "(ce trimestre et le prochain)" in french
    assert "Probabilité de gain par étape (méthode : étape)\n" in french
    assert "Étape        Défaut  Affaires conclues  Gagnées  Empirique  Utilisée\n" in french
    (line,) = [line for line in french.splitlines() if line.startswith("proposition ")]
    assert line.replace(NB, "~").split() == [  # str.split() splits at no-break spaces
        "proposition",
        "50,0~%",
        "1",
        "1",
        "100,0~%",
        "50,0~%",
        "(défaut",
        "de",
        "l'étape)",
    ]
    assert "Exclues de la prévision : 1 affaire ouverte\n" in french
    assert "date de conclusion prévue déjà passée" in french
    assert "Pourquoi" in french and "Why" not in french


def test_an_empty_table_and_a_past_view_in_french(funnel):
    _setup(funnel)
    french = funnel("report", "accuracy", env=FRENCH).stdout.splitlines()
    assert french[0] == "Justesse des prévisions"
    assert french[1].startswith("du 1900-01-01 au 2026-11-29 (tous les instantanés enregistrés)")
    assert "Prévisions enregistrées (0 instantané, toutes les sources) comparées au réel" in french
    assert french.count("(aucun)") == 2  # the two empty tables
    past = funnel("report", "kpis", "--as-of", "2026-11-28", env=FRENCH).stdout.splitlines()
    assert past[1].endswith("(vue passée)")
    assert "Exclues de la prévision" in past[-1] or "Aucune affaire ouverte" in past[-1]


def test_the_lost_section_and_the_paths_in_french(funnel):
    _setup(funnel)
    lost = funnel("report", "lost", env=FRENCH).stdout.splitlines()
    assert lost[:2] == [
        "Affaires perdues",
        "du 2026-11-01 au 2026-11-30 (depuis la première piste) · toutes les sources"
        " · au 2026-11-29 09:00",
    ]
    assert lost[3] == "Pourquoi 1 affaire a été perdue"
    assert lost[4].split() == ["Raison", "Affaires", "Part", "Valeur", "Sans", "montant"]
    paths = funnel("report", "paths", env=FRENCH).stdout
    assert "Quels parcours gagnent\n" in paths
    assert "  Gagnées / perdues        1 / 1\n" in paths
    assert "Aucune action enregistrée sur ces affaires." in paths
