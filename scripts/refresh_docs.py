"""Regenerate the command reference in docs/cli-help.md from the real ``--help`` output.

    python scripts/refresh_docs.py          # rewrite the generated regions in place
    python scripts/refresh_docs.py --check  # exit 1 if they are stale (tests/test_docs.py does it)

Every region between ``<!-- [[[help COMMAND…]]] -->`` and ``<!-- [[[end]]] -->`` is replaced
by the output of ``funnel COMMAND… --help`` at a fixed width (``COLUMNS=100``; click caps help
at 78 columns) and without Rich. The region ``<!-- [[[help all]]] -->`` holds a section for
``funnel`` and for every command and sub-command, in the order of ``funnel --help``, so a new
command appears by itself.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli-help.md"
WIDTH = "100"

REGION = re.compile(r"<!-- \[\[\[(help[^\]]*)\]\]\] -->\n.*?<!-- \[\[\[end\]\]\] -->", re.S)


def help_text(words: list[str]) -> str:
    """What ``funnel WORDS… --help`` prints in a plain terminal of 100 columns.

    The app runs in this process, as the console script would run it (click's CliRunner
    forces a width of 80 columns of its own, so it is not used here).
    """
    import contextlib
    import io
    import os

    from funnelcli.cli import app

    out = io.StringIO()
    saved = {name: os.environ.get(name) for name in ("COLUMNS", "NO_COLOR")}
    os.environ.update(COLUMNS=WIDTH, NO_COLOR="1")
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            app([*words, "--help"], prog_name="funnel")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return out.getvalue().rstrip() + "\n"


def every_command() -> list[list[str]]:
    """[] for ``funnel`` itself, then every command, each group followed by its sub-commands."""
    from typer.core import TyperGroup

    from funnelcli import cli

    found: list[list[str]] = [[]]
    for name in cli.COMMANDS:
        found.append([name])
        command = cli.build_command(name)
        if isinstance(command, TyperGroup):
            found.extend([name, sub] for sub in command.commands)
    return found


def block(words: list[str]) -> str:
    return f"```text\n{help_text(words)}```\n"


def section(words: list[str]) -> str:
    return f"## `{' '.join(['funnel', *words])}`\n\n{block(words)}"


def render(text: str) -> str:
    """The document with every region regenerated."""

    def expand(match: re.Match[str]) -> str:
        marker = match.group(1)
        words = marker.split()[1:]
        if words == ["all"]:
            body = "\n".join(section(words) for words in every_command())
        else:
            body = block(words)
        return f"<!-- [[[{marker}]]] -->\n{body}<!-- [[[end]]] -->"

    return REGION.sub(expand, text)


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print(f"{DOC} is stale: run python scripts/refresh_docs.py", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        DOC.write_text(fresh, encoding="utf-8")
        print(f"rewrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
