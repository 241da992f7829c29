"""What ``--help`` shows besides the options: examples at the end, and clean metavars.

Every command's help ends with two or three examples (:data:`EXAMPLES`, by command path;
``tests/test_help.py`` fails for a command without them), and its placeholders are upper-case
words: ``LEAD``, ``TEXT``, ``FOLLOW_UP`` (Typer's own are ``{LEAD}``, ``{text}`` and
``<str>``), a choice ``[a|b]``. :func:`tidy` applies both when the root group builds a
command, so a command module declares neither.
"""

from __future__ import annotations

import types
from typing import Any

from funnelcli.i18n import _

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        'funnel add "Julie Roy" --company Acme --email julie@acme.example',
        "funnel overdue",
        "funnel report",
    ),
    "add": (
        'funnel add "Julie Roy" --company Acme --email julie@acme.example --source referral',
        'funnel add "Luc Côté" --amount "12 000 $" --stage contacted --at yesterday',
        "id=$(funnel add Bob --if-exists show)",
    ),
    "list": (
        "funnel list",
        "funnel list --status all --search acme",
        "funnel list --stage proposal --limit 0 -f csv",
    ),
    "show": ("funnel show 12", "funnel show julie@acme.example -f json"),
    "edit": ('funnel edit 12 --phone "514 555 0199"', "funnel edit 12 --unset phone"),
    "qualify": (
        "funnel qualify 12 --amount 24000 --frequency yearly --expected-close 2027-01-15",
        "funnel qualify 12 --decision-maker CFO --needs-approval --probability 40",
    ),
    "advance": ("funnel advance 12", 'funnel advance 12 proposal --at "last friday"'),
    "win": ("funnel win 12", "funnel win 12 --amount 11500 --at yesterday"),
    "lose": ("funnel lose 12 --reason price", "funnel lose 12 --reason timing --keep-follow-ups"),
    "reopen": ("funnel reopen 12", 'funnel reopen 12 --note "budget freed up"'),
    "history": ("funnel history 12", "funnel history 12 --drop 40"),
    "delete": ("funnel delete 12", "funnel delete 12 13 --yes --purge"),
    "merge": ("funnel merge 12 31", "funnel merge 12 31 44 -f json"),
    "undo": ("funnel undo", "funnel undo --list", "funnel undo --prune 2026-01-01"),
    "redo": ("funnel undo", "funnel redo"),
    "follow-up": (
        "funnel follow-up",
        'funnel follow-up add 12 "send the quote" --due friday',
        "funnel follow-up done F7",
    ),
    "follow-up add": (
        'funnel follow-up add 12 "send the quote" --due friday',
        'funnel follow-up add 12 "call back" --due "tomorrow 10:00"',
    ),
    "follow-up list": (
        "funnel follow-up list",
        "funnel follow-up list --lead 12 --all",
        "funnel follow-up list --due-before +7d -f csv",
    ),
    "follow-up done": ("funnel follow-up done F7", 'funnel follow-up done 7 --note "sent v2"'),
    "follow-up snooze": ("funnel follow-up snooze F7 monday", "funnel follow-up snooze 7 +3d"),
    "done": ("funnel done F7", 'funnel done 7 --note "sent v2"'),
    "snooze": ("funnel snooze F7 monday", 'funnel snooze 7 "next week"'),
    "follow-up edit": (
        'funnel follow-up edit 7 --text "send the revised quote"',
        "funnel follow-up edit 7 --due 2026-12-15",
    ),
    "follow-up delete": ("funnel follow-up delete 7", "funnel undo"),
    "follow-up reopen": ("funnel follow-up reopen 7", "funnel follow-up list --lead 12"),
    "promise": (
        'funnel promise 12 "send the quote" --due friday',
        'funnel promise 12 "call back" --due "in 2 weeks"',
    ),
    "log": (
        'funnel log 12 call "left a message"',
        "funnel log 12 demo --at yesterday",
        "funnel log --types",
    ),
    "log add": ('funnel log add 12 call "left a message"', "funnel log add 12 meeting --at monday"),
    "log edit": ("funnel log edit 30 --type meeting", 'funnel log edit 30 --text "on site"'),
    "log delete": ("funnel log delete 30", "funnel undo"),
    "overdue": ("funnel overdue", "funnel overdue --within 2d", "funnel overdue --exit-code"),
    "report": (
        "funnel report",
        "funnel report forecast --period next-quarter",
        "funnel report kpis --source referral -f json",
    ),
    "check": ("funnel check", "funnel check --stale-days 14 --exit-code"),
    "intake": (
        "funnel intake < submission.eml",
        "funnel intake --honeypot website --reply-within 4h",
        "funnel intake --flush",
    ),
    "import": (
        "funnel import leads.csv --dry-run",
        "funnel import deals.csv --map Organisation=company --dayfirst",
        "funnel import calls.csv --kind activities",
    ),
    "export": (
        "funnel export -o leads.csv",
        "funnel export follow-ups -f ics -o promises.ics",
        "funnel export stage-changes -f json",
    ),
    "stages": (
        "funnel stages",
        "funnel stages rename won gagné",
        "funnel stages add demo --after contacted",
    ),
    "stages list": ("funnel stages list", "funnel stages list -f json"),
    "stages add": ("funnel stages add demo --after contacted", "funnel stages add trial -f json"),
    "stages rename": ("funnel stages rename won gagné", "funnel stages rename new nouveau"),
    "stages move": ("funnel stages move demo --after qualified", "funnel stages list"),
    "stages set-probability": (
        "funnel stages set-probability proposal 40",
        "funnel report forecast",
    ),
    "stages set-opportunity": ("funnel stages set-opportunity proposal", "funnel report kpis"),
    "stages remove": ("funnel stages remove demo", "funnel stages list"),
    "config": ("funnel config", "funnel config currency EUR"),
    "init": ("funnel init", "funnel init --db ~/sales/funnel.db"),
    "backup": ("funnel backup ~/backups/funnel-$(date +%F).db", "funnel restore BACKUP"),
    "restore": ("funnel restore ~/backups/funnel-2026-11-29.db", "funnel undo --list"),
    "demo": ("funnel demo", "funnel demo --leads 500 --seed 7 --db /tmp/demo.db"),
}

#: Placeholders by the Python type of an option (Typer 0.28 writes them ``<str>``).
_TYPE_WORDS = {
    "str": "TEXT",
    "int": "INTEGER",
    "float": "NUMBER",
    "path": "PATH",
    "file": "FILE",
    "directory": "FOLDER",
}


def epilog(path: str) -> str | None:
    """The examples of command ``path`` ("" for ``funnel`` itself), laid out for Click."""
    lines = EXAMPLES.get(path)
    if not lines:
        return None
    # \b keeps Click from rewrapping the paragraph
    return _("Examples:") + "\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


def tidy(command: Any, path: str) -> Any:
    """Examples, clean metavars and the help in the interface's language on ``command`` and
    its sub-commands."""
    command.epilog = epilog(path)
    translate(command)
    for param in command.params:
        translate(param)
        if param.param_type_name == "argument":
            _argument(param)
        elif not getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = _option_word(param)
    for name, sub in getattr(command, "commands", {}).items():
        tidy(sub, f"{path} {name}".strip())
    return command


def translate(thing: Any) -> None:
    """Its ``help`` (and ``short_help``) in the interface's language: the English text, as
    written in the code, is the catalogue's key (kept, so that a test may switch languages)."""
    for attr in ("help", "short_help"):
        english = thing.__dict__.setdefault(f"english_{attr}", getattr(thing, attr, None))
        if english:
            setattr(thing, attr, _(english))


def _argument(param: Any) -> None:
    word = (param.metavar or param.name or "").strip("[]{}").upper().replace("-", "_")

    def make_metavar(self: Any, ctx: Any = None, *, usage: bool = False) -> str:
        shown = f"{word}..." if self.nargs != 1 else word
        return f"[{shown}]" if usage and not self.required else shown

    param.make_metavar = types.MethodType(make_metavar, param)


def _option_word(param: Any) -> str | None:
    choices = getattr(param.type, "choices", None)
    if choices:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in choices) + "]"
    name = str(getattr(param.type, "name", "")).lower()
    if name.endswith("range"):
        return "INTEGER"
    return _TYPE_WORDS.get(name)
