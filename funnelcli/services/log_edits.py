"""Correcting the log of actions: ``funnel log edit ID`` and ``funnel log delete ID``.

A correction is not a new action: it changes the row in place (the journal keeps the old one,
so ``undo`` puts it back). A type is checked as ``funnel log`` checks it, a date as any event
of the lead (never before its creation).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from funnelcli import dates
from funnelcli.errors import NotFoundError, UsageError
from funnelcli.i18n import _
from funnelcli.services.activities import Logged, check_new_type, normalize_type
from funnelcli.services.moves import event_moment
from funnelcli.store import Tx
from funnelcli.store import followups as fq
from funnelcli.store import queries as q
from funnelcli.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.store import Store


def _logged(conn: Tx, activity_id: int) -> Logged:
    activity = fq.get_activity(conn, activity_id)
    if activity is None:
        raise NotFoundError(
            _("no logged action {activity_id}").format(activity_id=activity_id),
            hint=_("see the ids with: funnel show LEAD"),
        )
    lead = q.get_lead(conn, activity.lead_id)
    assert lead is not None  # a foreign key guarantees it
    return Logged(activity, lead)


def edit(
    store: Store,
    activity_id: int,
    *,
    type_: str | None = None,
    text: str | None = None,
    at: datetime | None = None,
    new_type: bool = False,
) -> Logged:
    """Change an action's type (checked as ``funnel log`` checks it: a doubtful new type is
    refused unless ``new_type``), text (``''``: none) or date."""
    if type_ is None and text is None and at is None:
        raise UsageError(_("nothing to change: give --type, --text and/or --at"))
    changes: dict[str, str | None] = {}
    verdict = normalize_type(type_) if type_ is not None else None
    if verdict is not None:
        changes["type"] = verdict.word
    if text is not None:
        changes["text"] = clean(text)
    with store.write() as conn:
        found = _logged(conn, activity_id)
        if type_ is not None and verdict is not None and not new_type:
            check_new_type(conn, type_, verdict)
        if at is not None:
            changes["at"] = event_moment(conn, found.lead, at, now=dates.now())
        fq.update_activity(conn, activity_id, changes)
        return _logged(conn, activity_id)


def delete(store: Store, activity_id: int) -> Logged:
    """Delete an action logged by mistake; what it was is returned (and kept by the journal)."""
    with store.write() as conn:
        found = _logged(conn, activity_id)
        fq.delete_activity(conn, activity_id)
        return found
