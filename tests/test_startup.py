"""Start-up stays lean: what a command does not need, it does not import.

Measured in a fresh interpreter (a subprocess): the timings themselves live in
benchmarks/startup.py; this guards the design so start-up cannot silently regress.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from funnelcli.cli import main
sys.argv = ["funnel", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""

#: Never needed by the everyday commands (each costs 10-200 ms to import).
HEAVY = (
    "rich",
    "sqlite_utils",
    "dateutil.parser",
    "icalendar",
    "charset_normalizer",
    "pydantic",
    "funnelcli.importers",
    "funnelcli.kpis",
    "funnelcli.services.reports",
    "funnelcli.services.imports",
    "funnelcli.services.demo",
    "funnelcli.services.demo_simulation",
    "funnelcli.cli.transfer",
    "funnelcli.cli.reports",
    # the translation machinery: English loads no catalogue and no Babel (gettext itself is
    # imported by the CLI framework, whatever the language)
    "babel",
    "funnelcli.i18n.french",
)


def modules_after(*args: str, env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=None if env is None else {**os.environ, **env},
    )
    line = next(l for l in result.stderr.splitlines() if l.startswith("MODULES "))  # noqa: E741
    return set(json.loads(line[len("MODULES ") :]))


@pytest.mark.slow  # one interpreter per command
@pytest.mark.parametrize(
    "args",
    [
        ("overdue",),
        ("list", "--limit", "20"),
        ("add", "Startup Probe"),
        ("follow-up", "list"),
        ("show", "1"),
    ],
)
def test_everyday_commands_import_nothing_heavy(db_path, args):
    modules_after("add", "First lead")  # the database exists and is migrated: the usual case
    loaded = modules_after(*args)
    assert "funnelcli.cli" in loaded
    heavy = sorted(m for m in loaded if m.startswith(HEAVY))
    assert heavy == [], f"funnel {' '.join(args)} imported {heavy}"


#: What ``funnel intake`` needs of the importers: the synonyms and its own two parsers.
INTAKE_NEEDS = {
    "funnelcli.importers",
    "funnelcli.importers.synonyms",
    "funnelcli.importers.submission",
    "funnelcli.importers.webfields",
}


@pytest.mark.slow  # one interpreter per command
@pytest.mark.parametrize("args", [("intake",), ("intake", "--flush")])
def test_intake_imports_nothing_heavy(db_path, args):
    """A web server runs it once per POST: within ``add``'s budget (BENCHMARKS.md)."""
    modules_after("add", "First lead")
    loaded = modules_after(*args)
    assert "funnelcli.cli.intake" in loaded
    heavy = sorted(m for m in loaded if m.startswith(HEAVY) and m not in INTAKE_NEEDS)
    assert heavy == [], f"funnel {' '.join(args)} imported {heavy}"


#: Light, but not needed by the everyday commands: the reports' SQL (only for an unknown
#: ``--source``), OpenSSL behind ``hashlib`` (intake's digest is CPython's own SHA-256), the
#: ``utf-8-sig`` codec, and ``shlex`` unless the command writes (the journal's command line).
#: The result types of the corrections and of ``config`` are built only by those commands.
NOT_NEEDED = (
    "funnelcli.store.reports",
    "hashlib",
    "_hashlib",
    "encodings.utf_8_sig",
    "funnelcli.models.corrections",
    "funnelcli.models.database",
)


@pytest.mark.slow  # one interpreter per command
@pytest.mark.parametrize(
    "args, writes",
    [
        (("overdue",), False),
        (("list", "--limit", "20"), False),
        (("show", "1"), False),
        (("add", "Startup Probe"), True),
        (("intake",), None),  # nothing on stdin: refused before any write
    ],
)
def test_everyday_commands_skip_what_they_do_not_use(db_path, args, writes):
    modules_after("add", "First lead")
    loaded = modules_after(*args)
    assert "funnelcli.cli" in loaded
    assert sorted(m for m in loaded if m.startswith(NOT_NEEDED)) == []
    assert ("funnelcli.models.intake" in loaded) is (args[0] == "intake")
    if writes is not None:
        assert ("shlex" in loaded) is writes


@pytest.mark.slow  # one interpreter
def test_creating_a_database_loads_neither_sqlite_utils_nor_the_steps(db_path):
    """A new database gets the steps' result as one script (``store/fresh.py``): a first
    ``add``, ``intake`` or import pays only for its own work, not for sqlite-utils (9 MB)."""
    loaded = modules_after("add", "First lead")
    assert db_path.exists() and "funnelcli.store.fresh" in loaded
    unwanted = ("sqlite_utils", "funnelcli.kpis", "fractions")
    assert sorted(m for m in loaded if m.startswith(unwanted)) == []


def test_the_console_script_imports_the_cli_with_the_collector_off():
    """``funnel`` and ``python -m funnelcli`` go through :mod:`funnelcli.launch`: what the CLI's
    import created is frozen, out of every later collection, and the collector is on again
    for the command itself."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"funnel": "funnelcli.launch:main"}
    assert "from funnelcli.launch import main" in (root / "funnelcli/__main__.py").read_text()
    probe = (
        "import gc, sys\n"
        "sys.argv = ['funnel', '--version']\n"
        "from funnelcli.launch import main\n"
        "before = gc.get_freeze_count()\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(before, gc.get_freeze_count(), gc.isenabled(), 'typer' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    before, frozen, enabled, typer_loaded = out[-4:]
    assert (before, enabled, typer_loaded) == ("0", "True", "True")
    assert int(frozen) > 20_000  # Typer, its click and funnel's modules: ~60k objects


def test_help_does_not_touch_the_database_layer():
    loaded = modules_after("--help")
    assert not {"sqlite3", "funnelcli.store", "csv"} & loaded
    # it reads every command's help from its CLI module, and nothing behind them
    assert not [m for m in loaded if m.startswith(HEAVY) and not m.startswith("funnelcli.cli.")]


def test_the_guard_can_fail(db_path):
    """The probe does see lazily imported modules when a command needs them."""
    loaded = modules_after("report", "--format", "json")
    assert "funnelcli.kpis" in loaded and "funnelcli.services.reports" in loaded


@pytest.mark.slow  # one interpreter per command
def test_french_loads_the_catalogue_and_babel_only_when_french(db_path):
    modules_after("add", "First lead")
    modules_after("follow-up", "add", "1", "call back", "--due", "2026-11-20")
    french = modules_after("overdue", "--within", "30d", env={"LANG": "fr_CA.UTF-8"})
    assert "funnelcli.i18n.french" in french and "babel" in french
    assert not {"funnelcli.i18n.french", "babel"} & modules_after("overdue", "--within", "30d")
