"""The aggregates the report queries return (``funnelcli.store.reports``), as named rows.

SQLite groups the leads; these rows carry the groups to the arithmetic of :mod:`funnelcli.kpis`.
Instants are stored UTC strings, days :class:`~datetime.date`, money integer cents.
"""

from datetime import date
from typing import NamedTuple

#: The bucket of the leads created in the period whose created date an import estimated: they
#: count in the period, in no month or quarter.
ESTIMATED = "(estimated)"


class CohortGroup(NamedTuple):
    """Leads created in the period, grouped: ``leads`` created in ``bucket`` from ``source``
    whose peak rank is ``peak``."""

    bucket: str
    source: str | None
    peak: int | None
    leads: int


class ClosedGroup(NamedTuple):
    """Deals closed in the period (current status won or lost), grouped."""

    source: str | None
    won: bool
    peak: int | None
    deals: int


class WonDeal(NamedTuple):
    """A deal won in the period: its amount (cents, may be missing) and its cycle in seconds."""

    source: str | None
    currency: str
    amount_cents: int | None
    cycle_seconds: int | None  # None: the created or close date was estimated by an import
    closed_at: str = ""  # the stored UTC instant of the win (to place it in a bucket)
    close_estimated: int = 0  # 1: an import estimated the close date (no bucket is its own)


class OpenGroup(NamedTuple):
    """Open leads at one stage, in one currency, with one probability override (or none)."""

    stage_id: int
    currency: str
    probability: int | None  # the deals' override, percent
    deals: int
    with_amount: int
    amount_cents: int  # sum of the amounts known


class PipelineGroup(NamedTuple):
    """Open deals with an amount and an expected close date, grouped."""

    expected_close: date
    stage_id: int
    currency: str
    probability: int | None  # override, percent
    deals: int
    amount_cents: int


class RecurringGroup(NamedTuple):
    """Won recurring deals, grouped by the local day they were won and their term."""

    won_on: date
    frequency: str
    currency: str
    deals: int
    amount_cents: int  # sum of the deals' amounts (each billed that amount per billing date)
    term: int | None = None  # payments, the won amount being the first (``qualify --term``)
    until: date | None = None  # the last day it bills (``qualify --until``)


class WonGroup(NamedTuple):
    """Deals won in one bucket, in one currency (amounts summed; deals without one counted)."""

    bucket: str
    currency: str
    deals: int
    amount_cents: int
    #: Deals won with a close date an import estimated: not in ``deals`` nor the amount.
    estimated: int = 0


class OpenDeal(NamedTuple):
    """An open deal the forecast should be able to count: an opportunity, or dated."""

    id: int
    name: str
    stage_id: int
    currency: str
    amount_cents: int | None
    expected_close: date | None


class CutOffGroup(NamedTuple):
    """For ``--method model``: deals open at a stage (``stage_id``; 0: leads created after the
    cut-off) at one of the past reference cut-offs, in an age band (days at the stage by then),
    with ``days`` from the cut-off's day to the win (None: not won within the window), how many
    (a deal open at several cut-offs counts once per cut-off)."""

    stage_id: int
    band: int
    days: int | None
    deals: int


class ModelOpenGroup(NamedTuple):
    """Open leads grouped by what ``--method model`` needs to weigh and place them."""

    stage_id: int
    band: int  # age band: days at its stage by now
    source: str | None
    currency: str
    expected_close: date | None
    probability: int | None  # the deals' override, percent
    deals: int
    with_amount: int
    amount_cents: int  # sum of the amounts known


class AmountGroup(NamedTuple):
    """Deals won lately with the same source, currency and amount."""

    source: str | None
    currency: str
    amount_cents: int
    deals: int


class StageTimeGroup(NamedTuple):
    """Won deals that spent time at a stage: how many, and their total seconds there."""

    stage_id: int
    deals: int
    seconds: int


class LostGroup(NamedTuple):
    reason: str | None
    currency: str
    deals: int
    with_amount: int
    amount_cents: int


class PathTotals(NamedTuple):
    """Closed deals of one source and outcome: how many, and their actions before closing."""

    source: str | None
    won: bool
    deals: int
    actions: int


class PathTypeGroup(NamedTuple):
    """Closed deals of one source and outcome that had at least one action of ``type``."""

    source: str | None
    won: bool
    type: str
    deals: int


class SequenceGroup(NamedTuple):
    """Closed deals whose first (up to) three actions were ``sequence``."""

    source: str | None
    won: bool
    sequence: tuple[str, ...]
    deals: int


def source_order(source: str | None) -> tuple[bool, str]:
    """Sort key of a source (or a lost reason): by name, ``None`` (none recorded) last."""
    return (source is None, source or "")
