"""funnel in French: the choice of language, the cron contract, and the same structure, exit
codes and data in both languages (JSON and CSV never change with the language)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from funnelcli import i18n

FRENCH = {"LANG": "fr_CA.UTF-8"}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ("en", "en")),
        ({"LANG": "fr_CA.UTF-8"}, ("fr", "fr_CA")),
        ({"LANG": "fr_FR.UTF-8"}, ("fr", "fr_FR")),
        ({"LANG": "fr_BE"}, ("fr", "fr_BE")),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_CH.UTF-8"}, ("fr", "fr_CH")),
        ({"LANG": "fr_CA.UTF-8", "LC_ALL": "C"}, ("en", "en")),  # LC_ALL beats LANG
        ({"LANG": "C", "LANGUAGE": "fr:en"}, ("fr", "fr_CA")),  # LANGUAGE lists, first wins
        ({"LANG": "fr_CA.UTF-8", "FUNNEL_LANG": "en"}, ("en", "en")),
        ({"FUNNEL_LANG": "fr"}, ("fr", "fr_CA")),  # French without a region: Québec's
        ({"FUNNEL_LANG": "FR", "LANG": "fr_FR.UTF-8"}, ("fr", "fr_FR")),
        ({"FUNNEL_LANG": "de", "LANG": "fr_CA.UTF-8"}, ("fr", "fr_CA")),  # unknown: ignored
    ],
)
def test_the_language_comes_from_the_environment(environ, expected):
    assert i18n.decide(environ, None) == expected


def test_the_saved_choice_beats_the_locale_and_funnel_lang_beats_it(tmp_path):
    (tmp_path / "settings.toml").write_text('language = "fr"\n')
    assert i18n.decide({"LANG": "en_US.UTF-8"}, tmp_path) == ("fr", "fr_CA")
    assert i18n.decide({"LANG": "fr_FR.UTF-8"}, tmp_path) == ("fr", "fr_FR")
    assert i18n.decide({"FUNNEL_LANG": "en"}, tmp_path) == ("en", "en")
    (tmp_path / "settings.toml").write_text("language = [not toml")
    assert i18n.decide({}, tmp_path) == ("en", "en")


def test_config_language_saves_the_choice_without_a_database(funnel, db_path, tmp_path):
    result = funnel("config", "language", "fr")
    assert result.stdout == "language = fr\n"
    assert result.stderr == "l'interface est maintenant en français\n"
    settings = tmp_path / "app-config" / "funnel" / "settings.toml"
    assert settings.read_text() == 'language = "fr"\n'
    assert not db_path.exists()
    assert funnel("config", "language").stdout == "language = fr\n"
    # the next command speaks French, whatever the locale
    assert funnel("show", "1", code=66).stderr.startswith("Erreur : ")
    assert funnel("config", "language", "en").stdout == "language = en\n"
    assert settings.read_text() == 'language = "en"\n'
    result = funnel("config", "language", "de", code=2)
    assert result.stderr == "Error: unknown language 'de': expected en or fr\n"


def _overdue_setup(funnel):
    funnel("add", "Julie Roy", "--company", "Acme")
    funnel("follow-up", "add", "1", "rappeler", "--due", "2026-11-20")
    funnel("follow-up", "add", "1", "envoyer la soumission", "--due", "2026-11-28")


def test_overdue_in_french_is_plain_when_piped(funnel):
    _overdue_setup(funnel)
    result = funnel("overdue", env=FRENCH)
    assert result.stdout == (
        "2 suivis en retard (dim. 2026-11-29 09:00)\n"
        "\n"
        "Quand              Échéance    N°  Piste              Contact  Promesse\n"
        "9 jours de retard  2026-11-20  F1  1 Julie Roy, Acme           rappeler\n"
        "1 jour de retard   2026-11-28  F2  1 Julie Roy, Acme           envoyer la soumission\n"
    )
    assert "\x1b" not in result.stdout


def test_overdue_in_french_is_silent_when_empty(funnel):
    funnel("add", "Julie Roy")
    result = funnel("overdue", env=FRENCH)
    assert result.stdout == "" and result.stderr == ""


def test_one_overdue_follow_up_is_singular(funnel):
    funnel("add", "Julie Roy")
    funnel("follow-up", "add", "1", "rappeler", "--due", "2026-11-20")
    first = funnel("overdue", env=FRENCH).stdout.splitlines()[0]
    assert first == "1 suivi en retard (dim. 2026-11-29 09:00)"


def test_errors_keep_their_exit_codes_in_french(funnel, db_path):
    result = funnel("show", "1", code=66, env=FRENCH)
    english = funnel("show", "1", code=66)
    assert english.stderr.splitlines()[0] == f"Error: the database {db_path} does not exist"
    assert result.stderr.splitlines()[0] == f"Erreur : la base {db_path} n'existe pas"
    assert result.stderr.splitlines()[1].startswith("Conseil : créez-la avec `funnel init`")


#: The main commands, run in both languages: same exit code, same number of lines (and of
#: columns in tables), same JSON.
COMMANDS = [
    ("list",),
    ("list", "--format", "json"),
    ("list", "--format", "csv"),
    ("follow-up", "list"),
    ("follow-up", "list", "--format", "json"),
    ("overdue",),
    ("overdue", "--format", "json"),
    ("overdue", "--format", "csv"),
    ("show", "1", "--format", "json"),
    ("report", "--format", "json"),
    ("stages", "--format", "json"),
    ("show", "99"),
    ("advance", "1", "nowhere"),
]


def test_the_main_commands_have_the_same_shape_in_both_languages(funnel):
    _overdue_setup(funnel)
    funnel("add", "Luc Côté", "--amount", "12000", "--stage", "proposal")
    for args in COMMANDS:
        english = _run(funnel, args, {})
        french = _run(funnel, args, FRENCH)
        assert french.exit_code == english.exit_code, args
        assert len(french.stdout.splitlines()) == len(english.stdout.splitlines()), args
        assert len(french.stderr.splitlines()) == len(english.stderr.splitlines()), args
        if "json" in args or "csv" in args:
            assert french.stdout == english.stdout, args
        elif english.stdout:
            assert french.stdout != english.stdout, args
            assert [_cells(line) for line in french.stdout.splitlines()] == [
                _cells(line) for line in english.stdout.splitlines()
            ], args


def _cells(line: str) -> int:
    """How many columns a plain table's line has (they are two or more spaces apart)."""
    return len(re.split(r" {2,}", line.strip()))


def _run(funnel, args, env):
    from typer.testing import CliRunner

    from funnelcli.cli import app

    return CliRunner().invoke(app, list(args), env=env)


@pytest.mark.slow  # a fresh interpreter: help is read when the command modules are imported
def test_help_is_french_before_any_database_is_opened(tmp_path):
    probe = (
        "import sys\n"
        "from funnelcli.cli import main\n"
        "sys.argv = ['funnel', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stdout.flush()\n"
        "print('SQLITE' if 'sqlite3' in sys.modules else 'NO-SQLITE')\n"
    )
    env = {"LANG": "fr_CA.UTF-8", "PATH": "/usr/bin:/bin", "FUNNEL_DB": str(tmp_path / "x.db")}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    root = subprocess.run(
        [sys.executable, "-c", probe, "--help"], env=env, capture_output=True, text=True
    )
    assert "Commandes:" in root.stdout and "  overdue    Suivis en retard" in root.stdout
    assert root.stdout.rstrip().endswith("NO-SQLITE")
    add = subprocess.run(
        [sys.executable, "-c", probe, "add", "--help"], env=env, capture_output=True, text=True
    )
    assert "Ajouter une piste; affiche son numéro." in add.stdout
    assert "Exemples :" in add.stdout
    assert not (tmp_path / "x.db").exists()


def test_the_frameworks_own_words_in_french_when_the_locale_is_french(funnel):
    """Typer asks the standard gettext for some of its words (``[default: …]``, ``No such
    command``): bound to our catalogue in French, unbound in English (one process here)."""
    french = funnel("demo", "--help", env={"LANG": "fr_CA.UTF-8"}).stdout
    assert "Combien de pistes simuler.  [défaut : 2000]" in french
    assert "Show this message and exit." in french  # hard-coded by the vendored click
    unknown = funnel("nope", code=2, env={"LANG": "fr_CA.UTF-8"}).stderr
    assert unknown.endswith("Commande inconnue : 'nope'. Vouliez-vous dire 'snooze', 'reopen'?\n")
    english = funnel("demo", "--help", env={"LANG": "fr_CA.UTF-8", "FUNNEL_LANG": "en"}).stdout
    assert "How many leads to simulate.  [default: 2000]" in english
    unknown = funnel("nope", code=2).stderr
    assert unknown.endswith("No such command 'nope'. Did you mean 'snooze', 'reopen'?\n")
