"""The house rules, kept true by parsing imports: cli -> services -> store; Rich only in render.

- ``typer`` is imported only under ``funnelcli/cli/``;
- ``rich`` only under ``funnelcli/render/``;
- ``sqlite_utils`` only under ``funnelcli/store/``;
- services, store and the pure modules never import the CLI or the renderer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "funnelcli"

ONLY_IN = {"typer": "cli", "rich": "render", "sqlite_utils": "store"}
#: The store's SQL modules (queries, followups, checks, …): services use them, the CLI does not.
STORE_SQL = tuple(
    f"funnelcli.store.{p.stem}" for p in (PACKAGE / "store").glob("*.py") if p.stem != "__init__"
)
NEVER_FROM = {
    # the CLI opens the database (funnelcli.store.open_db) but runs no SQL of its own
    "cli": STORE_SQL,
    "services": ("funnelcli.cli", "funnelcli.render"),
    "store": ("funnelcli.cli", "funnelcli.render", "funnelcli.services"),
    "render": ("funnelcli.cli", "funnelcli.services", "funnelcli.store"),
    "": ("funnelcli.cli", "funnelcli.render", "funnelcli.services", "funnelcli.store"),
}


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


def area(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else ""


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_third_party_frameworks_stay_in_their_layer(path):
    modules = imported_modules(path)
    for library, home in ONLY_IN.items():
        uses = {m for m in modules if m == library or m.startswith(library + ".")}
        if uses:
            assert area(path) == home, f"{path.name} imports {sorted(uses)}: only {home}/ may"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_data_flows_one_way(path):
    forbidden = NEVER_FROM.get(area(path), ())
    if path.name == "__main__.py":
        return
    bad = {m for m in imported_modules(path) if m.startswith(forbidden)} if forbidden else set()
    # render may read domain records for typing only (TYPE_CHECKING blocks are still imports;
    # allow the services' result types there).
    if area(path) == "render":
        bad = {m for m in bad if not m.startswith("funnelcli.services.")}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_the_rules_can_fail():
    bad = PACKAGE / "services" / "x.py"  # never written: the source is given
    source = "import rich.table\nfrom sqlite_utils import Database\nfrom ..cli import app\n"
    found = imported_modules(bad, source)
    assert {"rich.table", "sqlite_utils", "sqlite_utils.Database", "funnelcli.cli.app"} <= found
