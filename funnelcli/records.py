"""Domain objects as plain records: the stable JSON/CSV contract of every command.

Instants are UTC ISO 8601 strings (``2026-11-29T14:30:00Z``), calendar dates ``YYYY-MM-DD``,
amounts both as an exact decimal string (``"12000.00"``) and as integer cents, with the
currency beside them. Missing values are ``null``.
"""

from __future__ import annotations

from typing import Any

from funnelcli.models import Activity, FollowUp, Lead, Stage, StageChange
from funnelcli.money import to_decimal

#: The fields of a lead record, in order (CSV columns; a header even when there are no rows).
LEAD_KEYS = (
    "id", "name", "company", "email", "phone", "source", "stage", "status", "created_at",
    "updated_at", "closed_at", "lost_reason", "amount", "amount_cents", "currency", "frequency",
    "price_only", "decision_maker", "contact_decides", "needs_approval", "prerequisites",
    "expected_close", "probability", "external_id", "notes",
)  # fmt: skip


def lead(item: Lead, **extra: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "company": item.company,
        "email": item.email,
        "phone": item.phone,
        "source": item.source,
        "stage": item.stage,
        "status": item.status.value,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "lost_reason": item.lost_reason,
        "amount": to_decimal(item.amount_cents),
        "amount_cents": item.amount_cents,
        "currency": item.currency,
        "frequency": item.frequency,
        "price_only": item.price_only,
        "decision_maker": item.decision_maker,
        "contact_decides": item.contact_decides,
        "needs_approval": item.needs_approval,
        "prerequisites": item.prerequisites,
        "expected_close": item.expected_close,
        "probability": item.probability,
        "external_id": item.external_id,
        "notes": item.notes,
        **extra,
    }


def stage(item: Stage, **extra: Any) -> dict[str, Any]:
    return {
        "position": item.position,
        "name": item.name,
        "probability": item.probability,
        "kind": item.kind.value,
        "opportunity": item.is_opportunity,
        **extra,
    }


def stage_change(item: StageChange) -> dict[str, Any]:
    return {
        "id": item.id,
        "lead_id": item.lead_id,
        "from_stage": item.from_stage,
        "to_stage": item.to_stage,
        "at": item.at,
        "note": item.note,
    }


def follow_up(item: FollowUp, **extra: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "lead_id": item.lead_id,
        "text": item.text,
        "due_date": item.due_date,
        "due_time": item.due_time,
        "status": "done" if item.done_at else "open",
        "created_at": item.created_at,
        "done_at": item.done_at,
        "done_note": item.done_note,
        "snooze_count": item.snooze_count,
        **extra,
    }


def activity(item: Activity) -> dict[str, Any]:
    return {
        "id": item.id,
        "lead_id": item.lead_id,
        "type": item.type,
        "text": item.text,
        "at": item.at,
        "follow_up_id": item.follow_up_id,
    }
