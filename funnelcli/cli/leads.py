"""Lead commands: add, list, show, edit, qualify, advance, win, lose."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from funnelcli import records
from funnelcli.cli.complete import stage_names
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
from funnelcli.models import Frequency
from funnelcli.render import Column, Format, Output, Record

commands = command_group()


class StatusChoice(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    ALL = "all"


def _money(record: Record) -> str:
    from funnelcli.money import format_money

    return format_money(record["amount_cents"], record["currency"])


def _local_date(key: str):
    def text(record: Record) -> str:
        from funnelcli.dates import format_local

        return format_local(record[key], with_time=False)

    return text


LEAD_COLUMNS = (
    Column("id", "ID", justify="right", no_wrap=True),
    Column("name", "Name", style="bold"),
    Column("company", "Company"),
    Column("stage", "Stage", no_wrap=True),
    Column("amount", "Amount", text=_money, justify="right", no_wrap=True),
    Column("source", "Source"),
    Column("created_at", "Created", text=_local_date("created_at"), no_wrap=True),
    Column("next_follow_up", "Follow-up", no_wrap=True),
)


# Options shared by ``add``, ``edit`` and ``qualify`` (defined once).
Company = Annotated[str | None, typer.Option(help="Company name.", show_default=False)]
Email = Annotated[str | None, typer.Option(help="Email address.", show_default=False)]
Phone = Annotated[str | None, typer.Option(help="Phone number.", show_default=False)]
Source = Annotated[
    str | None,
    typer.Option(help="Where the lead came from: web-form, referral, cold-call, event…"),
]
Amount = Annotated[
    str | None,
    typer.Option(
        "--amount",
        metavar="AMOUNT",
        help="Deal amount: 12000, '12 000,00 $', '$12,000.50', '9 500 €'.",
        show_default=False,
    ),
]
Currency = Annotated[
    str | None,
    typer.Option(help="Currency code (default: the database's, CAD).", show_default=False),
]
ExternalId = Annotated[
    str | None,
    typer.Option("--external-id", help="The lead's id in another system.", show_default=False),
]
FrequencyOpt = Annotated[
    Frequency | None,
    typer.Option(help="Purchase frequency.", case_sensitive=False, show_default=False),
]
PriceOnly = Annotated[
    bool | None,
    typer.Option(
        "--price-only/--not-price-only",
        help="Is price the only decision factor?",
        show_default=False,
    ),
]
DecisionMaker = Annotated[
    str | None,
    typer.Option("--decision-maker", help="Who decides (name or role).", show_default=False),
]
ContactDecides = Annotated[
    bool | None,
    typer.Option(
        "--contact-decides/--contact-does-not-decide",
        help="Is your contact the decision maker?",
        show_default=False,
    ),
]
NeedsApproval = Annotated[
    bool | None,
    typer.Option(
        "--needs-approval/--no-approval",
        help="Is executive approval required?",
        show_default=False,
    ),
]
Prerequisites = Annotated[
    str | None,
    typer.Option(help="Other prerequisites before the purchase.", show_default=False),
]
ExpectedClose = Annotated[
    str | None,
    typer.Option(
        "--expected-close",
        help="Expected close date: 2027-01-15, +30d, 15 jan.",
        show_default=False,
    ),
]
Probability = Annotated[
    int | None,
    typer.Option(help="Win probability override, 0-100 (else the stage's).", show_default=False),
]
Unset = Annotated[
    list[str] | None,
    typer.Option("--unset", help="Clear a field (repeatable): --unset phone.", show_default=False),
]


def _print_lead_line(out: Output, text: str, lead_record: dict[str, Any], fmt: Format) -> None:
    if fmt is Format.JSON:
        out.json(lead_record)
    elif fmt is Format.CSV:
        out.csv([lead_record])
    else:
        out.line(text)


def _warn_same_email(out: Output, email: str | None, others: list[int]) -> None:
    if others:
        ids = ", ".join(str(i) for i in others)
        out.warn(f"lead {ids} already has the email {email}: is this a duplicate?")


@commands.command()
def add(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="The prospect's name.", metavar="NAME", show_default=False)
    ],
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
    stage: Annotated[
        str | None,
        typer.Option(
            help="Starting stage (default: the first).",
            show_default=False,
            autocompletion=stage_names,
        ),
    ] = None,
    at: AtOption = None,
    note: Annotated[
        str | None, typer.Option(help="A note about the lead.", show_default=False)
    ] = None,
    external_id: ExternalId = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Add a lead; prints its id. Warns when the email is already known."""
    from funnelcli.services import leads

    st = state(ctx)
    cents, currency = amount(amount_text, currency)
    added = leads.add_lead(
        st.store(create=True),
        name,
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
    lead = added.lead
    st.out.committed(f"lead {lead.id} was added", "its id")
    _warn_same_email(st.out, lead.email, added.same_email)
    text = (
        f"Added lead {lead.id}: {lead.name} (stage {lead.stage})"
        if st.out.terminal
        else str(lead.id)
    )
    _print_lead_line(st.out, text, records.lead(lead), fmt)


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
        str | None, typer.Option(help="Only leads from this source.", show_default=False)
    ] = None,
    status: Annotated[
        StatusChoice, typer.Option(help="open, won, lost or all.", case_sensitive=False)
    ] = StatusChoice.ALL,
    search: Annotated[
        str | None,
        typer.Option(help="Text in the name, company, email, phone or notes.", show_default=False),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most N leads.", show_default=False)] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """List leads, newest first."""
    from funnelcli.services import leads

    st = state(ctx)
    found, next_dates = leads.list_leads(
        st.store(),
        stage=stage,
        source=source,
        status=None if status is StatusChoice.ALL else status.value,
        search=search,
        limit=limit,
    )
    rows = [records.lead(lead, next_follow_up=next_dates.get(lead.id)) for lead in found]
    keys = (*records.LEAD_KEYS, "next_follow_up")
    st.out.records(rows, LEAD_COLUMNS, fmt, empty="No leads match.", keys=keys)


@commands.command()
def show(ctx: typer.Context, lead: LeadArgument, fmt: FormatOption = Format.TABLE) -> None:
    """Show one lead: details, qualification, follow-ups and the timeline of everything done."""
    from funnelcli.services import leads

    st = state(ctx)
    card = leads.show_lead(st.store(), lead)
    record = records.lead(
        card.lead,
        effective_probability=card.probability,
        history=[records.stage_change(c) for c in card.history],
        follow_ups=[records.follow_up(f) for f in card.follow_ups],
        activities=[records.activity(a) for a in card.activities],
    )
    if fmt is Format.JSON:
        st.out.json(record)
    elif fmt is Format.CSV:
        st.out.csv([records.lead(card.lead, effective_probability=card.probability)])
    else:
        from funnelcli.render.cards import render_lead_card

        render_lead_card(st.out, card)


def _changes(values: dict[str, Any], unset: list[str] | None) -> Any:
    from funnelcli.services.leads import Changes

    return Changes(
        values={k: v for k, v in values.items() if v is not None}, unset=list(unset or [])
    )


def _report_edit(out: Output, edited: Any, fmt: Format) -> None:
    lead = edited.lead
    _warn_same_email(out, lead.email, edited.same_email)
    if edited.changed:
        out.committed(f"lead {lead.id} was updated")
        fields = sorted({f.removesuffix("_cents").replace("_", " ") for f in edited.changed})
        text = f"Lead {lead.id} {lead.name}: updated {', '.join(fields)}"
    else:
        text = f"Lead {lead.id} {lead.name}: nothing changed"
    _print_lead_line(out, text, records.lead(lead), fmt)


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
    from funnelcli.services import leads

    st = state(ctx)
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
    edited = leads.update_lead(st.store(create=True), lead, _changes(values, unset))
    _report_edit(st.out, edited, fmt)


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
    from funnelcli.services import leads

    st = state(ctx)
    cents, currency = amount(amount_text, currency)
    values = {
        "amount_cents": cents,
        "currency": currency,
        "frequency": frequency.value if frequency else None,
        "price_only": price_only,
        "decision_maker": decision_maker,
        "contact_decides": contact_decides,
        "needs_approval": needs_approval,
        "prerequisites": prerequisites,
        "expected_close": future_date(st, expected_close, "--expected-close"),
        "probability": probability,
    }
    edited = leads.update_lead(st.store(create=True), lead, _changes(values, unset))
    _report_edit(st.out, edited, fmt)


def _report_move(out: Output, moved: Any, fmt: Format) -> None:
    from funnelcli.dates import format_local

    lead = moved.lead
    out.committed(f"lead {lead.id} was moved to {moved.to_stage.name!r}")
    verb = "reopened: " if moved.reopened else ""
    text = (
        f"Lead {lead.id} {lead.name}: {verb}{moved.from_stage.name} → {moved.to_stage.name} "
        f"({format_local(moved.at)})"
    )
    record = records.lead(lead, previous_stage=moved.from_stage.name, changed_at=moved.at)
    _print_lead_line(out, text, record, fmt)
    if moved.to_stage.kind.value == "won" and lead.amount_cents is None:
        out.warn(
            f"lead {lead.id} was won without an amount: "
            f"add it with funnel edit {lead.id} --amount AMOUNT"
        )


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
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Move a lead to the next stage, or to the stage named (also backwards, or to reopen it)."""
    from funnelcli.services import leads

    st = state(ctx)
    moved = leads.advance(st.store(create=True), lead, stage, at=moment(st, at), note=note)
    _report_move(st.out, moved, fmt)


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
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Close a lead as won."""
    from funnelcli.services import leads

    st = state(ctx)
    cents, currency = amount(amount_text)
    moved = leads.win(
        st.store(create=True),
        lead,
        amount_cents=cents,
        currency=currency,
        at=moment(st, at),
        note=note,
    )
    _report_move(st.out, moved, fmt)


@commands.command()
def lose(
    ctx: typer.Context,
    lead: LeadArgument,
    reason: Annotated[
        str | None,
        typer.Option(help="Why it was lost: price, timing, competitor…", show_default=False),
    ] = None,
    at: AtOption = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Close a lead as lost, with the reason."""
    from funnelcli.services import leads

    st = state(ctx)
    moved = leads.lose(st.store(create=True), lead, reason=reason, at=moment(st, at))
    _report_move(st.out, moved, fmt)
