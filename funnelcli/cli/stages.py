"""``funnel stages``: configure the pipeline (rename into French, add, reorder, re-weight)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from funnelcli.cli.complete import stage_names
from funnelcli.cli.options import FormatOption, command_group, state
from funnelcli.i18n import _
from funnelcli.render import Format, Output

commands = command_group()


stages_app = command_group(
    help="Configure the pipeline: list, add, rename, move, set-probability, set-opportunity.",
    no_args_is_help=False,
    invoke_without_command=True,
)
commands.add_typer(stages_app, name="stages")

StageName = Annotated[
    str,
    typer.Argument(
        help="Stage name.", metavar="STAGE", show_default=False, autocompletion=stage_names
    ),
]
After = Annotated[str | None, typer.Option(help="Place it after this stage.", show_default=False)]
Before = Annotated[str | None, typer.Option(help="Place it before this stage.", show_default=False)]


def _show_pipeline(out: Output, fmt: Format, store: Any) -> None:
    from funnelcli.render.stages import pipeline
    from funnelcli.services import stages

    pipeline(out, stages.list_stages(store), fmt)


#: ``funnel stages -f json SUB``: where the group's format waits for the sub-command.
_GROUP_FORMAT = "funnel.stages.format"
#: The sub-commands that print records, and so take ``-f`` before or after their name.
_FORMATTED = ("list", "add")


def _given(ctx: typer.Context) -> bool:
    source = ctx.get_parameter_source("fmt")
    return source is not None and source.name != "DEFAULT"


def _format(ctx: typer.Context, fmt: Format) -> Format:
    """The sub-command's ``-f``, else the one given to ``funnel stages``."""
    return fmt if _given(ctx) else ctx.meta.get(_GROUP_FORMAT, fmt)


@stages_app.callback()
def stages_root(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """The pipeline's stages, in order (the default action is 'list')."""
    from funnelcli.errors import UsageError

    if ctx.invoked_subcommand is None:
        st = state(ctx)
        _show_pipeline(st.out, fmt, st.store())
    elif _given(ctx):
        if ctx.invoked_subcommand not in _FORMATTED:
            raise UsageError(
                _(
                    "funnel stages {invoked_subcommand} takes no --format: it prints one line"
                ).format(invoked_subcommand=ctx.invoked_subcommand),
                hint=_("--format goes with funnel stages, stages list and stages add"),
            )
        ctx.meta[_GROUP_FORMAT] = fmt


@stages_app.command("list")
def list_stages(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """List the stages in order, with their win probability and how many leads are there now."""
    st = state(ctx)
    _show_pipeline(st.out, _format(ctx, fmt), st.store())


@stages_app.command("add")
def add_stage(
    ctx: typer.Context,
    name: StageName,
    probability: Annotated[
        int | None,
        typer.Option(
            help="Default win probability, 0-100 (default: between its neighbours).",
            show_default=False,
        ),
    ] = None,
    after: After = None,
    before: Before = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Add an open stage (by default the last one before won/lost)."""
    from funnelcli.render import stages as render
    from funnelcli.services import stages

    st = state(ctx)
    fmt = _format(ctx, fmt)
    stage = stages.add_stage(
        st.store(create=True), name, probability=probability, after=after, before=before
    )
    rows = stages.list_stages(st.store()) if fmt is not Format.TABLE else []
    render.added(st.out, stage, rows, fmt)


@stages_app.command("rename")
def rename_stage(
    ctx: typer.Context,
    old: StageName,
    new: Annotated[str, typer.Argument(help="The new name.", metavar="NEW", show_default=False)],
) -> None:
    """Rename a stage (history keeps pointing at it: nothing is lost)."""
    from funnelcli.render import stages as render
    from funnelcli.services import stages

    st = state(ctx)
    render.renamed(st.out, old, stages.rename_stage(st.store(create=True), old, new))


@stages_app.command("move")
def move_stage(
    ctx: typer.Context, name: StageName, after: After = None, before: Before = None
) -> None:
    """Reorder an open stage: --after STAGE or --before STAGE."""
    from funnelcli.render import stages as render
    from funnelcli.services import stages

    st = state(ctx)
    order = stages.move_stage(st.store(create=True), name, after=after, before=before)
    render.moved(st.out, name, order)


@stages_app.command("set-probability")
def set_probability(
    ctx: typer.Context,
    name: StageName,
    probability: Annotated[
        int, typer.Argument(help="Win probability, 0-100.", metavar="PERCENT", show_default=False)
    ],
) -> None:
    """Set a stage's default win probability (used by the forecast)."""
    from funnelcli.render import stages as render
    from funnelcli.services import stages

    st = state(ctx)
    render.probability_set(st.out, stages.set_probability(st.store(create=True), name, probability))


@stages_app.command("set-opportunity")
def set_opportunity(ctx: typer.Context, name: StageName) -> None:
    """Mark the stage where a lead becomes an opportunity (used by conversion rates)."""
    from funnelcli.render import stages as render
    from funnelcli.services import stages

    st = state(ctx)
    render.opportunity_set(st.out, stages.set_opportunity(st.store(create=True), name))


@stages_app.command("remove")
def remove_stage(ctx: typer.Context, name: StageName) -> None:
    """Remove an open stage that no lead is at or has ever been at."""
    from funnelcli.render import stages as render
    from funnelcli.services import stages

    st = state(ctx)
    render.removed(st.out, stages.remove_stage(st.store(create=True), name))
