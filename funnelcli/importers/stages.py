"""The stages a file's stage and status words mean: ``--stage-map`` first, then the pipeline's
stage names, then common won/lost/open words (English and French)."""

from __future__ import annotations

from funnelcli.errors import UsageError
from funnelcli.importers.problems import ValueProblem
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline
from funnelcli.text import fold

OPEN_WORDS = frozenset({"open", "ouvert", "ouverte", "en cours", "active", "actif", "new lead"})
WON_WORDS = frozenset({
    "won", "win", "closed won", "closed-won", "gagne", "gagnee", "signed", "signe", "signee",
    "conclu", "conclue", "vendu", "vendue", "sold",
})  # fmt: skip
LOST_WORDS = frozenset({
    "lost", "lose", "closed lost", "closed-lost", "perdu", "perdue", "disqualified",
    "disqualifie", "disqualifiee", "abandonne", "abandonnee", "rejected", "refuse", "refusee",
})  # fmt: skip


class StageWords:
    """Status words of a file -> stages: ``--stage-map`` first, then stage names, then won/lost."""

    def __init__(self, pipeline: Pipeline, stage_map: dict[str, str]) -> None:
        stages = pipeline.stages
        self._by_name = {fold(s.name): s for s in stages}
        self.won = pipeline.won
        self.lost = pipeline.lost
        self._map: dict[str, Stage | None] = {}
        for word, target in stage_map.items():
            folded = fold(target)
            if folded in self._by_name:
                self._map[fold(word)] = self._by_name[folded]
            elif folded in OPEN_WORDS:
                self._map[fold(word)] = None
            else:
                raise UsageError(
                    f"--stage-map {word}={target}: unknown stage {target!r}: expected one of "
                    + ", ".join(s.name for s in stages)
                )
        self._cache: dict[str, Stage | None] = {}

    def __call__(self, text: str) -> Stage | None:
        """The stage a word means; None for "open" (no stage given). Unknown: ValueProblem."""
        key = fold(text)
        if key in self._cache:
            return self._cache[key]
        if key in self._map:
            found = self._map[key]
        elif key in self._by_name:
            found = self._by_name[key]
        elif key in WON_WORDS:
            found = self.won
        elif key in LOST_WORDS:
            found = self.lost
        elif key in OPEN_WORDS:
            found = None
        else:
            raise ValueProblem(
                "unknown stage: expected one of "
                + ", ".join(self._by_name[k].name for k in self._by_name)
                + f", or map it with --stage-map '{text}=STAGE'"
            )
        if len(self._cache) < 1000:
            self._cache[key] = found
        return found
