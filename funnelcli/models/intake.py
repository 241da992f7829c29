"""What ``funnel intake`` returns for each submission."""

from typing import NamedTuple

from funnelcli.models import Lead


class IntakeOutcome(NamedTuple):
    """What ``funnel intake`` did with one submission: ``created``, ``updated`` (an activity
    of the open lead with its email), ``duplicate`` (these bytes were recorded before),
    ``queued`` (in the spool), ``spam`` (its honeypot filled) or ``rejected`` (in
    ``rejected/``, with ``reason``)."""

    status: str
    digest: str
    lead: Lead | None = None
    follow_up_id: int | None = None
    reason: str | None = None
