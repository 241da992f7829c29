"""The log of actions taken on leads: ``funnel log LEAD TYPE [TEXT] [--at]``.

Types are the article's (``call``, ``email``, ``meeting``, ``demo``, ``proposal``, ``note``) or
any single custom word, stored in lower case so that reports group ``Call`` and ``call``
together. Keeping a promise (``follow-up done``) records an activity of type ``follow-up``.
"""

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from funnelcli import activity_types, dates
from funnelcli.errors import UsageError
from funnelcli.models import ACTIVITY_TYPES, Activity, Lead
from funnelcli.services.lookup import resolve
from funnelcli.services.moves import event_moment
from funnelcli.store import followups as fq
from funnelcli.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.store import Store


def normalize_type(value: str) -> str:
    """``' Call '`` -> ``'call'`` (:func:`funnelcli.activity_types.for_log`); refuses blanks,
    several words and non-words."""
    word = activity_types.for_log(value)
    if word is None:
        raise UsageError(
            f"invalid activity type {value!r}: expected {', '.join(ACTIVITY_TYPES)} "
            "or one custom word"
        )
    return word


class Logged(NamedTuple):
    activity: Activity
    lead: Lead


def log(
    store: "Store",
    lead_ref: str,
    type_: str,
    text: str | None = None,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Logged:
    """Record an action taken on a lead (``at``: when it happened, default now)."""
    now = (now or dates.now()).astimezone()
    kind = normalize_type(type_)
    with store.write() as conn:
        lead = resolve(conn, lead_ref)
        stamp = event_moment(conn, lead, at, now=now)
        activity_id = fq.insert_activity(
            conn, lead.id, kind, clean(text), stamp, dates.to_storage(now)
        )
        activity = fq.get_activity(conn, activity_id)
        assert activity is not None
        return Logged(activity, lead)
