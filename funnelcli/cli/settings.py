"""``funnel config``: where the database is, what it holds, and its settings (the default
currency)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from funnelcli.cli.options import command_group, state
from funnelcli.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.cli import State

commands = command_group()


@commands.command("config")
def config_command(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Argument(help="Setting: currency, language.", show_default=False)
    ] = None,
    value: Annotated[str | None, typer.Argument(help="New value.", show_default=False)] = None,
) -> None:
    """Show the database in use (path, size, schema, leads) and its settings, or change one:
    'funnel config currency EUR' sets the default currency, 'funnel config language fr' the
    language of the interface (saved for you, not in the database)."""
    from funnelcli.errors import UsageError
    from funnelcli.render.settings import database_lines, setting
    from funnelcli.services import settings

    st = state(ctx)
    if key == "language":
        _language(st, value)
        return
    if key not in (None, "currency"):
        raise UsageError(
            _("unknown setting {key!r}: expected currency or language").format(key=key)
        )
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


def _language(st: State, value: str | None) -> None:
    """The interface's language: shown, or saved in the user's settings file (no database
    is opened)."""
    from funnelcli import i18n
    from funnelcli.render.settings import language_setting

    if value is None:
        language_setting(st.out, i18n.language(), changed=False)
        return
    chosen = i18n.save_language(typer.get_app_dir("funnel"), value)
    i18n.select(typer.get_app_dir("funnel"))
    language_setting(st.out, chosen, changed=True)
