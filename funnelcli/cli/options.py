"""Options shared by many commands, defined once, and the parsing of their values at the edge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from funnelcli.cli.complete import lead_ids
from funnelcli.errors import FunnelError, UsageError
from funnelcli.i18n import _
from funnelcli.render import Format

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.cli import State

T = TypeVar("T")


def command_group(**settings: Any) -> typer.Typer:
    """The Typer of one command module (plain help: Rich help costs ~165 ms of imports)."""
    return typer.Typer(rich_markup_mode=None, **settings)


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="table (people), csv or json (scripts; see the README for the shapes).",
        case_sensitive=False,
    ),
]

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="WHEN",
        help="When it happened (backdating): 2026-11-03, yesterday, 'last friday 14:00'.",
        show_default=False,
    ),
]

LeadArgument = Annotated[
    str,
    typer.Argument(
        help="Lead id, external id or email.",
        metavar="LEAD",
        show_default=False,
        autocompletion=lead_ids,
    ),
]


def state(ctx: typer.Context) -> State:
    return ctx.find_root().obj  # type: ignore[no-any-return]


def parse(option: str, parser: Callable[[str], T], value: str) -> T:
    """Run a parser on an option's value; name the option in the error it raises."""
    try:
        return parser(value)
    except FunnelError as exc:
        if exc.message.startswith(option):
            raise
        raise type(exc)(f"{option}: {exc.message}", hint=exc.hint) from None


def moment(st: State, value: str | None, option: str = "--at") -> datetime | None:
    """``--at``: when something happened (never in the future)."""
    if value is None:
        return None
    from funnelcli import dates

    return parse(option, lambda v: dates.parse_moment(v, dayfirst=st.dayfirst), value)


def future_date(st: State, value: str | None, option: str) -> date | None:
    """A date ahead (expected close, due date): year-less dates roll forward."""
    if value is None:
        return None
    from funnelcli import dates

    found = parse(
        option, lambda v: dates.parse_date(v, dayfirst=st.dayfirst, prefer="future"), value
    )
    today = dates.now().date()
    if found < today:
        st.out.warn(
            _("{option} {value!r} is in the past ({found}): kept as given").format(
                option=option, value=value, found=found.isoformat()
            )
        )
    return found


def amount(
    value: str | None, currency: str | None = None, option: str = "--amount"
) -> tuple[int | None, str | None]:
    """``--amount`` (and ``--currency``): exact cents and the currency, checked against each other.

    ``12 000 €`` names EUR; ``--amount "12 000 €" --currency CAD`` is a contradiction, refused.
    """
    from funnelcli.money import parse_amount, parse_currency

    code = parse("--currency", parse_currency, currency) if currency else None
    if value is None:
        return None, code
    money = parse(option, parse_amount, value)
    if code and money.currency and code != money.currency:
        raise UsageError(
            _(
                "{option} {value!r} is in {currency} but --currency says {code}: give one currency"
            ).format(option=option, value=value, currency=money.currency, code=code)
        )
    return money.cents, code or money.currency


def interactive() -> bool:
    """Is someone at the keyboard to answer a question? (Tests replace it.)"""
    import sys

    return sys.stdin.isatty()


def warn_stale_spool(st: State) -> bool:
    """Warn when web submissions have waited in the spool for over an hour (``check``, the
    dashboard): its cron line is missing or failing."""
    from funnelcli import dates
    from funnelcli.services.spooling import stale_spool

    warning = stale_spool(st.db_path, dates.now())
    if warning:
        st.out.warn(warning)
    return warning is not None
