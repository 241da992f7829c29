"""Leads created in the period: how far they went down the funnel, per month and source."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from funnelcli.kpis.numbers import Rate
from funnelcli.kpis.rows import ESTIMATED, CohortGroup, source_order
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline


class FunnelStep(NamedTuple):
    stage: Stage
    reached: int
    conversion: Rate | None  # from the previous step; None for the first
    of_created: Rate  # reached / leads created


class Funnel(NamedTuple):
    leads: int
    steps: list[FunnelStep]


def funnel(pipeline: Pipeline, groups: Iterable[CohortGroup]) -> Funnel:
    """Per funnel step, how many leads created in the period reached it. Every lead created is
    in the first step, also one recorded straight as lost (it never was at an open stage): the
    funnel starts at 100 % of the leads created."""
    groups = list(groups)
    total = sum(g.leads for g in groups)
    steps: list[FunnelStep] = []
    previous: int | None = None
    for stage in pipeline.funnel_stages:
        reached = (
            total
            if previous is None
            else sum(g.leads for g in groups if pipeline.reached(g.peak, stage))
        )
        conversion = None if previous is None else Rate(reached, previous)
        steps.append(FunnelStep(stage, reached, conversion, Rate(reached, total)))
        previous = reached
    return Funnel(total, steps)


def lead_to_opportunity(pipeline: Pipeline, groups: Iterable[CohortGroup]) -> Rate:
    groups = list(groups)
    reached = sum(g.leads for g in groups if pipeline.reached(g.peak, pipeline.opportunity))
    return Rate(reached, sum(g.leads for g in groups))


@dataclass(frozen=True, slots=True)
class LeadsByBucket:
    """Leads created per bucket and source (a dataclass: a NamedTuple has a ``count`` already)."""

    buckets: list[str]
    sources: list[str | None]  # by total leads, most first; None ("(none)") among them
    counts: dict[tuple[str, str | None], int]

    def count(self, bucket: str, source: str | None) -> int:
        return self.counts.get((bucket, source), 0)

    def bucket_total(self, bucket: str) -> int:
        return sum(self.count(bucket, s) for s in self.sources)

    @property
    def total(self) -> int:
        """Every lead created in the period, those of no bucket (:attr:`estimated`) too."""
        return sum(self.counts.values())

    @property
    def estimated(self) -> int:
        """Leads of the period left out of the buckets: their created date was estimated."""
        return sum(n for (bucket, _), n in self.counts.items() if bucket == ESTIMATED)


def leads_by_bucket(labels: Sequence[str], groups: Iterable[CohortGroup]) -> LeadsByBucket:
    """Leads created per month (or quarter) per source; every bucket listed, even empty."""
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    per_source: dict[str | None, int] = defaultdict(int)
    for g in groups:
        counts[g.bucket, g.source] += g.leads
        per_source[g.source] += g.leads
    sources = sorted(per_source, key=lambda s: (-per_source[s], *source_order(s)))
    return LeadsByBucket(list(labels), sources, dict(counts))
