"""The lazily-loaded command table stays complete and truthful."""

from __future__ import annotations

import importlib
import pkgutil

import typer.main

import funnelcli.cli as cli


def registered_names() -> set[str]:
    names = set()
    for module in pkgutil.iter_modules(cli.__path__):
        commands = getattr(
            importlib.import_module(f"funnelcli.cli.{module.name}"), "commands", None
        )
        if commands is None:
            continue
        for info in commands.registered_commands:
            names.add(info.name or typer.main.get_command_name(info.callback.__name__))
        names.update(group.name for group in commands.registered_groups)
    return names


def test_every_command_is_in_the_table_and_nothing_else():
    assert set(cli.COMMANDS) == registered_names()


def test_every_command_builds_and_its_short_help_matches_clicks():
    for name in cli.COMMANDS:
        command = cli.build_command(name)
        assert command is not None and command.name == name
        assert command.get_short_help_str(60) == cli.short_help(name, 60), name
        assert cli.short_help(name), f"{name} has no help text"


def test_help_lists_every_command(funnel):
    out = funnel("--help").stdout
    commands = out.split("Commands:")[1].split("Examples:")[0]
    listed = [line.split()[0] for line in commands.splitlines() if line.strip()]
    assert listed == list(cli.COMMANDS)
