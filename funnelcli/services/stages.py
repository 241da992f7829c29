"""``funnel stages``: list, add, rename, move, re-weight and remove the stages of the pipeline.

The stage model itself is :class:`funnelcli.pipeline.Pipeline`; :func:`load` builds it from the
store's stage rows (once per command).
"""

from typing import NamedTuple

from funnelcli.errors import UsageError
from funnelcli.i18n import BUILTIN_STAGES, _, french_stage_names, stage_name
from funnelcli.models import Stage
from funnelcli.pipeline import Pipeline
from funnelcli.store import Store, Tx
from funnelcli.store import queries as q
from funnelcli.text import control_characters, fold


def load(conn: Tx) -> Pipeline:
    """The pipeline as it is in this transaction."""
    return Pipeline(q.stages(conn))


class StageRow(NamedTuple):
    stage: Stage
    leads: int


def list_stages(store: Store) -> list[StageRow]:
    with store.read() as conn:
        counts = q.stage_lead_counts(conn)
        return [StageRow(s, counts.get(s.id, 0)) for s in load(conn).stages]


def _check_probability(probability: int) -> int:
    if not 0 <= probability <= 100:
        raise UsageError(
            _("invalid probability {probability}: expected 0 to 100 (percent)").format(
                probability=probability
            )
        )
    return probability


def _check_new_name(pipeline: Pipeline, name: str, *, except_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UsageError(_("a stage name cannot be empty"))
    if hidden := control_characters(name):
        raise UsageError(
            _(
                "invalid stage name {name!r}: a stage name cannot hold control characters "
                "({choices})"
            ).format(name=name, choices=", ".join(dict.fromkeys(hidden)))
        )
    if name.isdigit():
        raise UsageError(
            _("invalid stage name {name!r}: a stage name cannot be a number").format(name=name)
        )
    for stage in pipeline.stages:
        if fold(stage.name) == fold(name) and stage.id != except_id:
            raise UsageError(
                _("a stage named {stage!r} already exists").format(stage=stage_name(stage.name))
            )
    _check_not_builtin(pipeline, name, except_id)
    return name


def _check_not_builtin(pipeline: Pipeline, name: str, except_id: int | None) -> None:
    """A built-in stage's name, English or French (``nouveau``), is taken while that stage is in
    the pipeline, whatever the language: ``new`` is shown ``nouveau`` in French, and two
    ``nouveau`` would make ``advance 3 nouveau`` ambiguous."""
    wanted = fold(name)
    french = french_stage_names()
    for stage in pipeline.stages:
        if stage.id == except_id or stage.name not in BUILTIN_STAGES:
            continue
        if wanted == fold(french[stage.name]):
            raise UsageError(
                _(
                    "{name!r} is the name of the built-in stage {stage!r}: choose another name"
                ).format(name=name, stage=stage_name(stage.name))
            )


def _placed(pipeline: Pipeline, moving: Stage | None, after: str | None, before: str | None):
    """The open stages re-ordered with ``moving`` placed after/before another open stage."""
    if after and before:
        raise UsageError(_("give --after or --before, not both"))
    others = [s for s in pipeline.open if moving is None or s.id != moving.id]
    anchor_name = after or before
    if anchor_name is None:
        return others, len(others)
    anchor = pipeline.find(anchor_name)
    if anchor.is_closed:
        raise UsageError(
            _(
                "stage {anchor!r} is a closed stage: open stages always come before {won!r} and "
                "{lost!r}"
            ).format(
                anchor=stage_name(anchor.name),
                won=stage_name(pipeline.won.name),
                lost=stage_name(pipeline.lost.name),
            )
        )
    if moving is not None and anchor.id == moving.id:
        raise UsageError(
            _("cannot place stage {moving!r} relative to itself").format(
                moving=stage_name(moving.name)
            )
        )
    index = next(i for i, s in enumerate(others) if s.id == anchor.id)
    return others, index + 1 if after else index


def add_stage(
    store: Store,
    name: str,
    *,
    probability: int | None = None,
    after: str | None = None,
    before: str | None = None,
) -> Stage:
    """Add an open stage (by default, last before the closed stages)."""
    with store.write() as conn:
        pipeline = load(conn)
        name = _check_new_name(pipeline, name)
        others, index = _placed(pipeline, None, after, before)
        if probability is None:  # between its neighbours, a sensible default
            low = others[index - 1].probability if index > 0 else 0
            high = others[index].probability if index < len(others) else 100
            probability = (low + high) // 2
        new_id = q.insert_stage(conn, name, 0, _check_probability(probability))
        ordered = [s.id for s in others]
        ordered.insert(index, new_id)
        q.set_stage_positions(conn, [*ordered, pipeline.won.id, pipeline.lost.id])
        return load(conn).by_id(new_id)


def rename_stage(store: Store, old: str, new: str) -> Stage:
    with store.write() as conn:
        pipeline = load(conn)
        stage = pipeline.find(old)
        name = _check_new_name(pipeline, new, except_id=stage.id)
        q.update_stage(conn, stage.id, name=name)
        return load(conn).by_id(stage.id)


def move_stage(store: Store, name: str, *, after: str | None, before: str | None) -> list[Stage]:
    if not after and not before:
        raise UsageError(_("say where to move the stage: --after STAGE or --before STAGE"))
    with store.write() as conn:
        pipeline = load(conn)
        stage = pipeline.find(name)
        if stage.is_closed:
            raise UsageError(
                _("stage {stage!r} is a closed stage: it cannot be moved").format(
                    stage=stage_name(stage.name)
                )
            )
        others, index = _placed(pipeline, stage, after, before)
        ordered = [s.id for s in others]
        ordered.insert(index, stage.id)
        q.set_stage_positions(conn, [*ordered, pipeline.won.id, pipeline.lost.id])
        return list(load(conn).stages)


def set_probability(store: Store, name: str, probability: int) -> Stage:
    with store.write() as conn:
        stage = load(conn).find(name)
        if stage.is_closed:
            raise UsageError(
                _("stage {stage!r} is closed: its probability is fixed at {probability}%").format(
                    stage=stage_name(stage.name), probability=stage.probability
                )
            )
        q.update_stage(conn, stage.id, probability=_check_probability(probability))
        return load(conn).by_id(stage.id)


def set_opportunity(store: Store, name: str) -> Stage:
    with store.write() as conn:
        stage = load(conn).find(name)
        if stage.is_closed:
            raise UsageError(
                _("stage {stage!r} is closed: the opportunity stage must be an open stage").format(
                    stage=stage_name(stage.name)
                )
            )
        q.set_opportunity_stage(conn, stage.id)
        return load(conn).by_id(stage.id)


def remove_stage(store: Store, name: str) -> Stage:
    """Remove an open stage that no lead is at or has ever been at."""
    with store.write() as conn:
        pipeline = load(conn)
        stage = pipeline.find(name)
        if stage.is_closed:
            raise UsageError(
                _("stage {stage!r} is a closed stage: it cannot be removed").format(
                    stage=stage_name(stage.name)
                )
            )
        if stage.is_opportunity:
            raise UsageError(
                _(
                    "stage {stage!r} is the opportunity stage: choose another with 'funnel "
                    "stages set-opportunity' first"
                ).format(stage=stage_name(stage.name))
            )
        if len(pipeline.open) == 1:
            raise UsageError(_("the pipeline needs at least one open stage"))
        if q.stage_is_used(conn, stage.id):
            raise UsageError(
                _("stage {stage!r} is in the history of some leads: it cannot be removed").format(
                    stage=stage_name(stage.name)
                ),
                hint=_("rename it instead: funnel stages rename OLD NEW"),
            )
        q.delete_stage(conn, stage.id)
        q.set_stage_positions(conn, [s.id for s in pipeline.stages if s.id != stage.id])
        return stage
