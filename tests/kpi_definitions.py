"""The KPI definitions written the slow, obvious way, on one lead at a time: the oracles that the
SQL aggregates (``funnelcli.store.reports``) are checked against."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from funnelcli.pipeline import Pipeline


def peak_rank(pipeline: Pipeline, visited: Iterable[int]) -> int | None:
    """A lead's peak: the highest rank among the stages it has been at, ``lost`` left out.

    ``visited`` are the stage ids of the lead's history (``to_stage_id`` of every change, its
    creation included) and its current stage. None when it was only ever lost.
    """
    ranks = pipeline.peak_ranks()
    found = [ranks[s] for s in visited if s in ranks]
    return max(found) if found else None


def stage_stays(history: Sequence[tuple[datetime, int]]) -> dict[int, int]:
    """Seconds a lead spent at each stage: from entering it to its next change, summed.

    ``history`` is ``(at, to_stage_id)`` in order (creation first). The last stage (where the
    lead still is, or was closed) has no end and is not counted.
    """
    spent: dict[int, int] = defaultdict(int)
    for (at, stage_id), (next_at, _) in zip(history, history[1:], strict=False):
        spent[stage_id] += int((next_at - at).total_seconds())
    return dict(spent)
