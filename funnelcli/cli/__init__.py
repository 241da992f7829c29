"""The ``funnel`` command: the Typer app, its global options and the single error boundary.

Commands live in sub-modules, one per noun (``leads``, ``followups``, ``stages``, …); each has
its own ``commands`` Typer. They parse arguments, call a service and render. The root group
loads a module only when one of its commands runs (``registry``: :data:`COMMANDS`).

Errors raised anywhere below surface here, in :class:`FunnelGroup.invoke`, as one line
``Error: …`` on stderr (plus a hint) and the documented exit code — never a traceback, unless
``FUNNEL_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from funnelcli import __version__, config, i18n
from funnelcli.cli.registry import COMMAND_ALIASES, COMMANDS, build_command, short_help
from funnelcli.errors import FunnelError, Interrupted, OutputError, UsageError
from funnelcli.i18n import _
from funnelcli.render import Output
from funnelcli.text import printable

# The language is decided before any command module is imported: Typer reads their help then.
i18n.select(typer.get_app_dir("funnel"))

INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug, reported without a traceback
ARGV = "funnel.argv"


class FunnelGroup(TyperGroup):
    """The root command group: loads command modules lazily, and its ``invoke`` is the error
    boundary for every command."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        name = COMMAND_ALIASES.get(name, name)
        return build_command(name) if name in COMMANDS else None

    def resolve_command(self, ctx: Any, args: Any) -> Any:
        """An unknown command suggests the closest ones (click's own list is empty here: the
        commands are loaded lazily)."""
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:
            message = getattr(exc, "message", None)
            if args and isinstance(message, str) and "Did you mean" not in message:
                from difflib import get_close_matches

                matches = get_close_matches(args[0], [*COMMANDS, *COMMAND_ALIASES])
                if matches:
                    shown = ", ".join(f"'{COMMAND_ALIASES.get(m, m)}'" for m in matches)
                    exc.message = i18n._("{message}. Did you mean {commands}?").format(  # type: ignore[attr-defined]
                        message=message.rstrip("."), commands=shown
                    )
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of ``funnel --help``, without building every command."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        with formatter.section(i18n._("Commands")):
            formatter.write_dl([(name, short_help(name, limit)) for name in COMMANDS])

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """``funnel --help``: the options of the root, with clean metavars, and examples."""
        from funnelcli.cli.helptext import tidy

        tidy(self, "")
        super().format_help(ctx, formatter)

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """Refuse arguments that are not UTF-8 text before anything runs (exit 2)."""
        i18n.select(typer.get_app_dir("funnel"))  # again: a test may change the environment
        error = undecodable_argument(sys.argv[1:] if args is None else list(args))
        if error is not None:
            Output().error(error.message, error.hint)
            sys.exit(error.exit_code)
        return super().main(args, *rest, **kwargs)

    def make_context(self, info_name: Any, args: Any, *rest: Any, **kwargs: Any) -> Any:
        from funnelcli.cli.argv import normalize

        typed = list(args)
        self.typed = typed  # for --version, read before --db
        try:
            ctx = super().make_context(info_name, normalize(typed), *rest, **kwargs)
        except Exception as exc:
            _make_printable(exc)
            raise
        ctx.meta[ARGV] = typed  # the journal records the command line as typed
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            _check_zone()
            try:
                result = super().invoke(ctx)
            except (typer.Exit, typer.Abort):
                _flush(ctx)
                raise
            _flush(ctx)  # a full disk shows when the output is flushed: report it here
            return result
        except FunnelError as exc:
            if isinstance(exc, OutputError):
                _silence_stdout()  # what could not be written must not be retried at exit
            _report(exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _report(Interrupted(_("interrupted; nothing was written by the unfinished command")))
            raise typer.Exit(Interrupted.exit_code) from None
        except BrokenPipeError:
            # The reader went away (`funnel list | head -1`): it has all it wanted.
            _silence_stdout()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            sqlite3 = sys.modules.get("sqlite3")  # not imported: no database was touched
            if sqlite3 is not None and isinstance(exc, sqlite3.Error):
                # not raised through a Store: translate it here
                from funnelcli.store import translate

                state = ctx.obj if isinstance(ctx.obj, State) else None
                error = translate(exc, state.db_path if state else Path("?"))
                _report(error, exc)
                raise typer.Exit(error.exit_code) from None
            if _is_click_exception(exc):
                _make_printable(exc)
                raise
            if config.debug():
                raise
            Output().error(
                _("internal error: {kind}: {exc}").format(kind=type(exc).__name__, exc=exc),
                hint=_("this is a bug in funnel; run again with FUNNEL_DEBUG=1 for the details"),
            )
            raise typer.Exit(INTERNAL_ERROR) from None


def undecodable_argument(argv: list[str]) -> UsageError | None:
    """The error for the first argument that was not UTF-8 (Python hands such bytes over as
    lone surrogates, which no file, database or terminal can take), or None."""
    for arg in argv:
        if not isinstance(arg, str):
            continue
        bad = next((ch for ch in arg if "\udc80" <= ch <= "\udcff"), None)
        if bad is None and any("\ud800" <= ch <= "\udfff" for ch in arg):
            bad = "\udc3f"  # a surrogate that stands for no byte: say it is not UTF-8 anyway
        if bad is not None:
            return UsageError(
                _("the argument '{arg}' is not valid UTF-8 (byte {value:#04x})").format(
                    arg=printable(arg), value=ord(bad) - 56320
                ),
                hint=_(
                    "funnel reads its arguments as UTF-8: check the encoding of the terminal or "
                    "of the script"
                ),
            )
    return None


def _check_zone() -> None:
    """An unusable TZ (unknown zone, offset past 24 h) becomes UTC, with one warning."""
    from funnelcli import dates

    problem = dates.use_utc_if_zone_unusable()
    if problem:
        Output().warn(problem)


def _flush(ctx: Any) -> None:
    state = ctx.obj if isinstance(ctx.obj, State) else None
    if state is not None:
        state.out.flush()


def _make_printable(exc: BaseException) -> None:
    """Click's own messages quote what was typed: show it like ours, escaped."""
    if _is_click_exception(exc) and isinstance(getattr(exc, "message", None), str):
        exc.message = printable(exc.message)  # type: ignore[attr-defined]


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the final flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests): nothing left to flush anyway


def _is_click_exception(exc: BaseException) -> bool:
    # Typer vendors click; its exception classes are not exported, so test by ancestry.
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__)


def _report(error: FunnelError, cause: BaseException | None = None) -> None:
    if config.debug():
        import traceback

        traceback.print_exception(cause or error, file=sys.stderr)
    Output().error(error.message, error.hint, error.details)


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

    def __init__(
        self, db: Path | None, dayfirst: bool | None, argv: list[str] | None = None
    ) -> None:
        self.argv = argv or []
        self.db_path = config.db_path(db, typer.get_app_dir("funnel"))
        self.is_default_db = db is None
        self.dayfirst = dayfirst
        self._store: Any = None
        self._out: Output | None = None

    def store(self, *, create: bool = False) -> Any:
        """The open, migrated database (opened on first use).

        Only commands that write pass ``create=True``: a command that only reads refuses a
        missing file (66), so a mistyped path cannot make a cron job silently report nothing.
        """
        if self._store is None:
            from funnelcli.store import ensure_parent, open_db

            if self.is_default_db and create:
                ensure_parent(self.db_path)
            self._store = open_db(self.db_path, busy_timeout=config.busy_timeout(), create=create)
            self._store.command = lambda: command_line(self.argv)
            if self._store.created:
                from funnelcli.services.settings import take_locale_currency

                take_locale_currency(self._store)
                self.out.note(i18n._("created {path}").format(path=self.db_path))
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


def command_line(argv: list[str]) -> str:
    """``funnel ARGS…`` as a shell would take it back, for the journal."""
    import shlex

    return shlex.join(["funnel", *argv])


def _version(ctx: typer.Context, value: bool) -> None:
    """``--version``: the version, then the database in use (``--version`` is read before the
    other options, so ``--db`` is looked for in the command line as typed)."""
    if not value:
        return
    print(f"funnel {__version__}")
    from funnelcli.render.settings import database_lines
    from funnelcli.services.settings import database_info

    db = _typed_db(getattr(ctx.command, "typed", [])) or os.environ.get("FUNNEL_DB")
    path = config.db_path(db, typer.get_app_dir("funnel"))
    try:
        lines = database_lines(database_info(path))
    except FunnelError as exc:
        lines = [f"database = {path} ({exc.message})"]
    for line in lines:
        print(line)
    raise typer.Exit()


def _typed_db(args: list[str]) -> str | None:
    """The value of the last ``--db`` before the command (FUNNEL_DB is config's)."""
    from funnelcli.cli.argv import normalize

    found = None
    args = normalize(args)
    for i, arg in enumerate(args):
        if not arg.startswith("-"):
            break
        if arg == "--db" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--db="):
            found = arg[5:]
    return found


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="FUNNEL_DB",
            help="Database file [default: FUNNEL_DB, else funnel.db in your app data folder].",
            # folders and unreadable files are ours to report in one line (2, 77), not click's
            readable=False,
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
    state = State(db, dayfirst, ctx.meta.get(ARGV))
    ctx.obj = state
    ctx.call_on_close(state.close)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="funnel")
