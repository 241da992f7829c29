"""``funnel intake``: one web submission recorded as a ``web-form`` activity (its message) of a
new lead (the fields that are not a lead's in its notes), or of the open lead that has its
email (the message and those fields in the activity), with a promise to reply (stored as
the code ``web-form-reply``, worded "Reply to the web-form message" when shown) so that an
unanswered visitor shows in ``funnel overdue``.

Each submission is one write transaction, so one journal entry (``undo`` takes back one
submission). A submission is known by the digest of its bytes: the same bytes twice (a
retried POST, a spool flushed twice) record nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from funnelcli import dates
from funnelcli.dates.business import Within, due_after
from funnelcli.importers.webfields import WebLead
from funnelcli.models import Lead
from funnelcli.services import lead_fields as fields
from funnelcli.services.adding import fill
from funnelcli.services.leads import insert_lead
from funnelcli.store import Store, Tx
from funnelcli.store import followups as fq
from funnelcli.store import intake as iq
from funnelcli.store import queries as q

#: The promise to reply, stored as a code (worded when shown: ``models.PROMISE_TEXTS``).
REPLY = "web-form-reply"
ACTIVITY = "web-form"
SOURCE = "web-form"


class Recorded(NamedTuple):
    """What became of one submission: ``created``, ``updated`` (an activity of the open lead
    with its email) or ``duplicate`` (these bytes were recorded before: nothing written)."""

    lead: Lead
    status: str
    follow_up_id: int | None


def record(
    store: Store, web: WebLead, digest: str, *, received: datetime, within: Within, source: str
) -> Recorded:
    """Record the submission (received at ``received``) in its own transaction."""
    email = fields.lead_email(web.email)
    with store.write() as conn:
        known = iq.lead_of_submission(conn, digest)
        if known is not None:
            return Recorded(_lead(conn, known), "duplicate", None)
        stamp = dates.to_storage(min(received, dates.now()))
        open_ids = iq.open_lead_ids_by_email(conn, email) if email else []
        if open_ids:
            lead, _ = fill(conn, _lead(conn, open_ids[0]), _values(web, note=None))
            text = web.notes()
            status = "updated"
        else:
            values = _values(web, note=web.extra_notes())
            values["source"] = web.source or source
            name = fields.lead_name(web.display_name() or "")
            lead = insert_lead(conn, name, email=email, created=received, **values).lead
            text, status = web.message, "created"
        fq.insert_activity(conn, lead.id, ACTIVITY, text, stamp, stamp)
        due = due_after(received, within)
        promise = fq.insert_follow_up(
            conn, lead.id, REPLY, due.date.isoformat(), _time(due.time), stamp
        )
        iq.remember_submission(conn, lead.id, digest)
        return Recorded(_lead(conn, lead.id), status, promise)


def _lead(conn: Tx, lead_id: int) -> Lead:
    lead = q.get_lead(conn, lead_id)
    assert lead is not None
    return lead


def _time(value: object) -> str | None:
    return None if value is None else f"{value:%H:%M}"


def _values(web: WebLead, *, note: str | None) -> dict[str, Any]:
    """The lead's fields from the submission (an amount that does not parse stays a note)."""
    values: dict[str, Any] = {
        "company": web.company,
        "phone": web.phone,
        "external_id": web.external_id,
        "note": note,
    }
    if web.amount_cents is not None:
        values["amount_cents"] = web.amount_cents
        values["currency"] = web.currency
    return values
