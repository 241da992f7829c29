"""``funnel history``: a lead's stage moves, and dropping a mistaken one.

Dropping a move keeps the history a chain: the move after it now starts where the dropped one
started, and dropping the last move puts the lead back where the previous one left it (its
stage, its close date if that stage is closed, its lost reason from that move's note). The
summary ``reached`` is recomputed by the triggers of schema step 5.
"""

from __future__ import annotations

from funnelcli import dates
from funnelcli.errors import NotFoundError, UsageError
from funnelcli.i18n import _
from funnelcli.models import Lead, StageChange, StageKind
from funnelcli.models.corrections import Dropped
from funnelcli.services.lookup import resolve
from funnelcli.services.stages import load
from funnelcli.store import Store
from funnelcli.store import corrections as cq
from funnelcli.store import queries as q


def history(store: Store, ref: str) -> tuple[Lead, list[StageChange]]:
    with store.read() as conn:
        lead = resolve(conn, ref)
        return lead, q.stage_history(conn, lead.id)


def drop(store: Store, ref: str, move_id: int) -> Dropped:
    with store.write() as conn:
        lead = resolve(conn, ref)
        moves = q.stage_history(conn, lead.id)
        at = next((i for i, move in enumerate(moves) if move.id == move_id), None)
        if at is None:
            raise NotFoundError(
                _("lead {lead} has no stage move {move_id}").format(lead=lead.id, move_id=move_id),
                hint=_("list its moves with: funnel history {lead}").format(lead=lead.id),
            )
        if at == 0:
            raise UsageError(
                _("move {move_id} is the creation of lead {lead}: it cannot be dropped").format(
                    move_id=move_id, lead=lead.id
                ),
                hint=_("to remove the lead: funnel delete {lead}").format(lead=lead.id),
            )
        __, from_stage_id, *___ = cq.move_row(conn, move_id)
        following = moves[at + 1].id if at + 1 < len(moves) else None
        cq.drop_move(conn, move_id, from_stage_id, following)
        pipeline = load(conn)
        if following is None:
            _id, _from, stage_id, when, note = cq.move_row(conn, moves[at - 1].id)
            stage = pipeline.by_id(stage_id)
            q.update_lead(
                conn,
                lead.id,
                {
                    "stage_id": stage.id,
                    "closed_at": when if stage.is_closed else None,
                    "lost_reason": note if stage.kind is StageKind.LOST else None,
                    "updated_at": dates.to_storage(dates.now()),
                },
            )
        moved = q.get_lead(conn, lead.id)
        assert moved is not None
        return Dropped(moved, moves[at], pipeline.by_id(moved.stage_id).name)
