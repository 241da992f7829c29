"""Taking a close back: ``funnel reopen LEAD`` (a won or lost lead back at its last open stage)
and ``funnel follow-up reopen ID`` (a kept or cancelled promise open again).

Both are corrections of the present, recorded as they happen: reopening a lead is a move in
its stage history (the close stays there: the lead was won, then reopened); to make a close
never have happened, ``funnel undo`` it instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from funnelcli import dates
from funnelcli.errors import UsageError
from funnelcli.i18n import _, stage_name
from funnelcli.models import CANCEL_REASONS, Item, Lead, Moved, Stage, follow_up_ref
from funnelcli.pipeline import Pipeline
from funnelcli.services import followups
from funnelcli.services.lookup import resolve
from funnelcli.services.moves import move
from funnelcli.services.stages import load
from funnelcli.store import Tx, promises
from funnelcli.store import queries as q

if TYPE_CHECKING:  # pragma: no cover
    from funnelcli.store import Store


def last_open_stage(conn: Tx, lead: Lead, pipeline: Pipeline) -> Stage:
    """The open stage the lead was last at (the first stage if it was never at one)."""
    for change in reversed(q.stage_history(conn, lead.id)):
        stage = pipeline.find(change.to_stage)
        if not stage.is_closed:
            return stage
    return pipeline.open[0]


def reopen_lead(
    store: Store, ref: str, *, at: datetime | None = None, note: str | None = None
) -> Moved:
    """Put a won or lost lead back at its last open stage (a move; the close date and lost
    reason are cleared) and open again the promises its close cancelled."""
    with store.write() as conn:
        lead = resolve(conn, ref)
        if not lead.is_closed:
            raise UsageError(
                _(
                    "lead {id} is open (at {stage!r}): only a won or lost lead can be reopened"
                ).format(id=lead.id, stage=stage_name(lead.stage)),
                hint=_("to move it back: funnel advance {id} STAGE").format(id=lead.id),
            )
        pipeline = load(conn)
        closed_at = lead.closed_at
        moved = move(conn, lead, pipeline, last_open_stage(conn, lead, pipeline), at=at, note=note)
        restored = 0
        if closed_at is not None:
            restored = promises.restore_cancelled(conn, lead.id, closed_at, list(CANCEL_REASONS))
        return moved._replace(follow_ups=restored)


def reopen_follow_up(store: Store, follow_up_id: int, *, now: datetime | None = None) -> Item:
    """Open a kept or cancelled promise again. Reopening a kept one deletes the
    ``follow-up`` activity that keeping it logged (it did not happen after all)."""
    now = (now or dates.now()).astimezone()
    with store.write() as conn:
        row = followups.get_row(conn, follow_up_id)
        f = row.follow_up
        if f.done_at is None:
            raise UsageError(
                _(
                    "follow-up {ref} is open: only a done or cancelled follow-up can be reopened"
                ).format(ref=follow_up_ref(f.id))
            )
        promises.reopen(conn, f.id, followups.DONE_ACTIVITY)
        return followups.as_item(followups.get_row(conn, f.id), now)
