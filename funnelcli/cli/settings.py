"""``funnel config``: the database's settings (the default currency)."""

from __future__ import annotations

from typing import Annotated

import typer

from funnelcli.cli.options import command_group, state

commands = command_group()


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
    from funnelcli.render.settings import setting
    from funnelcli.services import settings

    st = state(ctx)
    if key not in (None, "currency"):
        raise UsageError(f"unknown setting {key!r}: expected currency")
    if value is not None:
        currency = settings.set_default_currency(st.store(create=True), value)
        setting(st.out, "currency", currency, changed=True)
    else:
        setting(st.out, "currency", settings.get_default_currency(st.store()), changed=False)
