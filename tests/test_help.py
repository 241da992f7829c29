"""Help that teaches (issue 18, item 9): every command's ``--help`` ends with two or three
examples of real commands, its placeholders are clean words, and ``funnel stages -f json list``
honours ``-f``."""

from __future__ import annotations

import json
import re

import pytest

from funnelcli import cli
from funnelcli.cli.helptext import EXAMPLES


def _paths() -> list[str]:
    paths = [""]
    for name in cli.COMMANDS:
        paths.append(name)
        command = cli.build_command(name)
        paths += [f"{name} {sub}" for sub in getattr(command, "commands", {})]
    return paths


PATHS = _paths()


@pytest.mark.parametrize("path", PATHS)
def test_every_help_ends_with_examples(funnel, path):
    out = funnel(*path.split(), "--help").stdout
    head, examples = out.split("\n  Examples:\n\n")
    lines = examples.rstrip("\n").splitlines()
    assert 2 <= len(lines) <= 3, out
    assert all(
        line.startswith("    funnel ") or line.startswith("    id=$(funnel ") for line in lines
    )
    assert "Examples" not in head


@pytest.mark.parametrize("path", PATHS)
def test_placeholders_are_clean_words(funnel, path):
    out = funnel(*path.split(), "--help").stdout
    assert not re.search(r"\{\w+\}|<\w[\w ]*>", out), out
    usage = out.split("\n\n")[0]
    assert not re.search(r"-\n", usage), usage


def test_the_placeholders_of_a_follow_up(funnel):
    usage = funnel("follow-up", "snooze", "--help").stdout.splitlines()[0]
    assert usage == "Usage: funnel follow-up snooze [OPTIONS] FOLLOW_UP WHEN"
    usage = funnel("follow-up", "add", "--help").stdout.splitlines()[0]
    assert usage == "Usage: funnel follow-up add [OPTIONS] LEAD TEXT"
    assert "  --company TEXT " in funnel("add", "--help").stdout
    assert "Usage: funnel export [OPTIONS] [WHAT]\n" in funnel("export", "--help").stdout


def test_the_examples_name_real_commands():
    for path, lines in EXAMPLES.items():
        assert path == "" or path in PATHS, path
        for line in lines:
            words = line.removeprefix("id=$(").split()
            assert words[0] == "funnel", line
            sub = words[1]
            assert sub in cli.COMMANDS, line
            command = cli.build_command(sub)
            subs = getattr(command, "commands", {})
            if len(words) > 2 and words[2] in subs:
                command = subs[words[2]]
            elif sub == "log":  # funnel log LEAD TYPE … is funnel log add LEAD TYPE …
                command = subs["add"]
            known = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
            for word in words[2:]:
                if word.startswith("--"):
                    assert word.split("=")[0] in known, line


def test_stages_honours_the_groups_format(funnel):
    funnel("init")
    listed = json.loads(funnel("stages", "-f", "json", "list").stdout)
    assert [s["name"] for s in listed][:2] == ["new", "contacted"]
    assert funnel("stages", "-f", "csv", "list").stdout.startswith("position,name,")
    added = json.loads(funnel("stages", "-f", "json", "add", "trial").stdout)
    assert "trial" in json.dumps(added)
    # the sub-command's own -f wins
    assert funnel("stages", "-f", "json", "list", "-f", "csv").stdout.startswith("position,")


def test_stages_refuses_a_format_its_sub_command_cannot_use(funnel):
    funnel("init")
    result = funnel("stages", "-f", "json", "rename", "new", "nouveau", code=2)
    assert result.stderr == (
        "Error: funnel stages rename takes no --format: it prints one line\n"
        "Hint: --format goes with funnel stages, stages list and stages add\n"
    )
    names = [s["name"] for s in json.loads(funnel("stages", "list", "-f", "json").stdout)]
    assert "nouveau" not in names
