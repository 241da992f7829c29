"""The pipeline: THE model of the stage ladder, built once per command from the store's stages.

Stages are referred to by id in the history, so renaming, reordering or re-weighting them keeps
historical data consistent: "reached stage X" is always computed with the current order.

Build it from the stage rows in pipeline order (``funnelcli.store.queries.stages``: the open
stages by position, then won, then lost) and pass it down::

    pipeline = Pipeline(q.stages(conn))

The API (pure, standard library only; a stage is a :class:`funnelcli.models.Stage`):

- ``pipeline.stages``: every stage, in pipeline order;
- ``open`` (the open stages in order), ``won``, ``lost``, ``opportunity`` (the stage from which
  a lead counts as an opportunity), ``funnel_stages`` (the open stages, then won);
- ``rank(stage_or_id)``: the stage's place in that order (0 for the first open stage; won ranks
  after every open stage, lost last): what "reached" is measured on;
- ``by_id(stage_id)``, ``find(name)`` (case- and accent-insensitive; an unknown name raises
  :class:`~funnelcli.errors.NotFoundError`), ``next_open(stage)``;
- ``opportunity_ids()``: the open stages at or past the opportunity stage;
- ``peak_ranks()``: the rank of every stage that counts towards "reached" (all but lost);
- ``reached(peak, stage)``: whether a lead whose peak rank is ``peak`` reached ``stage``.
"""

from collections.abc import Iterable

from funnelcli.errors import NotFoundError
from funnelcli.i18n import _, french_stage_names, stage_name
from funnelcli.models import Stage, StageKind
from funnelcli.text import fold


class Pipeline:
    """The stages in pipeline order, with their ranks and lookups (immutable)."""

    __slots__ = ("_by_id", "_ranks", "stages")

    def __init__(self, stages: Iterable[Stage]) -> None:
        self.stages: tuple[Stage, ...] = tuple(stages)
        self._ranks = {s.id: i for i, s in enumerate(self.stages)}
        self._by_id = {s.id: s for s in self.stages}

    def __repr__(self) -> str:
        return f"Pipeline({' → '.join(s.name for s in self.stages)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pipeline) and self.stages == other.stages

    def __hash__(self) -> int:
        return hash(self.stages)

    @property
    def open(self) -> list[Stage]:
        return [s for s in self.stages if s.kind is StageKind.OPEN]

    @property
    def won(self) -> Stage:
        return next(s for s in self.stages if s.kind is StageKind.WON)

    @property
    def lost(self) -> Stage:
        return next(s for s in self.stages if s.kind is StageKind.LOST)

    @property
    def opportunity(self) -> Stage:
        return next(s for s in self.stages if s.is_opportunity)

    @property
    def funnel_stages(self) -> list[Stage]:
        """The steps of the funnel: the open stages in order, then won."""
        return [*self.open, self.won]

    def rank(self, stage: Stage | int) -> int:
        """Order used for "reached": open stages by position, won after every open stage."""
        return self._ranks[stage if isinstance(stage, int) else stage.id]

    def by_id(self, stage_id: int) -> Stage:
        return self._by_id[stage_id]

    def find(self, name: str) -> Stage:
        """A stage by name, case- and accent-insensitively (a built-in stage by its French name
        too); unknown names exit 2."""
        wanted = fold(name or "")
        for stage in self.stages:
            if fold(stage.name) == wanted:
                return stage
        french = french_stage_names()  # a built-in stage by its French name: "gagné"
        for stage in self.stages:
            if stage.name in french and fold(french[stage.name]) == wanted:
                return stage
        raise NotFoundError(
            _("unknown stage {name!r}: expected one of {names}").format(
                name=name, names=", ".join(stage_name(s.name) for s in self.stages)
            ),
            hint=_("see the pipeline with: funnel stages list"),
        )

    def next_open(self, stage: Stage) -> Stage | None:
        """The open stage after ``stage``, or None at the end of the open stages."""
        open_stages = self.open
        index = next(i for i, s in enumerate(open_stages) if s.id == stage.id)
        return open_stages[index + 1] if index + 1 < len(open_stages) else None

    def opportunity_ids(self) -> list[int]:
        """Open stages at or past the opportunity stage."""
        floor = self.rank(self.opportunity)
        return [s.id for s in self.open if self.rank(s) >= floor]

    def peak_ranks(self) -> dict[int, int]:
        """Rank of every stage that counts towards "reached" (all but lost)."""
        return {s.id: self.rank(s) for s in self.stages if s.kind is not StageKind.LOST}

    def reached(self, peak: int | None, stage: Stage) -> bool:
        return peak is not None and peak >= self.rank(stage)
