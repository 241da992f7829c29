"""What the lead commands print: the lead list, the lines after add/edit/qualify and after a
move (advance, win, lose), and ``show`` (the card, or the lead's record)."""

from __future__ import annotations

from collections.abc import Sequence

from funnelcli import records
from funnelcli.i18n import _, ngettext, stage_name
from funnelcli.models import CANCEL_REASONS, Added, Edited, Existing, LeadCard, LeadList, Moved
from funnelcli.render import Column, Format, Output, Record


def _money(record: Record) -> str:
    from funnelcli.money import format_money

    return format_money(record["amount_cents"], record["currency"])


def _created(record: Record) -> str:
    from funnelcli.dates import format_local

    return format_local(record["created_at"], with_time=False)


LEAD_COLUMNS = (
    Column("id", "ID", justify="right", no_wrap=True),
    Column("name", "Name", style="bold", cut=True),
    Column("company", "Company", cut=True),
    Column("stage", "Stage", text=lambda r: stage_name(r["stage"]), no_wrap=True),
    Column("amount", "Amount", text=_money, justify="right", no_wrap=True),
    Column("source", "Source", cut=True, drop=2),
    Column("created_at", "Created", text=_created, no_wrap=True, drop=1),
    Column("next_follow_up", "Follow-up", no_wrap=True),
)


def lead_list(out: Output, found: LeadList, fmt: Format) -> None:
    """``funnel list``: each lead with the date of its next open follow-up; how many more there
    are (in the table, paged on a terminal; on stderr when piped or for scripts)."""
    rows = [
        records.lead(lead, next_follow_up=found.next_follow_ups.get(lead.id))
        for lead in found.leads
    ]
    keys = (*records.LEAD_KEYS, "next_follow_up")
    more = _("… {n} more: --limit 0 for all").format(n=f"{found.more:,}") if found.more else None
    if fmt is Format.TABLE and out.terminal and rows:
        out.records(rows, LEAD_COLUMNS, fmt, footer=more, page=True)
        return
    out.records(rows, LEAD_COLUMNS, fmt, empty=_("No leads match."), keys=keys)
    if more:
        out.note(more)


def _warn_same_email(out: Output, email: str | None, others: list[int]) -> None:
    if others:
        ids = ", ".join(str(i) for i in others)
        out.warn(
            _("lead {ids} already has the email {email}: is this a duplicate?").format(
                ids=ids, email=email
            )
        )


def _fields(columns: Sequence[str]) -> str:
    from funnelcli.i18n.codes import field_label

    return ", ".join(sorted({field_label(f) for f in columns}))


def existing(out: Output, result: Existing, fmt: Format) -> None:
    """``funnel add --if-exists show|update``: the id of the lead that has the email."""
    lead = result.lead
    if result.updated:
        out.committed(_("lead {lead} was updated").format(lead=lead.id), _("its id"))
        done = _("updated {fields}").format(fields=_fields(result.updated))
    else:
        done = _("not added") if result.updated is None else _("not added, nothing to fill")
    said = _("Lead {id} {name} has this email: {done}")
    text = said.format(id=lead.id, name=lead.name, done=done) if out.terminal else str(lead.id)
    out.result(fmt, records.lead(lead, existing=True), text)


def added(out: Output, result: Added | Existing, fmt: Format) -> None:
    """``funnel add``: the new id (a sentence on a terminal)."""
    if isinstance(result, Existing):
        return existing(out, result, fmt)
    lead = result.lead
    out.committed(_("lead {lead} was added").format(lead=lead.id), _("its id"))
    _warn_same_email(out, lead.email, result.same_email)
    text = (
        _("Added lead {id}: {name} (stage {stage})").format(
            id=lead.id, name=lead.name, stage=stage_name(lead.stage)
        )
        if out.terminal
        else str(lead.id)
    )
    out.result(fmt, records.lead(lead), text)


def edited(out: Output, result: Edited, fmt: Format) -> None:
    """``funnel edit`` / ``qualify``: which fields changed."""
    lead = result.lead
    _warn_same_email(out, lead.email, result.same_email)
    if result.changed:
        out.committed(_("lead {lead} was updated").format(lead=lead.id))
        text = _("Lead {id} {name}: updated {fields}").format(
            id=lead.id, name=lead.name, fields=_fields(result.changed)
        )
    else:
        text = _("Lead {id} {name}: nothing changed").format(id=lead.id, name=lead.name)
    out.result(fmt, records.lead(lead), text)


def moved(out: Output, result: Moved, fmt: Format) -> None:
    """``funnel advance`` / ``win`` / ``lose``: from where to where, and when."""
    from funnelcli.dates import format_local

    lead = result.lead
    out.committed(
        _("lead {lead} was moved to {to_stage!r}").format(
            lead=lead.id, to_stage=stage_name(result.to_stage.name)
        )
    )
    move = _("reopened: {old} → {new}") if result.reopened else "{old} → {new}"
    text = _("Lead {id} {name}: {move} ({at})").format(
        id=lead.id,
        name=lead.name,
        move=move.format(
            old=stage_name(result.from_stage.name), new=stage_name(result.to_stage.name)
        ),
        at=format_local(result.at),
    )
    record = records.lead(lead, previous_stage=result.from_stage.name, changed_at=result.at)
    out.result(fmt, record, text)
    n = result.follow_ups
    if n:
        if result.reopened:
            note = ngettext(
                "Reopened {n} follow-up that closing lead {id} had cancelled",
                "Reopened {n} follow-ups that closing lead {id} had cancelled",
                n,
            )
        else:
            note = ngettext(
                "Cancelled {n} follow-up of lead {id} ({why}); keep them with --keep-follow-ups",
                "Cancelled {n} follow-ups of lead {id} ({why}); keep them with --keep-follow-ups",
                n,
            )
        why = CANCEL_REASONS.get(f"lead-{result.to_stage.kind.value}", "")
        out.note(note.format(n=n, id=lead.id, why=_(why)))
    if result.to_stage.kind.value == "won" and lead.amount_cents is None:
        out.warn(
            _(
                "lead {id} was won without an amount: add it with funnel edit {id} --amount AMOUNT"
            ).format(id=lead.id)
        )


def shown(out: Output, card: LeadCard, fmt: Format) -> None:
    """``funnel show``: the card for people; the lead with its history for scripts."""
    if fmt is Format.JSON:
        out.json(
            records.lead(
                card.lead,
                effective_probability=card.probability,
                dates_estimated=list(card.dates_estimated),
                other_external_ids=list(card.other_external_ids),
                history=[records.stage_change(c) for c in card.history],
                follow_ups=[records.follow_up(f) for f in card.follow_ups],
                activities=[records.activity(a) for a in card.activities],
            )
        )
    elif fmt is Format.CSV:
        out.csv([records.lead(card.lead, effective_probability=card.probability)])
    else:
        from funnelcli.render.cards import render_lead_card

        render_lead_card(out, card)
