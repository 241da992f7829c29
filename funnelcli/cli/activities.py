"""``funnel log``: record an action (``funnel log LEAD TYPE [TEXT]``), or correct one
(``funnel log edit ID``, ``funnel log delete ID``; the ids are in ``funnel show``).

``log`` is a group whose default command records: a first argument that is not ``edit`` or
``delete`` is a lead, so every ``funnel log 3 call`` written before the corrections existed
keeps working (a lead whose external id is literally ``edit`` is named by its number).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from funnelcli.cli import followups
from funnelcli.cli.options import AtOption, FormatOption, command_group, moment, state
from funnelcli.render import Format

RECORD = "add"


class LogGroup(TyperGroup):
    """Arguments that name no sub-command go to the default one (recording an action)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [RECORD, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(
            ctx.command_path,
            "LEAD TYPE [TEXT] [--at WHEN] [--new-type] | --types | edit ID [OPTIONS] | delete ID",
        )


commands = command_group()
log_app = command_group(
    cls=LogGroup,
    help="Record an action taken on a lead: funnel log LEAD TYPE [TEXT] [--at WHEN]. "
    "Correct one with 'log edit ID' or 'log delete ID' (ids: funnel show LEAD).",
)
commands.add_typer(log_app, name="log")
log_app.command(RECORD, hidden=True)(followups.log)

IdArgument = Annotated[
    int,
    typer.Argument(help="The action's id (see 'funnel show LEAD').", show_default=False),
]


@log_app.command("edit")
def edit(
    ctx: typer.Context,
    activity: IdArgument,
    type_: Annotated[
        str | None, typer.Option("--type", help="The corrected type.", show_default=False)
    ] = None,
    text: Annotated[
        str | None,
        typer.Option(help="The corrected text ('' removes it).", show_default=False),
    ] = None,
    at: AtOption = None,
    new_type: Annotated[
        bool,
        typer.Option(
            "--new-type", help="Take --type even if it looks like a typo of a known type."
        ),
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Correct a logged action's type, text or date."""
    from funnelcli.render import followups as render
    from funnelcli.services import log_edits

    st = state(ctx)
    edited = log_edits.edit(
        st.store(create=True),
        activity,
        type_=type_,
        text=text,
        at=moment(st, at),
        new_type=new_type,
    )
    render.log_changed(st.out, edited.activity, edited.lead, fmt, "Updated")


@log_app.command("delete")
def delete(ctx: typer.Context, activity: IdArgument, fmt: FormatOption = Format.TABLE) -> None:
    """Delete an action logged by mistake (undoable)."""
    from funnelcli.render import followups as render
    from funnelcli.services import log_edits

    st = state(ctx)
    deleted = log_edits.delete(st.store(create=True), activity)
    render.log_changed(st.out, deleted.activity, deleted.lead, fmt, "Deleted")
