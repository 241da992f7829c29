"""The stages a file's stage and status words mean: ``--stage-map`` first, then the pipeline's
stage names, then the vocabulary of the big CRMs' default stages (``stage_words.toml``, read by
the import and handed in: :func:`vocabulary`)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from funnelcli.errors import UsageError
from funnelcli.i18n import _, stage_name
from funnelcli.importers.problems import ValueProblem
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline
from funnelcli.text import fold

#: funnel's default open stages, in order: what the vocabulary's words name.
DEFAULT_OPEN = ("new", "contacted", "qualified", "proposal", "negotiation")
#: What a word of the vocabulary may name: a default stage, or "open" (no stage given).
TARGETS = frozenset({*DEFAULT_OPEN, "won", "lost", "open"})
#: Words that mean "open" in ``--stage-map`` targets.
OPEN_WORDS = frozenset({"open", "ouvert", "ouverte", "en cours", "active", "actif"})
#: The code of the problem of an unknown stage word (the import lists them all at once).
UNKNOWN_STAGE = "unknown-stage"


def vocabulary(table: Mapping[str, Any]) -> dict[str, str]:
    """The parsed ``stage_words.toml`` (``{family: {word: default stage}}``) -> ``{folded word:
    default stage}``. A word naming an unknown stage, or two stages in two families, is a
    ``ValueError`` (a broken file in the package: its test catches it)."""
    words: dict[str, str] = {}
    for family, entries in table.items():
        for word, target in entries.items():
            if target not in TARGETS:
                raise ValueError(f"stage words [{family}] {word!r}: unknown stage {target!r}")
            key = fold(word)
            if words.setdefault(key, target) != target:
                raise ValueError(
                    f"stage words [{family}] {word!r}: {target}, elsewhere {words[key]}"
                )
    return words


def resolve(pipeline: Pipeline, default: str) -> Stage | None:
    """The stage of ``pipeline`` a default stage name means: won and lost are the pipeline's
    won and lost stages, whatever their names; an open default stage is the open stage of that
    name, else — when the user renamed or removed it — the open stage at the same position
    among the default open stages (``qualified``: the third), provided that stage's name is not
    itself another default stage (the user removed one: the rest moved up, so the position
    would name a wrong stage). None: "open", no stage given. LookupError: nothing fits (the
    word stays unknown)."""
    if default == "open":
        return None
    if default == "won":
        return pipeline.won
    if default == "lost":
        return pipeline.lost
    opened = pipeline.open
    for stage in opened:
        if fold(stage.name) == default:
            return stage
    position = DEFAULT_OPEN.index(default)
    if position < len(opened) and fold(opened[position].name) not in DEFAULT_OPEN:
        return opened[position]
    raise LookupError(default)


class StageWords:
    """Status words of a file -> stages: ``--stage-map`` first, then stage names, then the
    vocabulary (``{folded word: default stage}``, see :func:`vocabulary` and :func:`resolve`)."""

    def __init__(
        self, pipeline: Pipeline, stage_map: dict[str, str], words: Mapping[str, str] | None = None
    ) -> None:
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
                    _(
                        "--stage-map {word}={target}: unknown stage {target!r}: expected one of "
                        "{choices}"
                    ).format(
                        word=word,
                        target=target,
                        choices=", ".join(stage_name(s.name) for s in stages),
                    )
                )
        words = words or {}
        resolved: dict[str, Stage | None] = {}
        for default in set(words.values()):
            # renamed or removed beyond recognition (LookupError): its words stay unknown
            with suppress(LookupError):
                resolved[default] = resolve(pipeline, default)
        self._words = {word: resolved[d] for word, d in words.items() if d in resolved}
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
        elif key in self._words:
            found = self._words[key]
        else:
            raise ValueProblem(
                "unknown stage: expected one of "
                + ", ".join(self._by_name[k].name for k in self._by_name)
                + f", or map it with --stage-map '{text}=STAGE'",
                code=UNKNOWN_STAGE,
            )
        if len(self._cache) < 1000:
            self._cache[key] = found
        return found
