"""Lead commands: add, list, show, edit, qualify (moves: :mod:`funnelcli.cli.moves`)."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from funnelcli.cli import options
from funnelcli.cli.complete import source_names, stage_names
from funnelcli.cli.lead_options import (
    Amount,
    Company,
    ContactDecides,
    Currency,
    DecisionMaker,
    Email,
    ExpectedClose,
    ExternalId,
    FrequencyOpt,
    NeedsApproval,
    Note,
    Phone,
    Prerequisites,
    PriceOnly,
    Probability,
    Source,
    StageOption,
    Term,
    Unset,
    Until,
)
from funnelcli.cli.options import (
    AtOption,
    FormatOption,
    LeadArgument,
    amount,
    command_group,
    future_date,
    moment,
    state,
)
from funnelcli.i18n import _
from funnelcli.render import Format

commands = command_group()


class IfExists(enum.StrEnum):
    CREATE = "create"
    SHOW = "show"
    UPDATE = "update"
    ERROR = "error"


#: How many leads ``funnel list`` draws in a table when ``--limit`` is not given.
TABLE_LIMIT = 50


class StatusChoice(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    ALL = "all"


@commands.command()
def add(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(help="The prospect's name.", metavar="[NAME]", show_default=False),
    ] = None,
    company: Company = None,
    email: Email = None,
    phone: Phone = None,
    source: Source = None,
    amount_text: Annotated[
        str | None,
        typer.Option(
            "--amount", help="Deal amount: 12000, '12 000,00 $', '9 500 €'.", show_default=False
        ),
    ] = None,
    currency: Currency = None,
    stage: StageOption = None,
    at: AtOption = None,
    note: Note = None,
    external_id: ExternalId = None,
    if_exists: Annotated[
        IfExists | None,
        typer.Option(
            "--if-exists",
            help="When a lead has this email: create (add anyway, with a warning), show (print "
            "its id, add nothing), update (fill its empty fields) or error (exit 2). "
            "Default: ask on a terminal, else create.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    json_file: Annotated[
        str | None,
        typer.Option(
            "--json",
            metavar="FILE",
            help="Read the lead from a JSON object (- for stdin), with the field names of "
            "`funnel intake`; the options given win over its fields.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Add a lead; prints its id. When the email is already known: see --if-exists."""
    from funnelcli.render import leads as render
    from funnelcli.services import adding

    st = state(ctx)
    cents, currency = amount(amount_text, currency)
    if json_file is not None:
        web = _json_lead(json_file)
        name = name or web.display_name()
        company, email, phone = company or web.company, email or web.email, phone or web.phone
        source, note = source or web.source, note or web.notes()
        external_id = external_id or web.external_id
        if cents is None:
            cents, currency = web.amount_cents, currency or web.currency
    if not name:
        ctx.fail("Missing argument 'NAME'.")  # as click says it; --json may give the name
    store = st.store(create=True)
    mode = if_exists.value if if_exists else "create"
    known = adding.leads_with_email(store, email) if if_exists is None and email else []
    if known and options.interactive():
        question = _("Lead {id} {name} has this email. Add anyway?").format(
            id=known[0].id, name=known[0].name
        )
        if not typer.confirm(question, default=False, err=True):
            raise typer.Exit(1)
    added = adding.add(
        store,
        name,
        if_exists=mode,
        company=company,
        email=email,
        phone=phone,
        source=source,
        amount_cents=cents,
        currency=currency,
        stage=stage,
        at=moment(st, at),
        note=note,
        external_id=external_id,
    )
    render.added(st.out, added, fmt)


def _json_lead(path: str) -> Any:
    """The lead a JSON object describes (``-``: standard input), mapped as ``intake`` maps."""
    import sys

    from funnelcli.errors import DataError, read_error
    from funnelcli.importers import submission, webfields

    try:
        if path == "-":
            raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else b""
        else:
            with open(path, "rb") as file:
                raw = file.read()
    except OSError as exc:
        raise read_error(exc, _("the file {path}").format(path=path)) from None
    found = submission.parse(raw, "json")
    if len(found) != 1:
        raise DataError(_("--json: expected one JSON object, got {count}").format(count=len(found)))
    return webfields.map_fields(found[0].pairs)


@commands.command("list")
def list_(
    ctx: typer.Context,
    stage: Annotated[
        str | None,
        typer.Option(
            help="Only leads at this stage.", show_default=False, autocompletion=stage_names
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help="Only leads from this source.", show_default=False, autocompletion=source_names
        ),
    ] = None,
    status: Annotated[
        StatusChoice | None,
        typer.Option(
            help="open, won, lost or all [default: open; all with --stage or --search].",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(help="Text in the name, company, email, phone or notes.", show_default=False),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            help=f"At most N leads, 0 for all [default: {TABLE_LIMIT} in a table, else all].",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """List leads, newest first: the open ones, 50 at most in a table (paged on a terminal)."""
    from funnelcli.render import leads as render
    from funnelcli.services import leads

    st = state(ctx)
    if status is None:
        status = StatusChoice.ALL if stage is not None or search is not None else StatusChoice.OPEN
    if limit is None:
        limit = TABLE_LIMIT if fmt is Format.TABLE else 0
    found = leads.list_leads(
        st.store(),
        stage=stage,
        source=source,
        status=None if status is StatusChoice.ALL else status.value,
        search=search,
        limit=limit or None,
    )
    render.lead_list(st.out, found, fmt)


@commands.command()
def show(ctx: typer.Context, lead: LeadArgument, fmt: FormatOption = Format.TABLE) -> None:
    """Show one lead: details, qualification, follow-ups and the timeline of everything done."""
    from funnelcli.render import leads as render
    from funnelcli.services import leads

    st = state(ctx)
    render.shown(st.out, leads.show_lead(st.store(), lead), fmt)


def _update(
    ctx: typer.Context, lead: str, values: dict[str, Any], unset: list[str] | None, fmt: Format
) -> None:
    """``edit`` and ``qualify``: apply the changes given (None: left as is)."""
    from funnelcli.render import leads as render
    from funnelcli.services import leads

    st = state(ctx)
    changes = leads.Changes(
        values={k: v for k, v in values.items() if v is not None}, unset=list(unset or [])
    )
    render.edited(st.out, leads.update_lead(st.store(create=True), lead, changes), fmt)


@commands.command()
def edit(
    ctx: typer.Context,
    lead: LeadArgument,
    name: Annotated[str | None, typer.Option(help="New name.", show_default=False)] = None,
    company: Company = None,
    email: Email = None,
    phone: Phone = None,
    source: Source = None,
    notes: Annotated[
        str | None, typer.Option(help="Replace the notes.", show_default=False)
    ] = None,
    external_id: ExternalId = None,
    amount_text: Amount = None,
    currency: Currency = None,
    lost_reason: Annotated[
        str | None, typer.Option("--lost-reason", help="Why the deal was lost.", show_default=False)
    ] = None,
    unset: Unset = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Change a lead's fields (use 'qualify' for the qualification questions)."""
    cents, currency = amount(amount_text, currency)
    values = {
        "name": name,
        "company": company,
        "email": email,
        "phone": phone,
        "source": source,
        "notes": notes,
        "external_id": external_id,
        "amount_cents": cents,
        "currency": currency,
        "lost_reason": lost_reason,
    }
    _update(ctx, lead, values, unset, fmt)


@commands.command()
def qualify(
    ctx: typer.Context,
    lead: LeadArgument,
    amount_text: Annotated[
        str | None,
        typer.Option(
            "--amount", metavar="AMOUNT", help="Potential amount of the deal.", show_default=False
        ),
    ] = None,
    currency: Currency = None,
    frequency: FrequencyOpt = None,
    term: Term = None,
    until: Until = None,
    price_only: PriceOnly = None,
    decision_maker: DecisionMaker = None,
    contact_decides: ContactDecides = None,
    needs_approval: NeedsApproval = None,
    prerequisites: Prerequisites = None,
    expected_close: ExpectedClose = None,
    probability: Probability = None,
    unset: Unset = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Record the qualification questions: potential, decision maker, approval, prerequisites."""
    cents, currency = amount(amount_text, currency)
    values = {
        "amount_cents": cents,
        "currency": currency,
        "frequency": frequency.value if frequency else None,
        "term": term,
        "billed_until": future_date(state(ctx), until, "--until"),
        "price_only": price_only,
        "decision_maker": decision_maker,
        "contact_decides": contact_decides,
        "needs_approval": needs_approval,
        "prerequisites": prerequisites,
        "expected_close": future_date(state(ctx), expected_close, "--expected-close"),
        "probability": probability,
    }
    _update(ctx, lead, values, unset, fmt)
