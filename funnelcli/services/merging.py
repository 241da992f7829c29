"""``funnel merge KEEP OTHER…``: duplicates folded into one lead, in one transaction (one
journal entry: one ``undo`` gives both leads back with their ids).

The rules, for each OTHER in turn (a later one merges into the result of the earlier ones):

- KEEP keeps its id and name; OTHER's follow-ups, actions and external ids move onto it (its
  own external id, if KEEP has none, becomes KEEP's; else one of KEEP's other ids, which
  imports and ``funnel show ID`` find too); OTHER's notes are added after KEEP's;
- the earliest created date wins, with its first-touch source (the other lead's source only
  when that one has none) and its "estimated" mark;
- the stage history kept is that of the lead furthest along: won first, then the open stages
  from the last one back, then lost (a duplicate was often closed as lost to hide it); on a
  tie, KEEP's. The lead's stage, close date and lost reason go with it, and its creation move
  is moved back to the created date when that came from the other lead;
- contact and qualification fields: KEEP's, each empty one filled from OTHER (the amount with
  its currency).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from funnelcli import dates
from funnelcli.errors import UsageError
from funnelcli.i18n import _
from funnelcli.models import Lead, StageKind
from funnelcli.models.corrections import MergedLead, MergeResult
from funnelcli.pipeline import Pipeline
from funnelcli.services.lookup import resolve
from funnelcli.services.stages import load
from funnelcli.store import Store, Tx
from funnelcli.store import corrections as cq
from funnelcli.store import merging as mq
from funnelcli.store import queries as q
from funnelcli.store.migrations import CLOSED_ESTIMATED, CREATED_ESTIMATED

#: The fields filled from OTHER where KEEP's are empty (the amount goes with its currency).
FILLED = (
    "company", "email", "phone", "amount_cents", "frequency", "term", "billed_until",
    "price_only", "decision_maker", "contact_decides", "needs_approval", "prerequisites",
    "expected_close", "probability",
)  # fmt: skip
#: The fields that go with the stage history.
_STAGE_FIELDS = ("stage_id", "closed_at", "lost_reason")


def _progress(pipeline: Pipeline, lead: Lead) -> int:
    """How far along a lead is, for the choice of history: won, open stages, lost."""
    stage = pipeline.by_id(lead.stage_id)
    if stage.kind is StageKind.WON:
        return len(pipeline.stages)
    return -1 if stage.kind is StageKind.LOST else pipeline.rank(stage)


def merge(store: Store, keep_ref: str, other_refs: Sequence[str]) -> MergeResult:
    """Merge the leads ``other_refs`` into ``keep_ref``."""
    with store.write() as conn:
        pipeline = load(conn)
        keep = resolve(conn, keep_ref)
        others: list[Lead] = []
        for ref in other_refs:
            other = resolve(conn, ref)
            if other.id == keep.id:
                raise UsageError(
                    _("lead {keep} cannot be merged into itself").format(keep=keep.id),
                    hint=_(
                        "name the leads to merge into it after it: funnel merge {keep} OTHER…"
                    ).format(keep=keep.id),
                )
            if all(o.id != other.id for o in others):
                others.append(other)
        merged = [_merge_one(conn, pipeline, keep.id, other) for other in others]
        after = q.get_lead(conn, keep.id)
        assert after is not None
        return MergeResult(after, merged)


def _merge_one(conn: Tx, pipeline: Pipeline, keep_id: int, other: Lead) -> MergedLead:
    keep = q.get_lead(conn, keep_id)
    assert keep is not None
    history = _progress(pipeline, other) > _progress(pipeline, keep)
    earlier = other.created_at < keep.created_at
    keep_estimated = mq.dates_estimated(conn, keep.id)
    other_estimated = mq.dates_estimated(conn, other.id)
    keep_key, other_key = mq.import_key(conn, keep.id), mq.import_key(conn, other.id)

    follow_ups = mq.move_history(conn, "follow_ups", other.id, keep.id)
    activities = mq.move_history(conn, "activities", other.id, keep.id)
    if history:
        mq.delete_stage_changes(conn, keep.id)
        mq.move_history(conn, "stage_changes", other.id, keep.id)
    external_ids = mq.move_external_ids(conn, other.id, keep.id)
    mq.move_import_keys(conn, other.id, keep.id)
    cq.delete_lead(conn, other.id)  # its own external id is free from here

    changes: dict[str, Any] = {}
    filled = [f for f in FILLED if getattr(keep, f) is None and getattr(other, f) is not None]
    for field in filled:
        changes[field] = getattr(other, field)
    if "amount_cents" in filled:
        changes["currency"] = other.currency
    notes = bool(other.notes) and other.notes != keep.notes
    if notes:
        changes["notes"] = f"{keep.notes}\n{other.notes}" if keep.notes else other.notes
    if earlier:
        changes["created_at"] = other.created_at
        changes["source"] = other.source or keep.source
    elif keep.source is None and other.source is not None:
        changes["source"] = other.source
    if history:
        changes.update({f: getattr(other, f) for f in _STAGE_FIELDS})
    if other.external_id is not None:
        if keep.external_id is None:
            changes["external_id"] = other.external_id
        else:
            mq.add_external_id(conn, keep.id, other.external_id)
        external_ids.insert(0, other.external_id)
    changes["updated_at"] = dates.to_storage(dates.now())
    q.update_lead(conn, keep.id, changes)
    created = changes.get("created_at", keep.created_at)
    mq.redate_creation(conn, keep.id, created)
    created_from = other_estimated if earlier else keep_estimated
    closed_from = other_estimated if history else keep_estimated
    if keep_key and other_key and other_key != keep_key:
        mq.add_import_key(conn, keep.id, other_key)  # a re-import of its row finds KEEP
    mq.set_derived(
        conn,
        keep.id,
        import_key=keep_key or other_key,
        estimated=(created_from & CREATED_ESTIMATED) | (closed_from & CLOSED_ESTIMATED),
    )
    return MergedLead(other, follow_ups, activities, external_ids, filled, notes, history, earlier)
