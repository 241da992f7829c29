"""The docs cannot rot: their console examples run for real, the command reference is the real
``--help`` output, and every command and option they name exists.

Every ```console block of the README and of docs/*.md runs, in order, against one fresh
database per file (the suite's frozen "now" and zone). A comment just before a block may say:

    <!-- doc-test: skip (why) -->           the block cannot run here (pip, cron, a shell pipe)
    <!-- doc-test: file NAME -->            the next code block is the content of file NAME
    <!-- doc-test: now 2026-11-30T08:00 --> from here on, "now" is that moment
    <!-- doc-test
    $ funnel add …                           hidden set-up commands (must succeed)
    -->

In a block, ``$ funnel …`` runs the command; the lines after it are what the terminal shows
(stdout and stderr, without the one-time ``created PATH`` note); a line ``…`` stands for any
lines. ``$ echo $?`` checks the exit status of the command before; ``$ cat FILE`` shows a file.
A command whose output shows an ``Error:`` must fail; every other command must succeed.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

import funnelcli.cli as cli
from funnelcli.cli import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
DOCS = {path.name: path.read_text() for path in sorted((ROOT / "docs").glob("*.md"))}
#: Hand-written pages; cli-help.md is generated from --help (see scripts/refresh_docs.py).
GUIDES = {name: text for name, text in DOCS.items() if name != "cli-help.md"}
#: The French pages (docs/fr/): their examples run with the interface in French.
FRENCH_DOCS = {path.name: path.read_text() for path in sorted((ROOT / "docs/fr").glob("*.md"))}
FRENCH_ENV = {"LANG": "fr_CA.UTF-8"}
PAGES = {
    "README.md": README,
    **{f"docs/{name}": text for name, text in DOCS.items()},
    **{f"docs/fr/{name}": text for name, text in FRENCH_DOCS.items()},
}


def section(text: str, title: str) -> str:
    """A level-2 section of a page, up to the next one."""
    start = re.search(rf"^## {re.escape(title)}$", text, re.M).start()
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


# --------------------------------------------------------------------------- console examples


class Block(NamedTuple):
    line: int  # where the block starts in its page, for messages
    lang: str
    body: str
    directives: list[str]  # the doc-test comment lines just before it


DIRECTIVE = re.compile(r"<!-- doc-test:?((?:(?!-->).)*)-->\s*\n$", re.S)


def blocks(text: str) -> list[Block]:
    """Every fenced code block of a page, with the doc-test directives right before it."""
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M):
        before = DIRECTIVE.search(text[: match.start()])
        directives = before.group(1).strip().splitlines() if before else []
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(line, match.group(1), match.group(2), directives))
    return found


def steps(body: str) -> list[tuple[str, list[str]]]:
    """(command, the lines shown after it) for every ``$ …`` of a console block."""
    result: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            result.append((line[2:], []))
        elif result:
            result[-1][1].append(line)
    return result


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an ``…`` line stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "…":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


class Session:
    """One page's examples: one database, one working folder, the examples/ files at hand."""

    def __init__(self, folder: Path, db: Path) -> None:
        self.folder, self.db = folder, db
        self.runner = CliRunner()
        self.env: dict[str, str] = {}
        self.status = 0

    def run(self, command: str) -> tuple[int, list[str]]:
        words = shlex.split(command, comments=True)
        if words[:1] == ["funnel"]:
            result = self.runner.invoke(app, words[1:], env=self.env, prog_name="funnel")
            if result.exception and not isinstance(result.exception, SystemExit):
                raise result.exception
            created = (f"created {self.db}", f"base créée : {self.db}")
            shown = [line for line in result.output.splitlines() if line not in created]
            return result.exit_code, shown
        if words == ["echo", "$?"]:
            return 0, [str(self.status)]
        if words[:1] == ["cat"] and len(words) == 2:
            return 0, (self.folder / words[1]).read_text().splitlines()
        raise AssertionError(f"'{command}' cannot run in a test: mark its block doc-test: skip")

    def check(self, where: str, command: str, expected: list[str]) -> None:
        status, shown = self.run(command)
        if not command.startswith("echo"):
            self.status = status
            failed = any(line.startswith(("Error: ", "Erreur : ")) for line in expected)
            assert (status != 0) == failed, f"{where}: '{command}' exited {status}\n" + "\n".join(
                shown
            )
        while expected and expected[-1] == "":
            expected = expected[:-1]
        assert matches(expected, shown), f"{where}: '{command}' shows:\n" + "\n".join(shown)

    def play(self, page: str, text: str) -> int:
        """Run every console block of the page; the number of commands checked."""
        checked = 0
        for block in blocks(text):
            for directive in block.directives:
                if directive.startswith("now "):
                    self.env["FUNNEL_NOW"] = directive[4:].strip()
                elif directive.startswith("$ "):
                    status, shown = self.run(directive[2:])
                    assert status == 0, f"{page}:{block.line}: set-up '{directive}'\n{shown}"
            words = block.directives[0].split() if block.directives else []
            if words[:1] == ["file"]:
                (self.folder / words[1]).write_text(block.body)
                continue
            if block.lang != "console" or words[:1] == ["skip"]:
                assert words[:1] != ["skip"] or len(words) > 1, f"{page}:{block.line}: why?"
                continue
            for command, expected in steps(block.body):
                self.check(f"{page}:{block.line}", command, expected)
                checked += 1
        return checked


@pytest.fixture
def session(tmp_path, db_path, monkeypatch):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(folder)
    return Session(folder, db_path)


def test_the_tour_is_real(session):
    tour = section(README, "A ten-minute tour")
    assert sum(len(steps(b.body)) for b in blocks(tour) if b.lang == "console") >= 12
    assert session.play("README.md", README) >= 12


@pytest.mark.parametrize("page", sorted(DOCS))
def test_the_console_examples_of_docs_are_real(session, page):
    session.play(f"docs/{page}", DOCS[page])


@pytest.mark.parametrize("page", sorted(FRENCH_DOCS))
def test_the_french_pages_are_real_in_french(session, page):
    session.env.update(FRENCH_ENV)
    assert session.play(f"docs/fr/{page}", FRENCH_DOCS[page]) >= 12


def test_the_readme_links_the_french_tour():
    assert "(docs/fr/visite.md)" in README


def test_every_console_block_either_runs_or_says_why_not():
    for page, text in PAGES.items():
        for block in blocks(text):
            if block.lang == "console" and block.directives[:1] and block.directives[0] == "skip":
                pytest.fail(f"{page}:{block.line}: say why the block is skipped")


# --------------------------------------------------------------------------- the --help reference


def load_refresher():
    spec = importlib.util.spec_from_file_location("refresh_docs", ROOT / "scripts/refresh_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("refresh_docs", module)
    spec.loader.exec_module(module)
    return module


def test_the_command_reference_is_the_real_help():
    refresher = load_refresher()
    current = DOCS["cli-help.md"]
    assert refresher.render(current) == current, "run: python scripts/refresh_docs.py"


def all_commands():
    """(words, click command) for every command and sub-command."""
    for name in cli.COMMANDS:
        command = cli.build_command(name)
        yield [name], command
        if isinstance(command, TyperGroup):
            for sub, subcommand in command.commands.items():
                yield [name, sub], subcommand


def test_the_reference_has_every_command_and_sub_command():
    for words, _ in all_commands():
        title = " ".join(["funnel", *words])
        assert f"## `{title}`\n" in DOCS["cli-help.md"], title
        assert f"Usage: {title} " in DOCS["cli-help.md"], title


# --------------------------------------------------------------------------- commands, options

ROOT_OPTIONS = {"--db", "--dayfirst", "--monthfirst", "--version", "--help", "-h"}


def mentions() -> list[list[str]]:
    """Every ``funnel …`` invocation written in the README and docs/ (code spans and blocks)."""
    found = []
    for text in PAGES.values():
        for span in re.findall(r"`([^`\n]*funnel [^`\n]*)`", text) + re.findall(
            r"^\$? ?(?:\S+=\S+ )*(funnel [^\n]*)$", text, re.M
        ):
            for match in re.finditer(r"\bfunnel ((?:[\w\-\[\]=|./…,:'\"$ ]|\{|\})+)", span):
                words = match.group(1).replace("[", " ").replace("]", " ").split()
                found.append(words)
    return found


def options_of(command) -> set[str]:
    names = set()
    for param in command.params:
        names.update(getattr(param, "opts", []))
        names.update(getattr(param, "secondary_opts", []))
    return names


def command_words(words: list[str]) -> list[str]:
    """The words from the command name on: global options (and --db's value) skipped."""
    rest = list(words)
    while rest and rest[0].startswith("-"):
        if rest.pop(0) == "--db" and rest:
            rest.pop(0)
    return rest


def resolve(words: list[str]):
    """The click command the words name, and the words left (its arguments and options)."""
    rest = command_words(words)
    command = cli.build_command(rest.pop(0))
    if isinstance(command, typer.core.TyperGroup) and rest:
        if rest[0] in command.commands:
            command = command.commands[rest.pop(0)]
        elif getattr(command.commands.get("add"), "hidden", False):  # `funnel log LEAD TYPE`
            command = command.commands["add"]
    return command, rest


@pytest.mark.parametrize("words", mentions(), ids=lambda w: " ".join(w)[:60])
def test_every_mentioned_command_and_option_exists(words):
    first = next(iter(command_words(words)), None)
    if first is None or not re.fullmatch(r"[a-z][a-z\-]*", first):
        return  # prose ("funnel is …"), a placeholder, or only global options
    if first not in cli.COMMANDS:
        pytest.fail(f"the docs mention 'funnel {first}', which does not exist")
    command, rest = resolve(words)
    known = options_of(command) | ROOT_OPTIONS
    for word in rest:
        option = word.split("=")[0].rstrip(",.)")
        if re.fullmatch(r"--[a-z][a-z\-]*", option):
            assert option in known, f"'funnel {' '.join(words)}': no option {option}"


def test_the_readme_names_every_command():
    for name in cli.COMMANDS:
        assert f"funnel {name}" in README, name


def test_the_guides_name_every_command_and_sub_command():
    guides = "\n".join(GUIDES.values())
    for words, _ in all_commands():
        name = " ".join(words)
        spelled = [f"funnel {name}", f"funnel {words[0]} [{words[-1]}]"]
        # a group's sub-commands may be listed after it: `funnel follow-up add/list/done…`
        spelled += [f"{words[-1]}/", f"/{words[-1]}`"] if len(words) > 1 else []
        assert any(text in guides for text in spelled), name


def test_the_guides_document_every_option():
    guides = "\n".join(GUIDES.values())
    for words, command in all_commands():
        for option in options_of(command) - ROOT_OPTIONS:
            if option.startswith("--"):
                assert option in guides, f"funnel {' '.join(words)} {option}"


def test_every_exit_code_is_documented():
    table = GUIDES["exit-codes.md"]
    for code in (0, 1, 2, 65, 66, 70, 74, 75, 77, 78, 130):
        assert f"| {code} |" in table, code
    assert "exit-codes.md" in README


def anchors(text: str) -> set[str]:
    """GitHub's anchors for the headings of a page."""
    found = set()
    for title in re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", text, flags=re.S), re.M):
        slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        found.add(slug)
    return found


def test_every_link_between_the_pages_leads_somewhere():
    pages = {**PAGES, "CONTRIBUTING.md": (ROOT / "CONTRIBUTING.md").read_text()}
    for page, text in pages.items():
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path, _, anchor = target.partition("#")
            file = (ROOT / page).parent / path if path else ROOT / page
            assert file.exists(), f"{page}: {target}"
            if anchor:
                assert anchor in anchors(file.read_text()), f"{page}: {target}"
