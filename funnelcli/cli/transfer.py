"""Transfer commands: ``funnel import`` (CSV in), ``funnel export`` (CSV, JSON, .ics out)."""

from __future__ import annotations

import enum
import io
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from funnelcli.cli.options import FormatOption, command_group, state
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.render import Format

commands = command_group()


class Kind(enum.StrEnum):
    LEADS = "leads"
    FOLLOW_UPS = "follow-ups"
    ACTIVITIES = "activities"


class ExportWhat(enum.StrEnum):
    LEADS = "leads"
    FOLLOW_UPS = "follow-ups"
    ACTIVITIES = "activities"
    STAGE_CHANGES = "stage-changes"


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    ICS = "ics"


@commands.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="The CSV file to import, or - for standard input.",
            metavar="FILE",
            show_default=False,
        ),
    ],
    kind: Annotated[
        Kind | None,
        typer.Option(
            help="What the rows are: leads (default), follow-ups or activities.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="COLUMN=FIELD: which field a column holds (repeatable); FIELD 'ignore' skips it.",
            metavar="COLUMN=FIELD",
            show_default=False,
        ),
    ] = None,
    stage_map: Annotated[
        list[str] | None,
        typer.Option(
            "--stage-map",
            help="WORD=STAGE: the stage a status word of the file means (repeatable).",
            metavar="WORD=STAGE",
            show_default=False,
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="A TOML file with the columns, stages and options of a repeated import.",
            metavar="FILE.toml",
            dir_okay=False,
            readable=False,  # an unreadable mapping file is ours to report (66)
            show_default=False,
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="The CRM export the file is (default: recognised by its headers), or 'none' "
            "for the generic column names only.",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="The column holding the lead's id in the other system (matched first).",
            metavar="COLUMN",
            show_default=False,
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            help="Field delimiter: ',' ';' '|' or tab (default: detected).",
            metavar="CHAR",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="File encoding, e.g. cp1252 (default: detected).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    dayfirst: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="How to read dates like 03/04/2026 (default: told by the column, else asked).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would happen; write nothing.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Import the valid rows and write the invalid ones to FILE (- for standard "
            "output), with a reason.",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel", help="Write the --rejects file for French Excel: UTF-8 with BOM, ';'."
        ),
    ] = False,
    closed_without_opportunity: Annotated[
        bool,
        typer.Option(
            "--closed-without-opportunity",
            help="Record won/lost rows as created then closed, without the opportunity stage.",
        ),
    ] = False,
    update_fields: Annotated[
        str | None,
        typer.Option(
            "--update-fields",
            help="FIELD,FIELD…: the only fields a re-import may overwrite on known leads (the "
            "others are only filled where empty); e.g. name,phone,stage.",
            metavar="FIELDS",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Import leads, follow-ups or activities from a CSV file: idempotent, all or nothing.

    Rows match existing leads by external id, else by email and name (the rows of a deal
    file without ids are never merged with each other); importing the same file twice
    changes nothing. Any invalid row aborts the import (exit 65) unless --rejects is given.
    """
    from funnelcli.errors import Interrupted
    from funnelcli.importers.columns import parse_pairs
    from funnelcli.render import imports as render
    from funnelcli.render.progress import ImportProgress
    from funnelcli.services.imports.job import ImportJob
    from funnelcli.services.imports.options import ImportOptions, load_mapping_file

    st = state(ctx)
    options = ImportOptions(
        kind=(kind or Kind.LEADS).value,
        columns=parse_pairs(map_ or [], "--map"),
        stage_map=parse_pairs(stage_map or [], "--stage-map"),
        id_column=id_column,
        delimiter=delimiter,
        encoding=encoding,
        dayfirst=dayfirst if dayfirst is not None else st.dayfirst,
        dry_run=dry_run,
        rejects=rejects,
        excel=excel,
        closed_without_opportunity=closed_without_opportunity,
        profile=profile,
        profiles_dir=Path(typer.get_app_dir("funnel")) / "profiles",
        update_fields=_update_fields(update_fields),
    )
    if mapping is not None:
        options = options.with_mapping(load_mapping_file(mapping), kind_given=kind is not None)
    out = st.out
    job = ImportJob(
        st.store(create=not dry_run),
        file,
        options,
        stdin=_stdin_bytes() if file == "-" else None,
        stdout=_stdout_bytes(st.out.out) if str(rejects) == "-" else None,
    )
    try:
        for line in render.source_lines(job.display, job.csv, job.columns):
            out.note(line)
        for warning in render.source_warnings(job.csv, job.columns):
            out.warn(warning)
        progress = ImportProgress(
            out.err, total_bytes=job.csv.size, label=f"Importing {job.display}", color=out.color
        )
        try:
            summary = job.run(progress)
        finally:
            progress.close()
    finally:
        job.close()
    if summary.interrupted:
        raise Interrupted(render.interrupted_message(summary))
    if not summary.dry_run:
        out.committed(_("the import was committed"), _("its summary"))
    render.render_summary(out, summary, fmt)


def _update_fields(text: str | None) -> tuple[str, ...] | None:
    from funnelcli.importers import update_fields as fields

    if text is None:
        return None
    names = fields.split(text)
    unknown = fields.unknown_fields(names)
    if unknown:
        raise typer.BadParameter(
            _("unknown field {names}: expected some of {fields}").format(
                names=", ".join(map(repr, unknown)), fields=", ".join(fields.FIELDS)
            ),
            param_hint="--update-fields",
        )
    return tuple(names)


def _stdout_bytes(out: Any) -> BinaryIO:
    """Standard output as bytes (``--rejects -``), after what was already written to it."""
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        raise UsageError(_("--rejects - needs a standard output that takes bytes"))
    return buffer


def _stdin_bytes() -> BinaryIO:
    import sys

    stream: Any = sys.stdin
    if stream is None:  # funnel import - <&-
        from funnelcli.errors import InputFileError

        raise InputFileError(_("cannot read standard input: it is closed"))
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer
    return io.BytesIO(stream.read().encode("utf-8"))


@commands.command("export")
def export(
    ctx: typer.Context,
    what: Annotated[
        ExportWhat,
        typer.Argument(
            help="leads, follow-ups, activities or stage-changes.", case_sensitive=False
        ),
    ] = ExportWhat.LEADS,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, json, jsonl, or ics for follow-ups (default: the --output extension, "
            "else csv).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to FILE (owner-only, replaced atomically) instead of standard output.",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel", help="CSV for French Excel: UTF-8 with BOM, ';' and decimal commas."
        ),
    ] = False,
) -> None:
    """Export leads, follow-ups, activities or stage changes (CSV, JSON, JSON Lines, .ics)."""
    from funnelcli.services import exports

    st = state(ctx)
    to_stdout = output is None or str(output) == "-"
    chosen = exports.format_for(None if to_stdout else output, fmt.value if fmt else None)
    exports.check_format(what.value, chosen)
    if excel and chosen != "csv":
        raise UsageError(
            _("--excel is for CSV exports, not --format {chosen}").format(chosen=chosen)
        )
    if to_stdout:
        out = st.out.out
        out.flush()
        buffer = getattr(out, "buffer", None)
        stream = buffer if buffer is not None else io.BytesIO()
        exports.write_export(st.store(), what.value, chosen, stream, excel=excel)
        if buffer is None:  # a text-only stdout (embedding, tests): decode it there
            out.write(stream.getvalue().decode("utf-8"))
        stream.flush()
        return
    assert output is not None
    count = exports.export_to_file(st.store(), what.value, chosen, output, force=force, excel=excel)
    from funnelcli.render.imports import exported_line

    st.out.note(exported_line(count, what.value, output))
