"""What ``funnel stages`` prints: the pipeline, and one line after each change to it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from funnelcli import records
from funnelcli.i18n import _, stage_name
from funnelcli.models import Stage
from funnelcli.render import Column, Format, Output, Record


def _kind(record: Record) -> str:
    """A stage's kind (``open``, ``won``, ``lost``: a code, worded for people)."""
    from funnelcli.i18n.codes import shown

    return shown("kind", record["kind"]) + (_(" · opportunity") if record["opportunity"] else "")


STAGE_COLUMNS = (
    Column("position", "#", justify="right"),
    Column("name", "Stage", text=lambda r: stage_name(r["name"]), style="bold"),
    Column("probability", "Win %", text=lambda r: f"{r['probability']} %", justify="right"),
    Column("kind", "Kind", text=_kind),
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
    out.committed(_("stage {stage!r} was added").format(stage=stage_name(stage.name)))
    if fmt is Format.TABLE:
        out.line(
            _("Added stage {name!r} at position {position} ({probability} %)").format(
                name=stage.name, position=stage.position, probability=stage.probability
            )
        )
    else:
        pipeline(out, rows, fmt)


def renamed(out: Output, old: str, stage: Stage) -> None:
    out.committed(
        _("stage {old!r} was renamed to {stage!r}").format(
            old=stage_name(old), stage=stage_name(stage.name)
        )
    )
    out.line(_("Renamed stage {old!r} to {new!r}").format(old=old, new=stage.name))


def moved(out: Output, name: str, order: Sequence[Stage]) -> None:
    out.committed(_("stage {name!r} was moved").format(name=stage_name(name)))
    out.line(_("Pipeline: ") + " → ".join(stage_name(s.name) for s in order))


def probability_set(out: Output, stage: Stage) -> None:
    out.committed(
        _("the probability of stage {stage!r} was set").format(stage=stage_name(stage.name))
    )
    out.line(
        _("Stage {name!r}: win probability {probability} %").format(
            name=stage_name(stage.name), probability=stage.probability
        )
    )


def opportunity_set(out: Output, stage: Stage) -> None:
    out.committed(
        _("stage {stage!r} was made the opportunity stage").format(stage=stage_name(stage.name))
    )
    out.line(_("Leads become opportunities at stage {name!r}").format(name=stage_name(stage.name)))


def removed(out: Output, stage: Stage) -> None:
    out.committed(_("stage {stage!r} was removed").format(stage=stage_name(stage.name)))
    out.line(_("Removed stage {name!r}").format(name=stage_name(stage.name)))
