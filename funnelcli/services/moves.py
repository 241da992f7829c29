"""Moving a lead through the pipeline: advance (also backwards, or reopening), win, lose.

Every move is recorded in ``stage_changes`` with its date: the history is the source of truth
for conversion rates and cycle times.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from funnelcli import dates
from funnelcli.errors import UsageError
from funnelcli.i18n import _, stage_name
from funnelcli.models import Lead, Moved, Stage, StageKind, cancel_reason
from funnelcli.money import parse_currency
from funnelcli.services.lookup import resolve
from funnelcli.services.stages import Pipeline, load
from funnelcli.store import Store, Tx, promises
from funnelcli.store import queries as q
from funnelcli.text import clean


def event_moment(
    conn: Tx,
    lead: Lead,
    at: datetime | None,
    *,
    now: datetime | None = None,
    after_last_move: bool = False,
) -> str:
    """When something happened to ``lead`` (``--at``, default now), as stored.

    Never before the lead was created (nor, for a stage change, before its last one). A date
    given without a time (local midnight) on that same day means "that day" and is taken as the
    creation (or last move) moment; any other earlier moment is refused.
    """
    moment = (at or now or dates.now()).astimezone()
    floors: list[tuple[str, str | None]] = [
        (_("--at {shown} is before lead {lead} was created ({value})"), lead.created_at)
    ]
    if after_last_move:
        floors.append(
            (
                _("--at {shown} is before lead {lead} last changed stage ({value})"),
                q.last_stage_change_at(conn, lead.id),
            )
        )
    for refusal, floor in floors:
        if floor is None:
            continue
        floor_moment = dates.from_storage(floor)
        if moment >= floor_moment:
            continue
        date_only = moment.time() == time(0)
        if date_only and moment.date() == floor_moment.date():
            moment = floor_moment
        else:
            shown = f"{moment:%Y-%m-%d}" if date_only else f"{moment:%Y-%m-%d %H:%M}"
            raise UsageError(
                refusal.format(shown=shown, lead=lead.id, value=dates.format_local(floor))
            )
    return dates.to_storage(moment)


def move(
    conn: Tx,
    lead: Lead,
    pipeline: Pipeline,
    target: Stage,
    *,
    at: datetime | None,
    note: str | None,
    extra: dict[str, Any] | None = None,
    keep_follow_ups: bool = True,
) -> Moved:
    """Move ``lead`` to ``target``; closing it cancels its open promises unless
    ``keep_follow_ups`` (their reason: ``lead-won`` or ``lead-lost``)."""
    current = pipeline.by_id(lead.stage_id)
    if target.id == current.id:
        raise UsageError(
            _("lead {lead} is already at stage {current!r}").format(
                lead=lead.id, current=stage_name(current.name)
            )
        )
    stamp = event_moment(conn, lead, at, after_last_move=True)
    values: dict[str, Any] = {
        "stage_id": target.id,
        "closed_at": stamp if target.is_closed else None,
        "updated_at": dates.to_storage(dates.now()),
        **(extra or {}),
    }
    if current.kind is StageKind.LOST and not target.is_closed:
        values.setdefault("lost_reason", None)  # reopened: the reason stays in the history
    q.update_lead(conn, lead.id, values)
    q.insert_stage_change(conn, lead.id, current.id, target.id, stamp, clean(note))
    cancelled = 0
    if target.is_closed and not keep_follow_ups:
        reason = cancel_reason(target.kind.value)
        assert reason is not None  # a closed stage
        cancelled = promises.cancel_open(conn, lead.id, stamp, reason)
    moved = q.get_lead(conn, lead.id)
    assert moved is not None
    reopened = current.is_closed and not target.is_closed
    return Moved(moved, current, target, stamp, reopened, cancelled)


def advance(
    store: Store,
    ref: str,
    stage: str | None = None,
    *,
    at: datetime | None = None,
    note: str | None = None,
    keep_follow_ups: bool = False,
) -> Moved:
    """Move a lead to the next open stage, or to the stage named (backwards, or reopening);
    to won or lost, as :func:`win` and :func:`lose` do."""
    with store.write() as conn:
        lead = resolve(conn, ref)
        pipeline = load(conn)
        current = pipeline.by_id(lead.stage_id)
        if stage is None:
            if current.is_closed:
                raise UsageError(
                    (
                        _("lead {lead} is won: a closed lead does not advance")
                        if current.kind.value == "won"
                        else _("lead {lead} is lost: a closed lead does not advance")
                    ).format(lead=lead.id),
                    hint=_("to reopen it: funnel reopen {lead}").format(lead=lead.id),
                )
            target = pipeline.next_open(current)
            if target is None:
                raise UsageError(
                    _("lead {lead} is at the last open stage {current!r}").format(
                        lead=lead.id, current=stage_name(current.name)
                    ),
                    hint=_("close it with: funnel win {lead}  or  funnel lose {lead}").format(
                        lead=lead.id
                    ),
                )
        else:
            target = pipeline.find(stage)
        keep = keep_follow_ups
        if target.kind is StageKind.WON:
            return _close_won(conn, lead, pipeline, at=at, note=note, keep_follow_ups=keep)
        if target.kind is StageKind.LOST:
            return _close_lost(conn, lead, pipeline, at=at, reason=note, keep_follow_ups=keep)
        return move(conn, lead, pipeline, target, at=at, note=note)


def _refuse_closed(lead: Lead, pipeline: Pipeline, verb: str) -> None:
    if lead.is_closed:
        refusals = {
            ("won", "won"): _("lead {lead} is already won: it cannot be won"),
            ("won", "lost"): _("lead {lead} is already won: it cannot be lost"),
            ("lost", "won"): _("lead {lead} is already lost: it cannot be won"),
            ("lost", "lost"): _("lead {lead} is already lost: it cannot be lost"),
        }
        raise UsageError(
            refusals[lead.stage_kind.value, verb].format(lead=lead.id),
            hint=_("reopen it first: funnel reopen {lead}").format(lead=lead.id),
        )


def _close_won(
    conn: Tx,
    lead: Lead,
    pipeline: Pipeline,
    *,
    at: datetime | None,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
    keep_follow_ups: bool,
) -> Moved:
    _refuse_closed(lead, pipeline, "won")
    return move(
        conn,
        lead,
        pipeline,
        pipeline.won,
        at=at,
        note=note,
        extra=extra,
        keep_follow_ups=keep_follow_ups,
    )


def _close_lost(
    conn: Tx,
    lead: Lead,
    pipeline: Pipeline,
    *,
    at: datetime | None,
    reason: str | None,
    keep_follow_ups: bool,
) -> Moved:
    _refuse_closed(lead, pipeline, "lost")
    return move(
        conn,
        lead,
        pipeline,
        pipeline.lost,
        at=at,
        note=reason,
        extra={"lost_reason": clean(reason)},
        keep_follow_ups=keep_follow_ups,
    )


def win(
    store: Store,
    ref: str,
    *,
    amount_cents: int | None = None,
    currency: str | None = None,
    at: datetime | None = None,
    note: str | None = None,
    keep_follow_ups: bool = False,
) -> Moved:
    """Close a lead as won (optionally with its final amount and currency); its open promises
    are cancelled unless ``keep_follow_ups``."""
    extra: dict[str, Any] = {}
    if amount_cents is not None:
        extra["amount_cents"] = amount_cents
    if currency:
        extra["currency"] = parse_currency(currency)
    with store.write() as conn:
        lead = resolve(conn, ref)
        return _close_won(
            conn, lead, load(conn), at=at, note=note, extra=extra, keep_follow_ups=keep_follow_ups
        )


def lose(
    store: Store,
    ref: str,
    *,
    reason: str | None = None,
    at: datetime | None = None,
    keep_follow_ups: bool = False,
) -> Moved:
    """Close a lead as lost, with the reason (which the ``lost`` report counts); its open
    promises are cancelled unless ``keep_follow_ups``."""
    with store.write() as conn:
        lead = resolve(conn, ref)
        return _close_lost(
            conn, lead, load(conn), at=at, reason=reason, keep_follow_ups=keep_follow_ups
        )
