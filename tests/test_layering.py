"""The house rules, kept true by parsing the code: cli -> services -> store; Rich only in render.

- ``typer`` is imported only under ``funnelcli/cli/``, ``rich`` only under ``funnelcli/render/``,
  ``sqlite_utils`` and ``sqlite3`` only under ``funnelcli/store/``;
- services never import the CLI or the renderer, and run no SQL (no ``.execute`` and friends);
- render never imports services, the store or the CLI: it draws neutral result types;
- the store never imports services, the CLI or the renderer;
- the pure modules import none of the layers and do no file I/O.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "funnelcli"

ONLY_IN = {"typer": "cli", "rich": "render", "sqlite_utils": "store", "sqlite3": "store"}
#: Files that still break a rule, each with the part of issue 13 that removes it: delete the
#: entry once that part is merged.
KNOWN = {}
LAYERS = ("funnelcli.cli", "funnelcli.render", "funnelcli.services", "funnelcli.store")
NEVER_FROM = {
    "services": ("funnelcli.cli", "funnelcli.render"),
    "store": ("funnelcli.cli", "funnelcli.render", "funnelcli.services"),
    "render": ("funnelcli.cli", "funnelcli.services", "funnelcli.store"),
}
PURE = ("dates", "money", "kpis", "importers", "text", "periods", "models", "records")
#: Methods that run SQL (``conn.execute(…)``): only the store calls them.
SQL_CALLS = {"execute", "executemany", "executescript", "cursor", "backup", "create_function"}
#: Calls that read or write files (``open(…)``, ``path.read_text()``): pure modules are handed
#: their data.
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "mkdir", "unlink"}


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the package, so it cannot slip past
                package = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                module = ".".join((*package, module) if module else package)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def calls(path: Path, source: str | None = None) -> tuple[set[str], set[str]]:
    """The functions a file calls by name (``open(…)``) and the methods (``conn.execute(…)``)."""
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    functions: set[str] = set()
    methods: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                functions.add(func.id)
            elif isinstance(func, ast.Attribute):
                methods.add(func.attr)
    return functions, methods


def area(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def known(path: Path, rule: str) -> bool:
    return (name(path), rule) in KNOWN


def is_pure(path: Path) -> bool:
    return area(path) in PURE


SOURCES = sorted(PACKAGE.rglob("*.py"))
ids = name


def breaches(path: Path, source: str | None = None) -> list[str]:
    """Every rule ``path`` breaks (``source``: its text, for a file that is not written)."""
    found: list[str] = []
    modules = imported_modules(path, source)
    for library, home in ONLY_IN.items():
        uses = {m for m in modules if m == library or m.startswith(library + ".")}
        if uses and area(path) != home and not known(path, library):
            found.append(f"imports {sorted(uses)}: only {home}/ may")
    forbidden = LAYERS if is_pure(path) else NEVER_FROM.get(area(path), ())
    for layer in forbidden:
        bad = {m for m in modules if m == layer or m.startswith(layer + ".")}
        if bad and not known(path, layer):
            found.append(f"imports {sorted(bad)}")
    functions, methods = calls(path, source)
    sql = methods & SQL_CALLS
    if area(path) == "services" and sql and not known(path, "SQL"):
        found.append(f"runs SQL ({sorted(sql)}): that is the store's job")
    io = (functions & {"open"}) | (methods & FILE_CALLS - {"open"})
    if is_pure(path) and io and not known(path, "file I/O"):
        found.append(f"does file I/O ({sorted(io)}): hand it the data")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_each_layer_keeps_to_its_own(path):
    assert breaches(path) == [], name(path)


def test_known_exceptions_still_exist():
    """A known exception that no longer applies must be deleted from KNOWN."""
    for (file, rule), why in KNOWN.items():
        path = PACKAGE / file
        assert path.exists(), f"{file} is gone: delete its KNOWN entry ({why})"
        without = {k: v for k, v in KNOWN.items() if k != (file, rule)}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(__name__ + ".KNOWN", without)
            assert breaches(path), f"{file} keeps the rules now: delete its KNOWN entry ({why})"


def test_the_rules_can_fail():
    bad = PACKAGE / "services" / "x.py"  # never written: the source is given
    source = (
        "import rich.table\nimport sqlite3\nfrom sqlite_utils import Database\n"
        "from ..cli import app\nconn.execute('SELECT 1')\n"
    )
    found = imported_modules(bad, source)
    assert {"rich.table", "sqlite_utils", "sqlite_utils.Database", "funnelcli.cli.app"} <= found
    assert len(breaches(bad, source)) == 5  # rich, sqlite3, sqlite_utils, the CLI, the SQL
    render = PACKAGE / "render" / "x.py"
    assert breaches(render, "from funnelcli.services.leads import LeadCard\n")
    pure = PACKAGE / "dates" / "x.py"
    assert breaches(pure, "from funnelcli.store import open_db\nopen('f').read()\n") == [
        "imports ['funnelcli.store', 'funnelcli.store.open_db']",
        "does file I/O (['open']): hand it the data",
    ]
