"""Which paths win: the actions before a close, per type and first three, overall and per source."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import NamedTuple

from funnelcli.kpis.numbers import SMALL_SAMPLE, Rate, ratio
from funnelcli.kpis.rows import PathTotals, PathTypeGroup, SequenceGroup, source_order

#: How many first-three-action sequences ``paths`` lists for won and for lost deals.
TOP_SEQUENCES = 5


class ActionType(NamedTuple):
    type: str
    won_with: Rate  # won deals that had it / won deals
    lost_with: Rate  # lost deals that had it / lost deals
    won_of_closed_with: Rate  # won ÷ closed among the deals with it
    won_of_closed_without: Rate


class CommonSequence(NamedTuple):
    sequence: tuple[str, ...]
    share: Rate  # deals with this start / deals of that outcome with at least one action


class PathStats(NamedTuple):
    source: str | None  # None for the whole (when not per source) -- see ``Paths``
    won: int
    lost: int
    won_of_closed: Rate  # won ÷ every closed deal (not the KPIs' win rate over opportunities)
    actions_before_win: Fraction | None
    actions_before_loss: Fraction | None
    types: list[ActionType]
    won_sequences: list[CommonSequence]
    lost_sequences: list[CommonSequence]

    @property
    def small_sample(self) -> bool:
        return self.won + self.lost < SMALL_SAMPLE


class Paths(NamedTuple):
    overall: PathStats
    by_source: list[PathStats]


def _path_stats(
    source: str | None,
    totals: Sequence[PathTotals],
    types: Sequence[PathTypeGroup],
    sequences: Sequence[SequenceGroup],
) -> PathStats:
    won = sum(t.deals for t in totals if t.won)
    lost = sum(t.deals for t in totals if not t.won)
    won_actions = sum(t.actions for t in totals if t.won)
    lost_actions = sum(t.actions for t in totals if not t.won)
    with_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in types:
        with_type[g.type][0 if g.won else 1] += g.deals
    action_types = [
        ActionType(
            name,
            Rate(w, won),
            Rate(lo, lost),
            Rate(w, w + lo),
            Rate(won - w, won + lost - w - lo),
        )
        for name, (w, lo) in with_type.items()
    ]
    action_types.sort(key=lambda a: (-(a.won_of_closed_with.denominator), a.type))

    def common(outcome: bool) -> list[CommonSequence]:
        counts: dict[tuple[str, ...], int] = defaultdict(int)
        for g in sequences:
            if g.won is outcome:
                counts[g.sequence] += g.deals
        base = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SEQUENCES]
        return [CommonSequence(seq, Rate(n, base)) for seq, n in ranked]

    return PathStats(
        source,
        won,
        lost,
        Rate(won, won + lost),
        ratio(won_actions, won),
        ratio(lost_actions, lost),
        action_types,
        common(True),
        common(False),
    )


def paths(
    totals: Iterable[PathTotals],
    types: Iterable[PathTypeGroup],
    sequences: Iterable[SequenceGroup],
) -> Paths:
    """Which paths win: per action type, per first-three-action sequence, overall and per source."""
    totals, types, sequences = list(totals), list(types), list(sequences)
    overall = _path_stats(None, totals, types, sequences)
    sources = {t.source for t in totals}
    per_source = [
        _path_stats(
            s,
            [t for t in totals if t.source == s],
            [t for t in types if t.source == s],
            [q for q in sequences if q.source == s],
        )
        for s in sources
    ]
    per_source.sort(key=lambda p: (-(p.won + p.lost), *source_order(p.source)))
    return Paths(overall, per_source)
