"""What ``funnel stages`` prints: the pipeline, and one line after each change to it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from funnelcli import records
from funnelcli.i18n import stage_name
from funnelcli.models import Stage
from funnelcli.render import Column, Format, Output

STAGE_COLUMNS = (
    Column("position", "#", justify="right"),
    Column("name", "Stage", text=lambda r: stage_name(r["name"]), style="bold"),
    Column("probability", "Win %", text=lambda r: f"{r['probability']} %", justify="right"),
    Column(
        "kind", "Kind", text=lambda r: r["kind"] + (" · opportunity" if r["opportunity"] else "")
    ),
    Column("leads", "Leads now", justify="right"),
)


class StageCount(Protocol):
    """A stage and how many leads are at it now."""

    @property
    def stage(self) -> Stage: ...

    @property
    def leads(self) -> int: ...


def pipeline(out: Output, rows: Iterable[StageCount], fmt: Format) -> None:
    out.records([records.stage(r.stage, leads=r.leads) for r in rows], STAGE_COLUMNS, fmt)


def added(out: Output, stage: Stage, rows: Iterable[StageCount], fmt: Format) -> None:
    """A sentence for people; the whole pipeline for scripts."""
    out.committed(f"stage {stage.name!r} was added")
    if fmt is Format.TABLE:
        out.line(f"Added stage {stage.name!r} at position {stage.position} ({stage.probability} %)")
    else:
        pipeline(out, rows, fmt)


def renamed(out: Output, old: str, stage: Stage) -> None:
    out.committed(f"stage {old!r} was renamed to {stage.name!r}")
    out.line(f"Renamed stage {old!r} to {stage.name!r}")


def moved(out: Output, name: str, order: Sequence[Stage]) -> None:
    out.committed(f"stage {name!r} was moved")
    out.line("Pipeline: " + " → ".join(s.name for s in order))


def probability_set(out: Output, stage: Stage) -> None:
    out.committed(f"the probability of stage {stage.name!r} was set")
    out.line(f"Stage {stage.name!r}: win probability {stage.probability} %")


def opportunity_set(out: Output, stage: Stage) -> None:
    out.committed(f"stage {stage.name!r} was made the opportunity stage")
    out.line(f"Leads become opportunities at stage {stage.name!r}")


def removed(out: Output, stage: Stage) -> None:
    out.committed(f"stage {stage.name!r} was removed")
    out.line(f"Removed stage {stage.name!r}")
