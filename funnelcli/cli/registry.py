"""The command registry: every command's name, the module that defines it, and its lazy build.

The root group loads a module only when one of its commands runs: building every command's
parameters from its signature costs ~25 ms that ``funnel overdue`` from cron should not pay.
``funnel --help`` reads each command's one-line help without building it (:func:`short_help`).
A command is built once per language (its help is translated as it is built).
"""

from __future__ import annotations

import functools
from typing import Any

import typer.main
import typer.models

from funnelcli import i18n

#: Every command, in the order ``funnel --help`` lists them, and the module that defines it.
COMMANDS = {
    "add": "leads",
    "list": "leads",
    "show": "leads",
    "edit": "leads",
    "qualify": "leads",
    "advance": "moves",
    "win": "moves",
    "lose": "moves",
    "reopen": "moves",
    "history": "corrections",
    "delete": "corrections",
    "merge": "merging",
    "undo": "corrections",
    "redo": "corrections",
    "follow-up": "followups",
    "promise": "followups",
    "done": "followups",
    "snooze": "followups",
    "log": "activities",
    "overdue": "followups",
    "report": "reports",
    "check": "admin",
    "intake": "intake",
    "import": "transfer",
    "export": "transfer",
    "stages": "stages",
    "config": "settings",
    "init": "admin",
    "backup": "admin",
    "restore": "admin",
    "demo": "admin",
}

#: Other names of a command (accepted, not listed).
COMMAND_ALIASES = {"follow-ups": "follow-up", "followup": "follow-up", "followups": "follow-up"}


def _registration(name: str) -> Any:
    """Typer's record of command ``name`` (a CommandInfo, or a TyperInfo for a sub-group)."""
    import importlib

    commands = importlib.import_module(f"funnelcli.cli.{COMMANDS[name]}").commands
    for info in commands.registered_commands:
        callback_name = getattr(info.callback, "__name__", "")
        if (info.name or typer.main.get_command_name(callback_name)) == name:
            return info
    return next((group for group in commands.registered_groups if group.name == name), None)


def build_command(name: str) -> Any:
    """The click command (or group) ``name``: its module imported, only it built."""
    return _build_command(name, i18n.language())


@functools.cache
def _build_command(name: str, language: str) -> Any:
    from funnelcli.cli.helptext import tidy

    info = _registration(name)
    if isinstance(info, typer.models.CommandInfo):
        command = typer.main.get_command_from_info(
            info, pretty_exceptions_short=True, rich_markup_mode=None
        )
        return tidy(command, name)
    if info is not None:
        group = typer.main.get_group_from_info(
            info, pretty_exceptions_short=True, suggest_commands=True, rich_markup_mode=None
        )
        return tidy(group, name)
    return None


def short_help(name: str, limit: int = 45) -> str:
    """A command's one-line help for ``funnel --help``, read without building the command."""
    import inspect

    info = _registration(name)
    if isinstance(info, typer.models.CommandInfo):
        text = info.short_help or info.help or inspect.getdoc(info.callback) or ""
    else:
        group_info = getattr(getattr(info, "typer_instance", None), "info", None)
        text = getattr(group_info, "help", "")
    return _shorten(i18n._(str(text or "")).split("\n\n")[0], limit)


def _shorten(text: str, limit: int) -> str:
    """Click's rule for short help: the first sentence, or as many words as fit, then "..."."""
    words = text.split()
    total = 0
    for i, word in enumerate(words):  # noqa: B007 - i is used after the loop
        total += len(word) + (i > 0)
        if total > limit:
            break
        if word.endswith("."):
            return " ".join(words[: i + 1])
        if total == limit and i != len(words) - 1:
            break
    else:
        return " ".join(words)
    total += len("...")
    while i > 0:
        total -= len(words[i]) + (i > 0)
        if total <= limit:
            break
        i -= 1
    return " ".join(words[:i]) + "..."
