"""Write the message template ``funnelcli/locale/funnel.pot`` from the code.

    python scripts/extract_messages.py

Three sources, one template: Babel's extractor on ``funnelcli/`` (``_``, ``ngettext``,
``N_``, and the headers of table columns, ``Column(key, HEADER)``), the help of every command
and option, read from the built commands (Typer takes it from docstrings and ``help=``, which no
extractor sees), and the labels of the shipped CRM profiles (data files, shown as "Recognised:
…"). Then update and compile the French catalogue with Babel (CONTRIBUTING.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "funnelcli"
TEMPLATE = PACKAGE / "locale" / "funnel.pot"
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "Column": (2,),
}


def code_messages() -> Iterator[tuple[str | tuple[str, str], str, str | None]]:
    """``(message, where, context)`` for every string marked in the code."""
    from babel.messages.extract import extract_from_dir

    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PACKAGE), [("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            message = tuple(m for m in message if m)  # Column's key is not a message
            message = message[0] if len(message) == 1 else message
        if message:
            yield message, f"funnelcli/{filename}:{lineno}", context


def help_messages() -> Iterator[tuple[str, str]]:
    """``(help text, command)`` for every command, sub-command and option, in English."""
    os.environ["FUNNEL_LANG"] = "en"
    from funnelcli.cli import COMMANDS, app, build_command
    from funnelcli.cli.helptext import tidy

    def walk(command: Any, path: str) -> Iterator[tuple[str, str]]:
        for attr in ("english_help", "english_short_help"):
            text = getattr(command, attr, None)
            if text:
                yield text, path
        for param in command.params:
            if getattr(param, "english_help", None):
                yield param.english_help, f"{path} {param.name}"
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    import typer.main

    root = typer.main.get_command(app)
    yield from walk(tidy(root, ""), "funnel")
    for name in COMMANDS:
        yield from walk(build_command(name), f"funnel {name}")
    yield "Commands", "funnel --help"


def profile_labels() -> Iterator[tuple[str, str]]:
    """``(label, file)`` of every shipped CRM profile."""
    from funnelcli.services.imports.profiles import shipped
    from funnelcli.services.imports.vocabulary import DATA_DIR

    for name, profile in shipped().items():
        yield profile.label, str((DATA_DIR / "profiles" / f"{name}.toml").relative_to(ROOT))


def template() -> Any:
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="funnel", domain="funnel", charset="utf-8")
    for message, where, context in code_messages():
        path, _, line = where.partition(":")
        catalog.add(message, locations=[(path, int(line))], context=context)
    for message, command in help_messages():
        known = catalog.get(message)
        comments = [*(known.auto_comments if known else []), f"help: {command}"]
        catalog.add(message, locations=known.locations if known else [], auto_comments=comments)
    for label, path in profile_labels():
        catalog.add(label, locations=[(path, 1)], auto_comments=["a CRM profile's label"])
    return catalog


def main() -> int:
    from babel.messages.pofile import write_po

    with TEMPLATE.open("wb") as out:
        write_po(out, template(), width=100, omit_header=False, sort_output=True)
    print(f"wrote {TEMPLATE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
