"""The audit's rule on promises left open on closed leads (``funnel check``): ``overdue`` would
remind of them every morning about a deal that is over. ``win`` and ``lose`` cancel them unless
``--keep-follow-ups``; this finds those kept, and those of leads closed by an import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from funnelcli.i18n import N_
from funnelcli.models import follow_up_ref
from funnelcli.store import Tx, promises

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.services.checks import Finding


def finding(conn: Tx, open_ids: Sequence[int]) -> Finding:
    from funnelcli.services.checks import Finding

    found = promises.open_on_closed(conn, open_ids)
    return Finding(
        "open_follow_ups_on_closed_leads",
        N_("Open follow-ups on won or lost leads"),
        sorted({lead_id for lead_id, _ in found}),
        N_("keep the promise (funnel follow-up done ID), or drop it (funnel follow-up delete ID)"),
        [f"follow-up {follow_up_ref(fid)} (lead {lid})" for lid, fid in found],
    )


def count(conn: Tx, open_ids: Sequence[int]) -> int:
    """How many closed leads the rule flags (the dashboard's count of problems)."""
    return promises.open_on_closed_leads(conn, open_ids)
