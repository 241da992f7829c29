"""Moving a lead: advance (to the next stage, or the one named), win, lose."""

from __future__ import annotations

from typing import Annotated

import typer

from funnelcli.cli.complete import stage_names
from funnelcli.cli.options import (
    AtOption,
    FormatOption,
    LeadArgument,
    amount,
    command_group,
    moment,
    state,
)
from funnelcli.render import Format

commands = command_group()

KeepFollowUps = Annotated[
    bool,
    typer.Option(
        "--keep-follow-ups",
        help="Keep the lead's open follow-ups open (default: closing cancels them).",
    ),
]


@commands.command()
def advance(
    ctx: typer.Context,
    lead: LeadArgument,
    stage: Annotated[
        str | None,
        typer.Argument(
            help="Stage to move to (default: the next open stage).",
            metavar="STAGE",
            show_default=False,
            autocompletion=stage_names,
        ),
    ] = None,
    at: AtOption = None,
    note: Annotated[str | None, typer.Option(help="Why it moved.", show_default=False)] = None,
    keep_follow_ups: KeepFollowUps = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Move a lead to the next stage, or to the stage named (also backwards, or to reopen it)."""
    from funnelcli.render import leads as render
    from funnelcli.services import moves

    st = state(ctx)
    moved = moves.advance(
        st.store(create=True),
        lead,
        stage,
        at=moment(st, at),
        note=note,
        keep_follow_ups=keep_follow_ups,
    )
    render.moved(st.out, moved, fmt)


@commands.command()
def win(
    ctx: typer.Context,
    lead: LeadArgument,
    amount_text: Annotated[
        str | None,
        typer.Option("--amount", metavar="AMOUNT", help="The amount won.", show_default=False),
    ] = None,
    at: AtOption = None,
    note: Annotated[str | None, typer.Option(help="A note on the win.", show_default=False)] = None,
    keep_follow_ups: KeepFollowUps = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Close a lead as won."""
    from funnelcli.render import leads as render
    from funnelcli.services import moves

    st = state(ctx)
    cents, currency = amount(amount_text)
    moved = moves.win(
        st.store(create=True),
        lead,
        amount_cents=cents,
        currency=currency,
        at=moment(st, at),
        note=note,
        keep_follow_ups=keep_follow_ups,
    )
    render.moved(st.out, moved, fmt)


@commands.command()
def lose(
    ctx: typer.Context,
    lead: LeadArgument,
    reason: Annotated[
        str | None,
        typer.Option(help="Why it was lost: price, timing, competitor…", show_default=False),
    ] = None,
    at: AtOption = None,
    keep_follow_ups: KeepFollowUps = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Close a lead as lost, with the reason."""
    from funnelcli.render import leads as render
    from funnelcli.services import moves

    st = state(ctx)
    moved = moves.lose(
        st.store(create=True),
        lead,
        reason=reason,
        at=moment(st, at),
        keep_follow_ups=keep_follow_ups,
    )
    render.moved(st.out, moved, fmt)


@commands.command()
def reopen(
    ctx: typer.Context,
    lead: LeadArgument,
    at: AtOption = None,
    note: Annotated[str | None, typer.Option(help="Why it reopened.", show_default=False)] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Put a won or lost lead back at its last open stage (its cancelled follow-ups too)."""
    from funnelcli.render import leads as render
    from funnelcli.services import reopening

    st = state(ctx)
    moved = reopening.reopen_lead(st.store(create=True), lead, at=moment(st, at), note=note)
    render.moved(st.out, moved, fmt)
