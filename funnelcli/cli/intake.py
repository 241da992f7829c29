"""``funnel intake``: web-form submissions into the funnel, none ever lost."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from funnelcli.cli.options import FormatOption, command_group, parse, state
from funnelcli.i18n import _
from funnelcli.render import Format

commands = command_group()


class InputFormat(enum.StrEnum):
    JSON = "json"
    FORM = "form"
    EMAIL = "email"


@commands.command()
def intake(
    ctx: typer.Context,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(
            "--input",
            help="What standard input holds: json (an object, or JSON lines), form "
            "(URL-encoded, as a browser posts) or email (RFC 5322). Default: detected.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    reply_within: Annotated[
        str,
        typer.Option(
            "--reply-within",
            help="When the promise to reply falls due: 1bd (business days), 4h, 2d.",
        ),
    ] = "1bd",
    honeypot: Annotated[
        str | None,
        typer.Option(
            help="A form field hidden from people: a submission that fills it is spam, dropped.",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str, typer.Option(help="The source of a new lead whose submission names none.")
    ] = "web-form",
    flush: Annotated[
        bool,
        typer.Option("--flush", help="Record the submissions waiting in the spool (cron)."),
    ] = False,
    spool_dir: Annotated[
        Path | None,
        typer.Option(
            "--spool",
            metavar="DIR",
            help="The spool folder [default: funnel-intake/ beside the database].",
            show_default=False,
        ),
    ] = None,
    spool_only: Annotated[
        Path | None,
        typer.Option(
            "--spool-only",
            metavar="DIR",
            help="Only write the submission to DIR, never open the database (a web server's "
            "user); the owner's cron runs --flush --spool DIR.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Record a web-form submission read on stdin: a new lead, or an activity of the open lead
    with its email, and a promise to reply. Queued when the database is locked."""
    from funnelcli import dates, spool
    from funnelcli.dates.business import parse_within
    from funnelcli.errors import DatabaseLocked, StorageError, TryLater, UsageError
    from funnelcli.render import intake as render
    from funnelcli.services import spooling

    st = state(ctx)
    given = input_format.value if input_format else None
    settings = spooling.Settings(
        given, parse("--reply-within", parse_within, reply_within), source, honeypot
    )
    if flush:
        if spool_only is not None:
            raise UsageError(_("--flush and --spool-only cannot be used together"))
        folder = spool.existing(spool_dir, "--spool") if spool_dir else spool.folder_of(st.db_path)
        store = st.store()
        store.command = "funnel intake --flush"
        render.outcomes(st.out, spooling.flush(store, folder, settings), fmt)
        return
    if spool_only is not None:
        folder, store = spool.existing(spool_only, "--spool-only"), None
    else:
        try:
            store = st.store()  # never created: a missing database is exit 66
        except DatabaseLocked:
            store = None
        folder = spool.existing(spool_dir, "--spool") if spool_dir else spool.folder_of(st.db_path)
    raw = _stdin()
    try:
        done = spooling.take(store, folder, raw, dates.now(), settings)
    except StorageError as exc:
        if given == "email":  # the mail server keeps the message and retries
            raise TryLater(exc.message, hint=exc.hint) from None
        raise
    render.outcomes(st.out, done, fmt)


def _stdin() -> bytes:
    from funnelcli.errors import InputFileError
    from funnelcli.importers.submission import MAX_BYTES

    stream = sys.stdin
    if stream is None:
        raise InputFileError(_("cannot read standard input: it is closed"))
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return stream.read(MAX_BYTES + 1).encode("utf-8")
    return bytes(buffer.read(MAX_BYTES + 1))
