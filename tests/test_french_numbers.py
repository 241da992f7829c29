"""French numbers for people (issue 19, item 3): amounts and percentages in the region's format
(Babel), and a new database's currency taken from the locale once, stored in its settings."""

from __future__ import annotations

import json

from helpers import rows

NB = "\u00a0"  # fr_CA's group and unit space
NARROW = "\u202f"  # fr_FR's group space
QUEBEC = {"LANG": "fr_CA.UTF-8"}
FRANCE = {"LANG": "fr_FR.UTF-8"}


def test_a_database_created_under_fr_fr_takes_the_euro(funnel, db_path):
    funnel("add", "Anne Roy", "--amount", "1234.56", env=FRANCE)
    assert rows(db_path, "SELECT value FROM settings WHERE key = 'currency'") == [{"value": "EUR"}]
    funnel("add", "Luc Côté", "--amount", "5")  # cron, without LANG: the stored setting
    assert rows(db_path, "SELECT currency FROM leads ORDER BY id") == [
        {"currency": "EUR"},
        {"currency": "EUR"},
    ]
    card = funnel("show", "1", env=FRANCE).stdout
    assert f"1{NARROW}234,56{NB}€" in card
    assert "1,234.56 EUR" in funnel("show", "1").stdout
    shown = json.loads(funnel("show", "1", "--format", "json", env=FRANCE).stdout)
    assert shown == json.loads(funnel("show", "1", "--format", "json").stdout)


def test_only_the_new_database_takes_the_locale(funnel, db_path):
    funnel("add", "Anne Roy")  # created without a French locale: no setting, CAD
    assert rows(db_path, "SELECT value FROM settings WHERE key = 'currency'") == []
    funnel("add", "Luc Côté", "--amount", "10", env=FRANCE)  # an existing database: unchanged
    assert rows(db_path, "SELECT currency FROM leads WHERE id = 2") == [{"currency": "CAD"}]


def test_quebec_and_switzerland(funnel, db_path, tmp_path):
    funnel("add", "Anne Roy", "--amount", "1234.56", env=QUEBEC)
    assert rows(db_path, "SELECT value FROM settings WHERE key = 'currency'") == [{"value": "CAD"}]
    assert f"1{NB}234,56{NB}$" in funnel("show", "1", env=QUEBEC).stdout
    swiss = tmp_path / "suisse.db"
    funnel("--db", swiss, "add", "Jean Roy", "--amount", "10", env={"LANG": "fr_CH.UTF-8"})
    assert rows(swiss, "SELECT currency FROM leads") == [{"currency": "CHF"}]


def test_percentages_and_counts_in_french(funnel):
    funnel("add", "Anne Roy", "--amount", "1234.56", "--stage", "won", env=QUEBEC)
    funnel("add", "Luc Côté", "--stage", "lost")
    funnel("add", "Marc Roy")
    french = funnel("report", "kpis", env=QUEBEC).stdout
    assert f"  Piste → occasion            33,3{NB}%  (1 sur 3 pistes)\n" in french
    assert f"  Affaire gagnée moyenne CAD  1{NB}234,56{NB}$  médiane 1{NB}234,56 · 1 affaire" in (
        french
    )
    english = funnel("report", "kpis").stdout
    assert "  Lead → opportunity    33.3%  (1 of 3 leads)\n" in english
    assert "1,234.56 CAD  median 1,234.56" in english


def test_scripts_read_the_same_numbers_in_every_language(funnel):
    funnel("add", "Anne Roy", "--amount", "1234.56", env=FRANCE)
    for args in (["list", "-f", "csv"], ["list", "-f", "json"], ["export", "leads"]):
        english = funnel(*args).stdout
        assert funnel(*args, env=FRANCE).stdout == english
        assert "1234.56" in english
    table = funnel("list", env=FRANCE).stdout
    assert f"1{NARROW}234,56{NB}€" in table
