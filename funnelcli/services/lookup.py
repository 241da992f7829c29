"""Finding a lead by what the user typed: its id, external id or email."""

from __future__ import annotations

from funnelcli.errors import NotFoundError, UsageError
from funnelcli.i18n import _
from funnelcli.models import Lead
from funnelcli.store import Tx
from funnelcli.store import queries as q


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 19


def _described(conn: Tx, lead_id: int) -> str:
    lead = q.get_lead(conn, lead_id)
    assert lead is not None
    return f"{lead.id} {lead.name} ({lead.stage})"


def resolve(conn: Tx, ref: str) -> Lead:
    """A lead named by its numeric id, external id or email (when unambiguous).

    ``#12`` is always lead id 12 and ``ext:12`` always the external id ``12``; a bare ``12`` that
    is both one lead's id and another's external id is refused as ambiguous.
    """
    text = (ref or "").strip()
    if not text:
        raise UsageError(_("no lead given: expected a lead id, external id or email"))
    lead_id: int | None = None
    if text.startswith("#") and _is_number(text[1:]):
        lead_id = int(text[1:])
    elif text.lower().startswith("ext:"):
        lead_id = q.lead_id_by_external_id(conn, text[4:].strip())
    elif _is_number(text):
        by_id = int(text) if q.get_lead(conn, int(text)) else None
        by_external = q.lead_id_by_external_id(conn, text)
        if by_id is not None and by_external is not None and by_id != by_external:
            raise UsageError(
                _(
                    "{text!r} is ambiguous: lead {by_id} has that id and lead {by_external} that "
                    "external id"
                ).format(text=text, by_id=by_id, by_external=by_external),
                hint=_("write #{text} for the lead id, or ext:{text} for the external id").format(
                    text=text
                ),
            )
        lead_id = by_id if by_id is not None else by_external
    elif "@" in text:
        ids = q.lead_ids_by_email(conn, text.casefold())
        if len(ids) > 1:
            raise UsageError(
                _("{text!r} is the email of several leads: {leads}").format(
                    text=text, leads="; ".join(_described(conn, i) for i in ids)
                ),
                hint=_(
                    "name one by its id, or merge them if they are one person: funnel merge {ids}"
                ).format(ids=" ".join(map(str, ids))),
            )
        lead_id = ids[0] if ids else None
    else:
        lead_id = q.lead_id_by_external_id(conn, text)
    lead = q.get_lead(conn, lead_id) if lead_id is not None else None
    if lead is None and text[:1] in "Ff" and _is_number(text[1:]):
        raise UsageError(
            _("{text!r} is a follow-up id, not a lead").format(text=text),
            hint=_("see it with: funnel follow-up list --all (its lead is in the Lead column)"),
        )
    if lead is None:
        raise NotFoundError(
            _("no lead {text!r}: expected a lead id, external id or email").format(text=text),
            hint=_("find it with: funnel list --search {text!r}").format(text=text),
        )
    return lead
