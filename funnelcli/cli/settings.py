"""``funnel config``: where the database is, what it holds, and its settings (the default
currency)."""

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
    """Show the database in use (path, size, schema, leads) and its settings, or change one:
    'funnel config currency EUR' sets the default currency."""
    from funnelcli.errors import UsageError
    from funnelcli.render.settings import database_lines, setting
    from funnelcli.services import settings

    st = state(ctx)
    if key not in (None, "currency"):
        raise UsageError(f"unknown setting {key!r}: expected currency")
    if key is None:
        info = settings.database_info(st.db_path)
        for line in database_lines(info):
            st.out.line(line)
        if not info.exists:
            setting(st.out, "currency", settings.fallback_currency(), changed=False)
            return
    if value is not None:
        currency = settings.set_default_currency(st.store(create=True), value)
        setting(st.out, "currency", currency, changed=True)
    else:
        setting(st.out, "currency", settings.get_default_currency(st.store()), changed=False)
