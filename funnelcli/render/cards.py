"""The lead card printed by ``funnel show``: details, qualification, follow-ups and a timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from funnelcli.dates import format_local
from funnelcli.i18n import _, stage_name
from funnelcli.models import Lead, LeadCard, StageChange, follow_up_ref
from funnelcli.money import format_money
from funnelcli.render import Output
from funnelcli.text import one_line


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: str  # stored UTC instant: sorts chronologically
    kind: str
    text: str


def yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _date(stamp: str | None, estimated: bool) -> str:
    shown = format_local(stamp)
    return f"{shown} (estimated by an import)" if shown and estimated else shown


def details(
    lead: Lead, probability: int, estimated: Sequence[str] = (), other_ids: Sequence[str] = ()
) -> list[tuple[str, str]]:
    kind = lead.status.value
    stage = stage_name(lead.stage)
    status = stage if kind in ("open", lead.stage) else f"{stage} ({stage_name(kind)})"
    rows = [
        ("Stage", status),
        ("Company", lead.company or ""),
        ("Email", lead.email or ""),
        ("Phone", lead.phone or ""),
        ("Source", lead.source or ""),
        ("Created", _date(lead.created_at, "created" in estimated)),
        ("Closed", _date(lead.closed_at, "closed" in estimated)),
        ("Lost reason", lead.lost_reason or ""),
        ("External id", lead.external_id or ""),
        ("Other ids", ", ".join(other_ids)),
        ("Notes", lead.notes or ""),
    ]
    return [(label, value) for label, value in rows if value]


def qualification(lead: Lead, probability: int) -> list[tuple[str, str]]:
    if lead.is_closed:
        source = lead.stage_kind.value
    else:
        source = "override" if lead.probability is not None else "stage default"
    return [
        ("Amount", format_money(lead.amount_cents, lead.currency) or "unknown"),
        ("Purchase frequency", lead.frequency or "unknown"),
        *_term(lead),
        ("Price the only factor", yes_no(lead.price_only)),
        ("Decision maker", lead.decision_maker or "unknown"),
        ("Contact decides", yes_no(lead.contact_decides)),
        ("Executive approval", yes_no(lead.needs_approval)),
        ("Prerequisites", lead.prerequisites or "none recorded"),
        ("Expected close", lead.expected_close or "unknown"),
        ("Win probability", f"{probability} % ({source})"),
    ]


def _term(lead: Lead) -> list[tuple[str, str]]:
    """The billing term of a recurring deal, when one is recorded."""
    parts = [
        f"{lead.term} payments" if lead.term else "",
        f"until {lead.billed_until}" if lead.billed_until else "",
    ]
    text = ", ".join(p for p in parts if p)
    return [("Billing term", text)] if text else []


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
            f"{follow_up_ref(f.id)} due {f.due}",
            f.text + (f" (snoozed {f.snooze_count}×)" if f.snooze_count else ""),
        )
        for f in card.follow_ups
        if not f.done_at
    ]
    timeline = [TimelineEntry(c.at, "stage", _stage_text(c)) for c in card.history]
    # "log 5": the id that funnel log edit / log delete take (promises show theirs as #3)
    timeline += [
        TimelineEntry(a.at, a.type, f"log {a.id}" + (f": {a.text}" if a.text else ""))
        for a in card.activities
    ]
    timeline += [
        TimelineEntry(f.created_at, "promise", f"{follow_up_ref(f.id)} {f.text} (due {f.due})")
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
    title = one_line(f"Lead {lead.id} · {lead.name}")
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        ("", details(lead, probability, estimated, other_ids)),
        ("Qualification", qualification(lead, probability)),
        ("Open follow-ups", list(follow_ups)),
        ("Timeline", [(format_local(e.at), f"{e.kind:<10} {e.text}") for e in timeline]),
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
            out.line("  (none)")
        width = max((len(label) for label, _ in rows), default=0)
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
            console.print(Text("  (none)", style="dim"))
            continue
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, value in rows:
            grid.add_row(Text("  " + label), Text(one_line(value)))
        console.print(grid)
