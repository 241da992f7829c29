"""``funnel merge``: fold duplicate leads into one (undoable)."""

from __future__ import annotations

from typing import Annotated

import typer

from funnelcli.cli.complete import lead_ids
from funnelcli.cli.options import FormatOption, command_group, state
from funnelcli.render import Format

commands = command_group()


@commands.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[
        str,
        typer.Argument(
            help="The lead to keep (id, external id or email).",
            metavar="KEEP",
            show_default=False,
            autocompletion=lead_ids,
        ),
    ],
    others: Annotated[
        list[str],
        typer.Argument(
            help="The leads to merge into it (ids, external ids or emails).",
            metavar="OTHER...",
            show_default=False,
            autocompletion=lead_ids,
        ),
    ],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Merge duplicate leads into KEEP: their follow-ups, actions, notes and external ids move
    onto it, and they are deleted (undoable)."""
    from funnelcli.render import merging as render
    from funnelcli.services import merging

    st = state(ctx)
    render.merged(st.out, merging.merge(st.store(), keep, others), fmt)
