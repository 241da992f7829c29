"""``funnel stages``: configure the pipeline (rename into French, add, reorder, re-weight)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from funnelcli import records
from funnelcli.cli.complete import stage_names
from funnelcli.cli.options import FormatOption, command_group, state
from funnelcli.render import Column, Format, Output

commands = command_group()


stages_app = command_group(
    help="Configure the pipeline: list, add, rename, move, set-probability, set-opportunity.",
    no_args_is_help=False,
    invoke_without_command=True,
)
commands.add_typer(stages_app, name="stages")

STAGE_COLUMNS = (
    Column("position", "#", justify="right"),
    Column("name", "Stage", style="bold"),
    Column("probability", "Win %", text=lambda r: f"{r['probability']} %", justify="right"),
    Column(
        "kind", "Kind", text=lambda r: r["kind"] + (" · opportunity" if r["opportunity"] else "")
    ),
    Column("leads", "Leads now", justify="right"),
)

StageName = Annotated[
    str,
    typer.Argument(
        help="Stage name.", metavar="STAGE", show_default=False, autocompletion=stage_names
    ),
]
After = Annotated[str | None, typer.Option(help="Place it after this stage.", show_default=False)]
Before = Annotated[str | None, typer.Option(help="Place it before this stage.", show_default=False)]


def _show_pipeline(out: Output, fmt: Format, store: Any) -> None:
    from funnelcli.services import stages

    rows = [records.stage(r.stage, leads=r.leads) for r in stages.list_stages(store)]
    out.records(rows, STAGE_COLUMNS, fmt)


@stages_app.callback()
def stages_root(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """The pipeline's stages, in order (the default action is 'list')."""
    if ctx.invoked_subcommand is None:
        st = state(ctx)
        _show_pipeline(st.out, fmt, st.store())


@stages_app.command("list")
def list_stages(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """List the stages in order, with their win probability and how many leads are there now."""
    st = state(ctx)
    _show_pipeline(st.out, fmt, st.store())


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
    from funnelcli.services import stages

    st = state(ctx)
    stage = stages.add_stage(
        st.store(create=True), name, probability=probability, after=after, before=before
    )
    st.out.committed(f"stage {stage.name!r} was added")
    if fmt is Format.TABLE:
        st.out.line(
            f"Added stage {stage.name!r} at position {stage.position} ({stage.probability} %)"
        )
    else:
        _show_pipeline(st.out, fmt, st.store())


@stages_app.command("rename")
def rename_stage(
    ctx: typer.Context,
    old: StageName,
    new: Annotated[str, typer.Argument(help="The new name.", metavar="NEW", show_default=False)],
) -> None:
    """Rename a stage (history keeps pointing at it: nothing is lost)."""
    from funnelcli.services import stages

    st = state(ctx)
    stage = stages.rename_stage(st.store(create=True), old, new)
    st.out.committed(f"stage {old!r} was renamed to {stage.name!r}")
    st.out.line(f"Renamed stage {old!r} to {stage.name!r}")


@stages_app.command("move")
def move_stage(
    ctx: typer.Context, name: StageName, after: After = None, before: Before = None
) -> None:
    """Reorder an open stage: --after STAGE or --before STAGE."""
    from funnelcli.services import stages

    st = state(ctx)
    order = stages.move_stage(st.store(create=True), name, after=after, before=before)
    st.out.committed(f"stage {name!r} was moved")
    st.out.line("Pipeline: " + " → ".join(s.name for s in order))


@stages_app.command("set-probability")
def set_probability(
    ctx: typer.Context,
    name: StageName,
    probability: Annotated[
        int, typer.Argument(help="Win probability, 0-100.", metavar="PERCENT", show_default=False)
    ],
) -> None:
    """Set a stage's default win probability (used by the forecast)."""
    from funnelcli.services import stages

    st = state(ctx)
    stage = stages.set_probability(st.store(create=True), name, probability)
    st.out.committed(f"the probability of stage {stage.name!r} was set")
    st.out.line(f"Stage {stage.name!r}: win probability {stage.probability} %")


@stages_app.command("set-opportunity")
def set_opportunity(ctx: typer.Context, name: StageName) -> None:
    """Mark the stage where a lead becomes an opportunity (used by conversion rates)."""
    from funnelcli.services import stages

    st = state(ctx)
    stage = stages.set_opportunity(st.store(create=True), name)
    st.out.committed(f"stage {stage.name!r} was made the opportunity stage")
    st.out.line(f"Leads become opportunities at stage {stage.name!r}")


@stages_app.command("remove")
def remove_stage(ctx: typer.Context, name: StageName) -> None:
    """Remove an open stage that no lead is at or has ever been at."""
    from funnelcli.services import stages

    st = state(ctx)
    stage = stages.remove_stage(st.store(create=True), name)
    st.out.committed(f"stage {stage.name!r} was removed")
    st.out.line(f"Removed stage {stage.name!r}")


@commands.command("config")
def config_command(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Argument(help="Setting: currency.", show_default=False)
    ] = None,
    value: Annotated[str | None, typer.Argument(help="New value.", show_default=False)] = None,
) -> None:
    """Show or change a database setting: 'funnel config currency EUR' sets the default currency."""
    from funnelcli.errors import UsageError
    from funnelcli.services import leads

    st = state(ctx)
    if key not in (None, "currency"):
        raise UsageError(f"unknown setting {key!r}: expected currency")
    if value is not None:
        currency = leads.set_default_currency(st.store(create=True), value)
        st.out.committed(f"the default currency was set to {currency}")
        st.out.line(f"currency = {currency}")
        return
    st.out.line(f"currency = {leads.get_default_currency(st.store())}")
