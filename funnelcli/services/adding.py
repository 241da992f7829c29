"""``funnel add`` on an email a lead already has (``--if-exists``): add anyway (``create``),
give the existing lead's id (``show``: idempotent scripted adds), fill its empty fields
(``update``), or refuse (``error``). The lead taken is the oldest with that email, as an
import takes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from funnelcli import dates
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.models import Added, Existing, Lead
from funnelcli.money import parse_currency
from funnelcli.services import lead_fields as fields
from funnelcli.services.leads import checked_input, insert_lead
from funnelcli.store import Store, Tx
from funnelcli.store import queries as q
from funnelcli.text import clean, normalize_source

MODES = ("create", "show", "update", "error")


def leads_with_email(store: Store, email: str | None) -> list[Lead]:
    """The leads that have this email (oldest first): what ``add`` asks about on a terminal."""
    address = fields.lead_email(email)
    if address is None:
        return []
    with store.read() as conn:
        found = (q.get_lead(conn, i) for i in q.lead_ids_by_email(conn, address))
        return [lead for lead in found if lead is not None]


def add(
    store: Store,
    name: str,
    *,
    if_exists: str,
    email: str | None = None,
    at: datetime | None = None,
    **values: Any,
) -> Added | Existing:
    """Add the lead, unless a lead has its email and ``if_exists`` says otherwise."""
    assert if_exists in MODES, if_exists
    name, email, created = checked_input(name, email, at)
    with store.write() as conn:
        ids = q.lead_ids_by_email(conn, email) if email else []
        if not ids or if_exists == "create":
            return insert_lead(conn, name, email=email, created=created, **values)
        lead = q.get_lead(conn, ids[0])
        assert lead is not None
        if if_exists == "error":
            raise UsageError(
                _("lead {id} {name} already has the email {email}").format(
                    id=lead.id, name=lead.name, email=email
                ),
                hint=_("--if-exists show gives its id, --if-exists update fills its empty fields"),
            )
        if if_exists == "show":
            return Existing(lead, None)
        return Existing(*fill(conn, lead, values))


def fill(conn: Tx, lead: Lead, values: dict[str, Any]) -> tuple[Lead, list[str]]:
    """Write the values given into the lead's empty fields (the amount with its currency)."""
    given = {
        "company": clean(values.get("company")),
        "phone": clean(values.get("phone")),
        "source": normalize_source(values.get("source")),
        "notes": clean(values.get("note")),
        "external_id": clean(values.get("external_id")),
        "amount_cents": values.get("amount_cents"),
    }
    changes = {k: v for k, v in given.items() if v is not None and getattr(lead, k) is None}
    if "external_id" in changes:
        fields.external_id_free(conn, changes["external_id"], lead.id)
    if "amount_cents" in changes and values.get("currency"):
        changes["currency"] = parse_currency(values["currency"])
    filled = sorted(changes)
    if changes:
        changes["updated_at"] = dates.to_storage(dates.now())
        q.update_lead(conn, lead.id, changes)
    updated = q.get_lead(conn, lead.id)
    assert updated is not None
    return updated, filled
