"""The ``funnel`` command: the Typer app, its global options and the single error boundary.

Commands live in sub-modules, one per noun (``leads``, ``followups``, ``stages``, …); each has
its own ``commands`` Typer. They parse arguments, call a service and render. The root group
loads a module only when one of its commands runs (:data:`COMMANDS`): building every command's
parameters from its signature costs ~25 ms that ``funnel overdue`` from cron should not pay.

Errors raised anywhere below surface here, in :class:`FunnelGroup.invoke`, as one line
``Error: …`` on stderr (plus a hint) and the documented exit code — never a traceback, unless
``FUNNEL_DEBUG=1``.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperGroup

from funnelcli import __version__, config
from funnelcli.errors import FunnelError, Interrupted
from funnelcli.render import Output

INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug, reported without a traceback

#: Every command, in the order ``funnel --help`` lists them, and the module that defines it.
COMMANDS = {
    "add": "leads",
    "list": "leads",
    "show": "leads",
    "edit": "leads",
    "qualify": "leads",
    "advance": "leads",
    "win": "leads",
    "lose": "leads",
    "follow-up": "followups",
    "promise": "followups",
    "log": "followups",
    "overdue": "followups",
    "report": "reports",
    "check": "admin",
    "import": "transfer",
    "export": "transfer",
    "stages": "stages",
    "config": "stages",
    "backup": "admin",
    "demo": "admin",
}


@functools.cache
def module_group(module: str) -> Any:
    """The click group of one command module (imported and built on first use)."""
    import importlib

    loaded = importlib.import_module(f"funnelcli.cli.{module}")
    commands = getattr(loaded, "commands", None)
    if commands is None:  # TRANSITIONAL: a module still registering on the root app
        commands = typer.Typer(rich_markup_mode=None)
        commands.registered_commands = list(app.registered_commands)
        commands.registered_groups = list(app.registered_groups)
    return typer.main.get_group(commands)


class FunnelGroup(TyperGroup):
    """The root command group: loads command modules lazily, and its ``invoke`` is the error
    boundary for every command."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        module = COMMANDS.get(name)
        return None if module is None else module_group(module).get_command(ctx, name)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FunnelError as exc:
            _report(exc)
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.Error as exc:  # not raised through a Store: translate it here
            from funnelcli.store import translate

            state = ctx.obj if isinstance(ctx.obj, State) else None
            error = translate(exc, state.db_path if state else Path("?"))
            _report(error, exc)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            _report(Interrupted("interrupted; nothing was written by the unfinished command"))
            raise typer.Exit(Interrupted.exit_code) from None
        except BrokenPipeError:
            # The reader went away (`funnel list | head -1`): it has all it wanted.
            _silence_stdout()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if _is_click_exception(exc) or config.debug():
                raise
            Output().error(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug in funnel; run again with FUNNEL_DEBUG=1 for the details",
            )
            raise typer.Exit(INTERNAL_ERROR) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the final flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests): nothing left to flush anyway


def _is_click_exception(exc: Exception) -> bool:
    # Typer vendors click; its exception classes are not exported, so test by ancestry.
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__)


def _report(error: FunnelError, cause: BaseException | None = None) -> None:
    if config.debug():
        import traceback

        traceback.print_exception(cause or error, file=sys.stderr)
    Output().error(error.message, error.hint)


app = typer.Typer(
    name="funnel",
    cls=FunnelGroup,
    help="funnel: a sales-funnel tracker for solo salespeople, on one local SQLite file.",
    no_args_is_help=True,
    rich_markup_mode=None,  # Rich-formatted help costs ~165 ms of imports at every start
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    """Per-invocation state: global options, the open database, the output."""

    def __init__(self, db: Path | None, dayfirst: bool | None) -> None:
        self.db_path = config.db_path(db, typer.get_app_dir("funnel"))
        self.is_default_db = db is None
        self.dayfirst = dayfirst
        self._store: Any = None
        self._out: Output | None = None

    def store(self) -> Any:
        """The open, migrated database (opened on first use)."""
        if self._store is None:
            from funnelcli.store import ensure_parent, open_db

            if self.is_default_db:
                ensure_parent(self.db_path)
            self._store = open_db(self.db_path, busy_timeout=config.busy_timeout())
        return self._store

    @property
    def out(self) -> Output:
        if self._out is None:
            self._out = Output()
        return self._out

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _version(value: bool) -> None:
    if value:
        print(f"funnel {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="FUNNEL_DB",
            help="Database file [default: FUNNEL_DB, else funnel.db in your app data folder].",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    dayfirst: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="How to read ambiguous slashed dates such as 03/04/2026.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Track leads through your sales funnel: follow-ups, activities, KPIs and forecasts."""
    state = State(db, dayfirst)
    ctx.obj = state
    ctx.call_on_close(state.close)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="funnel")
