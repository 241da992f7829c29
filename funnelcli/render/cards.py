"""The lead card printed by ``funnel show``: details, qualification, follow-ups and a timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from funnelcli.dates import format_local
from funnelcli.i18n import _, ngettext, stage_name
from funnelcli.i18n.codes import activity_type, frequency
from funnelcli.models import (
    Lead,
    LeadCard,
    StageChange,
    activity_text,
    follow_up_ref,
    promise_text,
)
from funnelcli.money import format_money
from funnelcli.render import Output
from funnelcli.text import one_line


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: str  # stored UTC instant: sorts chronologically
    kind: str
    text: str


def yes_no(value: bool | None) -> str:
    return _("unknown") if value is None else (_("yes") if value else _("no"))


def _date(stamp: str | None, estimated: bool) -> str:
    shown = format_local(stamp)
    return _("{date} (estimated by an import)").format(date=shown) if shown and estimated else shown


def details(
    lead: Lead, probability: int, estimated: Sequence[str] = (), other_ids: Sequence[str] = ()
) -> list[tuple[str, str]]:
    kind = lead.status.value
    stage = stage_name(lead.stage)
    status = stage if kind in ("open", lead.stage) else f"{stage} ({stage_name(kind)})"
    rows = [
        (_("Stage"), status),
        (_("Company"), lead.company or ""),
        (_("Email"), lead.email or ""),
        (_("Phone"), lead.phone or ""),
        (_("Source"), lead.source or ""),
        (_("Created"), _date(lead.created_at, "created" in estimated)),
        (_("Closed"), _date(lead.closed_at, "closed" in estimated)),
        (_("Lost reason"), lead.lost_reason or ""),
        (_("External id"), lead.external_id or ""),
        (_("Other ids"), ", ".join(other_ids)),
        (_("Notes"), lead.notes or ""),
    ]
    return [(label, value) for label, value in rows if value]


def qualification(lead: Lead, probability: int) -> list[tuple[str, str]]:
    if lead.is_closed:
        source = stage_name(lead.stage_kind.value)
    else:
        source = _("override") if lead.probability is not None else _("stage default")
    return [
        (_("Amount"), format_money(lead.amount_cents, lead.currency) or _("unknown")),
        (_("Purchase frequency"), frequency(lead.frequency) if lead.frequency else _("unknown")),
        *_term(lead),
        (_("Price the only factor"), yes_no(lead.price_only)),
        (_("Decision maker"), lead.decision_maker or _("unknown")),
        (_("Contact decides"), yes_no(lead.contact_decides)),
        (_("Executive approval"), yes_no(lead.needs_approval)),
        (_("Prerequisites"), lead.prerequisites or _("none recorded")),
        (_("Expected close"), lead.expected_close or _("unknown")),
        (_("Win probability"), f"{probability} % ({source})"),
    ]


def _term(lead: Lead) -> list[tuple[str, str]]:
    """The billing term of a recurring deal, when one is recorded."""
    parts = [
        ngettext("{n} payments", "{n} payments", lead.term).format(n=lead.term)
        if lead.term
        else "",
        _("until {day}").format(day=lead.billed_until) if lead.billed_until else "",
    ]
    text = ", ".join(p for p in parts if p)
    return [(_("Billing term"), text)] if text else []


def _stage_text(change: StageChange) -> str:
    text = (
        f"{stage_name(change.from_stage)} → {stage_name(change.to_stage)}"
        if change.from_stage
        else _("created at {stage}").format(stage=stage_name(change.to_stage))
    )
    return f"{text}: {change.note}" if change.note else text


def render_lead_card(out: Output, card: LeadCard) -> None:
    """``funnel show``: the card, with follow-ups and one timeline of everything, by date."""
    open_follow_ups = [
        (
            _("{ref} due {day}").format(ref=follow_up_ref(f.id), day=f.due),
            promise_text(f.text)
            + (_(" (snoozed {n}×)").format(n=f.snooze_count) if f.snooze_count else ""),
        )
        for f in card.follow_ups
        if not f.done_at
    ]
    timeline = [TimelineEntry(c.at, _("stage"), _stage_text(c)) for c in card.history]
    # "log 5": the id that funnel log edit / log delete take (promises show theirs as #3)
    timeline += [
        TimelineEntry(
            a.at, activity_type(a.type), f"log {a.id}" + (f": {activity_text(a)}" if a.text else "")
        )
        for a in card.activities
    ]
    timeline += [
        TimelineEntry(
            f.created_at,
            _("promise"),
            _("{ref} {text} (due {day})").format(
                ref=follow_up_ref(f.id), text=promise_text(f.text), day=f.due
            ),
        )
        for f in card.follow_ups
    ]
    timeline.sort(key=lambda e: e.at)  # stable: a stage change stays before same-time events
    render_card(
        out,
        card.lead,
        card.probability,
        open_follow_ups,
        timeline,
        card.dates_estimated,
        card.other_external_ids,
    )


def render_card(
    out: Output,
    lead: Lead,
    probability: int,
    follow_ups: Sequence[tuple[str, str]],
    timeline: Sequence[TimelineEntry],
    estimated: Sequence[str] = (),
    other_ids: Sequence[str] = (),
) -> None:
    """Plain sections when piped; Rich styling on a terminal."""
    title = one_line(_("Lead {id} · {name}").format(id=lead.id, name=lead.name))
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        ("", details(lead, probability, estimated, other_ids)),
        (_("Qualification"), qualification(lead, probability)),
        (_("Open follow-ups"), list(follow_ups)),
        (_("Timeline"), [(format_local(e.at), f"{e.kind:<10} {e.text}") for e in timeline]),
    ]
    if out.terminal:
        _rich_card(out, title, sections)
        return
    out.line(title)
    for heading, rows in sections:
        if heading:
            out.line("")
            out.line(heading)
        if heading and not rows:
            out.line("  " + _("(none)"))
        width = max((len(label) for label, _value in rows), default=0)
        for label, value in rows:
            out.line(f"  {label.ljust(width)}  {one_line(value)}".rstrip())


def _rich_card(out: Output, title: str, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
    from rich.table import Table
    from rich.text import Text

    console = out.console()
    console.print(Text(title, style="bold"))
    for heading, rows in sections:
        if heading:
            console.print()
            console.print(Text(heading, style="bold underline"))
        if heading and not rows:
            console.print(Text("  " + _("(none)"), style="dim"))
            continue
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, value in rows:
            grid.add_row(Text("  " + label), Text(one_line(value)))
        console.print(grid)
