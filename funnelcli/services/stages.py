"""``funnel stages``: list, add, rename, move, re-weight and remove the stages of the pipeline.

The stage model itself is :class:`funnelcli.pipeline.Pipeline`; :func:`load` builds it from the
store's stage rows (once per command).
"""

from typing import NamedTuple

from funnelcli.errors import UsageError
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
        raise UsageError(f"invalid probability {probability}: expected 0 to 100 (percent)")
    return probability


def _check_new_name(pipeline: Pipeline, name: str, *, except_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UsageError("a stage name cannot be empty")
    if hidden := control_characters(name):
        raise UsageError(
            f"invalid stage name {name!r}: a stage name cannot hold control characters "
            f"({', '.join(dict.fromkeys(hidden))})"
        )
    if name.isdigit():
        raise UsageError(f"invalid stage name {name!r}: a stage name cannot be a number")
    for stage in pipeline.stages:
        if fold(stage.name) == fold(name) and stage.id != except_id:
            raise UsageError(f"a stage named {stage.name!r} already exists")
    return name


def _placed(pipeline: Pipeline, moving: Stage | None, after: str | None, before: str | None):
    """The open stages re-ordered with ``moving`` placed after/before another open stage."""
    if after and before:
        raise UsageError("give --after or --before, not both")
    others = [s for s in pipeline.open if moving is None or s.id != moving.id]
    anchor_name = after or before
    if anchor_name is None:
        return others, len(others)
    anchor = pipeline.find(anchor_name)
    if anchor.is_closed:
        raise UsageError(
            f"stage {anchor.name!r} is a closed stage: open stages always come before "
            f"{pipeline.won.name!r} and {pipeline.lost.name!r}"
        )
    if moving is not None and anchor.id == moving.id:
        raise UsageError(f"cannot place stage {moving.name!r} relative to itself")
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
        raise UsageError("say where to move the stage: --after STAGE or --before STAGE")
    with store.write() as conn:
        pipeline = load(conn)
        stage = pipeline.find(name)
        if stage.is_closed:
            raise UsageError(f"stage {stage.name!r} is a closed stage: it cannot be moved")
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
                f"stage {stage.name!r} is closed: its probability is fixed at {stage.probability}%"
            )
        q.update_stage(conn, stage.id, probability=_check_probability(probability))
        return load(conn).by_id(stage.id)


def set_opportunity(store: Store, name: str) -> Stage:
    with store.write() as conn:
        stage = load(conn).find(name)
        if stage.is_closed:
            raise UsageError(
                f"stage {stage.name!r} is closed: the opportunity stage must be an open stage"
            )
        q.set_opportunity_stage(conn, stage.id)
        return load(conn).by_id(stage.id)


def remove_stage(store: Store, name: str) -> Stage:
    """Remove an open stage that no lead is at or has ever been at."""
    with store.write() as conn:
        pipeline = load(conn)
        stage = pipeline.find(name)
        if stage.is_closed:
            raise UsageError(f"stage {stage.name!r} is a closed stage: it cannot be removed")
        if stage.is_opportunity:
            raise UsageError(
                f"stage {stage.name!r} is the opportunity stage: "
                "choose another with 'funnel stages set-opportunity' first"
            )
        if len(pipeline.open) == 1:
            raise UsageError("the pipeline needs at least one open stage")
        if q.stage_is_used(conn, stage.id):
            raise UsageError(
                f"stage {stage.name!r} is in the history of some leads: it cannot be removed",
                hint="rename it instead: funnel stages rename OLD NEW",
            )
        q.delete_stage(conn, stage.id)
        q.set_stage_positions(conn, [s.id for s in pipeline.stages if s.id != stage.id])
        return stage
