"""``funnel delete``: leads removed with their history, from every figure; undoable (the
journal keeps the rows and their ids), or purged from the journal too (``--purge``)."""

from __future__ import annotations

from collections.abc import Sequence

from funnelcli.models.corrections import LeadFootprint
from funnelcli.services.lookup import resolve
from funnelcli.services.stages import load
from funnelcli.store import Store, Tx
from funnelcli.store import corrections as cq


def _footprints(conn: Tx, refs: Sequence[str]) -> list[LeadFootprint]:
    pipeline = load(conn)
    found: dict[int, LeadFootprint] = {}
    for ref in refs:
        lead = resolve(conn, ref)
        follow_ups, activities, moves = cq.footprint(conn, lead.id)
        stage = pipeline.by_id(lead.stage_id).name
        found.setdefault(lead.id, LeadFootprint(lead, stage, follow_ups, activities, moves))
    return list(found.values())


def preview(store: Store, refs: Sequence[str]) -> list[LeadFootprint]:
    """The leads named and what would go with them (for the confirmation)."""
    with store.read() as conn:
        return _footprints(conn, refs)


def delete(store: Store, refs: Sequence[str], *, purge: bool = False) -> list[LeadFootprint]:
    """Delete the leads named, in one transaction (one journal entry: one ``undo``).

    ``purge``: also remove their data from the journal (for a person who asks to be
    forgotten): not journaled, not undoable; SQLite overwrites the freed pages
    (``secure_delete``), and the caller checkpoints the WAL afterwards.
    """
    if not purge:
        with store.write() as conn:
            gone = _footprints(conn, refs)
            for item in gone:
                cq.delete_lead(conn, item.lead.id)
            return gone
    with store.secure_delete(), store.write(journal=False) as conn:
        gone = _footprints(conn, refs)
        for item in gone:
            ids = cq.child_ids(conn, item.lead.id)
            cq.delete_lead(conn, item.lead.id)
            cq.purge(conn, item.lead.id, ids)
    store.checkpoint()
    return gone
