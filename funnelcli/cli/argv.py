"""The command line as typed, made into the one click parses: one way to say each thing.

- **Global options anywhere**: ``--db PATH`` and ``--dayfirst``/``--monthfirst`` given after the
  command (``funnel list --db x``) move before it, where the root group reads them; ``demo``
  and ``init`` keep their own ``--db`` (where the demo goes, the database to create).
- **Old spellings** of negative flags (``--not-price-only``, ``--contact-does-not-decide``,
  ``--no-needs-approval``) become the documented ones, and are not shown in ``--help``.
- **Singular or plural**: ``export follow-up`` and ``import --kind activity`` mean the plural.

Nothing after ``--`` is touched: it is an argument, whatever it looks like.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The root group's options, and whether each takes a value.
GLOBAL_OPTIONS = {"--db": True, "--dayfirst": False, "--monthfirst": False}
#: Commands with an option of their own spelled like a global one.
OWN_OPTIONS = {"demo": {"--db"}, "init": {"--db"}}
#: Hidden aliases of flags: the spelling of an earlier version → the documented one.
FLAG_ALIASES = {
    "--not-price-only": "--no-price-only",
    "--contact-does-not-decide": "--no-contact-decides",
    "--no-needs-approval": "--no-approval",
}
#: What ``export WHAT`` and ``import --kind WHAT`` accept in the singular.
KIND_ALIASES = {
    "lead": "leads",
    "follow-up": "follow-ups",
    "followup": "follow-ups",
    "followups": "follow-ups",
    "activity": "activities",
    "stage-change": "stage-changes",
}


def normalize(args: Sequence[str]) -> list[str]:
    """``args`` with global options first and old spellings replaced (see the module)."""
    args = list(args)
    start = _command_index(args)
    if start is None:
        return args
    command = args[start]
    own = OWN_OPTIONS.get(command, set())
    hoisted: list[str] = []
    rest: list[str] = []
    i = start + 1
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name, has_value, value = arg.partition("=")
        if name in GLOBAL_OPTIONS and name not in own:
            if GLOBAL_OPTIONS[name] and not has_value:
                hoisted.extend(args[i : i + 2])
                i += 2
                continue
            hoisted.append(arg)
        elif arg in FLAG_ALIASES:
            rest.append(FLAG_ALIASES[arg])
        elif name == "--kind" and command == "import":
            if has_value:
                rest.append(f"--kind={_kind(value)}")
            else:
                rest.append(arg)
                if i + 1 < len(args):
                    rest.append(_kind(args[i + 1]))
                    i += 1
        elif command == "export" and i == start + 1 and not arg.startswith("-"):
            rest.append(_kind(arg))
        else:
            rest.append(arg)
        i += 1
    return [*args[:start], *hoisted, command, *rest]


def _kind(value: str) -> str:
    return KIND_ALIASES.get(value.lower(), value)


def _command_index(args: list[str]) -> int | None:
    """Where the command's name is: past the global options (and their values) before it."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--" or not arg.startswith("-"):
            return None if arg == "--" else i
        name, has_value, _ = arg.partition("=")
        i += 2 if GLOBAL_OPTIONS.get(name) and not has_value else 1
    return None
