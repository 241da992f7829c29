"""The README cannot rot: its tour runs for real, and every command and option it names exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main

import funnelcli.cli as cli

README = (Path(__file__).parent.parent / "README.md").read_text()


def section(title: str) -> str:
    """A level-2 section of the README, up to the next one."""
    start = re.search(rf"^## {re.escape(title)}$", README, re.M).start()
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def tour_steps() -> list[tuple[str, str]]:
    """(command line, expected stdout) for every ``$ funnel …`` of the tour, in order."""
    steps = []
    for block in re.findall(r"```console\n(.*?)```", section("A ten-minute tour"), re.S):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ funnel "):
                if command:
                    steps.append((command, "\n".join(output)))
                command, output = line[len("$ funnel ") :], []
            else:
                output.append(line)
        if command:
            steps.append((command, "\n".join(output)))
    return steps


def test_the_tour_is_real(funnel):
    steps = tour_steps()
    assert len(steps) >= 12
    for command, expected in steps:
        result = funnel(*shlex.split(command))
        assert result.stdout.rstrip("\n") == expected, command


# --------------------------------------------------------------------------- commands, options

ROOT_OPTIONS = {"--db", "--dayfirst", "--monthfirst", "--version", "--help", "-h"}


def mentions() -> list[list[str]]:
    """Every ``funnel …`` invocation written in the README (code spans and code blocks)."""
    found = []
    for text in re.findall(r"`([^`\n]*funnel [^`\n]*)`", README) + re.findall(
        r"^\$? ?(?:\S+=\S+ )*(funnel [^\n]*)$", README, re.M
    ):
        for match in re.finditer(r"\bfunnel ((?:[\w\-\[\]=|./…,:'\"$ ]|\{|\})+)", text):
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
    if isinstance(command, typer.core.TyperGroup) and rest and rest[0] in command.commands:
        command = command.commands[rest.pop(0)]
    return command, rest


@pytest.mark.parametrize("words", mentions(), ids=lambda w: " ".join(w)[:60])
def test_every_mentioned_command_and_option_exists(words):
    first = next(iter(command_words(words)), None)
    if first is None or not re.fullmatch(r"[a-z][a-z\-]*", first):
        return  # prose ("funnel is …"), a placeholder, or only global options
    if first not in cli.COMMANDS:
        pytest.fail(f"the README mentions 'funnel {first}', which does not exist")
    command, rest = resolve(words)
    known = options_of(command) | ROOT_OPTIONS
    for word in rest:
        option = word.split("=")[0].rstrip(",.)")
        if re.fullmatch(r"--[a-z][a-z\-]*", option):
            assert option in known, f"'funnel {' '.join(words)}': no option {option}"


def test_the_readme_names_every_command():
    for name in cli.COMMANDS:
        assert f"funnel {name}" in README, name


def test_every_exit_code_is_documented():
    table = section("Exit codes")
    for code in (0, 1, 2, 65, 66, 70, 74, 75, 77, 78, 130):
        assert f"| {code} |" in table, code
