"""The lead lifecycle: add, list, show, edit and qualify (moves: :mod:`.moves`).

Every write is one ``BEGIN IMMEDIATE`` transaction. Inputs arrive parsed (datetimes, cents);
validation of meaning happens here and in :mod:`.lead_fields`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from funnelcli import dates
from funnelcli.errors import UsageError
from funnelcli.i18n import _, thousands
from funnelcli.models import Added, Edited, Lead, LeadCard, LeadList
from funnelcli.money import parse_currency
from funnelcli.services import lead_fields as fields
from funnelcli.services.lead_fields import Changes
from funnelcli.services.lookup import resolve
from funnelcli.services.settings import default_currency
from funnelcli.services.sources import unknown_source
from funnelcli.services.stages import load
from funnelcli.store import Store, Tx
from funnelcli.store import queries as q
from funnelcli.store.estimated import estimated_dates_of
from funnelcli.text import clean, normalize_source

MAX_LIMIT = 1_000_000_000


def completions(store: Store, incomplete: str, limit: int = 50) -> list[tuple[str, str]]:
    """Open leads whose id starts with ``incomplete`` (newest first), for shell completion."""
    with store.read() as conn:
        found = q.list_leads(conn, q.LeadFilter(status="open", limit=5000))
    return [
        (str(lead.id), " · ".join(p for p in (lead.name, lead.company, lead.stage) if p))
        for lead in found
        if str(lead.id).startswith(incomplete)
    ][:limit]


def source_names(store: Store) -> list[str]:
    """The sources the leads have, then ``(none)`` (for shell completion)."""
    from funnelcli.services.sources import NO_SOURCE
    from funnelcli.store.reports import sources

    with store.read() as conn:
        return [*sources.known(conn, limit=200), NO_SOURCE]


# --------------------------------------------------------------------------- add


def add_lead(
    store: Store,
    name: str,
    *,
    email: str | None = None,
    at: datetime | None = None,
    **values: Any,
) -> Added:
    """Add a lead at its first stage (or ``stage``), created ``at`` (default: now)."""
    name, email, created = checked_input(name, email, at)
    with store.write() as conn:
        return insert_lead(conn, name, email=email, created=created, **values)


def checked_input(
    name: str, email: str | None, at: datetime | None
) -> tuple[str, str | None, datetime]:
    created = at or dates.now()
    if created > dates.now():
        raise UsageError(_("a lead cannot be created in the future"))
    return fields.lead_name(name), fields.lead_email(email), created


def insert_lead(
    conn: Tx,
    name: str,
    *,
    email: str | None,
    created: datetime,
    company: str | None = None,
    phone: str | None = None,
    source: str | None = None,
    amount_cents: int | None = None,
    currency: str | None = None,
    stage: str | None = None,
    note: str | None = None,
    external_id: str | None = None,
) -> Added:
    """The new lead, in the caller's write transaction (name and email checked)."""
    pipeline = load(conn)
    first = pipeline.find(stage) if stage else pipeline.open[0]
    external_id = clean(external_id)
    fields.external_id_free(conn, external_id, None)
    same_email = q.lead_ids_by_email(conn, email) if email else []
    stamp = dates.to_storage(created)
    lead_id = q.insert_lead(
        conn,
        {
            "name": name,
            "company": clean(company),
            "email": email,
            "phone": clean(phone),
            "source": normalize_source(source),
            "notes": clean(note),
            "external_id": external_id,
            "created_at": stamp,
            "updated_at": dates.to_storage(dates.now()),
            "stage_id": first.id,
            "closed_at": stamp if first.is_closed else None,
            "amount_cents": amount_cents,
            "currency": parse_currency(currency) if currency else default_currency(conn),
        },
    )
    q.insert_stage_change(conn, lead_id, None, first.id, stamp)
    lead = q.get_lead(conn, lead_id)
    assert lead is not None
    return Added(lead, same_email)


# --------------------------------------------------------------------------- read


def list_leads(
    store: Store,
    *,
    stage: str | None = None,
    source: str | None = None,
    status: str | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> LeadList:
    """Leads, newest first, the next open follow-up date of each, and how many more match."""
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise UsageError(
            _(
                "invalid --limit {limit}: expected a number from 1 to {MAX_LIMIT}, or 0 for all"
            ).format(limit=limit, MAX_LIMIT=thousands(MAX_LIMIT))
        )
    with store.read() as conn:
        stage_id = load(conn).find(stage).id if stage else None
        wanted = normalize_source(source)
        if wanted is not None and not q.source_in_use(conn, wanted):
            raise unknown_source(conn, wanted)
        where = q.LeadFilter(
            stage_id=stage_id,
            source=wanted,
            status=status,
            search=clean(search),
            limit=limit,
        )
        found = q.list_leads(conn, where)
        more = q.count_leads(conn, where) - len(found) if len(found) == limit else 0
        return LeadList(found, q.next_follow_up_dates(conn, [lead.id for lead in found]), more)


def effective_probability(lead: Lead, stage_default: int) -> int:
    """A closed deal's probability is its outcome (won 100, lost 0), whatever override it had
    while open; an open one's is its override, else its stage's default."""
    if lead.is_closed:
        return stage_default
    return lead.probability if lead.probability is not None else stage_default


def show_lead(store: Store, ref: str) -> LeadCard:
    with store.read() as conn:
        lead = resolve(conn, ref)
        stage = load(conn).by_id(lead.stage_id)
        return LeadCard(
            lead=lead,
            history=q.stage_history(conn, lead.id),
            follow_ups=q.follow_ups_of(conn, lead.id),
            activities=q.activities_of(conn, lead.id),
            probability=effective_probability(lead, stage.probability),
            dates_estimated=estimated_dates_of(conn, lead.id),
            other_external_ids=tuple(q.other_external_ids(conn, lead.id)),
        )


# --------------------------------------------------------------------------- edit / qualify


def update_lead(store: Store, ref: str, changes: Changes) -> Edited:
    """Apply ``edit``/``qualify`` changes; fields whose value is unchanged are not touched."""
    with store.write() as conn:
        lead = resolve(conn, ref)
        wanted = fields.prepared(conn, lead, changes)
        current = {c: getattr(lead, c) for c in q.LEAD_COLUMNS if hasattr(lead, c)}
        diff = {k: v for k, v in wanted.items() if current.get(k) != v}
        same_email: list[int] = []
        if diff.get("email"):
            same_email = [i for i in q.lead_ids_by_email(conn, diff["email"]) if i != lead.id]
        if diff:
            diff["updated_at"] = dates.to_storage(dates.now())
            q.update_lead(conn, lead.id, diff)
        updated = q.get_lead(conn, lead.id)
        assert updated is not None
        return Edited(updated, sorted(k for k in diff if k != "updated_at"), same_email)
